"""Staff users per clinic and their credentials (docs/staff.md): passwords, feed tokens,
API tokens and the optional TOTP second factor. The `endpoint staff-user` command is in
`endpoint.cli`; sessions are in `endpoint.staff.sessions`, the request side in
`endpoint.staff.auth`.

Passwords are stored as salted scrypt hashes (werkzeug); feed and API tokens as
SHA-256 of a 256-bit random token, so a copy of the database opens neither the
calendar, the API nor the feed. TOTP secrets must be readable to check a code, so
they are stored as they are: with a copy of the database a thief still needs the
password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pyotp
from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from endpoint.storage.db import StaffSession, StaffUser, db, utcnow

MIN_PASSWORD = 12
#: longer passwords are refused unhashed: scrypt of a megabyte is a denial of service
MAX_PASSWORD = 1024
USERNAME_RE = re.compile(r"^[A-Za-z0-9._@+-]{1,100}$")
HASH_METHOD = "scrypt"


@cache
def dummy_hash() -> str:
    """Checked against when the username is unknown, so a miss costs what a hit costs; made
    at the first login, not at import (an scrypt hash: every command and worker paid it)."""
    return generate_password_hash(secrets.token_urlsafe(16), method=HASH_METHOD)


class StaffUserError(ValueError):
    """A staff-user command cannot do what was asked; the message says why and what to do."""


@dataclass(frozen=True)
class Login:
    """The outcome of a username and password against one clinic's staff."""

    user: StaffUser | None  # the clinic's user, when the credentials are theirs
    elsewhere: bool = False  # valid credentials, but of another clinic's user


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username or ""):
        raise StaffUserError(f"username '{username[:100]}' is not valid: use 1-100 letters, "
                             "digits or . _ @ + - (no spaces or colons)")
    return username


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StaffUserError(f"the password is too short: use at least {MIN_PASSWORD} "
                             "characters (a few unrelated words work well)")
    if len(password) > MAX_PASSWORD:
        raise StaffUserError(f"the password is too long: use at most {MAX_PASSWORD} "
                             "characters")
    if password != password.strip():
        raise StaffUserError("the password starts or ends with a space; remove it")
    return password


#: staff book and run the day; an admin may also read the access log and export or erase
#: a patient's data (docs/privacy.md)
ROLES = ("staff", "admin")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise StaffUserError(f"role '{role}' is not one of {', '.join(ROLES)}")
    return role


def add_user(clinic: str, username: str, password: str, role: str = "staff") -> StaffUser:
    check_username(username)
    check_password(password)
    check_role(role)
    try:
        with db.atomic():
            return StaffUser.create(clinic=clinic, username=username, role=role,
                                    password_hash=generate_password_hash(password,
                                                                         method=HASH_METHOD),
                                    created_at=utcnow())
    except IntegrityError as exc:
        raise StaffUserError(f"clinic '{clinic}' already has a user '{username}'; "
                             "remove it first or pick another name") from exc


def set_role(clinic: str, username: str, role: str) -> None:
    check_role(role)
    user = find_user(clinic, username)
    StaffUser.update(role=role).where(StaffUser.id == user.id).execute()


def find_user(clinic: str, username: str) -> StaffUser:
    user = StaffUser.get_or_none((StaffUser.clinic == clinic) & (StaffUser.username == username))
    if user is None:
        raise StaffUserError(f"clinic '{clinic}' has no user '{username}'; "
                             "see `endpoint staff-user list`")
    return user


def remove_user(clinic: str, username: str) -> None:
    user = find_user(clinic, username)
    with db.atomic():
        end_sessions(user)
        user.delete_instance()


def list_users(clinic: str | None = None) -> list[StaffUser]:
    query = StaffUser.select().order_by(StaffUser.clinic, StaffUser.username)
    if clinic:
        query = query.where(StaffUser.clinic == clinic)
    return list(query)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(b"staff-feed:" + token.encode()).hexdigest()


def _rotate(clinic: str, username: str, column: str, hashed: Callable[[str], str]) -> str:
    """A new 256-bit token for the user, stored as `hashed(token)` in `column`; the old one
    stops working at once."""
    user = find_user(clinic, username)
    token = secrets.token_urlsafe(32)
    StaffUser.update({getattr(StaffUser, column): hashed(token)}).where(
        StaffUser.id == user.id).execute()
    return token


