"""Whether a stored booking still fits the clinic's schedule (docs/staff.md).

A clinic file may change under booked appointments: a day is closed, a block
is removed or no longer offers the type, a calendar or type leaves the file
or goes offline, or staff block time over a booking. The booking stays (a
patient is never dropped silently); this module says *why* it no longer
fits, with a stable code, so that the endpoint (`…/conflicts`, `/healthz`)
and `sitegen check --database` list the same bookings for the same reasons.

Pure, like the rest of the core: the shell reads the bookings and the staff
blocks and passes them in, with `now`.

What fits: the booking's calendar and type exist; unless staff booked it on
purpose outside the schedule (`outside_schedule`), one block of its day
holds its whole time and allows its type; no staff block overlaps it; and a
booking the patient made online still has its calendar and type online.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from booking.model import Calendar, Clinic
from booking.restrictions import zone
from booking.schedule import day_blocks, day_closed
from booking.slots import NO_BUSY, Busy

CALENDAR_REMOVED = "calendar_removed"
TYPE_REMOVED = "type_removed"
DAY_CLOSED = "day_closed"
BLOCK_GONE = "block_gone"
TYPE_NOT_OFFERED = "type_not_offered"
STAFF_BLOCK = "staff_block"
BUSY_TIME = "busy_time"  # an imported busy time (docs/sync.md) overlaps it
CALENDAR_OFFLINE = "calendar_offline"
TYPE_OFFLINE = "type_offline"

#: every reason, in the order they are checked (the first that applies is given)
REASONS = (CALENDAR_REMOVED, TYPE_REMOVED, DAY_CLOSED, BLOCK_GONE, TYPE_NOT_OFFERED,
           STAFF_BLOCK, BUSY_TIME, CALENDAR_OFFLINE, TYPE_OFFLINE)


@dataclass(frozen=True, slots=True)
class Placed:
    """A stored, active booking as the schedule sees it; times are aware."""

    id: str
    calendar: str
    type: str
    start: datetime
    end: datetime
    self_booked: bool = False
    outside_schedule: bool = False


@dataclass(frozen=True, slots=True)
class Misfit:
    """A booking that no longer fits, and the code of the first reason why."""

    booking: Placed
    reason: str


def _instant(day: date, at: time, tz: ZoneInfo) -> float:
    return datetime.combine(day, at, tzinfo=tz).timestamp()


def schedule_misfit(clinic: Clinic, calendar: Calendar, type_id: str, start: datetime,
                    end: datetime) -> str | None:
    """Why [start, end) of `type_id` lies outside the calendar's schedule, or None.

    It fits when one block of the start's day (clinic time) holds all of it and
    allows the type; online switches do not matter here (staff book in staff-only
    blocks too).
    """
    tz = zone(clinic.timezone)
    day = start.astimezone(tz).date()
    if day_closed(clinic, calendar, day, type_id) is not None:
        return DAY_CLOSED
    blocks = day_blocks(clinic, calendar, day)
    if not blocks:
        return BLOCK_GONE
    lo, hi = start.timestamp(), end.timestamp()
    holding = [b for b in blocks
               if _instant(day, b.start, tz) <= lo and hi <= _instant(day, b.end, tz)]
    if not holding:
        return BLOCK_GONE
    if not any(type_id in b.types for b in holding):
        return TYPE_NOT_OFFERED
    return None


def misfit(clinic: Clinic, booking: Placed, staff_blocks: Busy = NO_BUSY,
           imported: Busy = NO_BUSY) -> str | None:
    """Why an active booking no longer fits, or None when it does.

    `staff_blocks` are the staff blocks of the booking's calendar, `imported` the busy
    times read from its other calendars (docs/sync.md).
    """
    calendar = clinic.calendar(booking.calendar)
    if calendar is None:
        return CALENDAR_REMOVED
    kind = clinic.type(booking.type)
    if kind is None:
        return TYPE_REMOVED
    if booking.outside_schedule:
        # booked outside every block on purpose; a day closed since still strands it
        day = booking.start.astimezone(zone(clinic.timezone)).date()
        if day_closed(clinic, calendar, day, booking.type) is not None:
            return DAY_CLOSED
    elif (reason := schedule_misfit(clinic, calendar, booking.type, booking.start,
                                    booking.end)) is not None:
        return reason
    if staff_blocks.overlaps(booking.start.timestamp(), booking.end.timestamp()):
        return STAFF_BLOCK
    if imported.overlaps(booking.start.timestamp(), booking.end.timestamp()):
        return BUSY_TIME
    if booking.self_booked and not calendar.online:
        return CALENDAR_OFFLINE
    if booking.self_booked and not kind.online:
        return TYPE_OFFLINE
    return None


def misfits(clinic: Clinic, bookings: Iterable[Placed], staff_blocks: Mapping[str, Busy],
            now: datetime, imported: Mapping[str, Busy] | None = None) -> list[Misfit]:
    """The bookings that start after `now` and no longer fit, soonest first.

    `staff_blocks` maps a calendar id to its staff blocks, `imported` to its imported
    busy times.
    """
    imported = imported or {}
    found = []
    for booking in sorted(bookings, key=lambda b: (b.start, b.calendar, b.id)):
        if booking.start <= now:
            continue
        reason = misfit(clinic, booking, staff_blocks.get(booking.calendar, NO_BUSY),
                        imported.get(booking.calendar, NO_BUSY))
        if reason is not None:
            found.append(Misfit(booking, reason))
    return found


__all__ = ["REASONS", "Misfit", "Placed", "misfit", "misfits", "schedule_misfit"]
