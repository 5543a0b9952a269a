"""A cache of free slots that no process can make stale.

The free slots of a range (`booking.restrictions.free_slots`) depend on the
clinic's configuration and the calendars' bookings, not on the clock. They
are cached under a key holding the configuration version and each
calendar's *generation* — a counter the booking and cancellation
transactions bump in the database (`endpoint.db.CalendarState`). Every
request reads the generations (one indexed query), so a booking made by any
process or host changes the key and the next request recomputes. The
clock-dependent part (booking deadline, first-available) is applied per
request, and each day's JSON is kept pre-serialised for days that the
deadline does not cut.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from booking import Clinic, DaySlots
from booking.model import AppointmentType
from booking.restrictions import earliest_start, free_slots, visible_day
from endpoint.db import db, raw_sql

MAX_ENTRIES = 512


@dataclass(frozen=True)
class CachedDay:
    day: DaySlots
    json: str  # the day as `visible_day` shows it, valid while the deadline cuts nothing


class SlotCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, tuple[CachedDay, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = self.misses = 0

    def days(self, key: tuple, compute) -> tuple[CachedDay, ...]:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def generations(clinic: Clinic) -> tuple[tuple[str, int], ...]:
    """Each calendar's booking generation, as committed now (one indexed query)."""
    sql = raw_sql("SELECT calendar, generation FROM calendar_state WHERE clinic = ?")
    return tuple(sorted(db.execute_sql(sql, (clinic.slug,)).fetchall()))


def bump(clinic_slug: str, calendar: str) -> None:
    """Inside a booking's or cancellation's transaction: the calendar's slots changed."""
    db.execute_sql(raw_sql(
        "INSERT INTO calendar_state (clinic, calendar, generation) VALUES (?, ?, 1) "
        "ON CONFLICT (clinic, calendar) DO UPDATE SET generation = calendar_state.generation + 1"
    ), (clinic_slug, calendar))


def _day_json(day: DaySlots) -> str:
    return json.dumps({"date": day.date.isoformat(), "slots": [
        {"start": s.start.isoformat(), "end": s.end.isoformat(), "calendar": s.calendar}
        for s in day.slots]}, ensure_ascii=False, separators=(",", ":"))


def cached_days(cache: SlotCache, clinic: Clinic, kind: AppointmentType, calendar: str | None,
                first: date, last: date, now: datetime, busy_loader) -> tuple[CachedDay, ...]:
    key = (clinic.slug, clinic.version, kind.id, calendar, first, last, generations(clinic))

    def compute() -> tuple[CachedDay, ...]:
        free = free_slots(clinic, kind, busy_loader(), first, last, calendar)
        out = []
        for d in free:
            # what a patient sees now; reused while the deadline cuts nothing from the day
            shown = visible_day(d, kind, now)
            out.append(CachedDay(d, _day_json(shown)))
        return tuple(out)

    return cache.days(key, compute)


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


__all__ = ["SlotCache", "bump", "cached_days", "generations", "slots_json"]
