"""Refreshing busy sources: claim the due ones, read them, store their intervals.

`refresh_due` runs one round over every clinic (the `endpoint sync` command,
and the `Worker` thread inside `serve`). A source is due `refresh_minutes`
after its last attempt; it is claimed in the database (`storage.sync.claim`) so
several processes on one PostgreSQL never read the same source twice. A failure
is recorded for that source and logged with its code, never raised: the source's
old busy times keep blocking, and after `stale_after_minutes` its calendar offers
nothing online (fail closed).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta

from booking import Clinic
from booking.model import BusySource, Calendar
from booking.restrictions import zone
from endpoint.clock import SYSTEM, Clock
from endpoint.registry import Registry
from endpoint.storage import sync as store
from endpoint.storage.db import SyncSource, db, from_db
from endpoint.sync import caldav_source
from endpoint.sync.errors import SourceError
from endpoint.sync.expand import busy_intervals, parse
from endpoint.sync.fetch import fetch

log = logging.getLogger("ledig.sync")

#: how long a claimed source stays with its refresher if that one dies mid-fetch
LEASE = timedelta(minutes=2)


def holder_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def window(clinic: Clinic, now: datetime) -> tuple[datetime, datetime]:
    """From today's local midnight to the end of the furthest bookable day."""
    tz = zone(clinic.timezone)
    today = now.astimezone(tz).date()
    start = datetime.combine(today, time(), tz)
    end = datetime.combine(today + timedelta(days=clinic.furthest_days_ahead + 1), time(), tz)
    return start, end


def own_uids(clinic: Clinic) -> str:
    """The UID suffix of the events ledig pushes for this clinic (never busy time)."""
    return f"@{clinic.slug}.ledig"


def refresh_due(clinics: Iterable[Clinic], clock: Clock = SYSTEM, *, force: bool = False,
                env: Mapping[str, str] | None = None) -> Counter[str]:
    """One round: every due busy source of every clinic. Counts of the outcomes."""
    env = os.environ if env is None else env
    holder = holder_name()
    counts: Counter[str] = Counter()
    for clinic in clinics:
        if not clinic.synced_calendars:
            continue
        with db.connection_context():
            store.ensure_sources(clinic)
        for cal in clinic.synced_calendars:
            for src in cal.busy_sources:
                now = clock.now()
                due = now if force else now - timedelta(minutes=clinic.sync.refresh_minutes)
                with db.connection_context():
                    row = store.claim(clinic.slug, cal.id, src.id, now, due, holder, LEASE)
                if row is None:
                    counts["not_due"] += 1
                    continue
                counts[refresh_source(clinic, cal, src, row, clock, env)] += 1
    return counts


def refresh_source(clinic: Clinic, cal: Calendar, src: BusySource, row: SyncSource,
                   clock: Clock, env: Mapping[str, str]) -> str:
    """Read one claimed source and store what it says: changed | unchanged | failed."""
    start, end = window(clinic, clock.now())
    try:
        password = ""
        if src.password_env:
            password = env.get(src.password_env, "")
            if not password:
                raise SourceError("password_missing",
                                  f"the environment variable {src.password_env} is not set")
        same_window = row.window_end is not None and from_db(row.window_end) == end
        tz = zone(clinic.timezone)
        if src.kind == "ics":
            got = fetch(src.url, username=src.username, password=password,
                        etag=row.etag if same_window else "",
                        last_modified=row.last_modified if same_window else "")
            if got.body is None:
                with db.connection_context():
                    store.store_unchanged(row, clock.now())
                return "unchanged"
            intervals = busy_intervals([parse(got.body)], tz, start, end,
                                       skip_uids=own_uids(clinic))
            validators = {"etag": got.etag, "last_modified": got.last_modified}
        else:
            cals, token = caldav_source.read(src.url, src.username, password,
                                             row.sync_token if same_window else "")
            if cals is None:
                with db.connection_context():
                    store.store_unchanged(row, clock.now())
                return "unchanged"
            intervals = busy_intervals(cals, tz, start, end, skip_uids=own_uids(clinic))
            validators = {"sync_token": token}
        with db.connection_context():
            changed = store.store_ok(row, intervals, clock.now(), window_end=end, **validators)
        return "changed" if changed else "unchanged"
    except Exception as exc:  # every failure is that source's, never the round's
        err = exc if isinstance(exc, SourceError) else caldav_source.error_of(exc)
        if not isinstance(exc, SourceError):
            log.error("sync: %s/%s source %s: unexpected %s", clinic.slug, cal.id, src.label,
                      type(exc).__name__)
        log.warning("sync: %s/%s source %s failed: %s", clinic.slug, cal.id, src.label,
                    err.code)
        with db.connection_context():
            store.store_error(row, clock.now(), str(err))
        return "failed"


class Worker(threading.Thread):
    """Runs `refresh_due` over the registry's clinics every `interval` seconds."""

    def __init__(self, registry: Registry, clock: Clock = SYSTEM, interval: float = 30.0):
        super().__init__(name="ledig-sync", daemon=True)
        self.registry, self.clock, self.interval = registry, clock, interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                refresh_due(self.registry.clinics().values(), self.clock)
            except Exception:  # e.g. the database is down; try again later
                log.exception("sync round failed; trying again in %ss", self.interval)
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float = 10) -> None:
        self._stop_event.set()
        self.join(timeout)


def start_worker(registry: Registry, clock: Clock = SYSTEM,
                 interval: float = 30.0) -> Worker | None:
    """Refresh in a daemon thread of the serving process, when some clinic syncs."""
    worker = Worker(registry, clock, interval)
    worker.start()
    log.info("sync worker started (looks for due sources every %ss)", interval)
    return worker
