"""The `endpoint` command: serve, outbox, sync, staff-user, purge, patient, rotate-data-key,
backup, verify-backup, sms-report-urls (README.md#commands and docs/sync.md).

Every command is registered here; each handler turns its flags into
`Settings` (`settings.from_args`), opens what it needs and calls the module
that does the work. Exit codes: 0 ok, 1 invalid input or configuration,
2 usage error (argparse).
"""

from __future__ import annotations

import argparse
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
from booking.features import FEATURES, install_hint
from common import preview
from common.content import CLINIC_SUFFIXES, load_clinic_bytes
from common.features import FeaturesError, installed, running
from endpoint.clock import SYSTEM, Clock
from endpoint.features import add_commands, load, senders_of
from endpoint.notify import outbox, reports
from endpoint.server import serve
from endpoint.services import access, patient_rights, patients
from endpoint.services.export_html import export_html
from endpoint.services.keys import patient_key
from endpoint.settings import Settings, SettingsError, ensure_secret_key, from_args
from endpoint.storage import backup, drill, purge, rotation
from endpoint.storage.crypto import DataKeyError, Keyring, configured_keys, key_id, keyring_for
from endpoint.storage.db import db
from endpoint.storage.opening import open_sealed

Handler = Callable[[argparse.Namespace, Clock], int]


class CommandError(ValueError):
    """A command's input is wrong: its message is printed, the exit code is 1."""


def open_database(settings: Settings) -> Settings:
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


# -- features ------------------------------------------------------------------------------

def cmd_features(args: argparse.Namespace, clock: Clock) -> int:
    """Each feature: whether it runs here, is installed, or what installs it."""
    have, runs = installed(), from_args(args).features
    for feature in FEATURES:
        state = ("runs" if feature.name in runs else
                 "installed, not in LEDIG_FEATURES" if feature.name in have else
                 f"not installed: {install_hint(feature.name)}")
        print(f"{feature.name:<12} {state:<34} {feature.summary}")
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
    settings = open_database(settings)
    if args.once:
        outcomes = outbox.drain(settings, clock, senders_of(load(settings.features)))
        print(", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due")
        return 0
    return run_in_foreground(outbox.Worker(settings, clock,
                                           senders=senders_of(load(settings.features))))


def run_in_foreground(worker) -> int:
    """A worker thread as a command: until it ends, or Ctrl-C stops it."""
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
    settings = open_database(settings)
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
    settings = open_database(from_args(args))
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
        clinic = clinic_of(settings.content, args.clinic)
        number = _national_id(args.national_id)
    except (CommandError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    settings = open_database(ensure_secret_key(settings))
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


def clinic_of(content: Path, slug: str) -> Clinic:
    if not Path(content).is_dir():
        raise CommandError(f"content folder '{content}' does not exist; pass "
                                   "--content DIR or set LEDIG_CONTENT")
    # only this clinic's file: a host with 2,000 clinics need not validate them all first
    clinic = None
    for suffix in CLINIC_SUFFIXES:
        path = Path(content) / "clinics" / f"{slug}{suffix}"
        if SLUG_RE.fullmatch(slug) and path.is_file():
            clinic, _issues = load_clinic_bytes(path.read_bytes(), slug=slug, file=str(path))
            break
    if clinic is None:
        raise CommandError(f"no valid clinic '{slug}' in {content}/clinics/; "
                                   "check the slug (the file name without .yaml)")
    return clinic


def base_url(clinic: Clinic, site: Path = preview.DEFAULT_SITE) -> str:
    """Where the clinic's staff reach the endpoint, for the addresses a command prints: the
    local preview the pages in `site` were built for (`make demo PORT=8471` builds and
    serves there, README.md#sitegen-build), else the clinic file's `endpoint_url`, else
    where `endpoint serve` listens by default."""
    address = preview.remembered(site) or clinic.endpoint_url or "http://127.0.0.1:8000"
    return address.rstrip("/")


# -- the parser ------------------------------------------------------------------------------

def _preview_url(value: str) -> str:
    try:
        return preview_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def database_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", help="database URL (default LEDIG_DATABASE_URL)")


def content_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", help="clinic files (default content/, or LEDIG_CONTENT)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="endpoint", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the API (and --site pages) on a production server")
    content_flag(s)
    s.add_argument("--site", help="also serve these generated pages (local preview)")
    s.add_argument("--preview-url", type=_preview_url, metavar="URL",
                   help="a local preview: every clinic's pages and API at URL, as "
                        "`sitegen build --preview-url` built them (make demo)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    database_flag(s)
    s.add_argument("--threads", type=int, default=8)
    s.set_defaults(func=cmd_serve)

    o = sub.add_parser("outbox", help="deliver queued notifications (also runs inside serve)")
    o.add_argument("--once", action="store_true",
                   help="deliver what is due now, then exit (for cron)")
    database_flag(o)
    o.add_argument("--interval", type=float, help="seconds between rounds (default 5)")
    o.set_defaults(func=cmd_outbox)

    f = sub.add_parser("features", help="which features run here, which are installed, "
                                        "and the extra that installs the others")
    f.set_defaults(func=cmd_features)

    m = sub.add_parser("sms-report-urls", help="print the address the SMS provider of "
                                               "LEDIG_SMS_URL is to send delivery reports to")
    m.set_defaults(func=cmd_sms_report_urls)

    g = sub.add_parser("purge", help="erase patients' personal data from bookings that "
                                     "ended more than DAYS days ago")
    g.add_argument("--older-than", dest="days", type=_days, required=True, metavar="DAYS",
                   help="erase bookings (and their messages) that ended more than DAYS ago")
    database_flag(g)
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
        database_flag(a)
        content_flag(a)
        a.set_defaults(func=cmd_patient)

    r = sub.add_parser("rotate-data-key", help="re-seal patients' data under LEDIG_DATA_KEY "
                                               "(the previous keys in LEDIG_DATA_KEY_OLD)")
    r.add_argument("--batch", type=int, default=rotation.BATCH,
                   help="rows per transaction (default 500)")
    database_flag(r)
    r.set_defaults(func=cmd_rotate_data_key)

    b = sub.add_parser("backup", help="a consistent copy of the database while the endpoint "
                                      "serves (SQLite's online backup, or pg_dump -Fc)")
    b.add_argument("--out", required=True, metavar="FILE",
                   help="where to write it (atomically, mode 0600)")
    database_flag(b)
    b.set_defaults(func=cmd_backup)

    v = sub.add_parser("verify-backup", help="the restore drill: open a backup and every "
                                             "sealed value in it with the keys configured now")
    v.add_argument("file", metavar="FILE",
                   help="a SQLite backup, or a pg_dump -Fc archive (restored into a scratch "
                        "database on the --database server, dropped afterwards)")
    database_flag(v)
    v.set_defaults(func=cmd_verify_backup)
    try:  # the running features' commands (docs/features.md): staff-user, sync
        names = running(os.environ)
    except FeaturesError:  # the command itself reports LEDIG_FEATURES' mistake
        names = installed()
    add_commands(sub, names)
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
