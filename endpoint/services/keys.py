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


#: name-word prefixes are indexed from this many letters up to MAX_PREFIX
MIN_PREFIX = 2
MAX_PREFIX = 12
#: phone-number endings are indexed from this many digits
MIN_PHONE_DIGITS = 5


def name_words(text: str) -> list[str]:
    """A name's words for search: casefolded, split on spaces and hyphens."""
    return [w for w in text.casefold().replace("-", " ").split() if w]


def search_token(secret_key: str, kind: str, text: str) -> str:
    """A keyed hash of one searchable piece (a name prefix, a phone ending): the blind
    index that lets staff find a patient without the names being stored readable."""
    return hmac.new(secret_key.encode(), f"search:{kind}:{text}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def search_tokens(secret_key: str, first_name: str, last_name: str, phone: str) -> set[str]:
    """Every token a patient is found by: each name word's prefixes, the phone's endings."""
    tokens = {search_token(secret_key, "name", word[:n])
              for word in name_words(f"{first_name} {last_name}")
              for n in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1)}
    digits = "".join(ch for ch in phone if ch.isdigit())
    tokens |= {search_token(secret_key, "phone", digits[-n:])
               for n in range(MIN_PHONE_DIGITS, len(digits) + 1)}
    return tokens


def query_tokens(secret_key: str, kind: str, text: str) -> set[str]:
    """The tokens a name or phone query must all match (one per word, or the digits)."""
    if kind == "phone":
        return {search_token(secret_key, "phone", text)}
    return {search_token(secret_key, "name", word[:MAX_PREFIX]) for word in name_words(text)
            if len(word) >= MIN_PREFIX}


def new_token() -> str:
    """A fresh 256-bit secret, URL-safe (43 characters): holds, wait-list entries, offers."""
    return secrets.token_urlsafe(32)


def new_cancel_token() -> str:
    """A booking's cancel token: 128 random bits (22 characters), so that the link in a
    confirmation fits one SMS; it opens one booking, is stored only as its SHA-256 and is
    compared in constant time, and 2^128 guesses are out of anyone's reach."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)
