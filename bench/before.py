"""The endpoint as it was before `bench.scale`, for `bench.scale --compare` (docs/scale.md).

    python -m bench.before [--ping] [--whole-clinic-cache] serve --content … --database …

runs an `endpoint` command (any of them; `bench.scale` runs `serve`) with one or both of
the two bottlenecks that `bench.scale` found put back, so that one run can measure what
removing them gained. Neither is in the product any more; they live here, on the
benchmark's side:

* `--ping`: Peewee's pool checks every PostgreSQL connection it hands out with a round
  trip, holding the pool's lock (the product trusts a connection checked in less than
  `storage.db.ALIVE_WINDOW_SECONDS` ago).
* `--whole-clinic-cache`: the first slot cache: up to 512 whole responses, each keyed on
  every calendar's generation, so one booking empties its clinic's entries (the product
  caches each calendar's slots and recomputes only the booked calendar's).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from playhouse.pool import PooledPostgresqlDatabase

from booking import Clinic, DaySlots
from booking.model import AppointmentType
from booking.restrictions import free_slots
from endpoint import cli, server
from endpoint import state as app_state
from endpoint.app import create_app
from endpoint.clock import SYSTEM, Clock
from endpoint.services.slots import BusyLoader, CachedDay, SlotCache, shown_days
from endpoint.storage import db as storage_db
from endpoint.storage.queries import generations

#: the first design's bound: whole responses, whatever their size
MAX_ENTRIES = 512


class WholeClinicCache(SlotCache):
    """The first slot cache: each response whole, under every calendar's generation."""

    def __init__(self) -> None:
        super().__init__(MAX_ENTRIES)

    def put(self, key, value, weight: int, until: datetime | None = None) -> None:
        super().put(key, value, 1, until)  # bounded by entries, not by slots

    def free_days(self, clinic: Clinic, kind: AppointmentType, calendar: str | None,
                  first: date, last: date, now: datetime, busy_loader: BusyLoader,
                  closed: frozenset[str] = frozenset()) -> tuple[CachedDay, ...]:
        """The engine over every asked calendar at once, cached under all their generations."""
        key = (clinic.slug, clinic.version, kind.id, calendar, first, last,
               generations(clinic), closed)
        found = self.get(key, now)
        if found is not None:
            self.count(hit=True)
            return found  # type: ignore[return-value]  # only days are stored here
        value, until = _compute(clinic, kind, calendar, first, last, now, busy_loader, closed)
        self.count(hit=False)
        self.put(key, value, 1, until)
        return value


def _compute(clinic: Clinic, kind: AppointmentType, calendar: str | None, first: date,
             last: date, now: datetime, busy_loader: BusyLoader,
             closed: frozenset[str]) -> tuple[tuple[CachedDay, ...], datetime | None]:
    if calendar is None:
        asked = [c.id for c in clinic.online_calendars if c.id not in closed]
    else:
        cal = clinic.calendar(calendar)
        asked = [cal.id] if cal is not None and cal.online and cal.id not in closed else []
    if not asked:
        return (), None
    busy, until = busy_loader(calendar)
    days = free_slots(clinic, kind, busy, first, last, calendar)
    if calendar is None and closed:
        days = [DaySlots(d.date, tuple(s for s in d.slots if s.calendar not in closed))
                for d in days]
        days = [d for d in days if d.slots]
    return shown_days(days, kind, now), until


def ping_on_every_checkout() -> None:
    """Put back Peewee's round trip on every pooled PostgreSQL checkout."""
    storage_db._PooledPostgres._is_closed = (  # type: ignore[method-assign]
        PooledPostgresqlDatabase._is_closed)


def whole_clinic_cache() -> None:
    """Every app `endpoint serve` builds from now on caches slots in the first design."""
    def create(settings, clock: Clock = SYSTEM):
        app = create_app(settings, clock)
        app_state.of(app).slot_cache = WholeClinicCache()
        return app

    server.create_app = create  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ping", action="store_true", help="Peewee's ping on every checkout")
    p.add_argument("--whole-clinic-cache", action="store_true", help="the first slot cache")
    p.add_argument("command", nargs=argparse.REMAINDER, help="the endpoint command")
    args = p.parse_args(argv)
    if args.ping:
        ping_on_every_checkout()
    if args.whole_clinic_cache:
        whole_clinic_cache()
    return cli.main(args.command)


if __name__ == "__main__":
    sys.exit(main())
