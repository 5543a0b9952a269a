"""What a patient may see, book and cancel online, and why not.

`visible_slots` is the one definition of "visible online" (README.md#the-rules-in-plain-words);
`check_booking` and `check_cancellation` answer with a `Slot` or a `Refusal`
carrying a stable code. `now` is always passed in, timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from booking.model import AppointmentType, Calendar, Clinic, Rules
from booking.plans import Plans
from booking.schedule import day_blocks, day_closed, exception_on
from booking.slots import NO_BUSY, Busy, Slot, block_slots


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why something cannot be done online: a stable `code`, and the facts a sentence about
    it needs (the deadline's hours, the window's days, the limit), never the sentence: the
    API's and the pages' words for each code are theirs (`endpoint.problems.refused`,
    `common/words`)."""

    code: str
    facts: tuple[tuple[str, float | str], ...] = ()

    def fact(self, name: str) -> float | str | None:
        return dict(self.facts).get(name)


BOOKING_DEADLINE = "booking_deadline"
OUTSIDE_BOOKING_WINDOW = "outside_booking_window"
SLOT_UNAVAILABLE = "slot_unavailable"
MAX_SELF_BOOKED = "max_self_booked"
CANCELLATION_DEADLINE = "cancellation_deadline"


@dataclass(frozen=True, slots=True)
class DaySlots:
    date: date
    slots: tuple[Slot, ...]

#: dates outside these years cannot be converted between time zones safely
MIN_YEAR, MAX_YEAR = 1900, 9000


@lru_cache(maxsize=128)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_today(clinic: Clinic, now: datetime) -> date:
    return now.astimezone(zone(clinic.timezone)).date()


def last_bookable_day(clinic: Clinic, rules: Rules, now: datetime) -> date:
    """Today plus `days_ahead`, in the clinic's time."""
    return local_today(clinic, now) + timedelta(days=rules.days_ahead)


def _online_calendars(clinic: Clinic, calendar_id: str | None) -> tuple[Calendar, ...]:
    if calendar_id is None:
        return clinic.online_calendars
    cal = clinic.calendar(calendar_id)
    return (cal,) if cal is not None and cal.online else ()


def calendar_day_slots(
    clinic: Clinic, calendar: Calendar, kind: AppointmentType, day: date, busy: Busy,
    *, online_only: bool = True,
) -> list[Slot]:
    """A calendar's free slots of one type on one day, before deadline and window."""
    tz = zone(clinic.timezone)
    out: list[Slot] = []
    for block in day_blocks(clinic, calendar, day):
        if online_only and not block.online:
            continue
        out.extend(block_slots(block, kind, day, tz, busy, calendar.id))
    return out


def free_slots(
    clinic: Clinic,
    kind: AppointmentType,
    busy: Mapping[str, Busy],
    first_day: date,
    last_day: date,
    calendar_id: str | None = None,
    plans: Plans | None = None,
) -> list[DaySlots]:
    """Free online slots of a type per day, before deadline, window and first-available.

    This part depends on the schedule and the bookings but not on the clock,
    so a shell may cache it until the bookings or the configuration change.
    Given `plans` (booking/plans.py), the schedule's part comes compiled from
    them and only the bookings are merged in: the same answer, made faster.
    """
    calendars = _online_calendars(clinic, calendar_id)
    if plans is not None:
        return _planned_free_slots(clinic, kind, busy, first_day, last_day, calendars, plans)
    days = []
    day = first_day
    while day <= last_day:
        found: list[Slot] = []
        for cal in calendars:
            found.extend(calendar_day_slots(clinic, cal, kind, day, busy.get(cal.id, NO_BUSY)))
        if found:
            found.sort(key=lambda s: (s.start, s.calendar))
            days.append(DaySlots(day, tuple(found)))
        day += timedelta(days=1)
    return days


