"""A receptionist's whole day in the timebok, in Chromium, at 360 px and at 1280 px: log in
with a TOTP code, book a phone patient found by search from a free slot, block an hour
over a booking (confirming it), move a booking to another calendar, mark one patient
arrived and another a no-show, cancel one as "the patient asked", see all of it in the
logs and in the week, and log out. axe finds no violation on any page on the way, no
page scrolls sideways, and a screenshot of each step lands in test-artifacts/
(staff-<width>-<step>.png)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from booking_support import axe
from support import POLL
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

SLUG = "fjordlegene"
USER, PASSWORD = "resepsjon", "fjord-kaffe-mandag-7"
NID = "15108695088"
TODAY = "2026-12-01"  # a Tuesday; the clock stands at 10:47 in Oslo

# (calendar, type, local start, minutes, first, last, self-booked)
DAY = [
    ("hansen", "konsultasjon", "08:00", 20, "Kari", "Nordmann", True),
    ("hansen", "samtale", "08:40", 40, "Per", "Hansen", False),
    ("hansen", "samtale", "14:20", 40, "Arne", "Berg", False),
    ("berg", "konsultasjon", "09:00", 20, "Sofie", "Moen", True),
    ("berg", "samtale", "12:30", 40, "Hanne", "Vik", True),
    ("berg", "konsultasjon", "13:40", 20, "Lars", "Eide", False),
    ("sykepleier", "influensavaksine", "08:10", 5, "Jonas", "Bakke", True),
    ("sykepleier", "influensavaksine", "10:50", 5, "Mia", "Olsen", False),
]


@pytest.fixture
def timebok(make_app, clock):
    """A served clinic on a busy day, a returning patient who once did not come, and a
    staff user with TOTP; yields (base url, the TOTP)."""
    from booking.restrictions import zone
    from endpoint.services.keys import patient_key
    from endpoint.services.patients import index_booking
    from endpoint.staff.users import add_user, enable_totp
    from endpoint.storage.db import Booking, db, to_db

    clock.at = datetime(2026, 12, 1, 9, 47, tzinfo=UTC)
    app = make_app()
    tz = zone("Europe/Oslo")

    def book(cal, kind, start, minutes, first, last, self_booked, **extra):
        # as the endpoint stores one: the row, and the patient in the search's blind index
        made = Booking.create(public_id=uuid.uuid4().hex, clinic=SLUG, calendar=cal, type=kind,
                       start=to_db(start), end=to_db(start + timedelta(minutes=minutes)),
                       self_booked=self_booked, patient_key=extra.pop("key", uuid.uuid4().hex),
                       id_type="fnr", national_id=extra.pop("nid", "01010150123"),
                       first_name=first, last_name=last, phone="+4740612345",
                       created_at=to_db(clock.at - timedelta(days=2)), **extra)
        index_booking(made, "test-secret-key")

    with db.connection_context():
        add_user(SLUG, USER, PASSWORD)
        uri = enable_totp(SLUG, USER, issuer="ledig Fjordlegene legesenter")
        for cal, kind, hm, minutes, first, last, self_booked in DAY:
            h, m = map(int, hm.split(":"))
            book(cal, kind, datetime(2026, 12, 1, h, m, tzinfo=tz), minutes, first, last,
                 self_booked)
        # Nora Lie phoned before: a booking last month that she did not come to
        book("hansen", "konsultasjon", datetime(2026, 11, 10, 9, 0, tzinfo=tz), 20, "Nora",
             "Lie", False, key=patient_key("test-secret-key", NID), nid=NID,
             attendance="no_show")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs=POLL, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", pyotp.parse_uri(uri)
    server.shutdown()
    thread.join(5)


@pytest.mark.parametrize("width", (360, 1280))
def test_a_receptionists_whole_day(chromium, timebok, clock, axe_source, artifacts_dir,
                                   browser_errors, width):
    base, totp = timebok
    staff = f"{base}/staff/{SLUG}"
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="nb-NO",
                                   timezone_id="Europe/Oslo")
    page = context.new_page()
    errors = browser_errors(page)
    found: dict[str, list] = {}

    def check(step: str) -> None:
        found[step] = axe(page, axe_source)
        page.screenshot(path=str(artifacts_dir / f"staff-{width}-{step}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{step} scrolls sideways at {width} px"

    def open_booking(name: str) -> None:
        page.goto(f"{staff}/calendar?date={TODAY}&view=list")
        link = page.locator(".ag--booking a", has_text=name).first
        page.goto(base + link.get_attribute("href"))
        page.get_by_role("heading", level=1, name=name).wait_for()

    try:
        # -- log in with the password and the code from the app
        page.goto(f"{staff}/calendar?date={TODAY}")
        page.get_by_label("Brukernavn").fill(USER)
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_label("Kode (seks sifre)").fill(totp.at(clock.now()))
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(f"{staff}/calendar?date={TODAY}")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Tirsdag 1.")
        check("01-day")

        # -- the phone rings: Nora Lie wants a consultation with Kari Hansen
        if width < 700:  # one calendar at a time; the picker says which
            assert page.locator(".col:visible").count() == 1
            page.get_by_role("navigation", name="Velg timebok").get_by_role(
                "link", name="Kari Hansen").click()
        free = page.locator(".col.is-picked .free").filter(has_text="11:30")
        free.first.click()
        page.get_by_role("heading", level=1, name="Ny time").wait_for()
        assert page.locator("#calendar").input_value() == "hansen"
        slot_time = page.locator("#time").input_value()
        check("02-booking-form")
        page.get_by_label("Fødselsnummer, D-nummer, navn eller telefon").fill("Nora Lie")
        page.get_by_role("button", name="Søk").click()
        result = page.locator(".result", has_text="Nora Lie")
        assert "1 ikke møtt" in result.inner_text()
        check("03-search")
        result.get_by_role("button", name="Velg").click()
        assert page.locator("#first_name").input_value() == "Nora"
        assert "1 ikke møtt" in page.locator("#picked").inner_text()
        page.get_by_label("Notat (bare for klinikken)").fill("Vondt i ryggen")
        check("04-patient-picked")
        page.get_by_role("button", name="Bestill time").click()
        notice = page.get_by_role("status")
        assert "Nora Lie" in notice.inner_text() and "er bestilt" in notice.inner_text()
        assert page.locator(".booking", has_text="Nora Lie").count() == 1
        assert slot_time in page.locator(".booking", has_text="Nora Lie").inner_text()
        check("05-day-booked")

        # -- Ole Berg has a meeting 12:30-13:30, over Hanne Vik's appointment
        page.get_by_role("link", name="Blokker tid").click()
        page.get_by_label("Timebok", exact=True).select_option("berg")
        page.get_by_label("Dato", exact=True).fill(TODAY)
        page.get_by_label("Fra klokken").fill("12:30")
        page.get_by_label("Til klokken").fill("13:30")
        page.get_by_label("Grunn").fill("Fagmøte")
        page.get_by_role("button", name="Blokker tiden").click()
        assert "Hanne Vik" in page.get_by_role("alert").first.inner_text()
        check("06-block-confirm")
        page.get_by_label("Blokker likevel", exact=False).check()
        page.get_by_role("button", name="Blokker tiden").click()
        assert "Tiden er blokkert" in page.get_by_role("status").inner_text()
        conflicts = page.locator(".conflicts-day")
        assert "Hanne Vik" in conflicts.inner_text()
        assert page.locator(".col.is-picked .sblock", has_text="Fagmøte").count() == 1
        check("07-day-blocked")

        # -- move Hanne Vik to Kari Hansen at 12:00 (the conflict's "Flytt")
        conflicts.get_by_role("link", name="Flytt").first.click()
        page.get_by_role("heading", level=1, name="Hanne Vik").wait_for()
        assert "Passer ikke" in page.locator(".badge--conflict").inner_text()
        check("08-booking-page")
        page.get_by_label("Timebok", exact=True).select_option("hansen")
        page.locator("#move-time").fill("14:40")  # Arne Berg stands at 14:20-15:00
        page.get_by_role("button", name="Flytt", exact=True).click()
        assert "ikke ledig lenger" in page.locator("#move-error").inner_text()
        check("09-move-refused")
        page.locator("#move-time").fill("12:00")
        page.get_by_role("button", name="Flytt", exact=True).click()
        assert "Timen er flyttet" in page.get_by_role("status").inner_text()
        assert "Kari Hansen" in page.locator(".facts").inner_text()

        # -- Kari Nordmann came; Per Hansen did not
        open_booking("Kari Nordmann")
        page.get_by_role("button", name="Møtt", exact=True).click()
        assert "har møtt" in page.get_by_role("status").inner_text()
        open_booking("Per Hansen")
        page.get_by_role("button", name="Ikke møtt").click()
        assert "møtte ikke" in page.get_by_role("status").inner_text()

        # -- Lars Eide phones to cancel his 13:40
        open_booking("Lars Eide")
        page.get_by_label("Pasienten ba om det").check()
        page.get_by_role("button", name="Avbestill", exact=True).click()
        assert "er avbestilt" in page.get_by_role("status").inner_text()
        assert "avbestilt av pasienten" in page.locator(".cancelled").inner_text()
        check("10-day-evening")
        page.goto(f"{staff}/calendar?date={TODAY}&view=list")
        check("11-day-list")

        # -- the logs say what happened
        page.goto(base + page.locator(".cancelled a", has_text="Lars Eide")
                  .get_attribute("href") + "/log")
        assert "pasienten ba om det" in page.locator(".log").inner_text()
        check("12-log")
        open_booking("Hanne Vik")
        log = page.locator(".log").inner_text()
        assert "Tiden ble blokkert" in log and "Flyttet fra Ole Berg" in log
        assert "til Kari Hansen" in log
        open_booking("Kari Nordmann")
        assert "Oppmøte: Møtt" in page.locator(".log").inner_text()
        open_booking("Per Hansen")
        assert "Oppmøte: Ikke møtt" in page.locator(".log").inner_text()
        open_booking("Nora Lie")
        assert "Bestilt av klinikken" in page.locator(".log").inner_text()

        # -- the week, the conflicts (none left), the waiting list
        page.get_by_role("link", name="Uke", exact=True).first.click()
        page.get_by_role("heading", level=1, name="Uke 49").wait_for()
        cells = page.locator(".wk-narrow li.is-today" if width < 700 else ".wk td.is-today")
        texts = [cells.nth(i).inner_text() for i in range(cells.count())]
        assert "5 timer" in texts[0]  # Kari Hansen: 3 of the morning's, Nora and Hanne
        check("13-week")
        page.get_by_role("link", name="Konflikter").click()
        assert page.locator(".empty").is_visible()
        check("14-conflicts")
        page.get_by_role("link", name="Venteliste").click()
        assert "Ingen pasienter står på venteliste" in page.locator("main").inner_text()
        check("15-waitlist")

        page.get_by_role("button", name="Logg ut").click()
        page.get_by_text("Du er logget ut.").wait_for()
        check("16-logged-out")
        page.goto(f"{staff}/calendar?date={TODAY}")
        page.get_by_role("heading", name="Logg inn").wait_for()
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
    assert not [e for e in errors if "Content Security Policy" in e], errors
