"""A mistyped address on the preview server (`endpoint serve --site`): a browser gets a page in
the clinic's language with a way back, the API keeps answering problem+json."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from support import write_clinic

SLUG = "fjordlegene"


@pytest.fixture
def preview(make_app, tmp_path):
    site = tmp_path / "_site"
    (site / SLUG).mkdir(parents=True)
    return lambda: make_app(site=site).test_client()


def test_a_browser_gets_a_page_in_the_clinics_language(preview):
    answer = preview().get(f"/{SLUG}/avbestil/", headers={"Accept": "text/html,*/*;q=0.8"})
    page = BeautifulSoup(answer.data, "html.parser")
    assert (answer.status_code, page.html["lang"], page.h1.text, page.a["href"]) == (
        404, "nb", "Fant ikke siden", f"/{SLUG}/")


def test_an_english_clinics_page_is_in_english(preview, content_dir):
    source = (content_dir / "clinics" / f"{SLUG}.yaml").read_text()
    write_clinic(content_dir, "fjord-en", source.replace("language: nb", "language: en"))
    answer = preview().get("/fjord-en/nothing-here", headers={"Accept": "text/html"})
    assert BeautifulSoup(answer.data, "html.parser").h1.text == "Page not found"


def test_the_api_still_answers_problem_json(preview):
    answer = preview().get(f"/api/v1/clinics/{SLUG}/nothing", headers={"Accept": "text/html"})
    assert (answer.status_code, answer.mimetype) == (404, "application/problem+json")