def _planned_free_slots(
    clinic: Clinic, kind: AppointmentType, busy: Mapping[str, Busy], first_day: date,
    last_day: date, calendars: tuple[Calendar, ...], plans: Plans,
) -> list[DaySlots]:
    """`free_slots` from compiled range plans: each plan's free candidates, day by day."""
    if first_day > last_day:
        return []
    made = [plans.plan(clinic, cal, kind, first_day, last_day) for cal in calendars]
    per_calendar = [plan.free(busy.get(cal.id, NO_BUSY)) for plan, cal in zip(
        made, calendars, strict=True)]
    if len(calendars) == 1:  # sorted as `free_slots` sorts, where the plan says they are not
        ordered = made[0].ordered
        return [DaySlots(first_day + timedelta(days=i), tuple(
                    found if ordered[i] else sorted(found, key=lambda s: (s.start, s.calendar))))
                for i, found in enumerate(per_calendar[0]) if found]
    days = []
    for i in range((last_day - first_day).days + 1):
        merged: list[Slot] = []
        for free in per_calendar:
            found = free[i]
            if found:
                merged.extend(found)
        if merged:
            merged.sort(key=lambda s: (s.start, s.calendar))
            days.append(DaySlots(first_day + timedelta(days=i), tuple(merged)))
    return days


@dataclass(frozen=True, slots=True)
class Openings:
    """Which days of a range a type has online openings on, by the schedule alone.

    `open`: the days some calendar asked for has an online opening of the type
    (free or not: the bookings do not count). `closed`: every other day of the
    range, with the clinic's reason when it gave one — a closed exception's
    `reason`, or the public holiday's Norwegian name — and None otherwise (the
    week has no block for the type that day, or the calendars differ).
    `other_types`: the closed days without a reason on which a calendar asked for
    is open online for other types: the type is not offered, the clinic is not
    closed (the page says so, docs/site.md).
    """

    open: frozenset[date]
    closed: tuple[tuple[date, str | None], ...]
    other_types: frozenset[date] = frozenset()


def _closed_reason(clinic: Clinic, calendar: Calendar, day: date,
                   kind: AppointmentType) -> str | None:
    exc = exception_on(calendar, day)
    if exc is not None:
        return (exc.reason or None) if exc.closed else None
    return day_closed(clinic, calendar, day, kind.id)


def openings(clinic: Clinic, kind: AppointmentType, first_day: date, last_day: date,
             calendar_id: str | None = None) -> Openings:
    """The days of `first_day` .. `last_day` with and without online openings of `kind`.

    Over every online calendar offering the type ("first available") or the one
    asked for. A day is closed with a reason only when every calendar that gives
    one gives the same. Pure and clock-free, so a shell may cache it per
    configuration version.
    """
    tz = zone(clinic.timezone)
    calendars = [c for c in _online_calendars(clinic, calendar_id) if c.offers(kind.id)]
    opened: set[date] = set()
    closed: list[tuple[date, str | None]] = []
    others: set[date] = set()
    day = first_day
    while day <= last_day:
        reasons: set[str] = set()
        online = False  # some calendar is open online this day, for other types
        for cal in calendars:
            blocks = day_blocks(clinic, cal, day)
            if any(b.online and block_slots(b, kind, day, tz, NO_BUSY, cal.id) for b in blocks):
                opened.add(day)
                break
            online = online or any(b.online for b in blocks)
            reason = _closed_reason(clinic, cal, day, kind)
            if reason:
                reasons.add(reason)
        else:
            reason = reasons.pop() if len(reasons) == 1 else None
            closed.append((day, reason))
            if reason is None and online:
                others.add(day)
        day += timedelta(days=1)
    return Openings(frozenset(opened), tuple(closed), frozenset(others))


def visible_window(clinic: Clinic, kind: AppointmentType, now: datetime,
                   first_day: date | None = None, last_day: date | None = None
                   ) -> tuple[date, date]:
    """The asked range clipped to today .. today + days_ahead (may come out empty)."""
    today = local_today(clinic, now)
    first = max(first_day or today, today)
    last = min(last_day or date.max, today + timedelta(days=kind.rules.days_ahead))
    return first, last


