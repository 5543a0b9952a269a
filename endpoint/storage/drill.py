"""The restore drill (`endpoint verify-backup FILE`): does this backup restore, with the
keys configured here?

A SQLite backup is opened read-only and immutable (no lock, no `-wal` or
`-shm` beside it, not a byte of it written). A `pg_dump -Fc` archive is
restored with `pg_restore` into a scratch database on the PostgreSQL server
of LEDIG_DATABASE_URL (or `--database`), which is dropped afterwards whatever
happens. Then every sealed value is opened with LEDIG_DATA_KEY (or the key in
`var/data_key`) and LEDIG_DATA_KEY_OLD (`inventory.open_every_value`), and the
keys the backup records as holding data are checked the way the endpoint
checks them at start. A key that is missing is named by its id; nothing in
the report is a stored value.
"""

from __future__ import annotations

import secrets
import shlex
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from endpoint.settings import is_postgres_url
from endpoint.storage.backup import (
    BackupError,
    NotABackup,
    connect,
    first_line,
    public_url,
    run,
    tool,
)
from endpoint.storage.crypto import Keyring
from endpoint.storage.inventory import (
    SEALED_SINCE,
    Inventory,
    Opened,
    Reader,
    open_every_value,
    recorded_keys,
    survey,
)
from endpoint.storage.migrations import SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class Drill:
    path: Path
    kind: str  # "SQLite" | "pg_dump archive"
    inventory: Inventory
    opened: Opened
    recorded: tuple[str, ...]  # the keys the backup records as holding data
    configured: frozenset[str]  # the ids of the keys configured here
    #: a SQLite journal beside the file (a copy of a live database, not one `endpoint
    #: backup` made), which the drill does not read
    beside: tuple[str, ...] = ()

    def missing(self) -> dict[str, int]:
        """Each needed key that is not configured here, with how many values it seals."""
        missing = Counter(self.opened.missing)
        for kid in self.recorded:
            if kid not in self.configured:
                missing[kid] += 0
        return dict(sorted(missing.items()))

    def problems(self) -> list[str]:
        """Why the backup would not restore here, each with what to do; [] when it would."""
        said = []
        for kid, n in self.missing().items():
            held = (f"{n} sealed values need data key {kid}" if n else
                    f"the backup records data key {kid} as holding data (the endpoint will "
                    "not start without it)")
            said.append(f"{held}, which is not configured here: set LEDIG_DATA_KEY to that "
                        "key (LEDIG_DATA_KEY_OLD during a rotation; on SQLite it may be "
                        "var/data_key) and run verify-backup again. Without that key nobody "
                        "can ever read the backup's sealed values")
        for context, n in sorted(self.opened.tampered.items()):
            said.append(f"{n} values in {context} do not authenticate: the backup was changed "
                        "or damaged; restore another backup, and check it the same way")
        if self.opened.plain and self.inventory.schema_version >= SEALED_SINCE:
            said.append(f"{self.opened.plain} values are stored unsealed in a schema that "
                        "seals them all: they were changed outside the endpoint, which will "
                        "not read them; restore another backup")
        return said

    def lines(self, places: dict[str, str]) -> list[str]:
        inv, opened = self.inventory, self.opened
        version = inv.schema_version
        schema = (f"schema version {version}; this endpoint migrates it to {SCHEMA_VERSION} "
                  "when it starts" if version < SCHEMA_VERSION else
                  f"schema version {version}, newer than this endpoint's {SCHEMA_VERSION}: "
                  "restore it with the ledig version that took it"
                  if version > SCHEMA_VERSION else f"schema version {version}")
        out = [f"checked {self.path} ({self.kind}, {schema})",
               f"  {inv.bookings} bookings, {inv.messages} messages",
               f"  opened {opened.opened} of {inv.sealed} sealed values"]
        if opened.plain and version < SEALED_SINCE:
            out.append(f"  {opened.plain} values from before sealing, sealed when the "
                       "endpoint first starts on it")
        for kid in inv.keys:
            out.append(f"  data key {kid}: {places.get(kid, 'NOT configured here')}")
        for name in self.beside:
            out.append(f"  note: {name} lies beside it and was not read; a copy of a running "
                       "database may lack its newest bookings (take backups with `endpoint "
                       "backup`, which makes one file)")
        return out


def verify(path: Path, keyring: Keyring | None, server_url: str) -> Drill:
    """Open `path` (a SQLite file or a pg_dump archive) and every sealed value in it."""
    kind = kind_of(path)
    opener = _read_only if kind == "SQLite" else _restored
    beside = tuple(p.name for p in (Path(f"{path}-wal"), Path(f"{path}-journal"))
                   if kind == "SQLite" and p.exists())
    with opener(path, server_url) as reader:
        return Drill(path, kind, survey(reader), open_every_value(reader, keyring),
                     recorded_keys(reader),
                     frozenset(keyring.ids() if keyring is not None else ()), beside)


def kind_of(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    if head == SQLITE_MAGIC:
        return "SQLite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump archive"
    raise NotABackup(f"{path} is neither a SQLite database nor a pg_dump -Fc archive "
                     "(take backups with `endpoint backup --out FILE`)")


@contextmanager
def _read_only(path: Path, _server_url: str) -> Iterator[Reader]:
    # immutable: SQLite takes no lock and writes nothing, not even a -shm beside the file
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        yield Reader(connection, postgres=False)
    except sqlite3.DatabaseError as exc:
        raise NotABackup(f"{path} cannot be read as a SQLite database ({exc}); restore "
                         "another backup") from None
    finally:
        connection.close()


@contextmanager
def _restored(path: Path, server_url: str) -> Iterator[Reader]:
    import psycopg2

    if not is_postgres_url(server_url):
        raise BackupError(f"{path} is a pg_dump archive: the drill restores it into a "
                          "scratch database, so give the PostgreSQL server with --database "
                          "postgresql://USER@HOST/DB (or LEDIG_DATABASE_URL); the role needs "
                          "CREATEDB, and the scratch database is dropped afterwards")
    pg_restore = tool("pg_restore", instead=f"endpoint verify-backup {shlex.quote(str(path))}")
    name = f"ledig_verify_{secrets.token_hex(6)}"
    try:
        admin = connect(server_url)
        admin.autocommit = True
        _execute(admin, f'CREATE DATABASE "{name}" TEMPLATE template0')
    except psycopg2.Error as exc:
        raise BackupError(f"cannot make a scratch database on {public_url(server_url)} "
                          f"({first_line(exc)}): give --database a server and role that may "
                          "create databases (CREATEDB)") from None
    try:
        scratch = _with_database(server_url, name)
        run(pg_restore, ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password",
                         "-d", public_url(scratch), str(path)], scratch)
        connection = connect(scratch)
        try:
            connection.set_session(readonly=True)
            yield Reader(connection, postgres=True)
        finally:
            connection.close()
    finally:
        _execute(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        _execute(admin, f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def _execute(connection: Any, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


__all__ = ["Drill", "kind_of", "verify"]
