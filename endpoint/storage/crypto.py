"""Patients' data sealed at rest: AES-256-GCM under the operator's data key.

Every column that can identify a patient (national id, names, phone, e-mail,
notes, the outbox's rendered messages, the text of a staff search) is a
`SealedField`: Peewee seals the value on the way in and opens it on the way
out, so the rest of the code reads and writes plain strings. A stored value is

    ld1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>

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

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from peewee import Model, TextField

from endpoint.settings import Settings, data_key_file, ensure_data_key, kept_data_key

PREFIX = "ld1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DataKeyError(Exception):
    """The data key is missing, malformed, or not the one the database was sealed with."""


class MissingDataKey(DataKeyError):
    """The database holds values sealed under keys that are not configured (`missing`)."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing


class TamperedData(Exception):
    """A sealed value does not authenticate: it was changed, or moved from another column."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def parse_key(text: str, name: str = "LEDIG_DATA_KEY") -> bytes:
    """A base64 (standard or URL-safe) 32-byte key; anything else is a clear error."""
    cleaned = text.strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned.replace("+", "-").replace("/", "_")
                                       + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise DataKeyError(f"{name} must be {KEY_BYTES} random bytes in base64 (make one with "
                           "`python -c \"import secrets,base64;print(base64.urlsafe_b64encode("
                           "secrets.token_bytes(32)).decode())\"`)")
    return raw


def new_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


class Keyring:
    """The key new values are sealed under, and every key whose values still open."""

    def __init__(self, current: bytes, previous: Iterable[bytes] = ()) -> None:
        self.current = current
        self.previous = tuple(k for k in previous if k != current)
        self.current_id = key_id(current)
        self._ciphers = {key_id(k): AESGCM(k) for k in (current, *self.previous)}

    @classmethod
    def from_text(cls, current: str, previous: str = "") -> Keyring:
        old = [parse_key(part, "LEDIG_DATA_KEY_OLD") for part in previous.split(",")
               if part.strip()]
        return cls(parse_key(current), old)

    def ids(self) -> set[str]:
        return set(self._ciphers)

    def _cipher(self, kid: str) -> AESGCM | None:
        return self._ciphers.get(kid)

    def seal(self, plaintext: str, context: str) -> str:
        if plaintext == "":
            return ""
        kid = self.current_id
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}.{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, stored: str, context: str) -> str:
        if stored == "":
            return ""
        parts = stored.split(".")
        if len(parts) != 3 or parts[0] != PREFIX:
            raise TamperedData(f"a value in {context} is not sealed")
        cipher = self._cipher(parts[1])
        if cipher is None:
            raise DataKeyError(f"a value in {context} is sealed with data key {parts[1]}, "
                               "which is neither LEDIG_DATA_KEY nor in LEDIG_DATA_KEY_OLD")
        try:
            blob = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:],
                                  context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise TamperedData(f"a value in {context} does not authenticate") from exc


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


def stored_key_id(stored: str) -> str:
    """The id of the key a stored value is sealed under ('' for empty, 'plain' if unsealed)."""
    if stored == "":
        return ""
    parts = stored.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else "plain"


class SealedField(TextField):
    """A text column whose values are sealed at rest (see the module's docstring)."""

    def _context(self) -> str:
        return f"{self.model._meta.table_name}.{self.column_name}"

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


__all__ = ["DataKeyError", "Keyring", "MissingDataKey", "SealedField", "TamperedData",
           "configured_keys", "key_id", "keyring_for", "keyring_of", "new_key_text",
           "parse_key", "sealed_fields", "stored_key_id"]


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
