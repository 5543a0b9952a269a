"""The keys and tokens of bookings: what is stored is never what opens anything.

A patient is counted by a keyed hash of the national id (the number itself
is never needed to count); a cancel token is 128 random bits (22 characters,
short enough for an SMS link), stored as its SHA-256, which is also how a short
cancellation link finds its booking. Tokens of older bookings were 256 bits and
keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def patient_key(secret_key: str, national_id: str) -> str:
    """A keyed hash that counts a patient's bookings without exposing the number."""
    return hmac.new(secret_key.encode(), b"patient:" + national_id.encode(),
                    hashlib.sha256).hexdigest()


def new_token() -> str:
    """A fresh 128-bit secret, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)
