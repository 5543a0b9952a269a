"""The staff calendar in a real browser: a screenshot of a busy day for a person to
look at, the self-booked appointment's tooltip shown on keyboard focus, and the login
with a TOTP code and the logout, axe-clean at 360 and 1280 px (screenshots of each
step in test-artifacts/)."""

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

USER, PASSWORD = "resepsjon", "fjord-kaffe-mandag-7"

# (calendar, type, local start, minutes, first, last, self-booked, booked minutes before now)
DAY = [
    ("hansen", "konsultasjon", "08:00", 20, "Kari", "Nordmann", True, 3 * 24 * 60),
    ("hansen", "samtale", "08:40", 40, "Per", "Hansen", False, 0),
    ("hansen", "konsultasjon", "10:00", 20, "Ingrid", "Solberg", True, 26 * 60),
    ("hansen", "kort", "11:30", 10, "Ola", "Dahl", True, 90),
    ("hansen", "konsultasjon", "11:40", 20, "Nora", "Lie", False, 0),
    ("hansen", "samtale", "14:20", 40, "Arne", "Berg", False, 0),
    ("berg", "konsultasjon", "09:00", 20, "Sofie", "Moen", True, 5 * 60),
    ("berg", "resept", "09:40", 10, "Lars", "Eide", False, 0),
    ("berg", "samtale", "12:30", 40, "Hanne", "Vik", True, 2 * 24 * 60),
    ("sykepleier", "blodprove", "08:00", 10, "Emma", "Strand", True, 4 * 24 * 60),
    ("sykepleier", "influensavaksine", "08:10", 5, "Jonas", "Bakke", True, 60),
    ("sykepleier", "blodprove", "12:30", 10, "Maja", "Haugen", False, 0),
]


def _book(clinic_tz, day, row, now):
    from endpoint.storage.db import Booking, to_db

    cal, kind, hm, minutes, first, last, self_booked, ago = row
    hour, minute = map(int, hm.split(":"))
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=clinic_tz)
    Booking.create(public_id=uuid.uuid4().hex, clinic="fjordlegene", calendar=cal, type=kind,
                   start=to_db(start), end=to_db(start + timedelta(minutes=minutes)),
                   self_booked=self_booked, patient_key=uuid.uuid4().hex,
                   id_type="fnr", national_id="15108695088", first_name=first, last_name=last,
                   phone="40612345", created_at=to_db(now - timedelta(minutes=ago or 600)))


@pytest.fixture
def staff_server(make_app, clock):
    from booking.restrictions import zone
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    clock.at = datetime(2026, 12, 1, 9, 47, tzinfo=UTC)  # 10:47 in Oslo, a Tuesday
    app = make_app()
    tz = zone("Europe/Oslo")
    with db.connection_context():
        add_user("fjordlegene", USER, PASSWORD)
        for row in DAY:
            _book(tz, clock.at.astimezone(tz).date(), row, clock.at)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs=POLL, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


CALENDAR = "/staff/fjordlegene/calendar?date=2026-12-01"


def log_in(page, username: str = USER, password: str = PASSWORD) -> None:
    """Fill the login form the page was sent to, and send it."""
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def test_calendar_renders_and_tooltip_shows_on_focus(chromium, staff_server, artifacts_dir):
    context = chromium.new_context(viewport={"width": 1280, "height": 1000},
                                   locale="nb-NO", timezone_id="Europe/Oslo")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{staff_server}{CALENDAR}")
        assert "/login?next=" in page.url  # no session yet: the login form, then back
        log_in(page)
        page.wait_for_url(f"{staff_server}{CALENDAR}")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Tirsdag")
        page.screenshot(path=str(artifacts_dir / "staff-calendar.png"), full_page=True)

        # the page's CSP allows every style it uses: no violations in the console
        assert not [p for p in problems if "Content Security Policy" in p], problems
        # boxes are placed by minutes: 08:00 at the top of the lane, 08:40 further down
        first = page.locator(".booking--self").first.bounding_box()
        lane = page.locator(".lane").first.bounding_box()
        assert first is not None and lane is not None and abs(first["y"] - lane["y"]) < 2

        tip = page.locator(".booking--self .tip").first
        assert tip.evaluate("e => getComputedStyle(e).visibility") == "hidden"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.booking--self')"):
                break
        else:
            pytest.fail("Tab never reached a self-booked appointment")
        focused_tip = page.evaluate(
            "document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
            ".id")
        visible = page.locator(f"#{focused_tip}")
        assert visible.evaluate("e => getComputedStyle(e).visibility") == "visible"
        assert "Bestilt online" in visible.inner_text()
        page.wait_for_timeout(200)  # the fade-in
        page.screenshot(path=str(artifacts_dir / "staff-calendar-tooltip.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", (360, 1280))
def test_login_with_a_totp_code_and_logout_pass_axe(chromium, staff_server, clock, axe_source,
                                                    artifacts_dir, width):
    from endpoint.staff.users import enable_totp
    from endpoint.storage.db import db

    with db.connection_context():
        uri = enable_totp("fjordlegene", USER, issuer="ledig Fjordlegene legesenter")
    totp = pyotp.parse_uri(uri)
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="nb-NO",
                                   timezone_id="Europe/Oslo")
    page = context.new_page()
    found: dict[str, list] = {}

    def check(step: str) -> None:
        found[step] = axe(page, axe_source)
        page.screenshot(path=str(artifacts_dir / f"staff-login-{width}-{step}.png"),
                        full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{step} scrolls sideways at {width} px"

    try:
        page.goto(f"{staff_server}{CALENDAR}")
        page.get_by_role("heading", name="Logg inn").wait_for()
        check("1-form")
        log_in(page, password="not the password")
        assert "Feil brukernavn eller passord" in page.get_by_role("alert").inner_text()
        check("2-wrong-password")
        log_in(page)
        page.get_by_role("heading", name="Engangskode").wait_for()
        check("3-code")
        wrong = next(f"{n:06d}" for n in range(100000, 100010) if not totp.verify(
            f"{n:06d}", for_time=clock.now(), valid_window=1))
        page.get_by_label("Kode (seks sifre)").fill(wrong)
        page.get_by_role("button", name="Logg inn").click()
        assert "Koden stemmer ikke" in page.get_by_role("alert").inner_text()
        check("4-wrong-code")
        page.get_by_label("Kode (seks sifre)").fill(totp.at(clock.now()))
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_url(f"{staff_server}{CALENDAR}")  # back to the page asked for
        assert "Innlogget som" in page.locator("header .session").inner_text()
        page.screenshot(path=str(artifacts_dir / f"staff-login-{width}-5-calendar.png"))

        page.get_by_role("button", name="Logg ut").click()
        page.get_by_text("Du er logget ut.").wait_for()
        check("6-logged-out")
        assert not [c for c in context.cookies() if c["name"] == "ledig_staff"]
        page.goto(f"{staff_server}{CALENDAR}")
        page.get_by_role("heading", name="Logg inn").wait_for()  # the session is gone
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
