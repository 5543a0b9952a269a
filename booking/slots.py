"""Free slots: plain blocks cut into back-to-back slots, smart blocks compacted.

All functions are pure. Bookings come in as `Busy`, a calendar's occupied
intervals; times are aware datetimes, the schedule is wall-clock in the
clinic's timezone.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, repeat
from operator import le
from zoneinfo import ZoneInfo

from booking.model import AppointmentType, Block

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Slot:
    calendar: str
    start: datetime
    end: datetime


class Busy:
    """A calendar's occupied intervals, searchable for overlap in O(log n)."""

    __slots__ = ("_starts", "_ends", "_max_end", "_max_len", "_lead")

    def __init__(self, intervals: Iterable[Interval] = ()):
        self._set(sorted((s.timestamp(), e.timestamp()) for s, e in intervals))

    def _set(self, pairs: list[tuple[float, float]]) -> None:
        self._starts = [s for s, _ in pairs]
        self._ends = [e for _, e in pairs]
        self._max_end = list(accumulate(self._ends, max))
        self._max_len = max((e - s for s, e in pairs), default=0.0)
        #: the latest end of the first i intervals, at i (-inf at 0): `frees`' lookup
        self._lead = [-math.inf, *self._max_end]

    @classmethod
    def from_epochs(cls, pairs: Iterable[tuple[float, float]]) -> Busy:
        """From (start, end) epoch seconds, skipping datetime objects on hot paths."""
        busy = cls()
        busy._set(sorted(pairs))
        return busy

    def overlaps(self, start: float, end: float) -> bool:
        """Whether any interval overlaps [start, end) (epoch seconds)."""
        i = bisect_left(self._starts, end)
        return i > 0 and self._max_end[i - 1] > start

    def frees(self, starts: Iterable[float], ends: Iterable[float]) -> Iterator[bool]:
        """For each [start, end) of the pairs, `not overlaps(start, end)`: the same test,
        run in C over a whole array (compiled plans, booking/plans.py)."""
        found = map(bisect_left, repeat(self._starts), ends)
        return map(le, map(self._lead.__getitem__, found), starts)

    def within(self, start: float, end: float) -> list[tuple[float, float]]:
        """Intervals that overlap or touch [start, end]."""
        lo = bisect_left(self._starts, start - self._max_len)
        hi = bisect_left(self._starts, end + 1e-9)
        return [(self._starts[i], self._ends[i]) for i in range(lo, hi) if self._ends[i] >= start]

    def __len__(self) -> int:
        return len(self._starts)


NO_BUSY = Busy()


def local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime | None:
    """The aware instant of a wall-clock minute on `day`, None if the clock skips it."""
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None  # in the hour that the spring change skips
    return aware


@lru_cache(maxsize=4096)
def day_frame(day: date, tz: ZoneInfo) -> tuple[float, bool]:
    """Epoch seconds of the day's local midnight, and whether its UTC offset holds all day."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    following = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    return midnight.timestamp(), midnight.utcoffset() == following.utcoffset()


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def plain_slots(
    block: Block, kind: AppointmentType, day: date, tz: ZoneInfo, busy: Busy, cell: int,
    calendar: str,
) -> list[Slot]:
    """Free slots of `kind` in a plain block: one per free back-to-back cell."""
    out = []
    length = timedelta(minutes=kind.duration)
    span = max(cell, kind.duration) * 60
    minute, end = _minute(block.start), _minute(block.end)
    midnight, steady = day_frame(day, tz)
    if steady:  # most days: wall-clock minutes map to instants by one offset
        dur = kind.duration * 60
        while minute + cell <= end:
            ts = midnight + minute * 60
            if not busy.overlaps(ts, ts + span):
                out.append(Slot(calendar, datetime.fromtimestamp(ts, tz),
                                datetime.fromtimestamp(ts + dur, tz)))
            minute += cell
        return out
    while minute + cell <= end:
        start = local_instant(day, minute, tz)
        if start is not None:
            ts = start.timestamp()
            if not busy.overlaps(ts, ts + span):
                out.append(Slot(calendar, start, (start.astimezone(UTC) + length).astimezone(tz)))
        minute += cell
    return out


def smart_slots(
    block: Block, kind: AppointmentType, day: date, tz: ZoneInfo, busy: Busy, calendar: str,
) -> list[Slot]:
    """Free slots of `kind` in a smart block, only at starts that keep the day compact.

    A start is offered where the appointment touches the block's start, the end
    of a booking, or (ending exactly) the block's end or a booking's start;
    starts lie on the block's `step_minutes` grid (anchors off the grid are
    moved inward to it).
    """
    midnight, steady = day_frame(day, tz)
    if steady:
        b0, b1 = midnight + _minute(block.start) * 60, midnight + _minute(block.end) * 60
    else:  # a clock-change day: an edge in the skipped hour moves to the change itself
        b0, b1 = _edge(day, _minute(block.start), tz), _edge(day, _minute(block.end), tz)
    step, dur = block.step_minutes * 60, kind.duration * 60
    anchors = {b0, _floor(b1 - dur, b0, step)}
    for s, e in busy.within(b0, b1):
        anchors.add(_ceil(e, b0, step))
        anchors.add(_floor(s - dur, b0, step))
    out = []
    for ts in sorted(anchors):
        if b0 <= ts and ts + dur <= b1 and not busy.overlaps(ts, ts + dur):
            start = datetime.fromtimestamp(ts, tz)
            out.append(Slot(calendar, start, datetime.fromtimestamp(ts + dur, tz)))
    return out


def _edge(day: date, minute: int, tz: ZoneInfo) -> float:
    """Epoch seconds of a block edge; one in the skipped hour is the moment of the change."""
    instant = local_instant(day, minute, tz)
    if instant is not None:
        return instant.timestamp()
    before = minute - 1
    while (earlier := local_instant(day, before, tz)) is None:
        before -= 1
    return earlier.timestamp() + 60  # the minute after the last one before the gap


def _floor(ts: float, origin: float, step: int) -> float:
    return origin + ((ts - origin) // step) * step


def _ceil(ts: float, origin: float, step: int) -> float:
    return origin - ((origin - ts) // step) * step


def block_slots(
    block: Block, kind: AppointmentType, day: date, tz: ZoneInfo, busy: Busy, calendar: str,
) -> list[Slot]:
    """Free slots of `kind` in one block (online or not), ignoring deadlines."""
    if kind.id not in block.types:
        return []
    if block.smart:
        return smart_slots(block, kind, day, tz, busy, calendar)
    return plain_slots(block, kind, day, tz, busy, block.cell, calendar)
