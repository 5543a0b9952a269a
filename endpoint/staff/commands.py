"""`endpoint staff-user`: the clinics' staff logins (README.md#commands, docs/staff.md)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from booking import Clinic
from common import preview
from endpoint.cli import (
    CommandError,
    base_url,
    clinic_of,
    content_flag,
    database_flag,
    open_database,
)
from endpoint.clock import Clock
from endpoint.settings import from_args
from endpoint.staff import users
from endpoint.storage.db import db, from_db


def cmd_staff_user(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    try:
        # adding, feed URLs and TOTP (its issuer name) need the clinic's file; the rest
        # works without
        needs_clinic = args.action in ("add", "rotate-feed-token") or (
            args.action == "totp" and not args.disable)
        clinic = clinic_of(settings.content, args.clinic) if needs_clinic else None
        password = _read_password() if args.action == "add" else ""
        settings = open_database(settings)
        with db.connection_context():
            return _staff_action(args, clinic, password)
    except (users.StaffUserError, CommandError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _staff_action(args: argparse.Namespace, clinic: Clinic | None, password: str) -> int:
    if args.action == "add":
        assert clinic is not None
        users.add_user(clinic.slug, args.username, password, role=args.role)
        print(f"added staff user '{args.username}' to {clinic.slug}; the calendar is at "
              f"{base_url(clinic, Path(args.site))}/staff/{clinic.slug}/calendar")
    elif args.action == "remove":
        users.remove_user(args.clinic, args.username)
        print(f"removed staff user '{args.username}' from {args.clinic}")
    elif args.action == "role":
        users.set_role(args.clinic, args.username, args.role)
        print(f"'{args.username}' of {args.clinic} has the role {args.role} now")
    elif args.action == "list":
        for user in users.list_users(args.clinic):
            created = from_db(user.created_at).strftime("%Y-%m-%d %H:%M UTC")
            has = [name for name, on in (("feed", user.feed_token_hash),
                                         ("totp", user.totp_secret),
                                         ("api-token", user.api_token_hash)) if on]
            print(f"{user.clinic}\t{user.username}\t{user.role}\t{created}\t"
                  f"{','.join(has) or '-'}")
    elif args.action == "totp":
        _totp(args, clinic)
    elif args.action == "api-token":
        token = users.rotate_api_token(args.clinic, args.username)
        print(f"A new API token for '{args.username}' of {args.clinic} (shown only now; the "
              "previous one no longer works). Send it as `Authorization: Bearer <token>` to "
              f"/api/v1/staff/{args.clinic}/…", file=sys.stderr)
        print(token)
    else:
        assert clinic is not None
        token = users.rotate_feed_token(clinic.slug, args.username)
        print("The calendar feed URL (shown only now; keep it secret, it opens the feed "
              "without a password):", file=sys.stderr)
        print(f"{base_url(clinic, Path(args.site))}/staff/{clinic.slug}/bookings.ics?token={token}")
    return 0


def _totp(args: argparse.Namespace, clinic: Clinic | None) -> None:
    if args.disable:
        was_on = users.disable_totp(args.clinic, args.username)
        print(f"TOTP {'turned off' if was_on else 'was not on'} for '{args.username}' of "
              f"{args.clinic}; the password alone logs in now")
        return
    assert clinic is not None
    uri = users.enable_totp(clinic.slug, args.username, issuer=f"ledig {clinic.name}")
    print("Scan this otpauth URI into an authenticator app, or type its secret (shown only "
          "now; any earlier one stopped working, and so did the user's sessions). Turn it "
          f"off with `endpoint staff-user totp --clinic {clinic.slug} --username "
          f"{args.username} --disable`.", file=sys.stderr)
    print(uri)


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return users.check_password(line.rstrip("\r\n"))
    first = users.check_password(getpass.getpass("Password: "))
    if getpass.getpass("Repeat the password: ") != first:
        raise users.StaffUserError("the two passwords differ; run the command again")
    return first


def add_commands(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("staff-user", help="manage the clinics' staff logins")
    actions = u.add_subparsers(dest="action", required=True)
    for name, helptext, needs_user in (
        ("add", "create a staff login (password from stdin, or prompted twice)", True),
        ("remove", "delete a staff login", True),
        ("list", "list staff logins", False),
        ("rotate-feed-token", "make a new secret calendar-feed URL (the old one stops)", True),
        ("totp", "turn on a TOTP second factor and print its otpauth URI once "
                 "(--disable turns it off)", True),
        ("api-token", "make a new API token for the staff API and print it once "
                      "(the old one stops)", True),
        ("role", "give a staff login the role staff or admin (admin: the access log, "
                 "patients' exports and erasure)", True),
    ):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("--clinic", required=needs_user, help="the clinic's slug")
        if needs_user:
            a.add_argument("--username", required=True)
        if name == "totp":
            a.add_argument("--disable", action="store_true",
                           help="turn the second factor off instead")
        if name in ("add", "role"):
            a.add_argument("--role", choices=users.ROLES, default="staff" if name == "add"
                           else None, required=name == "role",
                           help="staff (default) or admin")
        if name in ("add", "rotate-feed-token"):
            a.add_argument("--site", default=str(preview.DEFAULT_SITE), metavar="DIR",
                           help="the built pages: when they are a local preview "
                                "(sitegen build --preview-url), the printed address is its "
                                "(default _site)")
        database_flag(a)
        content_flag(a)
        a.set_defaults(func=cmd_staff_user)
