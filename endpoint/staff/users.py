"""Staff logins per clinic: the password store, HTTP Basic checks and feed tokens
(SPEC §1, §8). The `endpoint staff-user` command is in `endpoint.cli`.

Passwords are stored as salted scrypt hashes (werkzeug); feed tokens as
SHA-256 of a 256-bit random token, so a copy of the database opens neither
the calendar nor the feed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass

from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from endpoint.clock import SYSTEM, Clock
from endpoint.storage.db import StaffUser, db, utcnow

MIN_PASSWORD = 12
USERNAME_RE = re.compile(r"^[A-Za-z0-9._@+-]{1,100}$")
HASH_METHOD = "scrypt"
#: checked against when the username is unknown, so a miss costs what a hit costs
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16), method=HASH_METHOD)
_CACHE_SECONDS = 300.0


class StaffUserError(ValueError):
    """A staff-user command cannot do what was asked; the message says why and what to do."""


@dataclass(frozen=True)
class Login:
    """The outcome of HTTP Basic credentials against one clinic's staff."""

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
    if password != password.strip():
        raise StaffUserError("the password starts or ends with a space; remove it")
    return password


def add_user(clinic: str, username: str, password: str) -> StaffUser:
    check_username(username)
    check_password(password)
    try:
        with db.atomic():
            return StaffUser.create(clinic=clinic, username=username,
                                    password_hash=generate_password_hash(password,
                                                                         method=HASH_METHOD),
                                    created_at=utcnow())
    except IntegrityError as exc:
        raise StaffUserError(f"clinic '{clinic}' already has a user '{username}'; "
                             "remove it first or pick another name") from exc


def find_user(clinic: str, username: str) -> StaffUser:
    user = StaffUser.get_or_none((StaffUser.clinic == clinic) & (StaffUser.username == username))
    if user is None:
        raise StaffUserError(f"clinic '{clinic}' has no user '{username}'; "
                             "see `endpoint staff-user list`")
    return user


def remove_user(clinic: str, username: str) -> None:
    find_user(clinic, username).delete_instance()


def list_users(clinic: str | None = None) -> list[StaffUser]:
    query = StaffUser.select().order_by(StaffUser.clinic, StaffUser.username)
    if clinic:
        query = query.where(StaffUser.clinic == clinic)
    return list(query)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(b"staff-feed:" + token.encode()).hexdigest()


def rotate_feed_token(clinic: str, username: str) -> str:
    """A new secret feed token for the user; the old one stops working at once."""
    user = find_user(clinic, username)
    token = secrets.token_urlsafe(32)
    StaffUser.update(feed_token_hash=feed_token_hash(token)).where(
        StaffUser.id == user.id).execute()
    return token


def user_for_feed(clinic: str, token: str) -> StaffUser | None:
    """The clinic's user whose feed token this is, or None."""
    if not token or len(token) > 200:
        return None
    return StaffUser.get_or_none((StaffUser.clinic == clinic)
                                 & (StaffUser.feed_token_hash == feed_token_hash(token)))


class _Verified:
    """Recently verified credentials (keyed hashes only), so that paging through the
    calendar does not cost a scrypt per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}
        self._key = secrets.token_bytes(32)

    def _digest(self, user: StaffUser, password: str) -> str:
        msg = "\0".join((str(user.id), user.password_hash, password)).encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    def check(self, user: StaffUser, password: str, clock: Clock) -> bool:
        digest = self._digest(user, password)
        with self._lock:
            if self._seen.get(digest, 0.0) > clock.monotonic():
                return True
        if not check_password_hash(user.password_hash, password):
            return False
        with self._lock:
            if len(self._seen) > 1000:
                self._seen.clear()
            self._seen[digest] = clock.monotonic() + _CACHE_SECONDS
        return True


_verified = _Verified()


def authenticate(clinic: str, username: str, password: str, clock: Clock = SYSTEM) -> Login:
    """Check Basic credentials for `clinic`; says too whether they belong to another clinic."""
    users = list(StaffUser.select().where(StaffUser.username == username)) if (
        username and len(username) <= 100 and "\x00" not in username) else []
    if not users:
        check_password_hash(_DUMMY_HASH, password)
        return Login(None)
    users.sort(key=lambda u: u.clinic != clinic)  # the clinic's own user first
    for user in users:
        if _verified.check(user, password, clock):
            return Login(user) if user.clinic == clinic else Login(None, elsewhere=True)
    return Login(None)


__all__ = ["Login", "StaffUserError", "add_user", "authenticate", "feed_token_hash",
           "list_users", "remove_user", "rotate_feed_token", "user_for_feed"]
