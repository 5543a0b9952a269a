"""The `endpoint` command: serve, outbox, sync, staff-user, purge, patient, rotate-data-key,
backup, verify-backup, sms-report-urls (README.md#commands and docs/sync.md).

Every command is registered here; each handler turns its flags into
`Settings` (`settings.from_args`), opens what it needs and calls the module
that does the work. Exit codes: 0 ok, 1 invalid input or configuration,
2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from peewee import InterfaceError, OperationalError

from booking import Clinic
from booking.addresses import preview_url
from booking.config import SLUG_RE
from common.content import CLINIC_SUFFIXES, load_clinic_bytes
from endpoint.clock import SYSTEM, Clock
from endpoint.notify import outbox, reports
from endpoint.registry import Registry
from endpoint.server import serve
from endpoint.services import access, patient_rights, patients
from endpoint.services.keys import patient_key
from endpoint.settings import Settings, SettingsError, ensure_secret_key, from_args
from endpoint.staff import users
from endpoint.staff.export_html import export_html
from endpoint.storage import backup, drill, purge, rotation
from endpoint.storage.crypto import DataKeyError, Keyring, configured_keys, key_id, keyring_for
from endpoint.storage.db import db, from_db
from endpoint.storage.opening import open_sealed
from endpoint.sync import refresh

Handler = Callable[[argparse.Namespace, Clock], int]


def _open(settings: Settings) -> Settings:
    """Open and migrate the database with the settings' data keys; the settings with them."""
    settings, _keyring = open_sealed(settings)
    return settings


# -- serve -----------------------------------------------------------------------------------

