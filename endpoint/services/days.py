"""A clinic's day as staff work it (docs/staff.md `GET …/day`): per calendar the schedule's
blocks, the bookings, the staff blocks, imported busy times, the times patients hold, and
which bookings no longer fit.

Reads only; the view turns it into JSON. The blocks come from the core's
schedule (`booking.schedule.blocks_on`) and the fit from `booking.fit`, the
same answers the slot route and `…/conflicts` give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from booking import Busy, Clinic
from booking.fit import misfit
from booking.model import Block, Calendar
from booking.schedule import day_blocks, day_closed
from booking.slots import NO_BUSY
from endpoint.services.conflicts import placed, staff_busy
from endpoint.storage.db import Booking, StaffBlock, from_db
from endpoint.storage.queries import bookings_between
from endpoint.storage.sync import BusyTime, busy_times
from endpoint.storage.timebok import HeldTime, blocks_between, holds_between


@dataclass(frozen=True)
class CalendarDay:
    calendar: Calendar
    closed: str | None  # why the schedule has no blocks (an exception, a holiday)
    blocks: tuple[Block, ...]
    bookings: tuple[Booking, ...]  # active and cancelled, by start
    staff_blocks: tuple[StaffBlock, ...]
    conflicts: dict[str, str]  # booking id -> why it no longer fits (future ones)
    busy: tuple[BusyTime, ...] = ()  # imported busy times (docs/sync.md)
    holds: tuple[HeldTime, ...] = ()  # times patients hold on the booking page (docs/patients.md)


def day_of(clinic: Clinic, day: date, now: datetime) -> list[CalendarDay]:
    """Every calendar of the clinic on `day` (clinic time), in the clinic file's order."""
    rows = bookings_between(clinic, day, day)
    blocks = blocks_between(clinic, day, day)
    busy = staff_busy(blocks)
    imported = busy_times(clinic, day, day)
    held = holds_between(clinic, day, day, now)
    imported_busy = {cal: Busy([(t.start, t.end) for t in imported if t.calendar == cal])
                     for cal in {t.calendar for t in imported}}
    out = []
    for cal in clinic.calendars:
        mine = tuple(b for b in rows if b.calendar == cal.id)
        conflicts = {}
        for b in mine:
            if b.status == "active" and from_db(b.start) > now:
                reason = misfit(clinic, placed(b), busy.get(cal.id, NO_BUSY),
                                imported_busy.get(cal.id, NO_BUSY))
                if reason is not None:
                    conflicts[b.public_id] = reason
        out.append(CalendarDay(
            cal, day_closed(clinic, cal, day), day_blocks(clinic, cal, day), mine,
            tuple(b for b in blocks if b.calendar == cal.id), conflicts,
            tuple(t for t in imported if t.calendar == cal.id),
            tuple(h for h in held if h.calendar == cal.id)))
    return out


__all__ = ["CalendarDay", "day_of"]
