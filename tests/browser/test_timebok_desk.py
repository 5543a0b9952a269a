"""The receptionist's sharp edges (docs/staff.md), in Chromium at 360 and 1280 px, on the busy
day of `test_timebok_day.py`: a caller's appointment found from the top bar's patient
search and opened, with no name in the address bar or the title; attendance buttons
that wait for the appointment; the bar's "Blokker tid" on the day in view and its count of
conflicts; the week's appointments; a move's free times and its question before a time
between the slots. axe finds no violation and no page scrolls sideways."""

# ruff: noqa: F811 -- the tests take the fixture `timebok` imported from test_timebok_day
from __future__ import annotations

import pytest
from booking_support import axe
from test_timebok_day import PASSWORD, SLUG, TODAY, USER, timebok  # noqa: F401

pytestmark = pytest.mark.browser


def logged_in(chromium, timebok, clock, width: int):
    """A page logged in with the password and the TOTP code, on the day's calendar."""
    base, totp = timebok
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="nb-NO",
                                   timezone_id="Europe/Oslo")
    page = context.new_page()
    page.goto(f"{base}/staff/{SLUG}/calendar?date={TODAY}")
    page.get_by_label("Brukernavn").fill(USER)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_label("Kode (seks sifre)").fill(totp.at(clock.now()))
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/staff/{SLUG}/calendar?date={TODAY}")
    return context, page


def fits(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", (360, 1280))
def test_a_caller_is_found_from_the_bar_and_their_appointment_opened(
        chromium, timebok, clock, axe_source, artifacts_dir, width):
    context, page = logged_in(chromium, timebok, clock, width)
    try:
        bar = page.get_by_role("search", name="Pasientsøk")
        bar.get_by_label("Finn pasient").fill("Hanne Vik")
        bar.get_by_role("button", name="Finn").click()
        page.get_by_role("heading", level=2, name="Hanne Vik").wait_for()
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-find-patient.png"),
                        full_page=True)
        assert page.url.endswith(f"/staff/{SLUG}/patients")  # no name in the address
        assert "Hanne" not in page.title() and "Vik" not in page.title()
        assert axe(page, axe_source) == [] and fits(page)
        upcoming = page.get_by_role("list", name="Kommende timer for Hanne Vik")
        upcoming.get_by_role("link", name="Tirsdag 1. desember 2026 kl. 12:30").click()
        page.get_by_role("heading", level=1, name="Hanne Vik").wait_for()
        assert "Samtaletime" in page.locator(".facts").inner_text()
        assert "Hanne" not in page.title() and "Vik" not in page.title()
    finally:
        context.close()


def open_booking(page, base: str, name: str) -> None:
    page.goto(f"{base}/staff/{SLUG}/calendar?date={TODAY}&view=list")
    link = page.locator(".ag--booking a", has_text=name).first
    page.goto(base + link.get_attribute("href"))
    page.get_by_role("heading", level=1, name=name).wait_for()


@pytest.mark.parametrize("width", (360, 1280))
def test_attendance_buttons_wait_for_the_appointment(
        chromium, timebok, clock, axe_source, artifacts_dir, width):
    base, _ = timebok
    context, page = logged_in(chromium, timebok, clock, width)
    try:
        open_booking(page, base, "Hanne Vik")  # 12:30; the clock stands at 10:47
        attendance = page.get_by_role("region", name="Oppmøte")
        assert attendance.get_by_role("button").count() == 0
        assert "«Møtt» fra kl. 12:15" in attendance.inner_text()
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-attendance-ahead.png"),
                        full_page=True)
        assert axe(page, axe_source) == [] and fits(page)
        open_booking(page, base, "Sofie Moen")  # 09:00: begun
        buttons = page.get_by_role("region", name="Oppmøte").get_by_role("button")
        assert buttons.all_inner_texts() == ["Møtt", "Ikke møtt"]
    finally:
        context.close()


