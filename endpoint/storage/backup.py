"""Backups taken while the endpoint serves and writes (`endpoint backup --out FILE`).

SQLite: the online backup API copies every page within one read transaction,
so the copy is the database as of one instant — the writers go on meanwhile
(WAL) and their later commits are simply not in it. The copy is switched to a
rollback journal, so it is one self-contained file with no `-wal` beside it.

PostgreSQL: `pg_dump -Fc` (from the PATH) dumps a snapshot that a
REPEATABLE READ transaction of ours exports, and the report is counted in that
same snapshot, so it describes exactly what the archive holds. Without
`pg_dump` on the PATH the error says what to run instead.

Either way the copy is written to a temporary file beside FILE (mode 0600),
flushed to disk and renamed over FILE, so FILE is the previous backup or the
whole new one, never half of one. The report (`inventory.Inventory`) holds
counts and the ids of the data keys the copy's sealed values need; without
those keys, kept apart from the backup, its personal data can never be read.
"""

from __future__ import annotations

import glob
import os
import secrets
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from endpoint.settings import is_postgres_url
from endpoint.storage.inventory import Inventory, Reader, survey

#: lines of a PostgreSQL program's errors that can quote stored values
QUOTING = ("DETAIL", "CONTEXT", "Command was")


class BackupError(Exception):
    """A backup could not be taken or read; `code` is stable, the message says what to do."""

    code = "backup"
    default = "the backup failed"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.default)


class NoDatabase(BackupError):
    code = "no_database"
    default = "there is no database to back up; check LEDIG_DATABASE_URL or --database"


class ToolMissing(BackupError):
    code = "tool_missing"
    default = "a PostgreSQL client program is not on the PATH"


class ToolFailed(BackupError):
    code = "tool_failed"
    default = "a PostgreSQL client program failed"


class NotABackup(BackupError):
    code = "not_a_backup"
    default = "the file is neither a SQLite database nor a pg_dump -Fc archive"


@dataclass(frozen=True)
class Taken:
    path: Path
    kind: str  # "SQLite" | "pg_dump archive"
    size: int
    inventory: Inventory

    def lines(self, places: dict[str, str]) -> list[str]:
        """The report: counts, and where each key it needs is configured (never a value)."""
        inv = self.inventory
        out = [f"wrote {self.path} ({self.kind}, {self.size // 1024 + 1} KB, schema version "
               f"{inv.schema_version})",
               f"  {inv.bookings} bookings, {inv.messages} messages, {inv.sealed} sealed values"]
        for kid in inv.keys:
            out.append(f"  needs data key {kid}: "
                       f"{places.get(kid, 'NOT configured here; find it now')}")
        out.append("Keep the data key apart from this backup (a password manager, a safe; "
                   "never beside the backup or in it): without the key nobody can ever read "
                   "the backup's names, phone numbers and national ids, and whoever holds "
                   "both can. docs/deploy.md#backups")
        return out


def take(database_url: str, out: Path) -> Taken:
    """Back up the database of `database_url` to `out`, atomically; what it holds."""
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"--out {out}: the folder {out.parent} does not exist; create it "
                          "(mode 0700: backups hold patients' data) or choose another")
    if is_postgres_url(database_url):
        kind, write = "pg_dump archive", _pg_dump(database_url, out)
    else:
        source = sqlite_path(database_url)
        if out.resolve() == source.resolve():
            raise BackupError(f"--out {out} is the database itself; write the backup to "
                              "another file, better on another disk")
        kind, write = "SQLite", _sqlite_copy(source)
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        inventory = write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except (sqlite3.Error, _driver_error()) as exc:
        raise BackupError(f"the database could not be read ({first_line(exc)}); nothing was "
                          f"written to {out}: check that it is up and LEDIG_DATABASE_URL or "
                          "--database, then run the backup again") from None
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_folder(out.parent)
    return Taken(out, kind, out.stat().st_size, inventory)


def sqlite_path(database_url: str) -> Path:
    return Path(database_url[len("sqlite:///"):])


def _sqlite_copy(source: Path):
    if not source.is_file():
        raise NoDatabase(f"no SQLite database at {source}; check LEDIG_DATABASE_URL, "
                         "--database or LEDIG_VAR")

    def write(tmp: Path) -> Inventory:
        # mode=rw: a wrong path is an error here, not a new empty database
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=15)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # every page in one step: one read transaction, one instant
            dst.execute("PRAGMA journal_mode = DELETE")  # one file: no -wal beside it
            return survey(Reader(dst, postgres=False))
        finally:
            dst.close()
            src.close()

    return write


def _pg_dump(database_url: str, out: Path):
    pg_dump = tool("pg_dump", instead=f"endpoint backup --out {shlex.quote(str(out))}",
                   by_hand=f"pg_dump -Fc -d {shlex.quote(public_url(database_url))} "
                           f"-f {shlex.quote(str(out))}")

    def write(tmp: Path) -> Inventory:
        connection = connect(database_url)
        try:
            connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
            cursor = connection.cursor()
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            inventory = survey(Reader(connection, postgres=True))  # in the dump's snapshot
            run(pg_dump, ["-Fc", "--no-password", "--snapshot", snapshot,
                          "-d", public_url(database_url), "-f", str(tmp)], database_url)
            return inventory
        finally:
            connection.close()

    return write


def tool(name: str, *, instead: str, by_hand: str = "") -> str:
    """The path of a PostgreSQL client program on the PATH, or an error that says what
    to run: `instead` with the program's folder on the PATH, or `by_hand` yourself."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                     key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if folders:
        fix = f"run `PATH={Path(folders[-1]).parent}:$PATH {instead}`"
    else:
        fix = (f"install PostgreSQL's client programs (Debian: `apt-get install "
               f"postgresql-client`) and run `{instead}` again")
    alone = f", or run `{by_hand}` yourself" if by_hand else ""
    raise ToolMissing(f"{name} is not on the PATH: {fix}{alone}")


def run(program: str, args: list[str], database_url: str) -> None:
    """Run a PostgreSQL client program; the URL's password goes in its environment, never
    on its command line (which every user of the host can read)."""
    env = dict(os.environ)
    password = urlsplit(database_url).password
    if password:
        env["PGPASSWORD"] = unquote(password)
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # the server's DETAIL and CONTEXT lines may quote a row: they are left out
        said = " ".join([line for line in done.stderr.strip().splitlines()
                         if not line.lstrip().startswith(QUOTING)][-3:])
        raise ToolFailed(f"{Path(program).name} failed (exit {done.returncode}): {said}")


def _driver_error() -> type[Exception]:
    """psycopg2's base error, imported only when a PostgreSQL backup needs it."""
    import psycopg2

    return psycopg2.Error


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connect(database_url: str):
    """A psycopg2 connection of our own (5 s to connect, unless the URL says otherwise)."""
    import psycopg2

    timeout = {} if "connect_timeout=" in database_url else {"connect_timeout": 5}
    return psycopg2.connect(database_url, **timeout)


def public_url(database_url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    userinfo, host = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{host}"))


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["BackupError", "NoDatabase", "NotABackup", "Taken", "ToolFailed", "ToolMissing",
           "connect", "first_line", "public_url", "run", "sqlite_path", "take", "tool"]
