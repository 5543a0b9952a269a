"""The staff calendar's picture of a day and its week (SPEC §8).

`day_view` reads the day's bookings and lays the clinic out as boxes on a
time grid: per calendar its work-schedule blocks, the free slots inside them
and the bookings, each with a top and a height in minutes from the grid's
start. `week_view` says how full each day of the week is. Templates only
draw what these return. The free slots come from the core's slot engine
(`booking.slots.block_slots`), the same that answers patients, so staff and
patients never see different free times; reading the bookings is
`storage.queries`' business and writing dates `common.words.dates`'.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking import Busy, Clinic
from booking.model import Block, Calendar
from booking.restrictions import local_today, zone
from booking.schedule import blocks_on, closed_reason
from booking.slots import block_slots
from common.words.dates import long_date, short_date
from endpoint.services.patients import mask_national_id as mask_national_id  # re-exported
from endpoint.storage.db import Booking, StaffBlock, from_db
from endpoint.storage.queries import bookings_between, lookup
from endpoint.storage.timebok import blocks_between

DEFAULT_HOURS = (8, 16)


@dataclass(frozen=True)
class Box:
    """Something drawn in a column: `top` and `height` in minutes from the grid's start."""

    id: str
    top: int
    height: int
    start: str  # "08:00"
    end: str


@dataclass(frozen=True)
class BlockBox(Box):
    kind: str  # online | staff | smart
    online: bool
    types: str  # the names of the types it allows


@dataclass(frozen=True)
class BookingBox(Box):
    public_id: str
    name: str
    type_name: str
    self_booked: bool
    booked_at: str  # "28.11.2026 kl. 14:03"
    phone: str


@dataclass(frozen=True)
class Column:
    calendar: Calendar
    closed: str | None
    blocks: tuple[BlockBox, ...]
    free: tuple[Box, ...]
    bookings: tuple[BookingBox, ...]


@dataclass(frozen=True)
class _Draft:
    """A calendar's parts for the day, before the grid's first minute is known."""

    calendar: Calendar
    blocks: tuple[Block, ...]
    bookings: list[Booking]
    intervals: list[tuple[int, int]]


@dataclass(frozen=True)
class Cancelled:
    public_id: str
    start: str
    name: str
    type_name: str
    calendar: str
    by: str
    reason: str


@dataclass(frozen=True)
class WeekDay:
    day: date
    label: str  # "ons 2.12."
    booked: int  # minutes
    bookable: int
    closed: bool

    @property
    def percent(self) -> int:
        if not self.bookable:
            return 100 if self.booked else 0
        return min(100, round(100 * self.booked / self.bookable))


