"""The patients' own changes in Chromium (docs/patients.md): moving a booking from its
cancellation link through the booking page's slot picker; the time a patient picked
held for them, gone from a second browser, then running out and coming back; the
wait list from the booking page to an offer claimed on `venteliste/`. axe-core on
the new steps at 360 and 1280 px."""

from __future__ import annotations

import json
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


def pick(page, day: int = 2) -> str:
    """Kari Hansen, Konsultasjon, the `day`th day with free times: → the first time's text."""
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").nth(day).click()
    first = page.locator("#slots button").first
    first.wait_for()
    return first.inner_text()


def times(page) -> list[str]:
    return page.locator("#slots button").all_inner_texts()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_held_time_is_gone_for_others_until_it_runs_out(booking_site, chromium, clock,
                                                          browser_errors, axe_source,
                                                          artifacts_dir, width):
    site = booking_site()
    one = chromium.new_context(viewport={"width": width, "height": 800})
    # the page's clock is the endpoint's (moved by the test), so the hold's countdown
    # can run out without waiting five minutes
    one.clock.install(time=clock.now())
    a = one.new_page()
    errors = browser_errors(a)
    a.goto(site.page())
    held = pick(a)
    a.locator("#slots button").first.click()
    a.get_by_role("heading", name="Dine opplysninger").wait_for()
    hold = a.locator("#hold")
    hold.get_by_text(re.compile(r"Vi holder av timen i [45]:\d\d")).wait_for()
    found: dict[str, list] = {}
    check_axe(a, axe_source, artifacts_dir, f"hold-{width}-details", found)

    two = chromium.new_context()
    b = two.new_page()
    b.goto(site.page())
    assert held not in (pick(b), *times(b)), "a held time is gone from everyone else's list"

    # going back to another time lets it go at once
    a.locator("#step-slot .change").click()
    a.locator("#slots button").nth(1).click()
    a.get_by_role("heading", name="Dine opplysninger").wait_for()
    b.reload()  # the tab keeps its place (test_history.py): that day's times, fetched anew
    b.locator("#slots button").first.wait_for()
    assert held in times(b), "a released hold frees the time"
    second = a.locator("#step-slot .done-text").inner_text()

    # the hold runs out on both clocks: the page says so and offers the times again
    clock.advance(minutes=6)
    a.clock.fast_forward("05:30")
    notice = a.locator("#step-slot .notice")
    notice.get_by_text("Tiden vi holdt av timen for deg, gikk ut").wait_for()
    check_axe(a, axe_source, artifacts_dir, f"hold-{width}-expired", found)
    assert hold.is_hidden()
    assert any(second.startswith(t) for t in times(a)), "the expired time is free again"
    assert errors == []
    one.close()
    two.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_a_time_someone_else_holds_refreshes_the_times(booking_site, page):
    site = booking_site()
    page.goto(site.page())
    first = pick(page)
    start = free_slots(site)[2]["slots"][0]["start"]
    taken = requests.post(f"{api(site)}/holds", timeout=10,
                          json={"calendar": "hansen", "type": "konsultasjon", "start": start})
    assert taken.status_code == 201, taken.text
    page.locator("#slots button").first.click()
    page.locator("#step-slot .notice").get_by_text("Noen andre holder av").wait_for()
    page.locator("#slots button").first.wait_for()
    assert first not in times(page)


OTHER = {"national_id": "13097248022", "first_name": "Per", "last_name": "Hansen",
         "phone": "412 34 567", "email": "per@example.no"}


def outbox_files(site) -> list[Path]:
    from endpoint.notify import outbox

    settings = site.app.extensions["ledig"].settings
    outbox.run_once(settings, site.app.extensions["ledig"].clock)
    return [*(settings.var / "sms").glob("*.json"), *(settings.var / "mail").glob("*.eml")]


def offer_links(site) -> list[str]:
    """The venteliste/ links of the text messages sent so far (the file backend)."""
    return [m for p in outbox_files(site) if p.suffix == ".json"
            for m in re.findall(r"http://\S+/venteliste/#id=[^\s\"&]+&token=[^\s\"]+",
                                json.loads(p.read_text())["text"])]


