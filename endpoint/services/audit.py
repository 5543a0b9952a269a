"""A booking's audit log (docs/staff.md): every action on a booking, who did it and when.

Entries are written in the action's own transaction, so a booking and its log
never disagree. `details` says what changed in ids, times and codes — never the
national id, names, phone, e-mail, the note's text or a cancellation's reason
(those stay on the booking, where the retention purge erases them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from endpoint.storage.db import Booking, write_transaction
from endpoint.storage.timebok import append_log, last_log_times, read_log

#: the patient, through the public API or the pages
PATIENT = "patient"

CREATED = "created"
MOVED = "moved"
TYPE_CHANGED = "type_changed"
ATTENDANCE = "attendance"
NOTE = "note"
CANCELLED = "cancelled"
NATIONAL_ID_REVEALED = "national_id_revealed"
BLOCKED = "blocked"  # a staff block was put over it
#: what changes a booking's calendar event (its time, calendar or length) and raises its
#: SEQUENCE: a revision, for the calendar files and feeds that show it
REVISIONS = (MOVED, TYPE_CHANGED)


def staff_actor(username: str) -> str:
    """How a staff user appears in the log."""
    return f"staff:{username}"


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    details: dict[str, object]


def record(booking: Booking, at: datetime, actor: str, action: str,
           **details: object) -> None:
    """Inside the action's transaction: add an entry to the booking's log."""
    append_log(booking, at, actor, action, details)


def record_alone(booking: Booking, at: datetime, actor: str, action: str,
                 **details: object) -> None:
    """An entry for an action that writes nothing else (a national id shown, say)."""
    with write_transaction():
        record(booking, at, actor, action, **details)


def last_revisions(bookings: list[Booking]) -> dict[int, datetime]:
    """When each booking's event last changed (its latest move or change of type), by row
    id; a booking never changed since it was made is not in it."""
    return last_log_times([b.id for b in bookings], REVISIONS)


def entries(booking: Booking) -> list[Entry]:
    """The booking's log, oldest first."""
    return [Entry(*row) for row in read_log(booking)]


__all__ = ["ATTENDANCE", "BLOCKED", "CANCELLED", "CREATED", "MOVED", "NATIONAL_ID_REVEALED",
           "NOTE", "PATIENT", "REVISIONS", "TYPE_CHANGED", "Entry", "entries",
           "last_revisions", "record", "record_alone", "staff_actor"]
