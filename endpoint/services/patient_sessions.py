"""Logged-in patients' sessions and the logins on their way (docs/patient-login.md).

A session is opened by a validated id token (`endpoint.patient`) and handed to the page
as a token in the URL's fragment; the database keeps only the token's hash. It lives
until 30 minutes without a request (`IDLE`) or 8 hours after the login (`LIFETIME`),
whichever comes first, and ends on logout.

The national id. Booking for the patient needs the number itself (the clinic's booking
row carries it, as for a booking made without login), but the session need not hold it
in clear: the row holds the keyed hash that the patient's bookings carry (`patient_key`,
to find them) and the number sealed with AES-GCM under a key derived from the session
token and the server's secret. The token exists only in the patient's browser, so a
copy of the table (or of a backup) opens no number, and an ended session's row is
deleted. Time is the caller's `now` (the app's clock).

A login attempt holds the `state` (as a hash), the `nonce` and the PKCE verifier
server-side, bound to the clinic, for `ATTEMPT_LIFETIME`, and is taken exactly once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from booking import Clinic
from endpoint.services.keys import patient_key
from endpoint.storage.db import (
    Booking,
    PatientLoginAttempt,
    PatientSession,
    from_db,
    to_db,
)

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=8)
ATTEMPT_LIFETIME = timedelta(minutes=10)
#: a session seen this recently is not written again
TOUCH_EVERY = timedelta(seconds=30)
#: session tokens carry this prefix, so a bearer token says what it is (a cancel token has
#: no dot)
PREFIX = "ps."
MAX_TOKEN = 100


@dataclass(frozen=True)
class Session:
    """A live session: whose it is (never shown to anyone) and the names to greet them by."""

    clinic: str
    patient_key: str
    id_type: str
    national_id: str
    first_name: str
    last_name: str

    def __repr__(self) -> str:  # never the number in a log or a traceback
        return f"Session(clinic={self.clinic!r})"


@dataclass(frozen=True)
class Attempt:
    clinic: str
    nonce: str
    code_verifier: str
    next_url: str


def is_session_token(token: str) -> bool:
    return token.startswith(PREFIX)


def _hash(kind: bytes, value: str) -> str:
    return hashlib.sha256(kind + value.encode()).hexdigest()


def _seal_key(secret_key: str, token: str) -> bytes:
    return hmac.new(secret_key.encode(), b"patient-session-seal:" + token.encode(),
                    hashlib.sha256).digest()


def _seal(secret_key: str, token: str, text: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_seal_key(secret_key, token)).encrypt(nonce, text.encode(), b"ledig")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _open(secret_key: str, token: str, sealed: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return AESGCM(_seal_key(secret_key, token)).decrypt(raw[:12], raw[12:],
                                                            b"ledig").decode()
    except (InvalidTag, ValueError):
        return None


def start(clinic: str, id_type: str, national_id: str, first_name: str, last_name: str,
          now: datetime, secret_key: str) -> str:
    """Open a session; the token for the page (never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)  # 256 bits
    PatientSession.create(
        token_hash=_hash(b"patient-session:", token), clinic=clinic,
        patient_key=patient_key(secret_key, national_id),
        sealed_id=_seal(secret_key, token, f"{id_type}:{national_id}"),
        first_name=first_name[:200], last_name=last_name[:200],
        created_at=to_db(now), last_seen_at=to_db(now))
    prune(now)
    return token


def find(clinic: str, token: str, now: datetime, secret_key: str) -> Session | None:
    """The live session of `token` at `clinic`, its idle clock restarted; None when there is
    none, it has expired (then it is deleted), or it belongs to another clinic."""
    if not is_session_token(token) or len(token) > MAX_TOKEN:
        return None
    wanted = _hash(b"patient-session:", token)
    row = PatientSession.get_or_none(PatientSession.token_hash == wanted)
    # the index found the row; the comparison that decides is constant-time
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    if expired(row, now):
        row.delete_instance()
        return None
    if not hmac.compare_digest(row.clinic.encode(), clinic.encode()):
        return None
    opened = _open(secret_key, token, row.sealed_id)
    if opened is None:  # another server secret: the number cannot be had, so no session
        return None
    id_type, _, number = opened.partition(":")
    if now - from_db(row.last_seen_at) >= TOUCH_EVERY:
        PatientSession.update(last_seen_at=to_db(now)).where(
            PatientSession.id == row.id).execute()
    return Session(row.clinic, row.patient_key, id_type, number, row.first_name,
                   row.last_name)


