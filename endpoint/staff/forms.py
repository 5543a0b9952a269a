"""Reading the staff pages' query strings and form fields: dates, times, choices, text.

Every reader returns a value or collects a field error (a Norwegian sentence
keyed by the field's name), so a page can show every mistake next to its
field at once; nothing a user types can make a page fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from booking import Clinic
from booking.restrictions import MAX_YEAR, MIN_YEAR, local_today, zone
from common.words import staff as words
from endpoint.staff.calendar import find_booking, patient_name
from endpoint.staff.errors import StaffError
from endpoint.storage.db import from_db

MAX_TEXT = 500
MAX_NOTE = 1000

Errors = dict[str, str]


def clean_text(value: str | None, limit: int = MAX_TEXT, *, lines: bool = False) -> str:
    """Text from a form: no NUL or control characters, spaces collapsed (lines kept for
    notes), at most `limit` characters."""
    value = (value or "").replace("\x00", " ")
    if lines:
        rows = [" ".join(r.split()) for r in value.replace("\r\n", "\n").split("\n")]
        value = "\n".join(rows).strip()
    else:
        value = " ".join(value.split())
    value = "".join(ch for ch in value if ch == "\n" or ord(ch) >= 32)
    return value[:limit]


def parse_date(value: str | None) -> date | None:
    value = (value or "").strip()
    try:
        if len(value) == 10 and value.isascii():
            day = date.fromisoformat(value)
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
    except ValueError:
        pass
    return None


def parse_time(value: str | None) -> time | None:
    """'08:20' or '8.20' or '0820' -> 08:20; None for anything else."""
    value = (value or "").strip().replace(".", ":")
    if value.isascii() and value.isdigit() and len(value) in (3, 4):
        value = f"{value[:-2]}:{value[-2:]}"
    hours, _, minutes = value.partition(":")
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()
            and len(hours) <= 2 and len(minutes) == 2):
        return None
    h, m = int(hours), int(minutes)
    return time(h, m) if h < 24 and m < 60 else None


def local_datetime(clinic: Clinic, day: date, at: time) -> datetime:
    """The instant of a wall-clock time on a day in the clinic's time zone."""
    return datetime.combine(day, at, zone(clinic.timezone))


def day_arg(value: str | None, clinic: Clinic, now: datetime) -> date:
    """The `date` of a page's query string (today when missing); 400 for a wrong one."""
    if not value:
        return local_today(clinic, now)
    day = parse_date(value)
    if day is None:
        raise StaffError(400, words.not_a_date(value[:40]))
    return day


def notice_for(clinic: Clinic, args: Mapping[str, str]) -> str:
    """The sentence a page shows after an action sent the user back to it."""
    booking = find_booking(clinic, args.get("booking", "") or args.get("cancelled", ""))
    if booking is None:
        return words.BLOCK_DONE.get(args.get("done", ""), "")
    start = from_db(booking.start).astimezone(zone(clinic.timezone))
    who = patient_name(booking)
    if args.get("cancelled") or args.get("done") == "cancelled":
        return words.booking_cancelled(who, f"{start:%H:%M}")
    done = args.get("done", "")
    return words.booking_done(who, f"{start:%H:%M}", done) if done in words.BOOKING_DONE else ""
