"""Sealed values: AES-256-GCM under a data key, opened the same way wherever they are read.

The endpoint seals every column that can identify a patient
(`endpoint/storage/crypto.py`: `SealedField`, the keys' settings, rotation);
`sitegen check` opens a booking's names to show its patient's initials
(`common/stored.py`). Both use this module, so there is one format and one
cipher. A stored value is

    ld1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>

with a fresh 96-bit nonce per value, and the table and column as associated
data (`common.schema.sealed_context`), so that a value copied into another
column does not open. A tampered value raises `TamperedData`; it is never
decrypted into garbage. The empty string is stored as itself. A key's id is
the first 8 hex digits of its SHA-256 (docs/security.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "ld1"
NONCE_BYTES = 12
KEY_BYTES = 32


class DataKeyError(Exception):
    """The data key is missing, malformed, or not the one the database was sealed with."""


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


def stored_key_id(stored: str) -> str:
    """The id of the key a stored value is sealed under ('' for empty, 'plain' if unsealed)."""
    if stored == "":
        return ""
    parts = stored.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else "plain"



__all__ = ["KEY_BYTES", "NONCE_BYTES", "PREFIX", "DataKeyError", "Keyring", "TamperedData",
           "key_id", "new_key_text", "parse_key", "stored_key_id"]