def rotate_feed_token(clinic: str, username: str) -> str:
    """A new secret feed token for the user; the old one stops working at once."""
    return _rotate(clinic, username, "feed_token_hash", feed_token_hash)


def user_for_feed(clinic: str, token: str) -> StaffUser | None:
    """The clinic's user whose feed token this is, or None."""
    if not token or len(token) > 200:
        return None
    return StaffUser.get_or_none((StaffUser.clinic == clinic)
                                 & (StaffUser.feed_token_hash == feed_token_hash(token)))


def authenticate(clinic: str, username: str, password: str) -> Login:
    """Check a username and password for `clinic`; says too whether they belong to another
    clinic. An unknown username costs the same hash check as a wrong password."""
    users = list(StaffUser.select().where(StaffUser.username == username)) if (
        username and len(username) <= 100 and "\x00" not in username
        and len(password) <= MAX_PASSWORD) else []
    if not users:
        check_password_hash(dummy_hash(), password[:MAX_PASSWORD])
        return Login(None)
    users.sort(key=lambda u: u.clinic != clinic)  # the clinic's own user first
    for user in users:
        if check_password_hash(user.password_hash, password):
            return Login(user) if user.clinic == clinic else Login(None, elsewhere=True)
    return Login(None)


# -- API tokens -------------------------------------------------------------------------------

def api_token_hash(token: str) -> str:
    return hashlib.sha256(b"staff-api:" + token.encode()).hexdigest()


def rotate_api_token(clinic: str, username: str) -> str:
    """A new API token for the user (shown once); the old one stops working at once."""
    return _rotate(clinic, username, "api_token_hash", api_token_hash)


def user_for_api_token(token: str) -> StaffUser | None:
    """The user (of any clinic) whose API token this is, or None."""
    if not token or len(token) > 200:
        return None
    return StaffUser.get_or_none(StaffUser.api_token_hash == api_token_hash(token))


# -- the TOTP second factor -------------------------------------------------------------------

def enable_totp(clinic: str, username: str, issuer: str) -> str:
    """A new TOTP secret for the user; its otpauth URI (shown once). The user's sessions end:
    the next login asks for a code."""
    user = find_user(clinic, username)
    secret = pyotp.random_base32()
    StaffUser.update(totp_secret=secret, totp_last_step=0).where(
        StaffUser.id == user.id).execute()
    end_sessions(user)
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def disable_totp(clinic: str, username: str) -> bool:
    """Turn the second factor off; whether it was on. The user's sessions end."""
    user = find_user(clinic, username)
    StaffUser.update(totp_secret="", totp_last_step=0).where(StaffUser.id == user.id).execute()
    end_sessions(user)
    return bool(user.totp_secret)


def check_totp(user: StaffUser, code: str, now: datetime) -> bool:
    """Whether `code` is the user's TOTP code at `now` (one 30-second step either side) and
    has not been used before: the step it matched is recorded, and only a later step is
    accepted next time, so a code cannot be replayed (even by two requests at once)."""
    code = code.strip().replace(" ", "")
    if not user.totp_secret or not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for offset in (-1, 0, 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            step = current + offset
            taken = (StaffUser.update(totp_last_step=step)
                     .where((StaffUser.id == user.id) & (StaffUser.totp_last_step < step))
                     .execute())
            return bool(taken)
    return False


def end_sessions(user: StaffUser) -> int:
    """End every session of the user (logged in elsewhere, a lost laptop)."""
    deleted: int = StaffSession.delete().where(  # type: ignore[misc]  # the stub's return
        StaffSession.user == user.id).execute()
    return deleted


__all__ = ["ROLES", "Login", "StaffUserError", "add_user", "api_token_hash", "authenticate",
           "check_role", "dummy_hash", "set_role",
           "check_totp", "disable_totp", "enable_totp", "end_sessions", "feed_token_hash",
           "find_user", "list_users", "remove_user", "rotate_api_token", "rotate_feed_token",
           "user_for_api_token", "user_for_feed"]
