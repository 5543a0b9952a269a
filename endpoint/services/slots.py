"""Free slots for the slot route: a cache no process can make stale, and the body.

The free slots of a range (`booking.restrictions.free_slots`) depend on the
clinic's configuration and the calendars' bookings, not on the clock. They
are cached under a key holding the configuration version and each
calendar's *generation* — a counter the booking and cancellation
transactions bump in the database (`storage.queries.bump`). Every request
reads the generations (one indexed query), so a booking made by any process
or host changes the key and the next request recomputes. The
clock-dependent part (booking deadline, first-available) is applied per
request, and each day's JSON is kept pre-serialised for days that the
deadline does not cut.

Held times (SPEC §11) are busy too, and they end by themselves: a new hold or
a released one bumps the calendar's generation like a booking, and an entry
that counted holds is kept only until the first of them expires (its
`valid_until`), so the cache never serves a held slot nor hides a freed one.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime

from booking import Busy, Clinic, DaySlots
from booking.model import AppointmentType
from booking.restrictions import earliest_start, free_slots, visible_day
from endpoint.storage.queries import busy_until, generations

MAX_ENTRIES = 512


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


#: what `compute` gives the cache: the days, and until when they hold (None: until the
#: key changes)
Computed = tuple[tuple[CachedDay, ...], datetime | None]


class SlotCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[Hashable, Computed] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = self.misses = 0

    def days(self, key: Hashable, compute: Callable[[], Computed],
             now: datetime | None = None) -> tuple[CachedDay, ...]:
        with self._lock:
            found = self._entries.get(key)
            if found is not None and (found[1] is None or now is None or now < found[1]):
                self._entries.move_to_end(key)
                self.hits += 1
                return found[0]
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value[0]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _day_json(day: DaySlots) -> str:
    return json.dumps({"date": day.date.isoformat(), "slots": [
        {"start": s.start.isoformat(), "end": s.end.isoformat(), "calendar": s.calendar}
        for s in day.slots]}, ensure_ascii=False, separators=(",", ":"))


def cached_days(cache: SlotCache, clinic: Clinic, kind: AppointmentType, calendar: str | None,
                first: date, last: date, now: datetime,
                busy_loader: Callable[[], tuple[dict[str, Busy], datetime | None]]
                ) -> tuple[CachedDay, ...]:
    """The free days of the range; `busy_loader` gives the busy time and when it next
    changes by itself (a hold's expiry)."""
    key = (clinic.slug, clinic.version, kind.id, calendar, first, last, generations(clinic))

    def compute() -> Computed:
        busy, valid_until = busy_loader()
        free = free_slots(clinic, kind, busy, first, last, calendar)
        out = []
        for d in free:
            # what a patient sees now; reused while the deadline cuts nothing from the day
            shown = visible_day(d, kind, now)
            out.append(CachedDay(d, _day_json(shown)))
        return tuple(out), valid_until

    return cache.days(key, compute, now)


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


def slots_body(cache: SlotCache, clinic: Clinic, query: SlotQuery, now: datetime) -> str:
    """The slot route's JSON body; its `days` from the cache when no booking changed."""
    if query.first > query.last:
        days = "[]"
    else:
        cached = cached_days(
            cache, clinic, query.kind, query.calendar, query.first, query.last, now,
            lambda: busy_until(clinic, query.first, query.last, query.calendar, now=now))
        days = slots_json(cached, query.kind, now)
    head = json.dumps({"clinic": clinic.slug, "type": query.kind.id, "timezone": clinic.timezone,
                       "version": clinic.version}, ensure_ascii=False)
    return head[:-1] + ', "days": ' + days + "}"
