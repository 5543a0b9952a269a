"""Reading the endpoint's database, read-only, for `sitegen check`.

`sitegen` never imports `endpoint` (the import contracts keep it so), yet an
admin should see, before publishing a change, which booked patients it would
strand (docs/staff.md). This module finds the endpoint's database the way the
endpoint does (`--database URL`, else `LEDIG_DATABASE_URL`, else
`sqlite:///var/ledig.sqlite3`: `find_database`) and reads just that from it:
the active bookings that have not started — with their patients' initials
when the endpoint's data key is at hand (`LEDIG_DATA_KEY`, else the key a
SQLite endpoint keeps in `LEDIG_VAR`/`var/data_key`: `find_keyring`) — and the
staff blocks that have not ended, as the core's `booking.fit` wants them, and
(docs/sync.md) each busy source's last read and the imported busy times. It
writes nothing — SQLite is opened with `query_only`, PostgreSQL in read-only
transactions — and creates no file where none is.

The tables, columns and versions it reads are `common/schema.py`'s, the one
owner of what this reader relies on (issue #24); an older or missing schema is
a `StoredError` that says what to do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, DatabaseError, PostgresqlDatabase
from playhouse.db_url import connect

from booking.fit import Placed
from booking.slots import Busy
from common import schema
from common.sealing import DataKeyError, Keyring, TamperedData

#: the first schema version with everything read here (kept in common/schema.py)
SCHEMA = schema.READABLE_SINCE

_BOOKINGS = schema.select("booking", "status = 'active' AND start > {p}") + " ORDER BY start"
_BLOCKS = schema.select("staff_block", '"end" > {p}')
# calendar sync (docs/sync.md): each busy source's state, and the busy times not yet ended
_SOURCES = schema.select("sync_source")
_SYNC_BUSY = schema.select("sync_busy", '"end" > {p}')


#: where a database found without being named came from
DEFAULT = "the endpoint's default"


@dataclass(frozen=True)
class Found:
    """Which database `sitegen check` reads, and why that one (`where`)."""

    url: str | None  # None: none was given and the endpoint's default file is not there
    where: str  # "--database", "LEDIG_DATABASE_URL" or "the endpoint's default"

    @property
    def shown(self) -> str:
        """The URL without its password, fit to print."""
        return without_password(self.url or schema.DEFAULT_DATABASE_URL)


def find_database(flag: str | None, env: Mapping[str, str]) -> Found:
    """The database the endpoint of this folder uses (endpoint/settings.py reads the same
    variable and default): `--database`, else LEDIG_DATABASE_URL, else
    `sqlite:///var/ledig.sqlite3` if that file is there. `--database none` reads none."""
    if flag:
        return Found(None if flag == "none" else flag, "--database")
    if env.get("LEDIG_DATABASE_URL"):
        return Found(env["LEDIG_DATABASE_URL"], "LEDIG_DATABASE_URL")
    default = schema.DEFAULT_DATABASE_URL
    there = Path(default[len("sqlite:///"):]).is_file()
    return Found(default if there else None, DEFAULT)


def find_keyring(env: Mapping[str, str]) -> tuple[Keyring | None, str]:
    """The endpoint's data keys, and where they were found (or why there are none), as the
    endpoint finds them (endpoint/settings.py): LEDIG_DATA_KEY, else the key a SQLite
    endpoint made and keeps in `LEDIG_VAR`/`var/data_key`; LEDIG_DATA_KEY_OLD beside."""
    current, where = env.get("LEDIG_DATA_KEY", ""), "LEDIG_DATA_KEY"
    if not current:
        path = Path(env.get("LEDIG_VAR") or "var") / "data_key"
        current, where = (path.read_text().strip(), str(path)) if path.is_file() else ("", "")
    if not current:
        return None, "no data key (LEDIG_DATA_KEY, var/data_key)"
    try:
        return Keyring.from_text(current, env.get("LEDIG_DATA_KEY_OLD", "")), where
    except DataKeyError as exc:
        return None, str(exc)


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


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
    #: per booking id: its patient's initials ("K.N."); none without the data key
    initials: dict[str, str] = field(default_factory=dict)


def _open(url: str) -> Database:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path or path == ":memory:" or not Path(path).is_file():
            raise StoredError(f"database {without_password(url)}: no database file there; "
                              "give the path the endpoint uses (LEDIG_DATABASE_URL)")
    elif not url.startswith(("postgres://", "postgresql://")):
        raise StoredError(f"database {without_password(url)}: use sqlite:///path or postgresql://…")
    try:
        return connect(url, **({"connect_timeout": 5} if "postgres" in url else {}))
    except (ValueError, DatabaseError) as exc:
        raise StoredError(f"database {without_password(url)}: {exc}") from exc


def _instant(value: datetime | str) -> datetime:
    if not isinstance(value, datetime):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def read_stored(url: str, now: datetime, keyring: Keyring | None = None) -> Stored:
    """What `url`'s database holds that `now` has not passed: active bookings yet to start
    (with their patients' initials when `keyring` opens their names) and staff blocks yet
    to end."""
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
            b = dict(zip(schema.READ["booking"], row, strict=True))
            stored.bookings.setdefault(b["clinic"], []).append(Placed(
                b["public_id"], b["calendar"], b["type"], _instant(b["start"]),
                _instant(b["end"]), bool(b["self_booked"]), bool(b["outside_schedule"])))
            if keyring is not None and (letters := _initials(keyring, b)):
                stored.initials[b["public_id"]] = letters
        spans: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list))
        for clinic, calendar, start, end in database.execute_sql(_BLOCKS.format(p=p),
                                                                 (param,)):
            spans[clinic][calendar].append((_instant(start).timestamp(),
                                            _instant(end).timestamp()))
        for clinic, calendars in spans.items():
            stored.staff_blocks[clinic] = {cal: Busy.from_epochs(items)
                                           for cal, items in calendars.items()}
        if all(_has_table(database, table) for table in schema.OPTIONAL):
            _read_sync(database, stored, p, param)
        return stored
    except DatabaseError as exc:
        raise StoredError(f"database {without_password(url)}: {str(exc).strip()}") from exc
    finally:
        if not database.is_closed():
            database.close()


def _initials(keyring: Keyring, row: dict) -> str:
    """"K.N." of a booking's sealed names; '' when erased or when they do not open."""
    letters = []
    for column in ("first_name", "last_name"):
        try:
            name = keyring.open(row[column] or "", schema.sealed_context("booking", column))
        except (DataKeyError, TamperedData):
            return ""
        letters.append(f"{name.strip()[:1].upper()}." if name.strip() else "")
    return "".join(letters)


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
        raise StoredError(f"database {without_password(url)}: this is no ledig endpoint database "
                          "(it has no schema_version table)") from exc
    version = row[0] if row else None
    if version is None or version < SCHEMA:
        raise StoredError(f"database {without_password(url)}: its schema is version "
                          f"{version or 0}; start the endpoint once (it migrates to version "
                          f"{SCHEMA} or later) and check again")


__all__ = ["DEFAULT", "SCHEMA", "Found", "Stored", "StoredError", "find_database", "find_keyring",
           "read_stored", "without_password"]
