"""Helpers for the staff API tests (docs/staff.md): a clinic with staff-only blocks and an
offline calendar, its staff, their API tokens' headers, and raw reads of the database.

The clinic `timebok` (Europe/Oslo, no public holidays) is open every day:
`lege` (online) 08:00–12:00 for kons (20 min) and kort (10 min), 12:00–13:00
staff-only for kons and intern (30 min, offline); `vikar` (offline)
08:00–16:00 for kons. kons notifies by e-mail and SMS with a reminder 24 hours
before; online rules are tight (2 h deadline, 10 days ahead, 1 self-booked).
The clinic `annen` is a copy with staff of its own.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
SLUG = "timebok"
OTHER = "annen"
PASSWORD = "fjord-kaffe-mandag-7"
API = f"/api/v1/staff/{SLUG}"
PUBLIC = f"/api/v1/clinics/{SLUG}"

_WEEK = "\n".join(f"      {d}: *lege" for d in ("tue", "wed", "thu", "fri", "sat", "sun"))
_VIKAR = "\n".join(f"      {d}: *vikar" for d in ("tue", "wed", "thu", "fri", "sat", "sun"))

CLINIC_YAML = f"""\
name: Timebok legesenter
timezone: Europe/Oslo
language: nb
address: Torget 1, 5000 Bergen
phone: "+47 55 00 00 00"
email: post@timebok.example
pages_url: https://timebok.example/time/
online:
  max_self_booked: 1
  days_ahead: 10
  booking_deadline_hours: 2
  cancellation_deadline_hours: 24
  closed_on_public_holidays: false
calendars:
  - id: lege
    name: Dr. Lege
    online: true
    week:
      mon: &lege
        - {{start: "08:00", end: "12:00", types: [kons, kort]}}
        - {{start: "12:00", end: "13:00", types: [kons, intern], online: false}}
{_WEEK}
{{exceptions}}
  - id: vikar
    name: Vikar
    online: false
    week:
      mon: &vikar
        - {{start: "08:00", end: "16:00", types: [kons]}}
{_VIKAR}
appointment_types:
  - {{id: kons, name: Konsultasjon, duration: 20, online: true, notify: [email, sms],
     reminder_hours: 24}}
  - {{id: kort, name: Kort time, duration: 10, online: true, notify: []}}
  - {{id: intern, name: Intern, duration: 30, online: false, notify: [email]}}
"""


def clinic_yaml(exceptions: str = "") -> str:
    """The clinic file; `exceptions` is YAML for lege's `exceptions:` (indented 4)."""
    block = f"    exceptions:\n{exceptions}" if exceptions else ""
    return CLINIC_YAML.replace("{exceptions}\n", block + ("\n" if block else ""))


#: each user's API token (what `endpoint staff-user api-token` prints), set by `add_staff`
TOKENS = {"kari": "kari-api-token-" + "k" * 32, "ola": "ola-api-token-" + "o" * 32}


def bearer(username: str, token: str | None = None) -> dict[str, str]:
    """`Authorization: Bearer` with the user's API token (or with `token`, a wrong one)."""
    return {"Authorization": f"Bearer {token or TOKENS.get(username, username + '-no-token')}"}


STAFF = bearer("kari")
OTHER_STAFF = bearer("ola")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def iso(day: date, hour: int, minute: int = 0) -> str:
    return at(day, hour, minute).isoformat()


def same_instant(a: str, b: str) -> bool:
    return datetime.fromisoformat(a) == datetime.fromisoformat(b)


def staff_body(start: str, *, calendar: str = "lege", type: str = "kons", who: int = 0,
               **changes) -> dict:
    from endpoint_support import patient

    body = {"calendar": calendar, "type": type, "start": start, "patient": patient(who)}
    body.update(changes)
    return body


def add_staff(database_url: str, clinic: str = SLUG) -> None:
    """The clinic's user `kari` and the other clinic's `ola`, with their API tokens, straight
    into the database."""
    from support import TEST_DATA_KEY

    from endpoint.staff.users import add_user, api_token_hash
    from endpoint.storage.crypto import Keyring
    from endpoint.storage.db import StaffUser, db
    from endpoint.storage.migrations import open_and_migrate

    open_and_migrate(database_url, Keyring.from_text(TEST_DATA_KEY))
    with db.connection_context():
        add_user(clinic, "kari", PASSWORD)
        add_user(OTHER, "ola", PASSWORD)
        for username, token in TOKENS.items():
            StaffUser.update(api_token_hash=api_token_hash(token)).where(
                StaffUser.username == username).execute()


def rows(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read straight from the database (the test's own connection)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            return list(con.execute(sql, params))
        finally:
            con.close()
    import psycopg2
    con = psycopg2.connect(database_url, connect_timeout=5)
    try:
        with con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
            return list(cur.fetchall())
    finally:
        con.close()


def _instant(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value


def busy_overlaps(database_url: str) -> list[tuple]:
    """Pairs of active bookings or staff blocks that overlap in one calendar."""
    spans = [("booking", *r) for r in rows(
        database_url, "SELECT calendar, start, \"end\" FROM booking WHERE status = 'active'")]
    spans += [("block", *r) for r in rows(
        database_url, 'SELECT calendar, start, "end" FROM staff_block')]
    bad = []
    by_calendar: dict[str, list] = {}
    for kind, cal, start, end in spans:
        by_calendar.setdefault(cal, []).append((_instant(start), _instant(end), kind))
    for cal, items in by_calendar.items():
        items.sort()
        for (s1, e1, k1), (s2, e2, k2) in zip(items, items[1:], strict=False):
            if s2 < e1:
                bad.append((cal, k1, s1, e1, k2, s2, e2))
    return bad


def outbox(database_url: str, kind: str | None = None) -> list[dict]:
    """The outbox's rows (kind, channel, recipient, subject, body, attachment, status)."""
    sql = "SELECT kind, channel, recipient, subject, body, attachment, status FROM outbox"
    found = rows(database_url, sql + (" WHERE kind = ?" if kind else "") + " ORDER BY id",
                 (kind,) if kind else ())
    keys = ("kind", "channel", "recipient", "subject", "body", "attachment", "status")
    return [{k: opened("outbox", k, v) for k, v in zip(keys, r, strict=True)} for r in found]


#: the columns sealed at rest (storage/crypto.py), by table
SEALED = {"booking": {"national_id", "first_name", "last_name", "phone", "email", "note",
                      "cancel_reason"},
          "outbox": {"recipient", "subject", "body", "attachment", "last_error"},
          "patient_search": {"query"},
          "waitlist_entry": {"national_id", "first_name", "last_name", "phone", "email"}}


def opened_rows(database_url: str, table: str, columns: tuple[str, ...], sql: str,
                params: tuple = ()) -> list[tuple]:
    """`rows`, whose columns (named in order) are opened where they are sealed at rest."""
    return [tuple(opened(table, c, v) for c, v in zip(columns, r, strict=True))
            for r in rows(database_url, sql, params)]


def opened(table: str, column: str, value):
    """A value read raw from the database, opened with the tests' data key if sealed."""
    if column not in SEALED.get(table, ()) or not value:
        return value
    from support import TEST_DATA_KEY

    from endpoint.storage.crypto import Keyring
    return Keyring.from_text(TEST_DATA_KEY).open(value, f"{table}.{column}")


def log_details_text(database_url: str) -> str:
    """Every audit log entry's details, as one text."""
    return json.dumps([r[0] for r in rows(database_url, "SELECT details FROM booking_log")])


def days_from(day: date, n: int) -> date:
    return day + timedelta(days=n)
