"""Why a (calendar, type) pair is or is not bookable online: the admin's checklist.

The seed help page asks the admin to check four things by hand: the calendar
is online, the type is online, the week has online blocks for the type, and
the schedule is up to date. `bookability` answers those for every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.model import Calendar, Clinic
from booking.restrictions import calendar_day_slots, local_today, visible_slots
from booking.slots import NO_BUSY, Slot


@dataclass(frozen=True, slots=True)
class PairReport:
    calendar: str
    type: str
    bookable: bool
    reasons: tuple[str, ...]
    next_slot: Slot | None = None
    slot_count: int = 0


def bookability(clinic: Clinic, now: datetime) -> list[PairReport]:
    """One report per (calendar, type) pair where the calendar's schedule names the type."""
    reports = []
    for cal in clinic.calendars:
        for kind in clinic.types:
            if not any(kind.id in b.types for b in cal.blocks):
                continue
            reasons = []
            if not cal.online:
                reasons.append("the calendar is not online (set online: true on the calendar)")
            if not kind.online:
                reasons.append("the type is not online (set online: true on the type)")
            if not cal.offers(kind.id):
                reasons.append("the type is in no online block of this calendar "
                               "(its blocks with it all have online: false)")
            slots: list[Slot] = []
            if not reasons:
                days = visible_slots(clinic, kind.id, now, {}, calendar_id=cal.id)
                slots = [s for d in days for s in d.slots]
                if not slots:
                    reasons.append(_why_empty(clinic, cal, kind.id, now))
            reports.append(PairReport(cal.id, kind.id, not reasons, tuple(reasons),
                                      slots[0] if slots else None, len(slots)))
    return reports


def _why_empty(clinic: Clinic, cal: Calendar, type_id: str, now: datetime) -> str:
    kind = clinic.type(type_id)
    assert kind is not None
    days = kind.rules.days_ahead
    today = local_today(clinic, now)
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        if calendar_day_slots(clinic, cal, kind, day, NO_BUSY):
            return (f"every online slot in the next {days} days starts before the booking "
                    f"deadline of {kind.rules.booking_deadline_hours} hours")
    return (f"no online block for it in the next {days} days (the week, exceptions or public "
            "holidays close them all): update the schedule or raise days_ahead")
