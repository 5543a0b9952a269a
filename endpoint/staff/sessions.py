"""Staff sessions (docs/staff.md): server-side, one row per login, the token only as a hash.

A session is opened by a right password (`pending` while the user's TOTP code is still
due, which opens nothing but the code form), lives until 30 minutes without a request
(`IDLE`) or 12 hours after the login (`LIFETIME`), whichever comes first, and ends on
logout. Time is the caller's `now` (the app's clock), never the system's.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from endpoint.storage.db import StaffSession, StaffUser, from_db, to_db

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
#: from the password to the TOTP code
PENDING_LIFETIME = timedelta(minutes=5)
#: a session seen this recently is not written again (one write per page view is waste)
TOUCH_EVERY = timedelta(seconds=30)
MAX_TOKEN = 100


@dataclass(frozen=True)
class Session:
    """A live session: its user, whether the TOTP code is still due, and its cookie token."""

    id: int
    user: StaffUser
    pending: bool
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(b"staff-session:" + token.encode()).hexdigest()


def start(user: StaffUser, now: datetime, *, pending: bool = False) -> Session:
    """Open a session for `user`; the returned token goes into the cookie, never the database."""
    token = secrets.token_urlsafe(32)  # 256 bits
    row = StaffSession.create(token_hash=token_hash(token), user=user.id, pending=pending,
                              created_at=to_db(now), last_seen_at=to_db(now))
    prune(now)
    return Session(row.id, user, pending, token)


def find(token: str, now: datetime) -> Session | None:
    """The live session of `token`, its idle clock restarted; None when there is none (an
    expired one is deleted)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    row = (StaffSession.select(StaffSession, StaffUser).join(StaffUser)
           .where(StaffSession.token_hash == token_hash(token)).first())
    if row is None:
        return None
    if expired(row, now):
        row.delete_instance()
        return None
    if now - from_db(row.last_seen_at) >= TOUCH_EVERY:
        StaffSession.update(last_seen_at=to_db(now)).where(StaffSession.id == row.id).execute()
    return Session(row.id, row.user, row.pending, token)


def expired(row: StaffSession, now: datetime) -> bool:
    created, seen = from_db(row.created_at), from_db(row.last_seen_at)
    lifetime = PENDING_LIFETIME if row.pending else LIFETIME
    return now >= created + lifetime or now >= seen + IDLE


def end(token: str) -> None:
    """End the session of `token` (logout); nothing when there is none."""
    if token and len(token) <= MAX_TOKEN:
        StaffSession.delete().where(StaffSession.token_hash == token_hash(token)).execute()  # type: ignore[misc]  # stub


def prune(now: datetime) -> int:
    """Delete the sessions that can no longer be used."""
    deleted: int = StaffSession.delete().where(  # type: ignore[misc]  # the stub's return
        (StaffSession.created_at <= to_db(now - LIFETIME))
        | (StaffSession.last_seen_at <= to_db(now - IDLE))
        | (StaffSession.pending & (StaffSession.created_at <= to_db(now - PENDING_LIFETIME)))
    ).execute()
    return deleted


__all__ = ["IDLE", "LIFETIME", "PENDING_LIFETIME", "Session", "end", "find", "prune", "start",
           "token_hash"]