def expired(row: PatientSession, now: datetime) -> bool:
    return (now >= from_db(row.created_at) + LIFETIME
            or now >= from_db(row.last_seen_at) + IDLE)


def end(clinic: str, token: str) -> bool:
    """End the session of `token` at `clinic` (logout); whether there was one."""
    if not is_session_token(token) or len(token) > MAX_TOKEN:
        return False
    deleted: int = PatientSession.delete().where(  # type: ignore[misc]  # the stub's return
        (PatientSession.token_hash == _hash(b"patient-session:", token))
        & (PatientSession.clinic == clinic)).execute()
    return deleted > 0


def prune(now: datetime) -> int:
    """Delete the sessions and attempts that can no longer be used."""
    deleted: int = PatientSession.delete().where(  # type: ignore[misc]  # the stub's return
        (PatientSession.created_at <= to_db(now - LIFETIME))
        | (PatientSession.last_seen_at <= to_db(now - IDLE))).execute()
    deleted += PatientLoginAttempt.delete().where(  # type: ignore[misc]
        PatientLoginAttempt.created_at <= to_db(now - ATTEMPT_LIFETIME)).execute()
    return deleted


def new_attempt(clinic: str, next_url: str, code_verifier: str,
                now: datetime) -> tuple[str, str]:
    """Remember a login on its way: its `state` and `nonce` (fresh, for the provider)."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    PatientLoginAttempt.create(state_hash=_hash(b"patient-login:", state), clinic=clinic,
                               nonce=nonce, code_verifier=code_verifier, next_url=next_url,
                               created_at=to_db(now))
    return state, nonce


def take_attempt(clinic: str, state: str, now: datetime) -> Attempt | None:
    """The attempt of `state` at `clinic`, removed so that it serves once; None when there is
    none, it is too old, or it was started at another clinic."""
    if not state or len(state) > MAX_TOKEN:
        return None
    wanted = _hash(b"patient-login:", state)
    # no transaction: whoever's DELETE removes the row has it (on SQLite a read that then
    # writes in one deferred transaction would fail, not wait, when another writes first)
    row = PatientLoginAttempt.get_or_none(PatientLoginAttempt.state_hash == wanted)
    if row is None:
        return None
    taken = PatientLoginAttempt.delete().where(  # type: ignore[misc]
        PatientLoginAttempt.id == row.id).execute()
    if not taken or not hmac.compare_digest(row.state_hash, wanted):
        return None  # another request took it first
    if row.clinic != clinic or now >= from_db(row.created_at) + ATTEMPT_LIFETIME:
        return None
    return Attempt(row.clinic, row.nonce, row.code_verifier, row.next_url)


def bookings_of(clinic: Clinic, session: Session) -> list[Booking]:
    """The patient's bookings at `clinic`, however they were made, earliest first."""
    return list(Booking.select().where(
        (Booking.clinic == clinic.slug) & (Booking.patient_key == session.patient_key)
        & (Booking.patient_key != "") & Booking.purged_at.is_null())
        .order_by(Booking.start, Booking.id))


def last_booking(clinic: Clinic, key: str) -> Booking | None:
    """The patient's most recently made booking at `clinic` (for names and contact)."""
    return (Booking.select().where((Booking.clinic == clinic.slug)
                                   & (Booking.patient_key == key) & (Booking.patient_key != "")
                                   & Booking.purged_at.is_null())
            .order_by(Booking.created_at.desc(), Booking.id.desc()).first())


def last_names(clinic: Clinic, national_id: str, secret_key: str) -> tuple[str, str]:
    """The names on the patient's last booking at `clinic`; empty when there is none."""
    row = last_booking(clinic, patient_key(secret_key, national_id))
    return (row.first_name, row.last_name) if row is not None else ("", "")


__all__ = ["ATTEMPT_LIFETIME", "IDLE", "LIFETIME", "PREFIX", "Attempt", "Session", "bookings_of",
           "end", "find", "is_session_token", "last_booking", "last_names", "new_attempt",
           "prune", "start", "take_attempt"]
