"""The staff calendar's picture of a day (docs/staff.md).

`day_view` reads the day's bookings, staff blocks and imported busy times
and lays the clinic out as boxes on a time grid: per calendar its
work-schedule blocks, the free slots inside them (each a link to the
booking form), the empty time outside them (a link to the same form, which
then asks to confirm "outside the schedule"), the bookings (red when they
no longer fit), staff blocks and busy times, each with a top and a height in
minutes from the grid's start. Templates only draw what these return. The
free slots come from the core's slot engine (`booking.slots.block_slots`),
the same that answers patients, so staff and patients never see different
free times.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from booking import Busy, Clinic
from booking.model import Block, Calendar
from booking.restrictions import local_today, zone
from booking.schedule import day_blocks, day_closed
from booking.slots import block_slots
from common.words import staff as words
from common.words.dates import long_date, numeric_when, short_date
from endpoint.services.patients import mask_national_id as mask_national_id  # re-exported
from endpoint.storage.db import Booking, from_db
from endpoint.storage.queries import bookings_between, lookup

DEFAULT_HOURS = (8, 16)
#: an empty stretch outside the blocks is offered in cells of this many minutes
GAP_MINUTES = 15
#: pixels per minute: the normal scale, and the finer one for days with short boxes
PPM, PPM_FINE = 1.8, 3.2
#: boxes shorter than this many minutes switch the day to the finer scale
SHORT_MINUTES = 15


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
class FreeBox(Box):
    """A free slot: clicking it opens the booking form for this time and these types."""

    type_ids: tuple[str, ...]


@dataclass(frozen=True)
class BookingBox(Box):
    public_id: str
    name: str
    type_name: str
    self_booked: bool
    booked_at: str  # "28.11.2026 kl. 14:03"
    phone: str
    attendance: str = ""  # "" | arrived | no_show
    conflict: str = ""  # why it no longer fits, in words; "" when it fits
    note: str = ""


@dataclass(frozen=True)
class SpanBox(Box):
    """A staff block (`kind` "block", with its reason), an imported busy time ("busy") or a
    time a patient holds on the booking page ("hold", its label until when)."""

    kind: str
    label: str
    ref: str = ""  # a staff block's public id


@dataclass(frozen=True)
class Span:
    """A staff block or a busy time as the storage hands it in (aware times)."""

    ref: str
    calendar: str
    start: datetime
    end: datetime
    label: str
    #: busy: imported (docs/sync.md); hold: held on the booking page (docs/patients.md)
    kind: str = "busy"


@dataclass(frozen=True)
class Column:
    calendar: Calendar
    closed: str | None
    blocks: tuple[BlockBox, ...]
    free: tuple[FreeBox, ...]
    gaps: tuple[Box, ...]
    bookings: tuple[BookingBox, ...]
    staff_blocks: tuple[SpanBox, ...] = ()
    busy: tuple[SpanBox, ...] = ()

    @property
    def items(self) -> list[Box]:
        """Everything in the column by start, for the list mode."""
        boxes: list[Box] = [*self.bookings, *self.free, *self.staff_blocks, *self.busy]
        return sorted(boxes, key=lambda b: (b.top, not isinstance(b, BookingBox)))


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
    picked: str = ""  # the calendar shown on a phone
    fine: bool = False  # short boxes: the grid is drawn at the finer scale
    conflicts: tuple[BookingBox, ...] = field(default=())

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
            for box in (*column.blocks, *column.free, *column.gaps, *column.bookings,
                        *column.staff_blocks, *column.busy):
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
    return f"{booking.first_name} {booking.last_name}".strip() or words.NO_NAME


def booked_at_label(booking: Booking, clinic: Clinic) -> str:
    at = from_db(booking.created_at).astimezone(zone(clinic.timezone))
    return numeric_when(at)


def day_view(clinic: Clinic, day: date, now: datetime, *, picked: str = "",
             spans: Iterable[Span] = (), busy: Iterable[Span] = (),
             conflicts: Mapping[str, str] | None = None) -> DayView:
    """The clinic's day for the staff calendar, and the week around it.

    `spans` are the day's staff blocks, `busy` its imported busy times, and
    `conflicts` maps the id of a booking that no longer fits to why, in words.
    """
    tz = zone(clinic.timezone)
    conflicts = conflicts or {}
    rows = bookings_between(clinic, day, day)
    by_cal: dict[str, list[Span]] = defaultdict(list)
    busy_by_cal: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        by_cal[s.calendar].append(s)
    for s in busy:
        busy_by_cal[s.calendar].append(s)
    extents: list[tuple[int, int]] = []
    drafts = []
    for cal in clinic.calendars:
        mine = [b for b in rows if b.calendar == cal.id and b.status == "active"]
        blocks = day_blocks(clinic, cal, day)
        intervals = [_clip(from_db(b.start), from_db(b.end), day, tz) for b in mine]
        others = [_clip(s.start, s.end, day, tz) for s in (*by_cal[cal.id], *busy_by_cal[cal.id])]
        extents += [(_minute(b.start), _minute(b.end)) for b in blocks] + intervals + others
        drafts.append((cal, blocks, mine, intervals))
    first, last = _grid(extents)
    built = []
    shortest = 24 * 60
    for ci, (cal, blocks, mine, intervals) in enumerate(drafts):
        cal_spans = by_cal[cal.id]
        taken = [(from_db(b.start), from_db(b.end)) for b in mine] + \
                [(s.start, s.end) for s in (*cal_spans, *busy_by_cal[cal.id])]
        free = [FreeBox(f"c{ci}f{i}", lo - first, hi - lo, _hm(lo), _hm(hi), types)
                for i, (lo, hi, types) in enumerate(free_slots(clinic, cal, day, taken))]
        booking_boxes = tuple(_booking_box(clinic, b, span, first, conflicts.get(b.public_id, ""))
                              for b, span in zip(mine, intervals, strict=True))
        shortest = min([shortest, *(b.height for b in booking_boxes), *(f.height for f in free)])
        built.append(Column(
            calendar=cal,
            closed=day_closed(clinic, cal, day),
            blocks=tuple(_block_box(clinic, cal, f"c{ci}b{i}", b, first)
                         for i, b in enumerate(blocks)),
            free=tuple(free),
            gaps=tuple(_gaps(ci, blocks, first, last)),
            bookings=booking_boxes,
            staff_blocks=tuple(_span_box(f"c{ci}s{i}", "block", s, day, tz, first)
                               for i, s in enumerate(cal_spans)),
            busy=tuple(_span_box(f"c{ci}x{i}", s.kind, s, day, tz, first)
                       for i, s in enumerate(busy_by_cal[cal.id])),
        ))
    local_now = now.astimezone(tz)
    now_minute = local_now.hour * 60 + local_now.minute if local_now.date() == day else None
    if now_minute is not None and not first <= now_minute <= last:
        now_minute = None
    cancelled = tuple(_cancelled(clinic, b, tz) for b in rows if b.status == "cancelled")
    ids = [c.calendar.id for c in built]
    return DayView(clinic, day, local_today(clinic, now), first, last, now_minute,
                   tuple(built), cancelled, week_view(clinic, day),
                   picked=picked if picked in ids else (ids[0] if ids else ""),
                   fine=shortest < SHORT_MINUTES,
                   conflicts=tuple(b for c in built for b in c.bookings if b.conflict))


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
    for i in range(7):
        d = monday + timedelta(days=i)
        bookable = sum(_minute(b.end) - _minute(b.start) for cal in clinic.calendars
                       for b in day_blocks(clinic, cal, d))
        out.append(WeekDay(d, short_date(d), booked[d], bookable, bookable == 0))
    return tuple(out)


def cancelled_by_label(booking: Booking) -> str:
    """Who cancelled, as staff read it."""
    return words.CANCELLED_BY.get(booking.cancelled_by, booking.cancelled_by)


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


def free_slots(clinic: Clinic, cal: Calendar, day: date,
               taken: list[tuple[datetime, datetime]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """A calendar's free slots on `day` as (first minute, last minute, the types that fit).

    A block's slots are asked for its shortest type: a plain block then shows each free
    cell, a smart block each start that keeps the day compact. Each slot names the block's
    types that fit at its start, in the block's order, so the booking form offers those.
    """
    tz = zone(clinic.timezone)
    busy = Busy.from_epochs((s.timestamp(), e.timestamp()) for s, e in taken)
    found: dict[tuple[int, int], tuple[str, ...]] = {}
    for block in day_blocks(clinic, cal, day):
        kinds = [k for t in block.types if (k := clinic.type(t)) is not None]
        if not kinds:
            continue
        shortest = min(kinds, key=lambda k: k.duration)
        length = shortest.duration if block.smart else block.cell
        fits = {k.id: {s.start for s in block_slots(block, k, day, tz, busy, "")}
                for k in kinds}
        for slot in block_slots(block, shortest, day, tz, busy, ""):
            lo = slot.start.hour * 60 + slot.start.minute
            types = tuple(k.id for k in kinds if slot.start in fits[k.id]) or (shortest.id,)
            found.setdefault((lo, min(lo + length, 24 * 60)), types)
    return [(lo, hi, types) for (lo, hi), types in sorted(found.items())]


# -- helpers ------------------------------------------------------------------------------

def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def _clip(start: datetime, end: datetime, day: date, tz) -> tuple[int, int]:
    """Wall-clock minutes of [start, end) on `day`, clipped to the day."""
    start, end = start.astimezone(tz), end.astimezone(tz)
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


def _gaps(ci: int, blocks: tuple[Block, ...], first: int, last: int) -> list[Box]:
    """The grid's quarter hours that no block covers: time to book outside the schedule."""
    covered = [(_minute(b.start), _minute(b.end)) for b in blocks]
    out = []
    for lo in range(first, last, GAP_MINUTES):
        hi = lo + GAP_MINUTES
        if any(s < hi and lo < e for s, e in covered):
            continue
        out.append(Box(f"c{ci}g{lo}", lo - first, GAP_MINUTES, _hm(lo), _hm(hi)))
    return out


def _booking_box(clinic: Clinic, b: Booking, span: tuple[int, int], first: int,
                 conflict: str) -> BookingBox:
    lo, hi = span
    return BookingBox(f"bk-{b.public_id}", lo - first, hi - lo, _hm(lo), _hm(hi),
                      b.public_id, patient_name(b), type_name(clinic, b.type),
                      bool(b.self_booked), booked_at_label(b, clinic), b.phone,
                      attendance=getattr(b, "attendance", "") or "", conflict=conflict,
                      note=b.note)


def _span_box(box_id: str, kind: str, s: Span, day: date, tz, first: int) -> SpanBox:
    lo, hi = _clip(s.start, s.end, day, tz)
    return SpanBox(box_id, lo - first, hi - lo, _hm(lo), _hm(hi), kind, s.label, s.ref)


def _cancelled(clinic: Clinic, b: Booking, tz) -> Cancelled:
    start = from_db(b.start).astimezone(tz)
    by = cancelled_by_label(b)
    return Cancelled(b.public_id, f"{start:%H:%M}", patient_name(b), type_name(clinic, b.type),
                     calendar_name(clinic, b.calendar), by, b.cancel_reason)
