"""Compiled range plans: a calendar's candidate slots of one type over a range of days, made once.

`block_slots` (booking/slots.py) is the straightforward engine: for every block
of every day it walks the wall-clock grid, converts each start to an instant
and builds a `Slot` of two aware datetimes, then drops the busy ones. Only
the last step depends on the bookings; the rest depends on the configuration
alone. A `RangePlan` is that rest, done once for a range of days: the plain blocks'
candidate starts and ends in epoch seconds, in one array beside the `Slot` each
one becomes, and the smart blocks' edges, whose `Slot`s are made when first asked
for (one per grid point at most, kept). A cache
miss is then the busy intervals' overlap test run over those arrays in C
(`Busy.frees`, `itertools.compress`), and the slots it answers with are the very
objects the plan holds (`Slot` is frozen).

The plans answer exactly what the straightforward engine answers;
tests/booking/test_plans.py compares the two over a range that crosses a
clock change and public holidays, so the two cannot drift apart. Pure: who
keeps plans, and for how long, is the caller's business (the endpoint keeps
them in its slot cache, under the configuration's version: docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import compress
from typing import Protocol
from zoneinfo import ZoneInfo

from booking.model import AppointmentType, Block, Calendar, Clinic
from booking.schedule import day_blocks
from booking.slots import (
    NO_BUSY,
    Busy,
    Slot,
    _ceil,
    _edge,
    _floor,
    _minute,
    day_frame,
    local_instant,
)


@dataclass(frozen=True, slots=True)
class SmartPart:
    """A smart block's edges and grid; its starts depend on the bookings (`smart_slots`),
    its slots are made once per grid point, when first asked for (most never are)."""

    b0: float
    b1: float
    step: int
    dur: int
    calendar: str
    tz: ZoneInfo
    at: dict[float, Slot] = field(default_factory=dict)  # grid point -> its slot, once made
    alone: list[Slot] = field(default_factory=list)  # the free slots when nothing is near

    def free(self, busy: Busy) -> list[Slot]:
        """The starts that keep the day compact, as `smart_slots` finds them (do not
        change the list: it may be the part's own)."""
        near = busy.within(self.b0, self.b1)
        return self._free(busy, near) if near else self.alone

    def _free(self, busy: Busy, near: list[tuple[float, float]]) -> list[Slot]:
        b0, b1, step, dur = self.b0, self.b1, self.step, self.dur
        anchors = {b0, _floor(b1 - dur, b0, step)}
        for s, e in near:
            anchors.add(_ceil(e, b0, step))
            anchors.add(_floor(s - dur, b0, step))
        out = []
        for ts in sorted(anchors):
            if b0 <= ts and ts + dur <= b1 and not busy.overlaps(ts, ts + dur):
                slot = self.at.get(ts)
                if slot is None:  # two threads may both make it: equal slots, either kept
                    slot = self.at[ts] = self._slot(ts)
                out.append(slot)
        return out

    def grid(self) -> list[float]:
        """Every start the block may offer: its grid points where the type fits."""
        out = []
        ts = self.b0
        while ts + self.dur <= self.b1:
            out.append(ts)
            ts += self.step
        return out

    def _slot(self, ts: float) -> Slot:
        return Slot(self.calendar, datetime.fromtimestamp(ts, self.tz),
                    datetime.fromtimestamp(ts + self.dur, self.tz))


#: a piece of a day: a plain block's candidates, (first, past-last) indexes into the
#: range's arrays, or a smart block
Piece = tuple[int, int] | SmartPart


@dataclass(frozen=True, slots=True)
class RangePlan:
    """A calendar's candidate slots of one type over `first` .. `first` + len(days) - 1.

    Plain blocks: the slot `slots[i]` is free unless a busy interval overlaps
    [`starts[i]`, `ends[i]`) (the end holds the cell, which may be longer than the
    slot). `days[d]`: day d's pieces in block order; `ordered[d]`: its candidates,
    in block order, are already sorted by start as `free_slots` sorts them.
    """

    first: date
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    slots: tuple[Slot, ...]
    days: tuple[tuple[Piece, ...], ...]
    ordered: tuple[bool, ...]
    #: every candidate free: the mask when nothing is busy
    no_busy: tuple[bool, ...]
    #: the slots it may hold (plain candidates, smart grid points): what a cache bounds
    #: plans by
    weight: int

    def free(self, busy: Busy) -> list[list[Slot] | None]:
        """Per day, its free slots in block order (None: the day has no block)."""
        free = list(busy.frees(self.starts, self.ends)) if len(busy) else self.no_busy
        slots = self.slots
        out: list[list[Slot] | None] = []
        append = out.append
        for pieces in self.days:
            if not pieces:
                append(None)
                continue
            found: list[Slot] = []
            for piece in pieces:
                if type(piece) is tuple:
                    a, b = piece
                    found += compress(slots[a:b], free[a:b])
                else:
                    found += piece.free(busy)  # type: ignore[union-attr]  # a SmartPart
            append(found)
        return out


class Plans(Protocol):
    """Where `free_slots` gets range plans: `Compile`, or a cache around `compile_range`."""

    def plan(self, clinic: Clinic, calendar: Calendar, kind: AppointmentType,
             first: date, last: date) -> RangePlan: ...


class Compile:
    """Plans made afresh on every call: no cache (tests, and one-off callers)."""

    def plan(self, clinic: Clinic, calendar: Calendar, kind: AppointmentType,
             first: date, last: date) -> RangePlan:
        return compile_range(clinic, calendar, kind, first, last)


def compile_range(clinic: Clinic, calendar: Calendar, kind: AppointmentType,
                  first: date, last: date) -> RangePlan:
    """The plan of `first` .. `last`: the online blocks of each day that offer `kind`."""
    tz = ZoneInfo(clinic.timezone)  # ZoneInfo keeps one instance per zone: `zone`'s
    starts: list[float] = []
    ends: list[float] = []
    slots: list[Slot] = []
    days: list[tuple[Piece, ...]] = []
    ordered: list[bool] = []
    weight = 1
    day = first
    while day <= last:
        pieces: list[Piece] = []
        every: list[Slot] = []  # a clock-change day's candidates in block order
        edges: list[float] = []  # another day's: the first and last start of each block
        steady = day_frame(day, tz)[1]
        for block in day_blocks(clinic, calendar, day):
            if not block.online or kind.id not in block.types:
                continue
            if block.smart:
                part = _smart_part(block, kind, day, tz, calendar.id)
                pieces.append(part)
                grid = part.grid()
                weight += len(grid)
                if not steady:
                    part.at.update((ts, part._slot(ts)) for ts in grid)
                    every.extend(part.at[ts] for ts in grid)
                elif grid:
                    edges += (grid[0], grid[-1])
            else:
                a = len(slots)
                _plain_candidates(block, kind, day, tz, calendar.id, starts, ends, slots)
                pieces.append((a, len(slots)))
                if not steady:
                    every.extend(slots[a:])
                elif len(slots) > a:
                    edges += (starts[a], starts[-1])
        days.append(tuple(pieces))
        # the order `free_slots` sorts by (start, calendar), on aware datetimes as it does:
        # wall-clock times, which only a clock-change day puts in another order than instants
        if steady:
            ordered.append(all(a <= b for a, b in zip(edges, edges[1:], strict=False)))
        else:
            ordered.append(all(a.start <= b.start
                               for a, b in zip(every, every[1:], strict=False)))
        day += timedelta(days=1)
    return RangePlan(first, tuple(starts), tuple(ends), tuple(slots), tuple(days),
                     tuple(ordered), (True,) * len(slots), weight + len(slots))


def _plain_candidates(block: Block, kind: AppointmentType, day: date, tz: ZoneInfo,
                      calendar: str, starts: list[float], ends: list[float],
                      slots: list[Slot]) -> None:
    """`plain_slots` without the bookings: every cell, with the instants it spans,
    appended to the range's arrays."""
    cell = block.cell
    span = max(cell, kind.duration) * 60
    minute, end = _minute(block.start), _minute(block.end)
    midnight, steady = day_frame(day, tz)
    if steady:
        dur = kind.duration * 60
        while minute + cell <= end:
            ts = midnight + minute * 60
            starts.append(ts)
            ends.append(ts + span)
            slots.append(Slot(calendar, datetime.fromtimestamp(ts, tz),
                              datetime.fromtimestamp(ts + dur, tz)))
            minute += cell
    else:
        length = timedelta(minutes=kind.duration)
        while minute + cell <= end:
            start = local_instant(day, minute, tz)
            if start is not None:
                ts = start.timestamp()
                starts.append(ts)
                ends.append(ts + span)
                slots.append(Slot(calendar, start,
                                  (start.astimezone(UTC) + length).astimezone(tz)))
            minute += cell



def _smart_part(block: Block, kind: AppointmentType, day: date, tz: ZoneInfo,
                calendar: str) -> SmartPart:
    """`smart_slots`' edges and grid, and its slots when nothing is near."""
    midnight, steady = day_frame(day, tz)
    if steady:
        b0, b1 = midnight + _minute(block.start) * 60, midnight + _minute(block.end) * 60
    else:
        b0, b1 = _edge(day, _minute(block.start), tz), _edge(day, _minute(block.end), tz)
    part = SmartPart(b0, b1, block.step_minutes * 60, kind.duration * 60, calendar, tz)
    part.alone.extend(part._free(NO_BUSY, []))
    return part
