"""Free slots for the slot route: a cache no process can make stale, and the body.

The free slots of a range (`booking.restrictions.free_slots`) depend on the
clinic's configuration and the calendars' bookings, not on the clock. They
are cached per calendar, under a key holding the configuration version and
that calendar's *generation* — a counter the booking and cancellation
transactions bump in the database (`storage.queries.bump`). Every request
reads the generations (one indexed query), so a booking made by any process
or host changes the key and the next request recomputes — that calendar
only. A response ("first available" over every calendar, or one calendar)
is cached on top, under the generations of the calendars it shows, with
each day's JSON pre-serialised for days that the deadline does not cut; on
a miss it is assembled from the calendars' entries, and the engine runs only
for the calendars whose bookings changed. The clock-dependent part (booking
deadline, first-available) is applied per request.

The cache is bounded by the slots it holds (`MAX_SLOTS`, about 80 MB), not
by its number of entries: at 2,000 clinics the entries differ in size by 20
times. The first design — 512 whole responses, each keyed on every calendar's
generation, so that one booking emptied its clinic's entries — lives on the
benchmark's side (`bench/before.py`, a `SlotCache` of its own) for
`bench.scale --compare` to measure.

Held times (docs/patients.md) are busy too, and they end by themselves: a new hold or
a released one bumps the calendar's generation like a booking, and an entry
that counted holds is kept only until the first of them expires (its
`until`; a response until the first of its calendars'), so the cache never
serves a held slot nor hides a freed one. A calendar closed by calendar sync
(fail closed, docs/sync.md: a busy source not read lately) offers nothing: it is
left out of the response, and its key, until its sources are read again.

Beside the free days a response says which days of its range are full (the
type has online openings there, none free) and which are closed, with the
clinic's reason (`booking.restrictions.openings`). The openings depend on the
configuration alone, so they are cached under its version; which of the open
days are full follows from the free days of the same response, so it is as
fresh as they are. A calendar closed by calendar sync counts as open on its
schedule's days: they show as full, never why.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from operator import attrgetter

from booking import Busy, Clinic, DaySlots
from booking.model import AppointmentType, Calendar
from booking.plans import RangePlan, compile_range
from booking.restrictions import (
    Openings,
    earliest_start,
    free_slots,
    openings,
    visible_day,
)
from booking.slots import Slot
from endpoint.storage.queries import busy_until, generations
from endpoint.storage.sync import closed_calendars

#: the cache's bound, in slots held (responses and calendars)
MAX_SLOTS = 400_000
#: the bound of the compiled range plans, in candidate slots held (about 250 bytes each)
MAX_PLAN_SLOTS = 200_000


@dataclass(frozen=True)
class SlotQuery:
    """The slot route's question, checked: a type, maybe a calendar, and a range of days."""

    kind: AppointmentType
    calendar: str | None
    first: date
    last: date  # before `first` when the asked range holds no bookable day


@dataclass(frozen=True)
class CachedDay:
    day: DaySlots
    json: str  # the day as `visible_day` shows it, valid while the deadline cuts nothing


#: the busy times of the calendars asked for (None: all), and the first hold's expiry
BusyLoader = Callable[[str | None], tuple[dict[str, Busy], datetime | None]]


