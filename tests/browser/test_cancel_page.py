"""The cancel page's sharp edges in Chromium at 360 and 1280 px (docs/site.md#moving-a-
booking-the-cancel-page): moving is the first offer, cancelling asks first and says what
is cancelled and that it is final. axe-core on each new state."""

from __future__ import annotations

from datetime import datetime

import pytest
from booking_support import axe
from test_patient_pages import book, bookings, free_slots

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)
NB_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
NB_MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
             "september", "oktober", "november", "desember")


def said_in_nb(start: str) -> tuple[str, str]:
    """"2026-12-03T08:00:00+01:00" → ("torsdag 3. desember 2026", "08:00"), as a reader sees it."""
    at = datetime.fromisoformat(start)  # the clinic's offset: Oslo's wall time
    return (f"{NB_WEEKDAYS[at.weekday()]} {at.day}. {NB_MONTHS[at.month - 1]} {at.year}",
            f"{at:%H:%M}")


def open_cancel_page(site, chromium, width: int):
    """A booking made, its cancel page open at `width` → (page, the booking's answer)."""
    made = book(site, free_slots(site)[2]["slots"][0]["start"])
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.page(f"avbestill/#{made['booking']['id']}.{made['cancel_token']}"))
    page.get_by_role("button", name="Avbestill timen").wait_for()
    return page, made


def clean(page, axe_source: str, name: str) -> None:
    assert axe(page, axe_source) == [], name
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), name


@pytest.mark.parametrize("width", WIDTHS)
def test_moving_is_the_first_offer_and_cancelling_comes_below_it(booking_site, chromium,
                                                                  axe_source, width):
    site = booking_site()
    page, _ = open_cancel_page(site, chromium, width)
    move = page.get_by_role("button", name="Flytt timen")
    cancel = page.get_by_role("button", name="Avbestill timen")
    assert "primary" in move.get_attribute("class").split()
    assert "primary" not in cancel.get_attribute("class").split()
    assert move.bounding_box()["y"] < cancel.bounding_box()["y"]
    clean(page, axe_source, "offers")
    move.click()
    calendars = page.locator("#step-calendar")
    calendars.get_by_role("button", name="Kari Hansen").wait_for()
    box = calendars.bounding_box()
    assert cancel.bounding_box()["y"] >= box["y"] + box["height"], "below the move's steps"
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_cancelling_asks_first_and_says_what_and_that_it_is_final(booking_site, chromium,
                                                                   axe_source, width):
    site = booking_site()
    page, made = open_cancel_page(site, chromium, width)
    booking = made["booking"]
    page.get_by_role("button", name="Avbestill timen").click()
    ask = page.locator("#cancel-confirm")
    ask.get_by_role("heading", name="Vil du avbestille timen?").wait_for()
    assert bookings()[0]["status"] == "active", "one tap cancels nothing"
    day, time = said_in_nb(booking["start"])
    text = ask.inner_text()
    assert day in text and time in text and "Konsultasjon" in text
    assert "kan ikke angres" in text
    clean(page, axe_source, "asking")
    ask.get_by_role("button", name="Nei, behold timen").click()
    assert ask.is_hidden() and bookings()[0]["status"] == "active"
    page.get_by_role("button", name="Avbestill timen").click()
    ask.get_by_role("button", name="Ja, avbestill timen").click()
    page.get_by_text("Timen er avbestilt.").wait_for()
    assert bookings()[0]["status"] == "cancelled"
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reload_keeps_the_page_usable_without_the_token_in_the_address_bar(
        booking_site, chromium, axe_source, width):
    site = booking_site()
    page, made = open_cancel_page(site, chromium, width)
    booking, token = made["booking"], made["cancel_token"]
    page.reload()
    page.get_by_role("button", name="Avbestill timen").wait_for()
    assert said_in_nb(booking["start"])[0] in page.locator("#cancel-summary").inner_text()
    assert page.evaluate("location.href") == site.page("avbestill/")
    assert token not in str(page.evaluate("history.state"))
    clean(page, axe_source, "reloaded")
    page.get_by_role("button", name="Avbestill timen").click()
    page.get_by_role("button", name="Ja, avbestill timen").click()
    page.get_by_text("Timen er avbestilt.").wait_for()
    assert bookings()[0]["status"] == "cancelled"
    page.context.close()


def test_the_kept_link_is_this_tabs_only(booking_site, chromium):
    site = booking_site()
    page, _ = open_cancel_page(site, chromium, 1280)
    other = page.context.new_page()
    other.goto(site.page("avbestill/"))
    other.get_by_text("Lenken mangler koden").wait_for()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_names_moving_and_offers_the_bookings_own_calendar_first(
        booking_site, chromium, axe_source, width):
    site = booking_site()
    page, _ = open_cancel_page(site, chromium, width)  # booked with Kari Hansen
    assert page.get_by_role("heading", level=1).inner_text() == "Flytt eller avbestill time"
    assert page.title().startswith("Flytt eller avbestill time")
    page.get_by_role("button", name="Flytt timen").click()
    choices = page.locator("#step-calendar .body button")
    choices.first.wait_for()
    assert choices.first.inner_text().startswith("Kari Hansen")
    assert choices.nth(1).inner_text() == "Første ledige time"
    clean(page, axe_source, "calendars")
    page.context.close()
