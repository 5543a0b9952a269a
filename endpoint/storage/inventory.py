"""What a database (or a copy of one) holds, read without changing it.

`survey` counts bookings and messages and finds the ids of the data keys its
sealed values need, with SQL alone: no key is needed for it, so `endpoint
backup` reports on the copy it took. `open_every_value` opens each sealed
value with the keys configured now, as the endpoint would: the restore drill
of `endpoint verify-backup`. Both read through a plain DB-API connection
(sqlite3 or psycopg2) of their own, never the endpoint's `db`, so that a copy
opened read-only stays untouched and a serving endpoint's connections are left
alone. Older schemas are read as they are: a table or column a backup does not
have yet is skipped, and values stored before sealing (schema 10) are counted
as plain text, which the endpoint seals at its first start.

Nothing here returns or logs a stored value: only counts, key ids, and
`table.column` names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from endpoint.storage.crypto import Keyring, TamperedData, sealed_fields, stored_key_id
from endpoint.storage.db import MODELS

#: the schema version whose first start seals values stored in plain text before it
SEALED_SINCE = 10
SEALED_LIKE = "ld1.%"
BATCH = 1000


class Reader:
    """A DB-API connection of SQLite or PostgreSQL, for reading."""

    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self.connection, self.postgres = connection, postgres

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql.replace("?", "%s") if self.postgres else sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def tables(self) -> set[str]:
        if self.postgres:
            sql = ("SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = current_schema()")
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return {name for (name,) in self.rows(sql)}

    def columns(self, table: str) -> set[str]:
        if self.postgres:
            return {name for (name,) in self.rows(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?", (table,))}
        return {row[1] for row in self.rows(f'PRAGMA table_info("{table}")')}

    def sealed_columns(self) -> Iterator[tuple[str, list[str]]]:
        """Each table of today's schema that has sealed columns, with those it has here."""
        tables = self.tables()
        for model, fields in sealed_fields(MODELS):
            table = model._meta.table_name
            if table in tables:
                have = self.columns(table)
                columns = [f.column_name for f in fields if f.column_name in have]
                if columns:
                    yield table, columns


@dataclass(frozen=True)
class Inventory:
    """Counts and key ids of a database; no value."""

    schema_version: int
    bookings: int
    messages: int
    sealed: int  # values sealed at rest (empty ones say nothing and are not counted)
    plain: int  # values stored before sealing, or changed outside the endpoint
    #: the ids of the keys the sealed values are under, and of the keys the database records
    #: as holding data (the endpoint refuses to start without any of them)
    keys: tuple[str, ...]


def survey(reader: Reader) -> Inventory:
    tables = reader.tables()

    def count(table: str) -> int:
        return reader.rows(f"SELECT count(*) FROM {table}")[0][0] if table in tables else 0

    version = (reader.rows("SELECT max(version) FROM schema_version")[0][0] or 0
               if "schema_version" in tables else 0)
    sealed, plain = 0, 0
    keys = set(recorded_keys(reader))
    for table, columns in reader.sealed_columns():
        for c in columns:
            for kid, n in reader.rows(f"SELECT substr({c}, 5, 8), count(*) FROM {table} "
                                      f"WHERE {c} LIKE ? GROUP BY substr({c}, 5, 8)",
                                      (SEALED_LIKE,)):
                keys.add(kid)
                sealed += n
            plain += reader.rows(f"SELECT count(*) FROM {table} WHERE {c} <> '' AND "
                                 f"{c} NOT LIKE ?", (SEALED_LIKE,))[0][0]
    return Inventory(version, count("booking"), count("outbox"), sealed, plain,
                     tuple(sorted(keys)))


def recorded_keys(reader: Reader) -> tuple[str, ...]:
    """The ids in `data_key` that are not retired: the keys the endpoint asks for."""
    if "data_key" not in reader.tables():
        return ()
    return tuple(sorted(kid for (kid,) in reader.rows(
        "SELECT kid FROM data_key WHERE retired_at IS NULL")))


@dataclass
class Opened:
    """What opening every sealed value with a keyring found."""

    opened: int = 0
    plain: int = 0
    #: key id -> how many values are sealed under it that no configured key opens
    missing: Counter[str] = field(default_factory=Counter)
    #: "table.column" -> how many of its values do not authenticate
    tampered: Counter[str] = field(default_factory=Counter)


def open_every_value(reader: Reader, keyring: Keyring | None) -> Opened:
    """Open each sealed value (in batches of rows) and count what happened to it."""
    found = Opened()
    ids = keyring.ids() if keyring is not None else set()
    for table, columns in reader.sealed_columns():
        select = (f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > ? "
                  f"ORDER BY id LIMIT {BATCH}")
        last = 0
        while rows := reader.rows(select, (last,)):
            last = rows[-1][0]
            for row in rows:
                for column, value in zip(columns, row[1:], strict=True):
                    _open_one(found, keyring, ids, value or "", f"{table}.{column}")
    return found


def _open_one(found: Opened, keyring: Keyring | None, ids: set[str], value: str,
              context: str) -> None:
    kid = stored_key_id(value)
    if kid == "":
        return
    if kid == "plain":
        found.plain += 1
    elif kid not in ids or keyring is None:
        found.missing[kid] += 1
    else:
        try:
            keyring.open(value, context)
            found.opened += 1
        except TamperedData:
            found.tampered[context] += 1


__all__ = ["SEALED_SINCE", "Inventory", "Opened", "Reader", "open_every_value",
           "recorded_keys", "survey"]
