"""The staff side (docs/staff.md): the calendar page, booking details with the masked national
id, cancelling by staff, the ICS feed and its token, the `endpoint staff-user` command,
and the pages' no-cache headers. Every page is used through the login form's session
(`support.staff_login`); the login itself is `test_staff_auth.py`'s subject."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar
from support import staff_login

ROOT = Path(__file__).resolve().parents[2]
SLUG = "fjordlegene"
OTHER = "annen"
PASSWORD = "fjord-kaffe-mandag-7"
NID = "15108695088"
DAY = "2026-12-03"  # a Thursday; the clock stands at Tuesday 2026-12-01 07:00 Oslo


@pytest.fixture
def app(make_app, content_dir):
    # a second clinic with staff of its own
    shutil.copy(content_dir / "clinics" / f"{SLUG}.yaml", content_dir / "clinics" / f"{OTHER}.yaml")
    app = make_app()
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    with db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
        add_user(OTHER, "ola", PASSWORD)
    return app


def logged_in(app, slug: str = SLUG, username: str = "kari", password: str = PASSWORD):
    client = app.test_client()
    assert staff_login(client, slug, username, password).status_code == 303
    return client


@pytest.fixture
def client(app):
    """Logged in as kari of fjordlegene."""
    return logged_in(app)


@pytest.fixture
def other(app):
    """Logged in as ola of the other clinic."""
    return logged_in(app, OTHER, "ola")


def book_online(client, start_hint: str = "T08:00") -> dict:
    """A self-booked appointment through the public API, as a patient makes it."""
    slots = client.get(f"/api/v1/clinics/{SLUG}/slots?type=konsultasjon&calendar=hansen"
                       f"&from={DAY}&to={DAY}").get_json()
    start = next(s["start"] for s in slots["days"][0]["slots"] if start_hint in s["start"])
    body = {"calendar": "hansen", "type": "konsultasjon", "start": start,
            "patient": {"id_type": "fnr", "national_id": NID, "first_name": "Kari",
                        "last_name": "Nordmann", "phone": "40612345",
                        "email": "kari@example.no"}}
    created = client.post(f"/api/v1/clinics/{SLUG}/bookings", json=body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["booking"]


def book_by_staff(start: datetime, minutes: int = 20, *, clinic: str = SLUG,
                  calendar: str = "hansen", status: str = "active", first: str = "Per"):
    from endpoint.storage.db import Booking, db, to_db

    with db.connection_context():
        return Booking.create(
            public_id=uuid.uuid4().hex, clinic=clinic, calendar=calendar, type="konsultasjon",
            start=to_db(start), end=to_db(start + timedelta(minutes=minutes)), status=status,
            self_booked=False, patient_key=uuid.uuid4().hex, id_type="fnr", national_id=NID,
            first_name=first, last_name="Hansen", phone="40600000",
            created_at=datetime(2026, 11, 30, 12, tzinfo=UTC).replace(tzinfo=None))


def load_booking(public_id: str):
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return Booking.get(Booking.public_id == public_id)


def oslo(hour: int, minute: int = 0, day: str = DAY) -> datetime:
    from zoneinfo import ZoneInfo

    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=ZoneInfo("Europe/Oslo"))


def csrf_of(html: str) -> str:
    return BeautifulSoup(html, "html.parser").find("input", {"name": "csrf"})["value"]


# -- authentication -------------------------------------------------------------------------

CALENDAR = f"/staff/{SLUG}/calendar?date={DAY}"


def test_without_a_session_the_calendar_sends_to_the_login_page(app):
    response = app.test_client().get(CALENDAR)
    assert response.status_code == 303
    assert response.headers["Location"] == (f"/staff/{SLUG}/login?next=/staff/{SLUG}/"
                                            "calendar?date%3D2026-12-03")
    assert "WWW-Authenticate" not in response.headers
    assert response.headers["Cache-Control"] == "no-store, private"


def test_staff_pages_name_an_icon_their_csp_allows(app):
    # without one the browser asks for /favicon.ico, a 404 in the console; an icon the
    # page's img-src refuses is a CSP error there instead (Lighthouse's errors-in-console)
    response = app.test_client().get(f"/staff/{SLUG}/login")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find("link", rel="icon")["href"] == "data:,"
    csp = response.headers["Content-Security-Policy"]
    [img_src] = [d.split()[1:] for d in csp.split(";") if d.split()[:1] == ["img-src"]]
    assert img_src == ["'self'", "data:"]


def test_another_clinics_user_can_neither_read_nor_cancel(client, other):
    booking = book_online(client)
    page = f"/staff/{SLUG}/bookings/{booking['id']}"
    # a browser would not send ola's cookie here (its path is /staff/annen/); a script may
    cookie = other.get_cookie("ledig_staff", path=f"/staff/{OTHER}/").value
    intruder = other.application.test_client()
    intruder.set_cookie("ledig_staff", cookie, path="/")
    assert intruder.get(CALENDAR).status_code == 404
    assert intruder.get(page).status_code == 404
    mine = other.get(f"/staff/{OTHER}/bookings/{booking['id']}")
    assert mine.status_code == 404  # the id is not theirs under their own clinic either
    theirs = book_by_staff(oslo(10), clinic=OTHER)  # a valid CSRF token of the other user
    token = csrf_of(other.get(f"/staff/{OTHER}/bookings/{theirs.public_id}")
                    .get_data(as_text=True))
    cancel = intruder.post(f"{page}/cancel", data={"csrf": token, "reason": "nope"})
    assert cancel.status_code == 404
    assert load_booking(booking["id"]).status == "active"
    # the clinic's own user sees it
    assert client.get(page).status_code == 200


def test_an_unknown_clinic_is_404_with_or_without_a_session(client, app):
    assert client.get("/staff/nowhere/calendar").status_code == 404
    assert app.test_client().get("/staff/nowhere/calendar").status_code == 404
    assert app.test_client().get("/staff/nowhere/login").status_code == 404


# -- the calendar ---------------------------------------------------------------------------

def test_calendar_marks_only_the_self_booked_appointment_dashed(client):
    online = book_online(client)
    staff = book_by_staff(oslo(10))
    response = client.get(CALENDAR)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")

    selfs, staffs = soup.select(".booking.booking--self"), soup.select(".booking.booking--staff")
    assert [b["id"] for b in selfs] == [f"bk-{online['id']}"]
    assert [b["id"] for b in staffs] == [f"bk-{staff.public_id}"]
    link = selfs[0].select_one("a.booking__body")  # the card is a link to the booking
    assert link["href"].endswith(f"/bookings/{online['id']}")
    tip = soup.find(id=link["aria-describedby"])
    assert tip is not None and tip["role"] == "tooltip"
    assert "Bestilt online" in tip.get_text() and "Kari Nordmann" in tip.get_text()
    assert "Konsultasjon" in tip.get_text() and "08:00" in tip.get_text()
    staff_link = staffs[0].select_one("a.booking__body")
    assert "Bestilt online" not in soup.find(id=staff_link["aria-describedby"]).get_text()

    css = client.get(soup.find("link", rel="stylesheet")["href"]).get_data(as_text=True)
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", css))
    dashed = [sel for sel, body in rules.items() if "dashed" in body]
    assert any(".booking--self" in sel for sel in dashed)
    assert not any(".booking--staff" in sel for sel in dashed)
    assert any(re.search(r"\.booking:focus-within \.pop", sel) for sel in rules)
    assert NID not in html and NID[:6] not in html


def test_boxes_are_placed_by_minutes_under_a_hashed_style(client):
    staff = book_by_staff(oslo(9, 40), minutes=20)
    response = client.get(CALENDAR)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    style = soup.find("style").string
    # Hansen's day starts 08:00, so 09:40 is 100 minutes down the grid
    assert f"#bk-{staff.public_id}{{--t:100;--h:20}}" in style
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = response.headers["Content-Security-Policy"]
    assert f"'sha256-{digest}'" in csp and "unsafe-inline" not in csp
    assert "script-src" not in csp and "default-src 'none'" in csp
    kinds = {c for b in soup.select(".lane .block") for c in b["class"]}
    assert {"block--online", "block--staff", "block--smart"} <= kinds
    assert soup.select(".legend .swatch--self-booked")


def test_calendar_shows_the_week_and_links_the_days(client):
    book_by_staff(oslo(10))
    soup = BeautifulSoup(client.get(CALENDAR).get_data(as_text=True),
                         "html.parser")
    days = soup.select(".week__day")
    assert len(days) == 7
    current = soup.select_one(".week__day.is-current a")
    assert current["href"].endswith(f"date={DAY}") and "%" in current.get_text()
    assert "stengt" in days[6].get_text()  # Sunday
    nav = {a.get("rel", [""])[0]: a["href"] for a in soup.select(".daynav a")}
    assert nav["prev"].endswith("2026-12-02") and nav["next"].endswith("2026-12-04")
    assert "Torsdag 3. desember 2026" in soup.h1.get_text()


def test_a_closed_day_says_why(client):
    soup = BeautifulSoup(client.get(f"/staff/{SLUG}/calendar?date=2026-12-24",
                                    ).get_data(as_text=True), "html.parser")
    assert "Julaften" in soup.select_one(".lane .closed").get_text()


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "2026-12-03T10", "'><script>"])
def test_a_bad_date_is_400_and_escaped(client, value):
    response = client.get(f"/staff/{SLUG}/calendar", query_string={"date": value})
    assert response.status_code == 400
    assert "<script>" not in response.get_data(as_text=True)


def test_staff_pages_are_not_cached_framed_or_referred(client, app):
    anonymous = app.test_client()
    for response in (client.get(CALENDAR), anonymous.get(CALENDAR),
                     anonymous.get(f"/staff/{SLUG}/login")):
        assert response.headers["Cache-Control"] == "no-store, private"
        assert response.headers["Pragma"] == "no-cache"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# -- booking details and cancelling ------------------------------------------------------

def test_national_id_is_masked_until_shown_and_the_showing_is_logged(client, caplog):
    booking = book_online(client)
    url = f"/staff/{SLUG}/bookings/{booking['id']}"
    html = client.get(url).get_data(as_text=True)
    assert "151086 *****" in html and NID not in html
    assert client.post(f"{url}/reveal").status_code == 403  # no CSRF token
    with caplog.at_level(logging.INFO, logger="ledig.staff"):
        shown = client.post(f"{url}/reveal", data={"csrf": csrf_of(html)})
    assert shown.status_code == 200 and NID in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store, private"
    logged = [r.getMessage() for r in caplog.records if r.name == "ledig.staff"]
    assert any(booking["id"] in m and "national id" in m for m in logged)
    assert not any(NID in m for m in logged)


def test_staff_cancel_with_a_reason_keeps_the_row(client):
    booking = book_online(client)
    url = f"/staff/{SLUG}/bookings/{booking['id']}"
    csrf = csrf_of(client.get(url).get_data(as_text=True))

    assert client.post(f"{url}/cancel",
                       data={"reason": "Legen er syk"}).status_code == 403
    empty = client.post(f"{url}/cancel", data={"csrf": csrf, "reason": "  "})
    assert empty.status_code == 400 and load_booking(booking["id"]).status == "active"

    done = client.post(f"{url}/cancel",
                       data={"csrf": csrf, "reason": "Legen er syk"})
    assert done.status_code == 303
    assert f"date={DAY}" in done.headers["Location"]
    row = load_booking(booking["id"])
    assert (row.status, row.cancelled_by, row.cancel_reason) == ("cancelled", "staff",
                                                                "Legen er syk")
    assert row.cancelled_at is not None

    page = client.get(done.headers["Location"]).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.select(".booking") and "er avbestilt" in soup.select_one(".notice").text
    assert "Legen er syk" in soup.select_one(".cancelled").get_text()
    again = client.post(f"{url}/cancel", data={"csrf": csrf, "reason": "x"})
    assert again.status_code == 303 and load_booking(booking["id"]).cancel_reason == \
        "Legen er syk"


def test_a_cross_site_form_post_is_refused(client):
    booking = book_online(client)
    url = f"/staff/{SLUG}/bookings/{booking['id']}"
    csrf = csrf_of(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/cancel", data={"csrf": csrf, "reason": "x"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and load_booking(booking["id"]).status == "active"


def test_csrf_token_of_one_session_does_not_work_for_another(client, app):
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    with db.connection_context():
        add_user(SLUG, "per", PASSWORD + "x")
    booking = book_online(client)
    url = f"/staff/{SLUG}/bookings/{booking['id']}"
    csrf = csrf_of(client.get(url).get_data(as_text=True))
    for someone in (logged_in(app, SLUG, "per", PASSWORD + "x"), logged_in(app)):  # kari too
        response = someone.post(f"{url}/cancel", data={"csrf": csrf, "reason": "x"})
        assert response.status_code == 403
    assert load_booking(booking["id"]).status == "active"


# -- the feed ---------------------------------------------------------------------------------

def rotate(username: str = "kari", clinic: str = SLUG) -> str:
    from endpoint.staff.users import rotate_feed_token
    from endpoint.storage.db import db

    with db.connection_context():
        return rotate_feed_token(clinic, username)


def test_feed_lists_exactly_the_active_upcoming_bookings(client, clock):
    online = book_online(client)
    staff = book_by_staff(oslo(10))
    book_by_staff(oslo(11), status="cancelled")
    book_by_staff(oslo(9, day="2026-11-30"))  # yesterday
    book_by_staff(oslo(10), clinic=OTHER)
    token = rotate()
    response = client.get(f"/staff/{SLUG}/bookings.ics?token={token}")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store, private"
    cal = Calendar.from_ical(response.data)
    events = cal.walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        [f"{online['id']}@{SLUG}.ledig", f"{staff.public_id}@{SLUG}.ledig"])
    by_uid = {str(e["UID"]).split("@")[0]: e for e in events}
    event = by_uid[online["id"]]
    assert event.decoded("DTSTART") == datetime.fromisoformat(online["start"])
    assert "Bestilt online" in str(event["DESCRIPTION"])
    # the least detail by default: no name, phone or type, a link to the booking's page
    assert str(event["SUMMARY"]) == "Time hos Kari Hansen"
    text = response.get_data(as_text=True).replace("\r\n ", "")
    for private in ("Kari Nordmann", "Nordmann", "+47", "Konsultasjon", NID):
        assert private not in text
    assert str(event["URL"]).endswith(f"/staff/{SLUG}/bookings/{online['id']}")
    # the same feed again: the same UIDs (apps update, never duplicate)
    again = Calendar.from_ical(client.get(f"/staff/{SLUG}/bookings.ics?token={token}").data)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(map(str, (
        e["UID"] for e in events)))


def test_a_moved_booking_is_a_newer_revision_of_its_event_in_the_feed(client, clock):
    """RFC 5545 §3.8.7.2 and RFC 5546 §2.1.4: a client compares SEQUENCE, then DTSTAMP."""
    from support import staff_csrf

    online, token = book_online(client), rotate()

    def event():
        cal = Calendar.from_ical(client.get(f"/staff/{SLUG}/bookings.ics?token={token}").data)
        [found] = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(online["id"])]
        return found

    before = event()
    clock.advance(minutes=10)  # 07:10 in Oslo: the move
    moved_at = clock.now()
    moved = client.post(f"/staff/{SLUG}/bookings/{online['id']}/move", data={
        "csrf": staff_csrf(client, SLUG), "date": DAY, "time": "09:20", "calendar": "hansen"})
    assert moved.status_code == 303
    clock.advance(minutes=5)  # the feed is read later
    after = event()
    assert (before.get("SEQUENCE", 0), after["SEQUENCE"], after.decoded("DTSTAMP"),
            after.decoded("LAST-MODIFIED"), after.decoded("DTSTART")) \
        == (0, 1, moved_at, moved_at, oslo(9, 20))


def test_feed_detail_full_names_the_patient(client, content_dir):
    path = content_dir / "clinics" / f"{SLUG}.yaml"  # the registry reloads it
    path.write_text(path.read_text().replace("\ntimezone:", "\nfeed_detail: full\ntimezone:", 1))
    online = book_online(client)
    cal = Calendar.from_ical(client.get(f"/staff/{SLUG}/bookings.ics?token={rotate()}").data)
    [event] = [e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(online["id"])]
    assert "Kari Nordmann" in str(event["SUMMARY"]) and "Telefon" in str(event["DESCRIPTION"])


def test_feed_token_is_per_clinic_and_rotation_invalidates_the_old_url(client):
    assert client.get(f"/staff/{SLUG}/bookings.ics").status_code == 404
    assert client.get(f"/staff/{SLUG}/bookings.ics?token=guess").status_code == 404
    old = rotate()
    assert client.get(f"/staff/{SLUG}/bookings.ics?token={old}").status_code == 200
    assert client.get(f"/staff/{OTHER}/bookings.ics?token={old}").status_code == 404
    new = rotate()
    assert new != old
    assert client.get(f"/staff/{SLUG}/bookings.ics?token={old}").status_code == 404
    assert client.get(f"/staff/{SLUG}/bookings.ics?token={new}").status_code == 200


def test_passwords_and_tokens_are_stored_hashed(client):
    from endpoint.storage.db import StaffUser, db

    token = rotate()
    with db.connection_context():
        user = StaffUser.get((StaffUser.clinic == SLUG) & (StaffUser.username == "kari"))
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and PASSWORD not in \
        user.password_hash
    assert token not in user.feed_token_hash and len(user.feed_token_hash) == 64


# -- the command ------------------------------------------------------------------------------

def cli(*args: str, stdin: str = "", database: str, content: Path):
    env = {**os.environ, "LEDIG_DATABASE_URL": database, "LEDIG_SECRET_KEY": "k"}
    return subprocess.run([sys.executable, "-m", "endpoint", "staff-user", *args,
                           "--content", str(content)], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


def in_process(*args: str, stdin: str = "", database: str, content: Path, clock):
    """The command run in this process: the same code as `cli`, without a process."""
    from support import run_main

    from endpoint.cli import main
    return run_main(main, ["staff-user", *args, "--content", str(content)], stdin=stdin,
                    env={"LEDIG_DATABASE_URL": database, "LEDIG_SECRET_KEY": "k"},
                    clock=clock)


def test_staff_user_command_adds_lists_rotates_and_removes(tmp_path, content_dir, clock):
    db_url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    run = lambda *a, stdin="": in_process(*a, stdin=stdin, database=db_url,  # noqa: E731
                                          content=content_dir, clock=clock)

    # the first in a process of its own: the command hashes at full cost
    added = cli("add", "--clinic", SLUG, "--username", "kari", stdin=PASSWORD + "\n",
                database=db_url, content=content_dir)
    assert added.returncode == 0, added.stderr
    # the command hashes at full cost (the tests' own processes use a lower one)
    stored = sqlite3.connect(tmp_path / "cli.sqlite3").execute(
        "SELECT password_hash FROM staff_user").fetchone()[0]
    assert stored.startswith("scrypt:32768:8:1$"), stored[:20]
    assert run("add", "--clinic", SLUG, "--username", "kari",
               stdin=PASSWORD + "\n").returncode == 1
    short = run("add", "--clinic", SLUG, "--username", "per", stdin="kort\n")
    assert short.returncode == 1 and "too short" in short.stderr
    unknown = run("add", "--clinic", "nowhere", "--username", "per", stdin=PASSWORD + "\n")
    assert unknown.returncode == 1 and "nowhere" in unknown.stderr
    assert run("add", "--clinic", SLUG, "--username", "has space",
               stdin=PASSWORD + "\n").returncode == 1

    listed = run("list")
    assert listed.returncode == 0 and f"{SLUG}\tkari" in listed.stdout
    assert PASSWORD not in listed.stdout

    rotated = run("rotate-feed-token", "--clinic", SLUG, "--username", "kari")
    assert rotated.returncode == 0
    url = rotated.stdout.strip()
    assert url.startswith(f"http://127.0.0.1:8000/staff/{SLUG}/bookings.ics?token=")
    assert "feed" in run("list", "--clinic", SLUG).stdout

    assert run("remove", "--clinic", SLUG, "--username", "kari").returncode == 0
    assert "kari" not in run("list").stdout
    assert run("remove", "--clinic", SLUG, "--username", "kari").returncode == 1
    assert run("add", "--clinic", SLUG).returncode == 2  # usage: --username is required


def test_a_user_added_by_the_command_can_log_in(tmp_path, content_dir, make_app):
    db_url = f"sqlite:///{tmp_path / 'var' / 'ledig.sqlite3'}"
    done = cli("add", "--clinic", SLUG, "--username", "resepsjon", stdin=PASSWORD + "\n",
               database=db_url, content=content_dir)
    assert done.returncode == 0, done.stderr
    client = make_app(database_url=db_url).test_client()
    assert staff_login(client, SLUG, "resepsjon", PASSWORD).status_code == 303
    assert client.get(CALENDAR).status_code == 200