def earliest_start(kind: AppointmentType, now: datetime) -> datetime:
    """The booking deadline: the earliest start bookable now (real hours, DST-proof)."""
    return now.astimezone(UTC) + timedelta(hours=kind.rules.booking_deadline_hours)


def visible_day(day: DaySlots, kind: AppointmentType, now: datetime) -> DaySlots:
    """A day's free slots as the patient sees them now: deadline, then first-available."""
    earliest = earliest_start(kind, now)
    if day.slots and day.slots[0].start < earliest:
        day = DaySlots(day.date, tuple(s for s in day.slots if s.start >= earliest))
    return first_available(day) if kind.rules.first_available_only else day


def first_available(day: DaySlots) -> DaySlots:
    """Only each calendar's earliest slot of the day."""
    seen: set[str] = set()
    kept = []
    for s in day.slots:
        if s.calendar not in seen:
            seen.add(s.calendar)
            kept.append(s)
    return DaySlots(day.date, tuple(kept))


def visible_slots(
    clinic: Clinic,
    type_id: str,
    now: datetime,
    busy: Mapping[str, Busy],
    *,
    calendar_id: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    plans: Plans | None = None,
) -> list[DaySlots]:
    """Slots a patient sees online for a type, day by day (days without slots left out).

    `busy` maps a calendar id to its active bookings. The range is clipped to
    today .. today + days_ahead; `first_available_only` keeps each
    calendar's earliest slot per day. `plans`: see `free_slots`.
    """
    kind = clinic.type(type_id)
    if kind is None or not kind.online:
        return []
    first, last = visible_window(clinic, kind, now, first_day, last_day)
    earliest = earliest_start(kind, now)
    cut = kind.rules.first_available_only
    shown = []
    for day in free_slots(clinic, kind, busy, first, last, calendar_id, plans):
        if cut or day.slots[0].start < earliest:  # else `visible_day` keeps the day as it is
            day = visible_day(day, kind, now)
            if not day.slots:
                continue
        shown.append(day)
    return shown


def check_booking(
    clinic: Clinic,
    calendar_id: str,
    type_id: str,
    start: datetime,
    now: datetime,
    busy: Mapping[str, Busy],
    self_booked: int,
) -> Slot | Refusal:
    """The slot if a patient with `self_booked` future bookings may book it now.

    Checked in the order a patient can act on: deadline, window, the slot
    itself, then the patient's limit.
    """
    kind = clinic.type(type_id)
    cal = clinic.calendar(calendar_id)
    if kind is None or cal is None or not kind.online or not cal.online:
        return Refusal(SLOT_UNAVAILABLE, (("why", "offline"),))
    rules = kind.rules
    if start < earliest_start(kind, now):
        return Refusal(BOOKING_DEADLINE, (("hours", rules.booking_deadline_hours),))
    day = start.astimezone(zone(clinic.timezone)).date()
    if day < local_today(clinic, now) or day > last_bookable_day(clinic, rules, now):
        return Refusal(OUTSIDE_BOOKING_WINDOW, (("days", rules.days_ahead),))
    for days in visible_slots(clinic, type_id, now, busy, calendar_id=calendar_id,
                              first_day=day, last_day=day):
        for slot in days.slots:
            if slot.start == start:
                if self_booked >= rules.max_self_booked:
                    return Refusal(MAX_SELF_BOOKED, (("limit", rules.max_self_booked),))
                return slot
    return Refusal(SLOT_UNAVAILABLE, (("why", "taken"),))


def check_cancellation(
    clinic: Clinic, type_id: str, start: datetime, now: datetime
) -> Refusal | None:
    """None if the patient may still cancel an appointment starting at `start`."""
    kind = clinic.type(type_id)
    rules = kind.rules if kind is not None else clinic.online
    if start - now.astimezone(UTC) >= timedelta(hours=rules.cancellation_deadline_hours):
        return None
    return Refusal(CANCELLATION_DEADLINE, (("hours", rules.cancellation_deadline_hours),))


def can_cancel(clinic: Clinic, type_id: str, start: datetime, now: datetime) -> bool:
    return check_cancellation(clinic, type_id, start, now) is None

