"""Bookings that no longer fit the schedule (docs/staff.md: configuration changes never strand
patients silently).

The check itself is the core's (`booking.fit`), shared with `sitegen check
--database`; this module reads what it needs — the clinic's future active
bookings, its staff blocks and its imported busy times (docs/sync.md) — and keeps a
count per clinic for `/healthz`. A clinic's count is cached under its configuration
version and its calendars' generations (one query for every clinic), so `/healthz`
reads the bookings of a clinic again only after its file, its bookings, blocks or
busy times changed; bookings that have begun since drop out by the clock alone.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from booking import Busy, Clinic
from booking.fit import Misfit, Placed, misfits
from endpoint.storage.db import Booking, StaffBlock, from_db
from endpoint.storage.sync import future_busy
from endpoint.storage.timebok import all_generations, future_blocks, future_bookings

log = logging.getLogger("ledig.content")


def placed(booking: Booking) -> Placed:
    """A stored booking as the core's check sees it."""
    return Placed(booking.public_id, booking.calendar, booking.type, from_db(booking.start),
                  from_db(booking.end), bool(booking.self_booked),
                  bool(booking.outside_schedule))


def staff_busy(blocks: Iterable[StaffBlock]) -> dict[str, Busy]:
    """Staff blocks per calendar, as busy time."""
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for block in blocks:
        spans[block.calendar].append((from_db(block.start).timestamp(),
                                      from_db(block.end).timestamp()))
    return {cal: Busy.from_epochs(items) for cal, items in spans.items()}


def clinic_conflicts(clinic: Clinic, now: datetime) -> list[tuple[Booking, str]]:
    """The clinic's active future bookings that no longer fit, soonest first, with the code
    of why (`booking.fit.REASONS`)."""
    rows = future_bookings(clinic, now)
    by_id = {b.public_id: b for b in rows}
    found = misfits(clinic, (placed(b) for b in rows), staff_busy(future_blocks(clinic, now)),
                    now, future_busy(clinic, now))
    return [(by_id[m.booking.id], m.reason) for m in found]


class ConflictCounter:
    """How many bookings are in conflict, per clinic, cached until something changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[object, tuple[datetime, ...]]] = {}

    def count(self, clinics: dict[str, Clinic], now: datetime) -> int:
        """Every served clinic's bookings in conflict now (two queries when nothing changed)."""
        generations = all_generations()
        total = 0
        for slug, clinic in clinics.items():
            key = (clinic.version, generations.get(slug, ()))
            with self._lock:
                cached = self._cache.get(slug)
            if cached is None or cached[0] != key:
                starts = tuple(m.booking.start for m in _misfits(clinic, now))
                cached = (key, starts)
                with self._lock:
                    self._cache[slug] = cached
            total += sum(1 for start in cached[1] if start > now)
        return total

    def clinic_changed(self, clinic: Clinic, now: datetime) -> int:
        """After a content reload: count the clinic's conflicts and warn when there are any."""
        found = _misfits(clinic, now)
        with self._lock:
            self._cache.pop(clinic.slug, None)
        if found:
            log.warning("content: clinic '%s' (version %s) leaves %d active booking(s) outside "
                        "its schedule; see GET /api/v1/staff/%s/conflicts", clinic.slug,
                        clinic.version, len(found), clinic.slug)
        return len(found)


def _misfits(clinic: Clinic, now: datetime) -> list[Misfit]:
    return misfits(clinic, (placed(b) for b in future_bookings(clinic, now)),
                   staff_busy(future_blocks(clinic, now)), now, future_busy(clinic, now))


__all__ = ["ConflictCounter", "clinic_conflicts", "placed", "staff_busy"]