@pytest.mark.parametrize("width", (360, 1280))
def test_the_bar_blocks_the_day_in_view_and_counts_the_conflicts(
        chromium, timebok, clock, axe_source, artifacts_dir, width):
    base, _ = timebok
    context, page = logged_in(chromium, timebok, clock, width)
    try:
        page.goto(f"{base}/staff/{SLUG}/calendar?date=2026-12-02")
        page.get_by_role("link", name="Blokker tid").click()
        assert page.get_by_label("Dato", exact=True).input_value() == "2026-12-02"
        # Ole Berg's meeting over Hanne Vik's 12:30 today: one conflict
        page.get_by_label("Timebok", exact=True).select_option("berg")
        page.get_by_label("Dato", exact=True).fill(TODAY)
        page.get_by_label("Fra klokken").fill("12:30")
        page.get_by_label("Til klokken").fill("13:30")
        page.get_by_label("Grunn").fill("Fagmøte")
        page.get_by_role("button", name="Blokker tiden").click()  # lists Hanne Vik, asks
        page.get_by_label("Blokker likevel", exact=False).check()
        page.get_by_role("button", name="Blokker tiden").click()
        page.get_by_role("status").wait_for()
        menu = page.get_by_role("navigation", name="Timeboken")
        assert menu.get_by_role("link", name="Konflikter").inner_text() == "Konflikter 1"
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-bar-conflicts.png"),
                        full_page=True)
        assert axe(page, axe_source) == [] and fits(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", (360, 1280))
def test_the_week_lists_appointments_and_a_hold_widens_no_column(
        chromium, timebok, clock, axe_source, artifacts_dir, width):
    import uuid
    from datetime import timedelta

    from endpoint.storage.db import Hold, db, to_db

    base, _ = timebok
    with db.connection_context():  # a patient holds Kari Hansen's 11:30 on the booking page
        start = clock.at + timedelta(minutes=43)  # 11:30 in Oslo
        Hold.create(public_id=uuid.uuid4().hex, clinic=SLUG, calendar="hansen",
                    type="konsultasjon", start=to_db(start),
                    end=to_db(start + timedelta(minutes=20)),
                    expires_at=to_db(clock.at + timedelta(minutes=10)), token_hash="x" * 64,
                    client_key="y" * 64, created_at=to_db(clock.at))
    context, page = logged_in(chromium, timebok, clock, width)
    try:
        page.get_by_role("navigation", name="Timeboken").get_by_role(
            "link", name="Uke", exact=True).click()
        page.get_by_role("heading", level=1, name="Uke 49").wait_for()
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-week.png"), full_page=True)
        assert axe(page, axe_source) == [] and fits(page)
        layout = ".wk-narrow li.is-today" if width < 700 else ".wk td.is-today"
        today = page.locator(layout).first  # Kari Hansen's Tuesday
        assert today.get_by_role("link", name="08:40 Per H. Samtaletime").is_visible()
        assert "holdt på nett til 10:57" in today.inner_text()
        if width >= 700:
            widths = page.eval_on_selector_all(
                ".wk tbody tr:first-child td", "tds => tds.map(td => td.offsetWidth)")
            assert max(widths) - min(widths) <= 1, widths
    finally:
        context.close()


@pytest.mark.parametrize("width", (360, 1280))
def test_a_move_offers_the_free_times_and_asks_before_one_between_the_slots(
        chromium, timebok, clock, axe_source, artifacts_dir, width):
    base, _ = timebok
    context, page = logged_in(chromium, timebok, clock, width)
    try:
        open_booking(page, base, "Arne Berg")  # Kari Hansen 14:20, in 14:00–15:30's slots
        move = page.get_by_role("region", name="Flytt timen")
        move.locator("#move-time").fill("14:30")  # between two 40-minute slots
        move.get_by_role("button", name="Flytt", exact=True).click()
        assert "ligger mellom lukene" in page.locator("#move-error").inner_text()
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-move-off-grid.png"),
                        full_page=True)
        assert axe(page, axe_source) == [] and fits(page)
        free = page.get_by_role("group", name="Ledige tider denne dagen")
        first = free.get_by_role("button").first
        at = first.get_attribute("value")
        first.click()
        assert "Timen er flyttet" in page.get_by_role("status").inner_text()
        assert f"kl. {at}" in page.locator(".facts").inner_text()
    finally:
        context.close()