def _first(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


class PlanCache:
    """Compiled range plans (booking/plans.py), an LRU bounded by the slots they hold.

    A plan depends on the configuration alone, so it is keyed on the clinic's
    version and outlives every booking: a slot-cache miss merges the bookings
    into the plan it finds here instead of walking the schedule again.
    """

    def __init__(self, max_weight: int = MAX_PLAN_SLOTS):
        self.max_weight = max_weight
        self._plans: OrderedDict[Hashable, RangePlan] = OrderedDict()
        self._lock = threading.Lock()
        self.weight = 0
        #: plans compiled since start (a configuration version's first miss per range)
        self.compiled = 0

    def plan(self, clinic: Clinic, calendar: Calendar, kind: AppointmentType,
             first: date, last: date) -> RangePlan:
        """The plan of `first` .. `last`, compiled on the first call and kept."""
        key = (clinic.slug, clinic.version, calendar.id, kind.id, first, last)
        with self._lock:
            found = self._plans.get(key)
            if found is not None:
                self._plans.move_to_end(key)
                return found
        made = compile_range(clinic, calendar, kind, first, last)  # pure: outside the lock
        with self._lock:
            self.compiled += 1
            old = self._plans.pop(key, None)
            if old is not None:
                self.weight -= old.weight
            self._plans[key] = made
            self.weight += made.weight
            while self.weight > self.max_weight and len(self._plans) > 1:
                _, dropped = self._plans.popitem(last=False)
                self.weight -= dropped.weight
        return made

    def __len__(self) -> int:
        return len(self._plans)

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self.weight = 0


class SlotCache:
    """An LRU of slot lists bounded by weight (slots held).

    It owns the compiled range plans too (`plans`), which a miss computes from."""

    def __init__(self, max_weight: int = MAX_SLOTS):
        self.plans = PlanCache()
        self.max_weight = max_weight
        #: key -> (value, weight, until: the first hold's expiry it counted, or None)
        self._entries: OrderedDict[Hashable, tuple[object, int, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()
        self.weight = 0
        #: responses served without running the engine / with it (for any calendar)
        self.hits = self.misses = 0
        #: calendars whose slots were computed on a response's miss
        self.computed = 0

    def get(self, key: Hashable, now: datetime | None = None) -> object | None:
        found = self.entry(key, now)
        return None if found is None else found[0]

    def entry(self, key: Hashable,
              now: datetime | None = None) -> tuple[object, datetime | None] | None:
        """(value, until) under `key`, unless a hold it counted has expired by `now`."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or (found[2] is not None and now is not None and now >= found[2]):
                return None
            self._entries.move_to_end(key)
            return found[0], found[2]

    def put(self, key: Hashable, value: object, weight: int,
            until: datetime | None = None) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self._entries[key] = (value, weight, until)
            self.weight += weight
            while self.weight > self.max_weight and len(self._entries) > 1:
                _, (_, dropped, _) = self._entries.popitem(last=False)
                self.weight -= dropped

    def count(self, *, hit: bool, computed: int = 0) -> None:
        with self._lock:
            if hit:
                self.hits += 1
            else:
                self.misses += 1
            self.computed += computed

    def free_days(self, clinic: Clinic, kind: AppointmentType, calendar: str | None,
                  first: date, last: date, now: datetime, busy_loader: BusyLoader,
                  closed: frozenset[str] = frozenset()) -> tuple[CachedDay, ...]:
        """The days of slots for the query, through this cache (`cached_days`): a method, so
        that the benchmark's first design can cache them its own way (`bench/before.py`)."""
        return cached_days(self, clinic, kind, calendar, first, last, now, busy_loader, closed)

    def stats(self) -> dict[str, int]:
        """Entries and slots held now; hits, misses and calendars computed since start."""
        with self._lock:
            return {"entries": len(self._entries), "slots": self.weight, "hits": self.hits,
                    "misses": self.misses, "calendars_computed": self.computed}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0
        self.plans.clear()


def _weight(days: Iterable[DaySlots]) -> int:
    return 1 + sum(len(d.slots) for d in days)


#: JSON as the route writes it: compact, not ASCII-escaped
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _day_json(day: DaySlots) -> str:
    """`{"date": ..., "slots": [{"start", "end", "calendar"}]}` as `_compact` writes it,
    put together by hand: ISO times need no escaping, and a miss writes a thousand slots.
    tests/endpoint/test_slot_cache.py checks the body against `json.dumps`."""
    tails: dict[str, str] = {}
    parts = []
    for s in day.slots:
        tail = tails.get(s.calendar)
        if tail is None:
            tail = tails[s.calendar] = '","calendar":' + _compact(s.calendar) + "}"
        parts.append('{"start":"' + s.start.isoformat() + '","end":"' + s.end.isoformat()
                     + tail)
    return '{"date":"' + day.date.isoformat() + '","slots":[' + ",".join(parts) + "]}"


def shown_days(days: Iterable[DaySlots], kind: AppointmentType,
               now: datetime) -> tuple[CachedDay, ...]:
    # what a patient sees now; reused while the deadline cuts nothing from the day
    return tuple(CachedDay(d, _day_json(visible_day(d, kind, now))) for d in days)


_by_start = attrgetter("start", "calendar")


def _merged(per_calendar: Sequence[Sequence[DaySlots]]) -> list[DaySlots]:
    """Calendars' days as one list per day, slots by (start, calendar) as `free_slots` has."""
    if len(per_calendar) == 1:
        return list(per_calendar[0])
    by_date: dict[date, list[tuple[Slot, ...]]] = {}
    for days in per_calendar:
        for d in days:
            by_date.setdefault(d.date, []).append(d.slots)
    # each list is sorted so: a stable sort of them end to end is their merge, in C
    return [DaySlots(day, tuple(sorted(chain.from_iterable(lists), key=_by_start)))
            for day, lists in sorted(by_date.items())]


def cached_days(cache: SlotCache, clinic: Clinic, kind: AppointmentType, calendar: str | None,
                first: date, last: date, now: datetime, busy_loader: BusyLoader,
                closed: frozenset[str] = frozenset()) -> tuple[CachedDay, ...]:
    """The days of slots for the query; `busy_loader(calendar or None)` reads busy times;
    `closed` calendars (fail closed, docs/sync.md) offer nothing."""
    gens = generations(clinic)
    if calendar is None:
        asked = [c.id for c in clinic.online_calendars if c.id not in closed]
    else:
        cal = clinic.calendar(calendar)
        asked = [cal.id] if cal is not None and cal.online and cal.id not in closed else []
    generation = dict(gens)
    base = (clinic.slug, clinic.version, kind.id, first, last)
    key = ("shown", *base, calendar, tuple((c, generation.get(c, 0)) for c in asked))
    found = cache.get(key, now)
    if found is not None:
        cache.count(hit=True)
        return found  # type: ignore[return-value]  # "shown" keys hold CachedDay tuples
    per_calendar: dict[str, tuple[DaySlots, ...]] = {}
    untils: list[datetime | None] = []
    missing = []
    for cid in asked:
        calendar_key = ("calendar", *base, cid, generation.get(cid, 0))
        entry = cache.entry(calendar_key, now)
        if entry is None:
            missing.append((cid, calendar_key))
        else:
            per_calendar[cid] = entry[0]  # type: ignore[assignment]  # "calendar" keys: days
            untils.append(entry[1])
    if missing:
        # busy times read after the generations: an entry is never older than its key
        busy, until = busy_loader(missing[0][0] if len(missing) == 1 else None)
        for cid, calendar_key in missing:
            computed = tuple(free_slots(clinic, kind, busy, first, last, cid, cache.plans))
            # a hold in another calendar does not end this one's entry
            mine = until if cid in busy else None
            cache.put(calendar_key, computed, _weight(computed), mine)
            per_calendar[cid] = computed
            untils.append(mine)
    shown = shown_days(_merged([per_calendar[cid] for cid in asked]), kind, now)
    cache.put(key, shown, _weight(c.day for c in shown), _first(*untils))
    cache.count(hit=not missing, computed=len(missing))
    return shown


def slots_json(days: tuple[CachedDay, ...], kind: AppointmentType, now: datetime) -> str:
    """The `days` array for `now`: cached JSON where the deadline cuts nothing."""
    earliest = earliest_start(kind, now)
    parts = []
    for cached in days:
        if cached.day.slots[0].start >= earliest:
            parts.append(cached.json)
            continue
        shown = visible_day(cached.day, kind, now)
        if shown.slots:
            parts.append(_day_json(shown))
    return "[" + ",".join(parts) + "]"


@dataclass(frozen=True)
class CachedOpenings:
    open: tuple[tuple[date, str], ...]  # the open days, sorted, with their ISO dates
    closed_json: str  # the `closed` array


def cached_openings(cache: SlotCache, clinic: Clinic, kind: AppointmentType,
                    calendar: str | None, first: date, last: date) -> CachedOpenings:
    """The range's openings (schedule only), cached under the configuration's version."""
    key = ("openings", clinic.slug, clinic.version, kind.id, calendar, first, last)
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[return-value]  # "openings" keys hold CachedOpenings
    made: Openings = openings(clinic, kind, first, last, calendar)
    value = CachedOpenings(
        tuple((d, d.isoformat()) for d in sorted(made.open)),
        json.dumps([{"date": d.isoformat(), "reason": reason,
                     "other_types": d in made.other_types} for d, reason in made.closed],
                   ensure_ascii=False, separators=(",", ":")))
    cache.put(key, value, 1 + len(made.closed))
    return value


def quiet_json(found: CachedOpenings, days: tuple[CachedDay, ...]) -> str:
    """`"full"` (open days with nothing free, bookings, holds, blocks or busy times
    taking every opening) and `"closed"`, to follow the `days` array."""
    free = {cached.day.date for cached in days}
    full = ",".join('"' + iso + '"' for d, iso in found.open if d not in free)
    return ', "full": [' + full + '], "closed": ' + found.closed_json


def slots_body(cache: SlotCache, clinic: Clinic, query: SlotQuery, now: datetime) -> str:
    """The slot route's JSON body; its `days` from the cache when no booking changed."""
    if query.first > query.last:
        days, quiet = "[]", ', "full": [], "closed": []'
    else:
        cached = cache.free_days(
            clinic, query.kind, query.calendar, query.first, query.last, now,
            lambda calendar: busy_until(clinic, query.first, query.last, calendar, now=now),
            closed_calendars(clinic, now))
        days = slots_json(cached, query.kind, now)
        quiet = quiet_json(cached_openings(cache, clinic, query.kind, query.calendar,
                                           query.first, query.last), cached)
    head = json.dumps({"clinic": clinic.slug, "type": query.kind.id, "timezone": clinic.timezone,
                       "version": clinic.version}, ensure_ascii=False)
    return head[:-1] + ', "days": ' + days + quiet + "}"
