"""Helpers shared by the endpoint tests: a small test clinic, identity numbers, bodies.

The clinic `grenda` is open every day 08:00–16:00 in hourly slots on three
calendars, with no public holidays, so a test can reason about exact
boundaries without the demo clinic's irregular week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from support import TEST_START

OSLO = ZoneInfo("Europe/Oslo")
SLUG = "grenda"

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def grenda_yaml(*, max_self_booked: int = 2, days_ahead: int = 30,
                booking_deadline_hours: int = 2, cancellation_deadline_hours: int = 24,
                name: str = "Grenda legekontor") -> str:
    week = "\n".join(f"      {d}: *day" if i else
                     f"      {d}: &day\n        - {{start: \"08:00\", end: \"16:00\", "
                     "types: [time, intern]}"
                     for i, d in enumerate(_DAYS))
    calendars = "\n".join(
        f"  - id: {cid}\n    name: Lege {cid.upper()}\n    online: {str(online).lower()}\n"
        f"    week:\n{week.replace('&day', f'&day{cid}').replace('*day', f'*day{cid}')}"
        for cid, online in (("a", True), ("b", True), ("c", True), ("stengt", False))
    )
    return f"""\
name: {name}
timezone: Europe/Oslo
language: nb
address: Vegen 1, 5000 Bergen
phone: "+47 55 00 00 00"
email: post@grenda.example
pages_url: https://pages.grenda.example/booking/
endpoint_url: https://api.grenda.example
embed_origins: ["https://www.grenda.example"]
test_mode: false
online:
  first_available_only: false
  max_self_booked: {max_self_booked}
  days_ahead: {days_ahead}
  booking_deadline_hours: {booking_deadline_hours}
  cancellation_deadline_hours: {cancellation_deadline_hours}
  closed_on_public_holidays: false
calendars:
{calendars}
appointment_types:
  - id: time
    name: Time
    duration: 60
    online: true
    price: 300
    info: Kom i god tid.
    notify: []
  - id: intern
    name: Intern
    duration: 60
    online: false
    notify: []
"""


def _with_control_digits(first_nine: str) -> str | None:
    """Nine digits and their K1, K2 (weights of IDENTITY.md), or None when one would be 10.

    The tests' own construction, so that their identity numbers do not come from the
    code under test."""
    k1 = -sum(w * int(d) for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), first_nine,
                                         strict=True)) % 11
    if k1 == 10:
        return None
    first_ten = first_nine + str(k1)
    k2 = -sum(w * int(d) for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), first_ten,
                                         strict=True)) % 11
    return None if k2 == 10 else first_ten + str(k2)


@cache
def fnr(n: int) -> str:
    """The n-th valid fødselsnummer of a fixed, distinct sequence (n >= 0)."""
    found = -1
    base = date(1980, 1, 1)
    for offset in range(0, 40000):
        day = base + timedelta(days=offset)
        for individual in range(100, 500, 7):
            if number := _with_control_digits(f"{day:%d%m%y}{individual:03d}"):
                found += 1
                if found == n:
                    return number
    raise AssertionError("unreachable")


def patient(n: int = 0, **changes) -> dict:
    body = {"id_type": "fnr", "national_id": fnr(n), "first_name": "Kari",
            "last_name": "Nordmann", "phone": "40612345", "email": "kari@example.no"}
    body.update(changes)
    return body


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def booking_body(start: datetime | str, *, calendar: str = "a", type: str = "time",
                 who: int = 0, **changes) -> dict:
    body = {"calendar": calendar, "type": type,
            "start": start if isinstance(start, str) else start.isoformat(),
            "patient": patient(who), "note": ""}
    body.update(changes)
    return body


def first_slot_after(session_get, base_url: str, *, days: int = 2,
                     calendar: str = "a") -> str:
    """The first visible slot of `calendar` at least `days` days from the day the tests' clock
    starts at (a live server's clock starts there too)."""
    today = TEST_START.astimezone(OSLO).date()
    first = today + timedelta(days=days)
    r = session_get(f"{base_url}/api/v1/clinics/{SLUG}/slots",
                    params={"type": "time", "calendar": calendar, "from": first.isoformat(),
                            "to": (first + timedelta(days=3)).isoformat()}, timeout=10)
    r.raise_for_status()
    return r.json()["days"][0]["slots"][0]["start"]


def overlaps(rows) -> list[tuple]:
    """Pairs of active bookings (calendar, start, end) that overlap in one calendar."""
    by_calendar: dict[str, list] = {}
    for cal, start, end in rows:
        by_calendar.setdefault(cal, []).append((start, end))
    bad = []
    for cal, items in by_calendar.items():
        items.sort()
        for (s1, e1), (s2, e2) in zip(items, items[1:], strict=False):
            if s2 < e1:
                bad.append((cal, s1, e1, s2, e2))
    return bad


def active_rows(database_url: str) -> list[tuple]:
    """(calendar, start, end) of every active booking, read straight from the database."""
    if database_url.startswith("sqlite:///"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            return list(con.execute(
                "SELECT calendar, start, \"end\" FROM booking WHERE status = 'active'"))
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(database_url, connect_timeout=5)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT calendar, start, \"end\" FROM booking WHERE status = 'active'")
            return list(cur.fetchall())
    finally:
        con.close()


def booking_ids(database_url: str) -> set[str]:
    if database_url.startswith("sqlite:///"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            return {r[0] for r in con.execute("SELECT public_id FROM booking")}
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(database_url, connect_timeout=5)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT public_id FROM booking")
            return {r[0] for r in cur.fetchall()}
    finally:
        con.close()
