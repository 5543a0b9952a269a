"""Patients' data sealed at rest: AES-256-GCM under the operator's data key.

Every column that can identify a patient (national id, names, phone, e-mail,
notes, the outbox's rendered messages, the text of a staff search) is a
`SealedField`: Peewee seals the value on the way in and opens it on the way
out, so the rest of the code reads and writes plain strings. A stored value is

    ld1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>

(the format and cipher are `common/sealing.py`'s, shared with `sitegen check`)
with a fresh 96-bit nonce per value, and the table and column as associated
data, so that a value copied into another column (or another table) does not
open. A tampered value raises `TamperedData`; it is never decrypted into
garbage. The empty string is stored as itself: it says only that the field was
not given (or was erased by the purge).

Keys. The data key is 32 random bytes, given base64 in `LEDIG_DATA_KEY`
(required on PostgreSQL; on SQLite a key is made once and kept in
`var/data_key`, like the secret key). Its id is the first 8 hex digits of its
SHA-256. During a rotation, the previous keys are in `LEDIG_DATA_KEY_OLD`
(comma-separated): values sealed under them still open, new values are sealed
under the new key, and `endpoint rotate-data-key` re-seals the rest in
batches (`rotate`), which a crash merely interrupts: each value says its key,
so the next run goes on where the last stopped. The `data_key` table records
which keys the database holds data under; starting with a key set that cannot
open them is a start-up error (`DataKeyError`), never garbled data.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import Model, TextField

from common.schema import sealed_context
from common.sealing import (
    KEY_BYTES,
    NONCE_BYTES,
    PREFIX,
    DataKeyError,
    Keyring,
    TamperedData,
    key_id,
    new_key_text,
    parse_key,
    stored_key_id,
)
from endpoint.settings import Settings, data_key_file, ensure_data_key, kept_data_key


class MissingDataKey(DataKeyError):
    """The database holds values sealed under keys that are not configured (`missing`)."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing


def keyring_of(database: object) -> Keyring:
    """The keyring `database` (Peewee's proxy, or the database it stands for) was opened
    with: `storage.db.open_database` keeps it in the database's `OpenState`, so that each
    database seals with its own keys and no module holds a key (docs/architecture.md,
    one state)."""
    target = getattr(database, "obj", database)  # the proxy stands for the open database
    keyring = getattr(getattr(target, "open_state", None), "keyring", None)
    if keyring is None:
        raise DataKeyError("no data key: open the database with a keyring first")
    return keyring


class SealedField(TextField):
    """A text column whose values are sealed at rest (see the module's docstring)."""

    def _context(self) -> str:
        return sealed_context(self.model._meta.table_name, self.column_name)

    def db_value(self, value):
        if value is None:
            return None
        return keyring_of(self.model._meta.database).seal(str(value), self._context())

    def python_value(self, value):
        if value is None:
            return None
        return keyring_of(self.model._meta.database).open(value, self._context())


def sealed_fields(models: Iterable[type[Model]]) -> list[tuple[type[Model], list[SealedField]]]:
    """Each model with the sealed columns it has."""
    out = []
    for model in models:
        fields = [f for f in model._meta.sorted_fields if isinstance(f, SealedField)]
        if fields:
            out.append((model, fields))
    return out


__all__ = ["KEY_BYTES", "NONCE_BYTES", "PREFIX", "DataKeyError", "Keyring", "MissingDataKey",
           "SealedField", "TamperedData", "configured_keys", "key_id", "keyring_for",
           "keyring_of", "new_key_text", "parse_key", "sealed_fields", "stored_key_id"]


def keyring_for(settings: Settings) -> tuple[Settings, Keyring]:
    """The settings with their data key (made and kept in `var/` on SQLite), and its keyring.

    A missing key on PostgreSQL is a `SettingsError`; a malformed one a `DataKeyError`."""
    settings = ensure_data_key(settings, new_key_text)
    return settings, Keyring.from_text(settings.data_key, settings.data_key_old)


def configured_keys(settings: Settings) -> list[tuple[str, bytes]]:
    """Each data key configured now, with where it is set, making none: LEDIG_DATA_KEY (or
    the key kept in `var/data_key`) first, then each key of LEDIG_DATA_KEY_OLD."""
    keys = []
    if settings.data_key:
        keys.append(("LEDIG_DATA_KEY", parse_key(settings.data_key)))
    elif kept := kept_data_key(settings):
        path = data_key_file(settings)
        keys.append((str(path), parse_key(kept, str(path))))
    keys += [("LEDIG_DATA_KEY_OLD", parse_key(part, "LEDIG_DATA_KEY_OLD"))
             for part in settings.data_key_old.split(",") if part.strip()]
    return keys
