"""The pages' ES modules in Chromium, on the paths the other browser tests do not
take: days that fail to load and are tried again, no free day and the way back,
and the admin's page of links (preview, copy) — all without a console error, so
the modules load under the pages' Content-Security-Policy."""

from __future__ import annotations

import json

import pytest
from booking_support import SLUG

pytestmark = pytest.mark.browser

SLOTS = f"**/api/v1/clinics/{SLUG}/slots?*"


def test_days_that_fail_to_load_can_be_tried_again(booking_site, page, browser_errors):
    site = booking_site()
    errors = browser_errors(page)
    failed = []

    def once(route):
        if failed:
            return route.continue_()
        failed.append(route.request.url)
        route.abort()

    page.route(SLOTS, once)
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    # online, the endpoint did not answer: not the patient's network to blame
    page.get_by_text("Timebestillingen svarer ikke akkurat nå").wait_for()
    assert page.locator("#days button").count() == 0
    page.locator("#day-msg").get_by_role("button", name="Prøv igjen").click()
    page.locator("#days button").first.wait_for()
    assert page.locator("#day-msg").is_hidden()
    assert len(failed) == 1
    assert errors == ["Failed to load resource: net::ERR_FAILED"], "the aborted request only"


def test_offline_the_page_says_to_check_the_connection(booking_site, page):
    site = booking_site()
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    page.context.set_offline(True)
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#day-msg").get_by_text("Sjekk nettet og prøv igjen").wait_for()
    page.context.set_offline(False)


def test_no_free_day_says_so_and_leads_back(booking_site, page, browser_errors):
    site = booking_site()
    errors = browser_errors(page)
    page.route(SLOTS, lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"days": [{"date": "2026-12-02", "slots": []}]})))
    page.goto(site.page())
    page.get_by_role("button", name="Ole Berg").click()
    page.get_by_role("button", name="Samtaletime").click()
    # the day step's message (the live region says the same words for screen readers)
    page.locator("#day-msg").get_by_text(
        "Det er ingen ledige timer på nett for dette valget").wait_for()
    assert "+47 55 12 34 56" in page.locator("#day-msg").inner_text()
    page.locator("#day-msg").get_by_role("button", name="Endre").click()
    heading = page.get_by_role("heading", name="Hvem vil du ha time hos?")
    heading.wait_for()
    assert page.evaluate("document.activeElement.id") == "h-calendar"
    assert errors == []


def test_links_page_previews_and_copies(booking_site, page, browser_errors):
    site = booking_site()
    errors = browser_errors(page)
    page.goto(site.page("lenker/"))
    preview = page.get_by_role("button", name="Forhåndsvis").first
    preview.click()
    frame = page.locator("#preview-1 iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == "../"
    assert preview.get_attribute("aria-expanded") == "true"
    page.frame_locator("#preview-1 iframe").locator("#step-calendar").wait_for()
    preview.click()
    assert page.locator("#preview-1").is_hidden()
    page.get_by_role("button", name="Kopier lenke").first.click()
    page.locator(".copied").first.filter(has_text="Kopiert.").wait_for()
    assert errors == []
