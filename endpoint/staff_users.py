"""Staff logins per clinic: passwords, HTTP Basic checks, feed tokens, and the
`endpoint staff-user` command (SPEC §1, §8).

Passwords are stored as salted scrypt hashes (werkzeug); feed tokens as
SHA-256 of a 256-bit random token, so a copy of the database opens neither
the calendar nor the feed.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from endpoint.db import StaffUser, db, from_db, open_database, utcnow

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

    def check(self, user: StaffUser, password: str) -> bool:
        digest = self._digest(user, password)
        with self._lock:
            if self._seen.get(digest, 0.0) > time.monotonic():
                return True
        if not check_password_hash(user.password_hash, password):
            return False
        with self._lock:
            if len(self._seen) > 1000:
                self._seen.clear()
            self._seen[digest] = time.monotonic() + _CACHE_SECONDS
        return True


_verified = _Verified()


def authenticate(clinic: str, username: str, password: str) -> Login:
    """Check Basic credentials for `clinic`; says too whether they belong to another clinic."""
    users = list(StaffUser.select().where(StaffUser.username == username)) if (
        username and len(username) <= 100 and "\x00" not in username) else []
    if not users:
        check_password_hash(_DUMMY_HASH, password)
        return Login(None)
    users.sort(key=lambda u: u.clinic != clinic)  # the clinic's own user first
    for user in users:
        if _verified.check(user, password):
            return Login(user) if user.clinic == clinic else Login(None, elsewhere=True)
    return Login(None)


# -- the command ---------------------------------------------------------------------------

def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staff-user", help="manage the clinics' staff logins")
    actions = p.add_subparsers(dest="action", required=True)
    for name, helptext, needs_user in (
        ("add", "create a staff login (password from stdin, or prompted twice)", True),
        ("remove", "delete a staff login", True),
        ("list", "list staff logins", False),
        ("rotate-feed-token", "make a new secret calendar-feed URL (the old one stops)", True),
    ):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("--clinic", required=needs_user, help="the clinic's slug")
        if needs_user:
            a.add_argument("--username", required=True)
        a.add_argument("--database", help="database URL (default LEDIG_DATABASE_URL)")
        a.add_argument("--content", help="clinic files (default content/, or LEDIG_CONTENT)")
        a.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from endpoint.cli import _settings

    settings = _settings(args)
    try:
        # adding and feed URLs need the clinic's file; removing and listing work without
        needs_clinic = args.action in ("add", "rotate-feed-token")
        clinic = _clinic(settings.content, args.clinic) if needs_clinic else None
        if args.action == "add":
            password = _read_password()
        open_database(settings.database_url)
        with db.connection_context():
            return _act(args, clinic, password if args.action == "add" else "")
    except StaffUserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _act(args: argparse.Namespace, clinic, password: str) -> int:
    if args.action == "add":
        add_user(clinic.slug, args.username, password)
        print(f"added staff user '{args.username}' to {clinic.slug}; the calendar is at "
              f"{_base(clinic)}/staff/{clinic.slug}/calendar")
    elif args.action == "remove":
        remove_user(args.clinic, args.username)
        print(f"removed staff user '{args.username}' from {args.clinic}")
    elif args.action == "list":
        for user in list_users(args.clinic):
            created = from_db(user.created_at).strftime("%Y-%m-%d %H:%M UTC")
            feed = "feed" if user.feed_token_hash else "-"
            print(f"{user.clinic}\t{user.username}\t{created}\t{feed}")
    else:
        token = rotate_feed_token(clinic.slug, args.username)
        print("The calendar feed URL (shown only now; keep it secret, it opens the feed "
              "without a password):", file=sys.stderr)
        print(f"{_base(clinic)}/staff/{clinic.slug}/bookings.ics?token={token}")
    return 0


def _clinic(content: Path, slug: str):
    from endpoint.registry import Registry

    if not Path(content).is_dir():
        raise StaffUserError(f"content folder '{content}' does not exist; pass --content DIR "
                             "or set LEDIG_CONTENT")
    clinic = Registry(Path(content), interval=3600).get(slug)
    if clinic is None:
        raise StaffUserError(f"no valid clinic '{slug}' in {content}/clinics/; "
                             "check the slug (the file name without .yaml)")
    return clinic


def _base(clinic) -> str:
    return (clinic.endpoint_url or "http://127.0.0.1:8000").rstrip("/")


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return check_password(line.rstrip("\r\n"))
    first = check_password(getpass.getpass("Password: "))
    if getpass.getpass("Repeat the password: ") != first:
        raise StaffUserError("the two passwords differ; run the command again")
    return first


__all__ = ["Login", "StaffUserError", "add_user", "authenticate", "feed_token_hash",
           "list_users", "remove_user", "rotate_feed_token", "user_for_feed"]
