"""Reading the endpoint's database, read-only, for `sitegen check --database URL`.

`sitegen` never imports `endpoint` (the import contracts keep it so), yet an
admin should see, before publishing a change, which booked patients it would
strand (docs/staff.md). This module reads just that from a database URL of the
endpoint (`sqlite:///path` or `postgresql://…`, through `playhouse.db_url`):
the active bookings that have not started and the staff blocks that have not
ended, as the core's `booking.fit` wants them, and (docs/sync.md) each busy source's
last read and the imported busy times. It writes nothing — SQLite is
opened with `query_only`, PostgreSQL in read-only transactions — and creates
no file where none is.

The tables and columns it reads are the endpoint's (schema version 6 or later;
`endpoint/storage/db.py`); an older or missing schema is a `StoredError` that
says what to do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from peewee import Database, DatabaseError, PostgresqlDatabase
from playhouse.db_url import connect

from booking.fit import Placed
from booking.slots import Busy

#: the first schema version with everything read here (staff blocks, outside_schedule)
SCHEMA = 6

_BOOKINGS = ('SELECT public_id, clinic, calendar, type, start, "end", self_booked, '
             "outside_schedule FROM booking WHERE status = 'active' AND start > {p} "
             "ORDER BY start")
_BLOCKS = 'SELECT clinic, calendar, start, "end" FROM staff_block WHERE "end" > {p}'
# calendar sync (docs/sync.md): each busy source's state, and the busy times not yet ended
_SOURCES = "SELECT clinic, calendar, source, last_ok_at, last_error FROM sync_source"
_SYNC_BUSY = 'SELECT clinic, calendar, start, "end" FROM sync_busy WHERE "end" > {p}'


class StoredError(Exception):
    """The database cannot be read for the check; the message says why and what to do."""


@dataclass(frozen=True)
class Stored:
    """Per clinic: its active bookings yet to start, and its staff blocks per calendar."""

    bookings: dict[str, list[Placed]] = field(default_factory=dict)
    staff_blocks: dict[str, dict[str, Busy]] = field(default_factory=dict)
    #: per clinic: (calendar, source URL) -> (last good read or None, last error)
    sync_sources: dict[str, dict[tuple[str, str], tuple[datetime | None, str]]] = field(
        default_factory=dict)
    #: per clinic: the imported busy times per calendar
    busy: dict[str, dict[str, Busy]] = field(default_factory=dict)


def _open(url: str) -> Database:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path or path == ":memory:" or not Path(path).is_file():
            raise StoredError(f"--database {url}: no database file there; give the path the "
                              "endpoint uses (LEDIG_DATABASE_URL)")
    elif not url.startswith(("postgres://", "postgresql://")):
        raise StoredError(f"--database {url}: use sqlite:///path or postgresql://…")
    try:
        return connect(url, **({"connect_timeout": 5} if "postgres" in url else {}))
    except (ValueError, DatabaseError) as exc:
        raise StoredError(f"--database {url}: {exc}") from exc


def _instant(value: datetime | str) -> datetime:
    if not isinstance(value, datetime):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def read_stored(url: str, now: datetime) -> Stored:
    """What `url`'s database holds that `now` has not passed: active bookings yet to start
    and staff blocks yet to end."""
    database = _open(url)
    postgres = isinstance(database, PostgresqlDatabase)
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    param = stamp if postgres else str(stamp)  # naive UTC, as the endpoint stores it
    p = "%s" if postgres else "?"
    try:
        database.connect()
        database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
                             if postgres else "PRAGMA query_only = 1")
        _check_schema(database, url)
        stored = Stored()
        for row in database.execute_sql(_BOOKINGS.format(p=p), (param,)):
            public_id, clinic, calendar, type_id, start, end, self_booked, outside = row
            stored.bookings.setdefault(clinic, []).append(Placed(
                public_id, calendar, type_id, _instant(start), _instant(end),
                bool(self_booked), bool(outside)))
        spans: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list))
        for clinic, calendar, start, end in database.execute_sql(_BLOCKS.format(p=p),
                                                                 (param,)):
            spans[clinic][calendar].append((_instant(start).timestamp(),
                                            _instant(end).timestamp()))
        for clinic, calendars in spans.items():
            stored.staff_blocks[clinic] = {cal: Busy.from_epochs(items)
                                           for cal, items in calendars.items()}
        if _has_table(database, "sync_source"):
            _read_sync(database, stored, p, param)
        return stored
    except DatabaseError as exc:
        raise StoredError(f"--database {url}: {str(exc).strip()}") from exc
    finally:
        if not database.is_closed():
            database.close()


def _has_table(database: Database, name: str) -> bool:
    if isinstance(database, PostgresqlDatabase):
        row = database.execute_sql("SELECT to_regclass(%s)", (name,)).fetchone()
    else:
        row = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND name = ?", (name,)).fetchone()
    return bool(row and row[0])


def _read_sync(database: Database, stored: Stored, p: str, param: object) -> None:
    for clinic, calendar, source, last_ok, error in database.execute_sql(_SOURCES):
        stored.sync_sources.setdefault(clinic, {})[(calendar, source)] = (
            _instant(last_ok) if last_ok else None, error or "")
    spans: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list))
    for clinic, calendar, start, end in database.execute_sql(_SYNC_BUSY.format(p=p), (param,)):
        spans[clinic][calendar].append((_instant(start).timestamp(), _instant(end).timestamp()))
    for clinic, calendars in spans.items():
        stored.busy[clinic] = {cal: Busy.from_epochs(items) for cal, items in calendars.items()}


def _check_schema(database: Database, url: str) -> None:
    try:
        row = database.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    except DatabaseError as exc:
        raise StoredError(f"--database {url}: this is no ledig endpoint database "
                          "(it has no schema_version table)") from exc
    version = row[0] if row else None
    if version is None or version < SCHEMA:
        raise StoredError(f"--database {url}: its schema is version {version or 0}; start "
                          f"the endpoint once (it migrates to version {SCHEMA} or later) "
                          "and check again")


__all__ = ["SCHEMA", "Stored", "StoredError", "read_stored"]
