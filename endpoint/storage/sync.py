"""Calendar sync's tables (docs/sync.md): each busy source's state, its busy intervals, and
whether a calendar is fresh enough to offer online slots.

A refresh replaces a source's intervals in one transaction that holds the
calendar's booking lock (`write_transaction`), so a booking and a refresh of
its calendar never interleave: a booking whose transaction comes after the
refresh sees the new busy time and is refused; a booking that committed before
it is counted in `conflicts` and listed under the staff API's conflicts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from booking import Busy, Clinic
from booking.model import Calendar
from endpoint.storage.db import (
    SyncBusy,
    SyncSource,
    calendar_lock,
    db,
    db_time,
    from_db,
    opened,
    raw_sql,
    to_db,
    write_transaction,
)
from endpoint.storage.queries import bump, day_bounds

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class SourceHealth:
    """How one busy source stands now: for /healthz, the staff pages and fail-closed."""

    clinic: str
    calendar: str
    source: str  # the URL without credentials
    label: str
    ok: bool  # synced within stale_after_minutes and the last attempt succeeded
    fresh: bool  # synced within stale_after_minutes (what fail-closed asks)
    last_ok_at: datetime | None
    failing_since: datetime | None
    error: str

    def as_json(self) -> dict[str, object]:
        return {"clinic": self.clinic, "calendar": self.calendar, "source": self.source,
                "ok": self.ok,
                "last_ok_at": self.last_ok_at.isoformat() if self.last_ok_at else None,
                "error": self.error or None}


def ensure_sources(clinic: Clinic) -> None:
    """A state row for every configured busy source (the refresher claims rows); the rows
    and busy times of sources the clinic no longer lists are removed."""
    rows = list(SyncSource.select(SyncSource.id, SyncSource.calendar, SyncSource.source)
                .where(SyncSource.clinic == clinic.slug))
    wanted = {(c.id, s.id) for c in clinic.synced_calendars for s in c.busy_sources}
    for r in rows:
        if (r.calendar, r.source) not in wanted:
            with write_transaction([calendar_lock(clinic.slug, r.calendar)]):
                SyncBusy.delete().where(SyncBusy.source == r.id).execute()
                SyncSource.delete().where(SyncSource.id == r.id).execute()
                bump(clinic.slug, r.calendar)
            forget_states(clinic.slug)
    have = {(r.calendar, r.source) for r in rows}
    for cal in clinic.synced_calendars:
        for src in cal.busy_sources:
            if (cal.id, src.id) not in have:
                (SyncSource.insert(clinic=clinic.slug, calendar=cal.id, source=src.id)
                 .on_conflict_ignore().execute())


def claim(clinic: str, calendar: str, source: str, now: datetime, due_before: datetime,
          holder: str, lease: timedelta) -> SyncSource | None:
    """Take a source for refreshing when it is due (its last attempt before `due_before`)
    and nobody holds it; None otherwise. One UPDATE, so two processes never both win."""
    n = to_db(now)
    key = ((SyncSource.clinic == clinic) & (SyncSource.calendar == calendar)
           & (SyncSource.source == source))
    taken = (SyncSource.update(claimed_by=holder, claimed_until=n + lease)
             .where(key & ((SyncSource.claimed_until.is_null())
                           | (SyncSource.claimed_until < n))
                    & ((SyncSource.last_attempt_at.is_null())
                       | (SyncSource.last_attempt_at <= to_db(due_before))))
             .execute())
    if not taken:
        return None
    row: SyncSource | None = SyncSource.get_or_none(key & (SyncSource.claimed_by == holder))
    return row


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def store_ok(row: SyncSource, intervals: Iterable[Interval], now: datetime, *,
             etag: str = "", last_modified: str = "", sync_token: str = "",
             window_end: datetime | None = None) -> bool:
    """The source answered with these busy intervals: replace its stored ones (one
    transaction, under the calendar's booking lock) and mark it fresh. Whether anything
    changed (then the calendar's slot-cache generation went up)."""
    wanted = [(to_db(s), to_db(e)) for s, e in _merged(intervals) if e > s]
    with write_transaction([calendar_lock(row.clinic, row.calendar)]):
        have = sorted((b.start, b.end) for b in SyncBusy.select(SyncBusy.start, SyncBusy.end)
                      .where(SyncBusy.source == row.id))
        changed = have != wanted
        if changed:
            SyncBusy.delete().where(SyncBusy.source == row.id).execute()
            for i in range(0, len(wanted), 500):
                SyncBusy.insert_many(
                    [{"source": row.id, "clinic": row.clinic, "calendar": row.calendar,
                      "start": s, "end": e} for s, e in wanted[i:i + 500]]).execute()
            bump(row.clinic, row.calendar)
        conflicts = _overlapping_bookings(row, now)
        (SyncSource.update(last_attempt_at=to_db(now), last_ok_at=to_db(now), last_error="",
                           failing_since=None, etag=etag, last_modified=last_modified,
                           sync_token=sync_token, intervals=len(wanted), conflicts=conflicts,
                           window_end=to_db(window_end) if window_end else None,
                           claimed_by="", claimed_until=None)
         .where(SyncSource.id == row.id).execute())
    forget_states(row.clinic)
    return changed


def store_unchanged(row: SyncSource, now: datetime) -> None:
    """The source said nothing changed (304, the same sync token): it is fresh."""
    (SyncSource.update(last_attempt_at=to_db(now), last_ok_at=to_db(now), last_error="",
                       failing_since=None, claimed_by="", claimed_until=None)
     .where(SyncSource.id == row.id).execute())
    forget_states(row.clinic)


def store_error(row: SyncSource, now: datetime, error: str) -> None:
    """The refresh failed: keep the old intervals (they still block), record why."""
    (SyncSource.update(last_attempt_at=to_db(now), last_error=error[:300],
                       failing_since=row.failing_since or to_db(now),
                       claimed_by="", claimed_until=None)
     .where(SyncSource.id == row.id).execute())


def _overlapping_bookings(row: SyncSource, now: datetime) -> int:
    """Active future bookings of the calendar under one of the source's busy times."""
    sql = raw_sql('SELECT COUNT(DISTINCT b.id) FROM booking b JOIN sync_busy s '
                  'ON s.clinic = b.clinic AND s.calendar = b.calendar '
                  'AND s.start < b."end" AND s."end" > b.start '
                  "WHERE s.source_id = ? AND b.status = 'active' AND b.\"end\" > ?")
    found = db.execute_sql(sql, (row.id, db_time(now))).fetchone()
    return int(found[0])


def rows_of(clinic: str) -> list[SyncSource]:
    return list(SyncSource.select().where(SyncSource.clinic == clinic))


def health(clinic: Clinic, now: datetime,
           rows: Sequence[SyncSource] | None = None) -> list[SourceHealth]:
    """Every configured busy source of the clinic and how it stands at `now`."""
    if not clinic.synced_calendars:
        return []
    by_key = {(r.calendar, r.source): r for r in (rows if rows is not None
                                                  else rows_of(clinic.slug))}
    limit = now - timedelta(minutes=clinic.sync.stale_after_minutes)
    out = []
    for cal in clinic.synced_calendars:
        for src in cal.busy_sources:
            r = by_key.get((cal.id, src.id))
            last_ok = from_db(r.last_ok_at) if r is not None and r.last_ok_at else None
            fresh = last_ok is not None and last_ok >= limit
            error = r.last_error if r is not None else ""
            if not fresh and not error:
                error = "never_synced" if last_ok is None else "stale"
            failing = from_db(r.failing_since) if r is not None and r.failing_since else None
            out.append(SourceHealth(clinic.slug, cal.id, src.id, src.label,
                                    ok=fresh and not (r is not None and r.last_error),
                                    fresh=fresh, last_ok_at=last_ok, failing_since=failing,
                                    error=error))
    return out


_STATE_SQL = "SELECT calendar, source, last_ok_at FROM sync_source WHERE clinic = ?"

#: how long one process reuses a clinic's source states on the slot route: a refresh in
#: this process forgets them at once, one in another process is seen within this time.
#: They are kept with the open database (`storage.db.OpenState`), so a database opened
#: anew starts without them
STATE_TTL = timedelta(seconds=5)


def forget_states(clinic: str) -> None:
    """A refresh changed the clinic's source states: read them anew next time."""
    state = opened()
    with state.sync_lock:
        state.sync_states.pop(clinic, None)


def _last_ok(clinic: str, now: datetime) -> dict[tuple[str, str], datetime | None]:
    state = opened()
    with state.sync_lock:
        hit = state.sync_states.get(clinic)
    if hit is not None and timedelta(0) <= now - hit[0] < STATE_TTL:
        return hit[1]
    ok_at: dict[tuple[str, str], datetime | None] = {}
    for cal, source, last_ok in db.execute_sql(raw_sql(_STATE_SQL), (clinic,)):
        if isinstance(last_ok, str):  # SQLite hands back text
            last_ok = datetime.fromisoformat(last_ok)
        ok_at[(cal, source)] = last_ok
    with state.sync_lock:
        state.sync_states[clinic] = (now, ok_at)
    return ok_at


def closed_calendars(clinic: Clinic, now: datetime) -> frozenset[str]:
    """Calendars that offer nothing online now (fail closed, docs/sync.md): some busy source of
    theirs has not synced within `stale_after_minutes`, or never has."""
    synced = clinic.synced_calendars
    if not synced:
        return frozenset()  # no query for the clinics without sync: the slot route's path
    ok_at = _last_ok(clinic.slug, now)
    limit = to_db(now - timedelta(minutes=clinic.sync.stale_after_minutes))
    return frozenset(c.id for c in synced if not _fresh(c, ok_at, limit))


def _fresh(cal: Calendar, ok_at: dict[tuple[str, str], datetime | None],
           limit: datetime) -> bool:
    for src in cal.busy_sources:
        last = ok_at.get((cal.id, src.id))
        if last is None or last < limit:
            return False
    return True


def future_busy(clinic: Clinic, now: datetime) -> dict[str, Busy]:
    """Imported busy times that have not ended, per calendar (for the conflicts check)."""
    if not clinic.synced_calendars:
        return {}
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    rows = (SyncBusy.select(SyncBusy.calendar, SyncBusy.start, SyncBusy.end)
            .where((SyncBusy.clinic == clinic.slug) & (SyncBusy.end > to_db(now))).tuples())
    for row in rows:
        values: tuple = tuple(row)  # type: ignore[arg-type]  # tuples() rows
        spans[str(values[0])].append((from_db(values[1]).timestamp(),
                                      from_db(values[2]).timestamp()))
    return {cal: Busy.from_epochs(items) for cal, items in spans.items()}


@dataclass(frozen=True)
class BusyTime:
    """An imported busy time, for the staff pages: when, and which source says so."""

    calendar: str
    start: datetime
    end: datetime
    source: str  # the source's label (its name, or its host)


def busy_times(clinic: Clinic, first: date, last: date) -> list[BusyTime]:
    """The imported busy times that overlap the days first..last, by start."""
    lo, hi = day_bounds(clinic, first, last)
    labels = {(c.id, s.id): s.label for c in clinic.synced_calendars for s in c.busy_sources}
    rows = (SyncBusy.select(SyncBusy.calendar, SyncBusy.start, SyncBusy.end, SyncSource.source)
            .join(SyncSource)
            .where((SyncBusy.clinic == clinic.slug) & (SyncBusy.start < to_db(hi))
                   & (SyncBusy.end > to_db(lo)))
            .order_by(SyncBusy.start).tuples())
    out = []
    for row in rows:
        values: tuple = tuple(row)  # type: ignore[arg-type]  # tuples() rows
        cal, src = str(values[0]), str(values[3])
        out.append(BusyTime(cal, from_db(values[1]), from_db(values[2]),
                            labels.get((cal, src), src)))
    return out


__all__ = ["BusyTime", "SourceHealth", "busy_times", "claim", "closed_calendars",
           "ensure_sources", "forget_states", "future_busy", "health", "rows_of",
           "store_error", "store_ok",
           "store_unchanged"]