def cmd_serve(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    outbox.check_senders(settings)
    if settings.site is not None and not settings.site.is_dir():
        print(f"--site {settings.site}: no such folder; run `sitegen build` first",
              file=sys.stderr)
        return 1
    serve(settings, host=args.host, port=args.port, threads=args.threads, clock=clock)
    return 0


# -- SMS delivery reports ----------------------------------------------------------------------

def cmd_sms_report_urls(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    outbox.check_senders(settings)
    base = settings.sms_report_url
    if not base:
        print("error: set LEDIG_SMS_REPORT_URL to the endpoint's public address (the one the "
              "SMS provider can reach) first", file=sys.stderr)
        return 1
    settings = ensure_secret_key(settings)
    said = reports.report_address(settings.sms_url or "", base, settings.secret_key)
    print(said)
    return 0


# -- outbox ----------------------------------------------------------------------------------

def cmd_outbox(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    outbox.check_senders(settings)
    settings = _open(settings)
    if args.once:
        outcomes = outbox.drain(settings, clock)
        print(", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due")
        return 0
    worker = outbox.Worker(settings, clock)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(1)
    except KeyboardInterrupt:
        worker.stop()
    return 0


# -- sync ------------------------------------------------------------------------------------

def cmd_sync(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    if not Path(settings.content).is_dir():
        print(f"error: content folder '{settings.content}' does not exist; pass --content DIR "
              "or set LEDIG_CONTENT", file=sys.stderr)
        return 1
    registry = Registry(Path(settings.content), interval=settings.reload_interval)
    for issue in registry.errors():
        print(f"error: {issue}", file=sys.stderr)
    settings = _open(settings)
    if args.once:
        try:
            counts = refresh.refresh_due(registry.clinics().values(), clock, force=True)
        except (OperationalError, InterfaceError) as exc:
            print(f"error: the database is unreachable ({type(exc).__name__})",
                  file=sys.stderr)
            return 1
        print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no busy sources")
        return 1 if counts.get("failed") else 0
    worker = refresh.Worker(registry, clock, settings.sync_interval)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(1)
    except KeyboardInterrupt:
        worker.stop()
    return 0


# -- purge -----------------------------------------------------------------------------------

def _days(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of days (0 or more)")
    return int(value)


def cmd_purge(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    settings = _open(settings)
    try:
        with db.connection_context():
            result = purge.purge(args.days, clock.now())
    except (OperationalError, InterfaceError) as exc:
        print(f"error: the database is unreachable ({type(exc).__name__}); nothing was "
              "purged", file=sys.stderr)
        return 1
    print(result)
    return 0


# -- rotate-data-key ---------------------------------------------------------------------------

def cmd_rotate_data_key(args: argparse.Namespace, clock: Clock) -> int:
    settings = _open(from_args(args))
    _, keyring = keyring_for(settings)
    try:
        with db.connection_context():
            result = rotation.reseal(keyring, batch=args.batch)
    except (OperationalError, InterfaceError) as exc:
        print(f"error: the database is unreachable ({type(exc).__name__}); run the command "
              "again: it goes on where it stopped", file=sys.stderr)
        return 1
    print(result)
    if result.retired:
        print(f"Backups taken before this rotation still need data key "
              f"{', '.join(result.retired)}: keep it, apart from them, as long as any of them "
              "exists (docs/deploy.md#key-rotation-and-backups).", file=sys.stderr)
    if settings.data_key_old:
        print("Every value is now sealed under LEDIG_DATA_KEY; once every process runs with "
              "the new key, LEDIG_DATA_KEY_OLD may be removed.", file=sys.stderr)
    return 0


# -- backup, verify-backup -------------------------------------------------------------------

def _key_places(settings: Settings) -> tuple[Keyring | None, dict[str, str]]:
    """The keys configured now (none made) as a keyring, and where each is set, by id."""
    keys = configured_keys(settings)
    places = {key_id(key): place if place.startswith("LEDIG_") else f"in {place}"
              for place, key in reversed(keys)}
    keyring = Keyring(keys[0][1], [k for _, k in keys[1:]]) if keys else None
    return keyring, places


def cmd_backup(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    _, places = _key_places(settings)
    try:
        taken = backup.take(settings.database_url, Path(args.out))
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(taken.lines(places)))
    return 0


def cmd_verify_backup(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    keyring, places = _key_places(settings)
    try:
        found = drill.verify(Path(args.file), keyring, settings.database_url)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(found.lines(places)))
    problems = found.problems()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("ok: every sealed value opened; the backup restores with the keys configured here")
    return 0


# -- patient ------------------------------------------------------------------------------

def cmd_patient(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    try:
        clinic = _clinic(settings.content, args.clinic)
        number = _national_id(args.national_id)
    except (users.StaffUserError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    settings = _open(ensure_secret_key(settings))
    key = patient_key(settings.secret_key, number)
    with db.connection_context():
        if not patients.is_patient(clinic, key):
            print(f"error: {clinic.slug} has no bookings of that national id (nothing is "
                  "stored about it)", file=sys.stderr)
            return 1
        if args.action == "access":
            for a in access.accesses(clinic, key):
                print(f"{a.at.isoformat()}\t{a.actor}\t{a.action}\t{a.booking or '-'}")
            return 0
        if args.action == "export":
            data = patient_rights.export(clinic, key, access.OPERATOR, clock.now(),
                                         masked=False)
            text = (export_html(data, clinic.language) if args.format == "html"
                    else json.dumps(data, ensure_ascii=False, indent=2))
            if args.out:
                Path(args.out).write_text(text + "\n", encoding="utf-8")
                os.chmod(args.out, 0o600)
                print(f"wrote {args.out}", file=sys.stderr)
            else:
                print(text)
            return 0
        try:
            done = patient_rights.erase(clinic, key, access.OPERATOR, clock.now(),
                                        force=args.force)
        except patient_rights.ErasureRefused as exc:
            print(f"error: nothing was erased: {exc} (bookings {', '.join(exc.bookings)}; "
                  "--force cancels them)", file=sys.stderr)
            return 1
        print(f"erased the personal data of {done.bookings} bookings and {done.messages} "
              f"messages and {done.waitlist} wait-list entries; cancelled {done.cancelled} "
              "appointments ahead")
        return 0


def _national_id(value: str) -> str:
    """The number from the flag, or from stdin with `-` (keeps it out of the process list)."""
    number = sys.stdin.readline().strip() if value == "-" else value.strip()
    compact = "".join(number.split())
    if not (len(compact) == 11 and compact.isascii() and compact.isdigit()):
        raise ValueError("--national-id must be the 11 digits of a fødselsnummer or D-nummer")
    return compact


# -- staff-user ------------------------------------------------------------------------------

def cmd_staff_user(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    try:
        # adding, feed URLs and TOTP (its issuer name) need the clinic's file; the rest
        # works without
        needs_clinic = args.action in ("add", "rotate-feed-token") or (
            args.action == "totp" and not args.disable)
        clinic = _clinic(settings.content, args.clinic) if needs_clinic else None
        password = _read_password() if args.action == "add" else ""
        settings = _open(settings)
        with db.connection_context():
            return _staff_action(args, clinic, password)
    except users.StaffUserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _staff_action(args: argparse.Namespace, clinic: Clinic | None, password: str) -> int:
    if args.action == "add":
        assert clinic is not None
        users.add_user(clinic.slug, args.username, password, role=args.role)
        print(f"added staff user '{args.username}' to {clinic.slug}; the calendar is at "
              f"{_base(clinic)}/staff/{clinic.slug}/calendar")
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
        print(f"{_base(clinic)}/staff/{clinic.slug}/bookings.ics?token={token}")
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


def _clinic(content: Path, slug: str) -> Clinic:
    if not Path(content).is_dir():
        raise users.StaffUserError(f"content folder '{content}' does not exist; pass "
                                   "--content DIR or set LEDIG_CONTENT")
    # only this clinic's file: a host with 2,000 clinics need not validate them all first
    clinic = None
    for suffix in CLINIC_SUFFIXES:
        path = Path(content) / "clinics" / f"{slug}{suffix}"
        if SLUG_RE.fullmatch(slug) and path.is_file():
            clinic, _issues = load_clinic_bytes(path.read_bytes(), slug=slug, file=str(path))
            break
    if clinic is None:
        raise users.StaffUserError(f"no valid clinic '{slug}' in {content}/clinics/; "
                                   "check the slug (the file name without .yaml)")
    return clinic


def _base(clinic: Clinic) -> str:
    return (clinic.endpoint_url or "http://127.0.0.1:8000").rstrip("/")


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return users.check_password(line.rstrip("\r\n"))
    first = users.check_password(getpass.getpass("Password: "))
    if getpass.getpass("Repeat the password: ") != first:
        raise users.StaffUserError("the two passwords differ; run the command again")
    return first


# -- the parser ------------------------------------------------------------------------------

def _preview_url(value: str) -> str:
    try:
        return preview_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _database_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", help="database URL (default LEDIG_DATABASE_URL)")


def _content_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", help="clinic files (default content/, or LEDIG_CONTENT)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="endpoint", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the API (and --site pages) on a production server")
    _content_flag(s)
    s.add_argument("--site", help="also serve these generated pages (local preview)")
    s.add_argument("--preview-url", type=_preview_url, metavar="URL",
                   help="a local preview: every clinic's pages and API at URL, as "
                        "`sitegen build --preview-url` built them (make demo)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    _database_flag(s)
    s.add_argument("--threads", type=int, default=8)
    s.set_defaults(func=cmd_serve)

    o = sub.add_parser("outbox", help="deliver queued notifications (also runs inside serve)")
    o.add_argument("--once", action="store_true",
                   help="deliver what is due now, then exit (for cron)")
    _database_flag(o)
    o.add_argument("--interval", type=float, help="seconds between rounds (default 5)")
    o.set_defaults(func=cmd_outbox)

    m = sub.add_parser("sms-report-urls", help="print the address the SMS provider of "
                                               "LEDIG_SMS_URL is to send delivery reports to")
    m.set_defaults(func=cmd_sms_report_urls)

    y = sub.add_parser("sync", help="read the calendars' busy sources into the database "
                                    "(also runs inside serve)")
    y.add_argument("--once", action="store_true",
                   help="read every busy source now, then exit (exit 1 if any failed)")
    _content_flag(y)
    _database_flag(y)
    y.add_argument("--interval", dest="sync_interval", type=float,
                   help="seconds between looks for due sources (default 30)")
    y.set_defaults(func=cmd_sync)

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
        _database_flag(a)
        _content_flag(a)
        a.set_defaults(func=cmd_staff_user)

    g = sub.add_parser("purge", help="erase patients' personal data from bookings that "
                                     "ended more than DAYS days ago")
    g.add_argument("--older-than", dest="days", type=_days, required=True, metavar="DAYS",
                   help="erase bookings (and their messages) that ended more than DAYS ago")
    _database_flag(g)
    g.set_defaults(func=cmd_purge)

    pt = sub.add_parser("patient", help="a patient's rights: export their data, erase it, "
                                         "or list who read it")
    pactions = pt.add_subparsers(dest="action", required=True)
    for name, helptext in (("export", "everything stored about the patient at the clinic"),
                           ("erase", "erase the patient's personal data at the clinic"),
                           ("access", "who read the patient's details, and when")):
        a = pactions.add_parser(name, help=helptext)
        a.add_argument("--clinic", required=True, help="the clinic's slug")
        a.add_argument("--national-id", required=True, metavar="N",
                       help="the patient's fødselsnummer or D-nummer; '-' reads it from stdin")
        if name == "export":
            a.add_argument("--format", choices=("json", "html"), default="json")
            a.add_argument("--out", help="write to this file (mode 0600) instead of stdout")
        if name == "erase":
            a.add_argument("--force", action="store_true",
                           help="also when appointments are ahead (they are cancelled)")
        _database_flag(a)
        _content_flag(a)
        a.set_defaults(func=cmd_patient)

    r = sub.add_parser("rotate-data-key", help="re-seal patients' data under LEDIG_DATA_KEY "
                                               "(the previous keys in LEDIG_DATA_KEY_OLD)")
    r.add_argument("--batch", type=int, default=rotation.BATCH,
                   help="rows per transaction (default 500)")
    _database_flag(r)
    r.set_defaults(func=cmd_rotate_data_key)

    b = sub.add_parser("backup", help="a consistent copy of the database while the endpoint "
                                      "serves (SQLite's online backup, or pg_dump -Fc)")
    b.add_argument("--out", required=True, metavar="FILE",
                   help="where to write it (atomically, mode 0600)")
    _database_flag(b)
    b.set_defaults(func=cmd_backup)

    v = sub.add_parser("verify-backup", help="the restore drill: open a backup and every "
                                             "sealed value in it with the keys configured now")
    v.add_argument("file", metavar="FILE",
                   help="a SQLite backup, or a pg_dump -Fc archive (restored into a scratch "
                        "database on the --database server, dropped afterwards)")
    _database_flag(v)
    v.set_defaults(func=cmd_verify_backup)
    return p


def main(argv: list[str] | None = None, clock: Clock = SYSTEM) -> int:
    """Run one command; `clock` is the time every part of it reads (tests pass their own)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    args = parser().parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args, clock)
    # invalid configuration: exit 1 (README.md#commands)
    except (SettingsError, DataKeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