@pytest.mark.parametrize("width", WIDTHS)
def test_wait_list_offer_claimed_from_venteliste(booking_site, chromium, clock, browser_errors,
                                                 axe_source, artifacts_dir, width):
    site = booking_site()
    days = free_slots(site)
    blocking = book(site, days[1]["slots"][0]["start"], who=OTHER)
    context = chromium.new_context(viewport={"width": width, "height": 800})
    context.clock.install(time=clock.now())  # the clinic's today is the endpoint's
    page = context.new_page()
    errors = browser_errors(page)
    found: dict[str, list] = {}

    # join from the booking page, the chosen type and calendar preselected
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").first.wait_for()
    page.get_by_role("button", name="Ingen passende tid? Sett deg på venteliste").click()
    form = page.locator("#waitlist")
    form.get_by_role("heading", name="Sett deg på venteliste").wait_for()
    assert form.get_by_label("Timetype").input_value() == "konsultasjon"
    assert form.get_by_label("Hos").input_value() == "hansen"
    form.get_by_role("button", name="Sett meg på ventelisten").click()  # empty: errors
    check_axe(page, axe_source, artifacts_dir, f"waitlist-{width}-1-errors", found)
    who = person()
    form.locator("#wl-national_id").fill(who["national_id"])
    form.locator("#wl-first_name").fill(who["first_name"])
    form.locator("#wl-last_name").fill(who["last_name"])
    form.locator("#wl-phone").fill(who["phone"])
    form.locator("#wl-email").fill(who["email"])
    form.get_by_role("button", name="Sett meg på ventelisten").click()
    form.get_by_role("heading", name="Du står på ventelisten").wait_for()
    check_axe(page, axe_source, artifacts_dir, f"waitlist-{width}-2-joined", found)
    leave = form.locator("a.cancel-link").get_attribute("href")
    assert "/venteliste/#id=" in leave and "&token=" in leave
    before = set(offer_links(site))  # the sign-up's own message links there too

    # the blocking booking is cancelled in another context: the outbox offers its time
    other = chromium.new_context()
    cancel = other.new_page()
    cancel.goto(site.page(f"avbestill/#{blocking['booking']['id']}.{blocking['cancel_token']}"))
    cancel.get_by_role("button", name="Avbestill timen").click()
    cancel.get_by_role("button", name="Ja, avbestill timen").click()
    cancel.get_by_text("Timen er avbestilt.").wait_for()
    other.close()
    offers = [link for link in offer_links(site) if link not in before]
    assert len(offers) == 1, "the offer went out with a link to venteliste/"
    link = offers[0]

    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(link)
    book_it = page.get_by_role("button", name=re.compile("Bestill denne timen"))
    book_it.first.wait_for()
    assert page.evaluate("location.hash") == ""
    check_axe(page, axe_source, artifacts_dir, f"waitlist-{width}-3-offer", found)
    book_it.first.click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    check_axe(page, axe_source, artifacts_dir, f"waitlist-{width}-4-booked", found)
    assert "/avbestill/#" in page.locator("#cancel-link").get_attribute("href")
    claimed = [b for b in bookings() if b["status"] == "active"]
    assert [(b["national_id"], b["start"]) for b in claimed] == [
        (who["national_id"], [b for b in bookings() if b["status"] == "cancelled"][0]["start"])]
    token = link.split("token=")[1]
    assert not any(token in url for url in requested), "the token never goes in a URL"
    assert errors == []
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_a_time_inside_the_cancellation_deadline_is_said_before_and_after(
        booking_site, chromium, clock, browser_errors):
    from booking_support import fill_details

    site = booking_site()
    context = chromium.new_context()
    context.clock.install(time=clock.now())
    page = context.new_page()
    errors = browser_errors(page)
    page.goto(site.page())
    pick(page, day=0)  # later today: well inside the 24 h deadline
    page.locator("#slots button").first.click()
    fill_details(page)
    page.get_by_role("button", name="Gå videre").click()
    late = page.locator("#confirm-late")
    late.get_by_text("Denne timen kan ikke avbestilles eller flyttes på nett.").wait_for()
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    assert page.locator("#receipt-cancel").is_hidden(), "no cancel link is promised"
    said = page.locator("#receipt-late")
    assert "kan ikke avbestilles eller flyttes" in said.inner_text()
    assert said.get_by_role("link").get_attribute("href") == "tel:+4755123456"
    assert errors == []
    context.close()


def test_a_time_outside_the_deadline_has_no_warning(booking_site, chromium, clock):
    from booking_support import fill_details

    site = booking_site()
    context = chromium.new_context()
    context.clock.install(time=clock.now())
    page = context.new_page()
    page.goto(site.page())
    pick(page, day=3)
    page.locator("#slots button").first.click()
    fill_details(page)
    page.get_by_role("button", name="Gå videre").click()
    page.get_by_role("button", name="Bekreft bestilling").wait_for()
    assert page.locator("#confirm-late").is_hidden()
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    assert page.locator("#receipt-cancel").is_visible()
    assert page.locator("#receipt-late").is_hidden()
    context.close()


def test_an_offer_taken_first_is_said_kindly_and_the_list_can_be_left(booking_site, page,
                                                                      browser_errors):
    site = booking_site()
    days = free_slots(site)
    blocking = book(site, days[1]["slots"][0]["start"], who=OTHER)
    joined = requests.post(f"{api(site)}/waitlist", timeout=10, json={
        "type": "konsultasjon", "calendar": "hansen", "from": days[0]["date"],
        "to": days[4]["date"], "patient": {"id_type": "fnr", **person()}})
    assert joined.status_code == 201, joined.text
    before = set(offer_links(site))
    gone = requests.delete(f"{api(site)}/bookings/{blocking['booking']['id']}", timeout=10,
                           headers={"Authorization": f"Bearer {blocking['cancel_token']}"})
    assert gone.status_code == 200, gone.text
    [link] = [x for x in offer_links(site) if x not in before]
    # someone else books the freed time before the patient taps it
    errors = browser_errors(page)
    page.goto(link)
    book_it = page.get_by_role("button", name=re.compile("Bestill denne timen"))
    book_it.first.wait_for()
    book(site, days[1]["slots"][0]["start"], who={**OTHER, "first_name": "Pål"})
    book_it.first.click()
    status = page.locator("#offer-status")
    status.get_by_text("Noen andre rakk å bestille denne timen.").wait_for()
    assert "Du står fortsatt på ventelisten" in status.inner_text()
    assert book_it.count() == 0
    page.get_by_role("button", name="Meld meg av ventelisten").click()
    status.get_by_text("Du er meldt av ventelisten.").wait_for()
    entry = joined.json()
    still = requests.get(f"{api(site)}/waitlist/{entry['entry']['id']}", timeout=10,
                         headers={"Authorization": f"Bearer {entry['token']}"})
    assert still.status_code != 200 or still.json()["entry"]["status"] != "waiting"
    assert [e for e in errors if "409" not in e] == []
