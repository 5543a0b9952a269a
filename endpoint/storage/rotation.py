"""Re-sealing stored values under the current data key (`endpoint rotate-data-key`).

`reseal(keyring)` walks every sealed column of every table in batches and
re-seals each value that is not under `keyring.current` (values under a
previous key, and plain text written before the columns were sealed). Each
batch is its own short transaction, and each row is written back only if it is
still what was read (compare-and-set), so the endpoint keeps serving and a
booking changed meanwhile is never overwritten with its older text. A crash
stops a rotation without harm: every value names its key, so the next run
picks up the rest. When nothing is left under a previous key, that key is
marked retired in `data_key`, and LEDIG_DATA_KEY_OLD may be emptied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from peewee import Model

from endpoint.storage.crypto import Keyring, SealedField, sealed_fields, stored_key_id
from endpoint.storage.db import MODELS, DataKey, db, raw_sql, utcnow, write_transaction

log = logging.getLogger("ledig.crypto")

BATCH = 500
SEALED_LIKE = "ld1.%"


@dataclass(frozen=True)
class Resealed:
    values: int
    retired: tuple[str, ...]

    def __str__(self) -> str:
        retired = f"; retired key {', '.join(self.retired)}" if self.retired else ""
        return f"re-sealed {self.values} values under the current data key{retired}"


def reseal(keyring: Keyring, batch: int = BATCH) -> Resealed:
    """Re-seal every value not under the current key; then retire the keys left unused."""
    done = 0
    for model, fields in sealed_fields(MODELS):
        done += _reseal_table(keyring, model, fields, batch)
    retired = retire_unused(keyring)
    return Resealed(done, retired)


def _stale_condition(columns: list[str]) -> str:
    return " OR ".join(f"({c} <> '' AND {c} NOT LIKE ?)" for c in columns)


def _reseal_table(keyring: Keyring, model: type[Model], fields: list[SealedField],
                  batch: int) -> int:
    table = model._meta.table_name
    columns = [f.column_name for f in fields]
    current = f"ld1.{keyring.current_id}.%"
    done = 0
    last_id = 0
    select = raw_sql(f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > ? AND "
                     f"({_stale_condition(columns)}) ORDER BY id LIMIT {int(batch)}")
    update = raw_sql(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} "
                     f"WHERE id = ? AND {' AND '.join(f'{c} = ?' for c in columns)}")
    while True:
        with write_transaction():
            rows = db.execute_sql(select, [last_id, *([current] * len(columns))]).fetchall()
            for row in rows:
                row_id, old = row[0], list(row[1:])
                new = [_resealed(keyring, value, f"{table}.{column}")
                       for value, column in zip(old, columns, strict=True)]
                db.execute_sql(update, [*new, row_id, *old])
                done += sum(1 for a, b in zip(old, new, strict=True) if a != b)
        if not rows:
            return done
        last_id = rows[-1][0]


def _resealed(keyring: Keyring, value: str, context: str) -> str:
    kid = stored_key_id(value)
    if kid in ("", keyring.current_id):
        return value
    plain = value if kid == "plain" else keyring.open(value, context)
    return keyring.seal(plain, context)


def seal_plain_text(keyring: Keyring) -> int:
    """Seal values written before their columns were sealed (the schema step that seals)."""
    done = 0
    tables = set(db.get_tables())
    for model, fields in sealed_fields(MODELS):
        table = model._meta.table_name
        have = {c.name for c in db.get_columns(table)} if table in tables else set()
        columns = [f.column_name for f in fields if f.column_name in have]
        if not columns:
            continue
        rows = db.execute_sql(raw_sql(
            f"SELECT id, {', '.join(columns)} FROM {table} WHERE "
            + " OR ".join(f"({c} <> '' AND {c} NOT LIKE ?)" for c in columns)),
            [SEALED_LIKE] * len(columns)).fetchall()
        update = raw_sql(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} "
                         "WHERE id = ?")
        for row in rows:
            sealed = [v if stored_key_id(v) != "plain" else keyring.seal(v, f"{table}.{c}")
                      for v, c in zip(row[1:], columns, strict=True)]
            db.execute_sql(update, [*sealed, row[0]])
            done += 1
    return done


def keys_in_use() -> set[str]:
    """The ids of the keys any stored value is sealed under (a full scan: rotation only)."""
    found: set[str] = set()
    for model, fields in sealed_fields(MODELS):
        table = model._meta.table_name
        for f in fields:
            c = f.column_name
            sql = raw_sql(f"SELECT DISTINCT substr({c}, 5, 8) FROM {table} WHERE {c} LIKE ?")
            found |= {kid for (kid,) in db.execute_sql(sql, [SEALED_LIKE]).fetchall()}
    return found


def retire_unused(keyring: Keyring) -> tuple[str, ...]:
    """Mark retired every recorded key that no stored value is sealed under any more."""
    used = keys_in_use()
    retired = []
    with write_transaction():
        for row in DataKey.select().where(DataKey.retired_at.is_null()):
            if row.kid != keyring.current_id and row.kid not in used:
                DataKey.update(retired_at=utcnow()).where(DataKey.kid == row.kid).execute()
                retired.append(row.kid)
    if retired:
        log.info("data keys %s retired: nothing is sealed under them any more",
                 ", ".join(retired))
    return tuple(retired)


__all__ = ["Resealed", "keys_in_use", "reseal", "retire_unused", "seal_plain_text"]
