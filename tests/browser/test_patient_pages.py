"""The patients' own changes in Chromium (SPEC §11): moving a booking from its
cancellation link through the booking page's slot picker; the time a patient picked
held for them, gone from a second browser, then running out and coming back; the
wait list from the booking page to an offer claimed on `venteliste/`. axe-core on
the new steps at 360 and 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from booking_support import SLUG, axe, person

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


def bookings():
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return list(Booking.select().order_by(Booking.id).dicts())


def api(site) -> str:
    return f"{site.url}/api/v1/clinics/{SLUG}"


def free_slots(site, calendar: str = "hansen", kind: str = "konsultasjon") -> list[dict]:
    got = requests.get(f"{api(site)}/slots", params={"type": kind, "calendar": calendar},
                       timeout=10)
    assert got.status_code == 200, got.text
    return got.json()["days"]


def book(site, start: str, calendar: str = "hansen", who: dict | None = None) -> dict:
    body = {"calendar": calendar, "type": "konsultasjon", "start": start,
            "patient": {"id_type": "fnr", **(who or person())}}
    made = requests.post(f"{api(site)}/bookings", json=body, timeout=10)
    assert made.status_code == 201, made.text
    return made.json()


def check_axe(page, axe_source, artifacts_dir, name: str, found: dict) -> None:
    page.wait_for_timeout(50)
    found[name] = axe(page, axe_source)
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), name


@pytest.mark.parametrize("width", WIDTHS)
def test_move_a_booking_from_the_cancellation_link(booking_site, chromium, browser_errors,
                                                   axe_source, artifacts_dir, width):
    site = booking_site()
    days = free_slots(site)
    made = book(site, days[2]["slots"][0]["start"])
    token, booking_id = made["cancel_token"], made["booking"]["id"]
    context = chromium.new_context(viewport={"width": width, "height": 800}, accept_downloads=True)
    page = context.new_page()
    errors = browser_errors(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    found: dict[str, list] = {}

    page.goto(site.page(f"avbestill/#{booking_id}.{token}"))
    page.get_by_role("button", name="Flytt timen").click()
    check_axe(page, axe_source, artifacts_dir, f"move-{width}-1-calendar", found)
    # the same picker as booking: any calendar that offers the type
    page.locator("#step-calendar").get_by_role("button", name="Kari Hansen").click()
    page.locator("#days button").first.wait_for()
    check_axe(page, axe_source, artifacts_dir, f"move-{width}-2-day", found)
    page.locator("#days button").nth(3).click()
    new_time = page.locator("#slots button").first.inner_text()
    page.locator("#slots button").first.click()
    confirm = page.locator("#step-confirm")
    confirm.get_by_role("button", name="Flytt timen hit").wait_for()
    check_axe(page, axe_source, artifacts_dir, f"move-{width}-3-confirm", found)
    text = confirm.inner_text()
    assert "Fra" in text and "Til" in text and new_time in text
    confirm.get_by_role("button", name="Flytt timen hit").click()
    page.get_by_role("heading", name="Timen er flyttet").wait_for()
    check_axe(page, axe_source, artifacts_dir, f"move-{width}-4-moved", found)
    assert new_time in page.locator("#step-receipt").inner_text()
    with page.expect_download() as download:
        page.locator("#ics").click()
    calendar_file = Path(download.value.path()).read_text()
    assert f"UID:{booking_id}@ledig" in calendar_file and "SEQUENCE:" in calendar_file

    [row] = bookings()  # the same booking, at its new time
    assert row["status"] == "active" and row["public_id"] == booking_id
    assert row["start"] != made["booking"]["start"]
    moved = requests.get(f"{api(site)}/bookings/{booking_id}",
                         headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert moved["booking"]["start"] != made["booking"]["start"]
    assert not any(token in url for url in requested), "the token never goes in a URL"
    assert errors == []
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_too_late_to_move_or_cancel_shows_the_phone_as_a_link(booking_site, page,
                                                              browser_errors):
    site = booking_site()
    today = free_slots(site)[0]  # later today: inside the 24 h cancellation deadline
    made = book(site, today["slots"][-1]["start"])
    errors = browser_errors(page)
    page.goto(site.page(f"avbestill/#{made['booking']['id']}.{made['cancel_token']}"))
    status = page.locator("#cancel-status")
    status.get_by_text("for sent å avbestille eller flytte").wait_for()
    assert page.get_by_role("button", name="Flytt timen").is_hidden()
    assert page.get_by_role("button", name="Avbestill timen").is_hidden()
    link = status.get_by_role("link")
    assert re.fullmatch(r"tel:\+?[0-9]+", link.get_attribute("href"))
    assert errors == []
