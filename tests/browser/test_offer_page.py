"""The wait list's offer page (venteliste/) in Chromium at 360 and 1280 px (docs/site.md#the-
wait-list): an offer's button has the row's width; an entry that has ended offers nothing
to book; a claim the endpoint refuses with 409 `waitlist_ended` says so, not "Noe gikk
galt". axe-core on each state."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
import requests
from booking_support import axe, person
from test_patient_pages import OTHER, api, book, free_slots, offer_links

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)
BOOK_IT = re.compile("Bestill denne timen")


def offered(site, times: int = 1) -> tuple[str, dict]:
    """A patient on the wait list, `times` times freed for them → (the last offer's link,
    the entry's id and token as the link carries them)."""
    days = free_slots(site)
    blocking = [book(site, days[1]["slots"][n]["start"], who=OTHER) for n in range(times)]
    joined = requests.post(f"{api(site)}/waitlist", timeout=10, json={
        "type": "konsultasjon", "calendar": "hansen", "from": days[0]["date"],
        "to": days[4]["date"], "patient": {"id_type": "fnr", **person()}})
    assert joined.status_code == 201, joined.text
    before = set(offer_links(site))
    for made in blocking:
        gone = requests.delete(f"{api(site)}/bookings/{made['booking']['id']}", timeout=10,
                               headers={"Authorization": f"Bearer {made['cancel_token']}"})
        assert gone.status_code == 200, gone.text
    links = [x for x in offer_links(site) if x not in before]
    assert links, "the offer went out"
    entry = {k: v[0] for k, v in parse_qs(links[-1].split("#", 1)[1]).items()}
    return links[-1], entry


def claim_elsewhere(site, entry: dict) -> None:
    """The patient books an offered time from another tab: the entry is booked."""
    view = requests.get(f"{api(site)}/waitlist/{entry['id']}", timeout=10,
                        headers={"Authorization": f"Bearer {entry['token']}"}).json()
    assert len(view["offers"]) >= 1
    slot = view["offers"][0]
    made = requests.post(f"{api(site)}/waitlist/{entry['id']}/claim", timeout=10,
                         json={"calendar": slot["calendar"], "start": slot["start"]},
                         headers={"Authorization": f"Bearer {entry['token']}"})
    assert made.status_code == 201, made.text


def open_offer(site, chromium, width: int, link: str):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(link)
    return page


def clean(page, axe_source: str, name: str) -> None:
    assert axe(page, axe_source) == [], name
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), name


@pytest.mark.parametrize("width", WIDTHS)
def test_an_offers_button_takes_the_rows_width(booking_site, chromium, axe_source, width):
    site = booking_site()
    link, _ = offered(site)
    page = open_offer(site, chromium, width, link)
    button = page.get_by_role("button", name=BOOK_IT).first
    button.wait_for()
    row = page.locator("#offer-slots").bounding_box()
    assert button.bounding_box()["width"] >= row["width"] - 1
    clean(page, axe_source, "offer")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_link_after_booking_offers_nothing_to_book(booking_site, chromium, axe_source,
                                                       width):
    site = booking_site()
    link, entry = offered(site, times=2)  # one is booked; the other is still free
    claim_elsewhere(site, entry)
    page = open_offer(site, chromium, width, link)
    page.get_by_text("Du står ikke lenger på ventelisten").wait_for()
    assert page.get_by_role("button", name=BOOK_IT).count() == 0
    clean(page, axe_source, "ended")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_claim_refused_as_ended_says_so(booking_site, chromium, axe_source, width):
    site = booking_site()
    link, entry = offered(site)
    page = open_offer(site, chromium, width, link)
    button = page.get_by_role("button", name=BOOK_IT).first
    button.wait_for()
    claim_elsewhere(site, entry)  # meanwhile, in another tab
    button.click()
    status = page.locator("#offer-status")
    status.get_by_text("Du står ikke lenger på ventelisten").wait_for()
    assert "Noe gikk galt" not in status.inner_text()
    assert page.get_by_role("button", name=BOOK_IT).count() == 0
    clean(page, axe_source, "refused")
    page.context.close()