@dataclass(frozen=True)
class DayView:
    clinic: Clinic
    day: date
    today: date
    first_minute: int
    last_minute: int
    now_minute: int | None
    columns: tuple[Column, ...]
    cancelled: tuple[Cancelled, ...]
    week: tuple[WeekDay, ...]

    @property
    def prev_day(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next_day(self) -> date:
        return self.day + timedelta(days=1)

    @property
    def title(self) -> str:
        return long_date(self.day)

    @property
    def hours(self) -> list[tuple[int, str]]:
        """(top, "09:00") for every whole hour on the grid."""
        return [(m - self.first_minute, f"{m // 60:02d}:00")
                for m in range(self.first_minute, self.last_minute + 1, 60)]

    @property
    def height(self) -> int:
        return self.last_minute - self.first_minute

    @property
    def counts(self) -> dict[str, int]:
        bookings = [b for c in self.columns for b in c.bookings]
        return {"bookings": len(bookings),
                "self_booked": sum(b.self_booked for b in bookings),
                "free": sum(len(c.free) for c in self.columns)}

    def positions_css(self) -> str:
        """Where each box goes, as CSS custom properties (served under a CSP hash)."""
        rules = []
        for column in self.columns:
            for box in (*column.blocks, *column.free, *column.bookings):
                rules.append(f"#{box.id}{{--t:{box.top};--h:{box.height}}}")
        for top, _ in self.hours:
            rules.append(f"#h{top}{{--t:{top}}}")
        for i, wd in enumerate(self.week):
            rules.append(f"#wk{i}{{--p:{wd.percent}}}")
        rules.append(f".grid{{--span:{self.height}}}")
        if self.now_minute is not None:
            rules.append(f".now{{--t:{self.now_minute - self.first_minute}}}")
        return "\n".join(rules)


def csp_hash(text: str) -> str:
    return "'sha256-" + b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def patient_name(booking: Booking) -> str:
    return f"{booking.first_name} {booking.last_name}".strip() or "(uten navn)"


def booked_at_label(booking: Booking, clinic: Clinic) -> str:
    at = from_db(booking.created_at).astimezone(zone(clinic.timezone))
    return f"{at:%d.%m.%Y} kl. {at:%H:%M}"


def day_view(clinic: Clinic, day: date, now: datetime) -> DayView:
    """The clinic's day for the staff calendar, and the week around it."""
    tz = zone(clinic.timezone)
    rows = bookings_between(clinic, day, day)
    staff_blocks = blocks_between(clinic, day, day)
    holidays = clinic.online.closed_on_public_holidays
    drafts: list[_Draft] = []
    spans: list[tuple[int, int]] = []
    for cal in clinic.calendars:
        mine = [b for b in rows if b.calendar == cal.id and b.status == "active"]
        blocks = blocks_on(cal, day, closed_on_public_holidays=holidays)
        intervals = [_minutes(b, day, tz) for b in mine]
        spans += [(_minute(b.start), _minute(b.end)) for b in blocks] + intervals
        drafts.append(_Draft(cal, blocks, mine, intervals))
    first, last = _grid(spans)
    built = []
    for ci, draft in enumerate(drafts):
        cal = draft.calendar
        built.append(Column(
            calendar=cal,
            closed=closed_reason(cal, day, closed_on_public_holidays=holidays),
            blocks=tuple(_block_box(clinic, cal, f"c{ci}b{i}", b, first)
                         for i, b in enumerate(draft.blocks)),
            free=tuple(_free(clinic, ci, day, draft.blocks, draft.bookings, first,
                             [b for b in staff_blocks if b.calendar == cal.id])),
            bookings=tuple(_booking_box(clinic, b, span, first)
                           for b, span in zip(draft.bookings, draft.intervals, strict=True)),
        ))
    local_now = now.astimezone(tz)
    now_minute = local_now.hour * 60 + local_now.minute if local_now.date() == day else None
    if now_minute is not None and not first <= now_minute <= last:
        now_minute = None
    cancelled = tuple(_cancelled(clinic, b, tz) for b in rows if b.status == "cancelled")
    return DayView(clinic, day, local_today(clinic, now), first, last, now_minute,
                   tuple(built), cancelled, week_view(clinic, day))


def week_view(clinic: Clinic, day: date) -> tuple[WeekDay, ...]:
    """Monday to Sunday around `day`: booked against bookable minutes per day."""
    tz = zone(clinic.timezone)
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    booked: dict[date, int] = defaultdict(int)
    for b in bookings_between(clinic, monday, sunday, active_only=True):
        start = from_db(b.start).astimezone(tz)
        booked[start.date()] += int((from_db(b.end) - from_db(b.start)).total_seconds() // 60)
    out = []
    holidays = clinic.online.closed_on_public_holidays
    for i in range(7):
        d = monday + timedelta(days=i)
        bookable = sum(_minute(b.end) - _minute(b.start) for cal in clinic.calendars
                       for b in blocks_on(cal, d, closed_on_public_holidays=holidays))
        out.append(WeekDay(d, short_date(d), booked[d], bookable, bookable == 0))
    return tuple(out)


def cancelled_by_label(booking: Booking) -> str:
    """Who cancelled, as staff read it."""
    return {"patient": "pasienten", "staff": "klinikken"}.get(booking.cancelled_by,
                                                               booking.cancelled_by)


def find_booking(clinic: Clinic, public_id: str) -> Booking | None:
    return lookup(clinic, public_id)


def local_day(clinic: Clinic, booking: Booking) -> date:
    return from_db(booking.start).astimezone(zone(clinic.timezone)).date()


def type_name(clinic: Clinic, type_id: str) -> str:
    kind = clinic.type(type_id)
    return kind.name if kind else type_id


def calendar_name(clinic: Clinic, calendar_id: str) -> str:
    cal = clinic.calendar(calendar_id)
    return cal.name if cal else calendar_id


# -- helpers ------------------------------------------------------------------------------

def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def _minutes(booking: Booking, day: date, tz) -> tuple[int, int]:
    """A booking's wall-clock minutes on `day`, clipped to the day."""
    start = from_db(booking.start).astimezone(tz)
    end = from_db(booking.end).astimezone(tz)
    lo = 0 if start.date() < day else start.hour * 60 + start.minute
    hi = 24 * 60 if end.date() > day else end.hour * 60 + end.minute
    return lo, max(hi, lo + 1)


def _grid(spans: list[tuple[int, int]]) -> tuple[int, int]:
    if not spans:
        return DEFAULT_HOURS[0] * 60, DEFAULT_HOURS[1] * 60
    first = min(s for s, _ in spans) // 60 * 60
    last = -(-max(e for _, e in spans) // 60) * 60
    return first, min(last, 24 * 60)


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _block_box(clinic: Clinic, cal: Calendar, box_id: str, block: Block, first: int) -> BlockBox:
    start, end = _minute(block.start), _minute(block.end)
    online = block.online and cal.online
    kind = "smart" if block.smart else ("online" if online else "staff")
    names = ", ".join(type_name(clinic, t) for t in block.types)
    return BlockBox(box_id, start - first, end - start, _hm(start), _hm(end), kind, online, names)


def _free(clinic: Clinic, ci: int, day: date, blocks: tuple[Block, ...],
          bookings: list[Booking], first: int, staff_blocks: list[StaffBlock]) -> list[Box]:
    """The free slots of each block, from the core's slot engine (what patients are offered).

    A block's slots are asked for its shortest type: a plain block then shows each free
    cell, a smart block each start that keeps the day compact. Staff blocks are busy
    time like bookings.
    """
    tz = zone(clinic.timezone)
    taken: list[tuple[datetime, datetime]] = [(b.start, b.end) for b in bookings]
    taken += [(b.start, b.end) for b in staff_blocks]
    busy = Busy.from_epochs((from_db(s).timestamp(), from_db(e).timestamp()) for s, e in taken)
    spans: set[tuple[int, int]] = set()
    for block in blocks:
        kinds = [k for t in block.types if (k := clinic.type(t)) is not None]
        if not kinds:
            continue
        shortest = min(kinds, key=lambda k: k.duration)
        length = shortest.duration if block.smart else block.cell
        for slot in block_slots(block, shortest, day, tz, busy, ""):
            lo = slot.start.hour * 60 + slot.start.minute
            spans.add((lo, min(lo + length, 24 * 60)))
    return [Box(f"c{ci}f{i}", lo - first, hi - lo, _hm(lo), _hm(hi))
            for i, (lo, hi) in enumerate(sorted(spans))]


def _booking_box(clinic: Clinic, b: Booking, span: tuple[int, int], first: int) -> BookingBox:
    lo, hi = span
    return BookingBox(f"bk-{b.public_id}", lo - first, hi - lo, _hm(lo), _hm(hi),
                      b.public_id, patient_name(b), type_name(clinic, b.type),
                      bool(b.self_booked), booked_at_label(b, clinic), b.phone)


def _cancelled(clinic: Clinic, b: Booking, tz) -> Cancelled:
    start = from_db(b.start).astimezone(tz)
    by = cancelled_by_label(b)
    return Cancelled(b.public_id, f"{start:%H:%M}", patient_name(b), type_name(clinic, b.type),
                     calendar_name(clinic, b.calendar), by, b.cancel_reason)
