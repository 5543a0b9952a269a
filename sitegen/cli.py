"""The `sitegen` command: build, check and link (README.md#commands)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from booking import Clinic, bookability
from booking.addresses import preview_url
from booking.fit import Misfit, Placed, misfits
from booking.restrictions import zone
from booking.urls import page_url
from common import features, preview
from common.content import Content, load_content
from common.stored import (
    DEFAULT,
    Stored,
    StoredError,
    find_database,
    find_keyring,
    read_stored,
)
from common.words.conflicts import reason_words
from common.words.pages import strings
from sitegen.build import build, preview_for
from sitegen.urls import embed_id, iframe_code


def _report_issues(content: Content) -> None:
    for issue in content.issues:
        print(issue, file=sys.stderr)


def cmd_check(args: argparse.Namespace, now: datetime) -> int:
    try:  # the endpoint's features (LEDIG_FEATURES): a clinic it cannot serve is an error
        running = features.running(os.environ)
    except features.FeaturesError as exc:
        print(exc, file=sys.stderr)
        return 1
    content = load_content(args.content, _check_address(args), running)
    _report_issues(content)
    if content.errors:
        print(f"{len(content.errors)} error(s): nothing is valid until they are fixed.",
              file=sys.stderr)
        return 1
    try:
        stored, read = _read_database(args.database, now)
    except StoredError as exc:
        print(exc, file=sys.stderr)
        return 1
    site = Path(args.site) if args.site else None
    for clinic in content.clinics.values():
        print(format_check(clinic, now))
        if site is not None and site.is_dir():
            print(format_built(clinic, site))
        if stored is not None:
            print(format_conflicts(clinic, misfits(
                clinic, stored.bookings.get(clinic.slug, ()),
                stored.staff_blocks.get(clinic.slug, {}), now,
                stored.busy.get(clinic.slug, {})), stored.initials))
            for line in format_sync(clinic, stored.sync_sources.get(clinic.slug, {}), now):
                print(line)
    if stored is not None:
        for line in _unserved(content, stored):
            print(line)
    if read:
        print(read)
    return 0


def _check_address(args: argparse.Namespace) -> str | None:
    """The preview address the check's links are printed at: `--preview-url`'s, else that
    of the pages in `--site` when they were built as a local preview (the addresses
    those pages call), else None: the clinic files' own."""
    if args.preview_url is not None:
        return None if args.preview_url == preview.NONE else args.preview_url
    return preview.remembered(Path(args.site)) if args.site else None


def _read_database(flag: str | None, now: datetime) -> tuple[Stored | None, str]:
    """The endpoint's database as the endpoint finds it (README.md#sitegen-check), or None,
    and the line that says which one was read, or that none was found ('' after
    `--database none`, which asked for none)."""
    found = find_database(flag, os.environ)
    if found.url is None:
        return None, (f"database: none read ({found.where}: {found.shown} is not there): the "
                      "bookings this content would strand are not checked; give --database URL"
                      if found.where != "--database" else "")
    keyring, key_where = find_keyring(os.environ)
    try:
        stored = read_stored(found.url, now, keyring)
    except StoredError as exc:
        if found.where != DEFAULT:
            raise  # a database named on purpose that cannot be read fails the check
        # a file left in var/ (an older demo): the pages' check still stands
        print(exc, file=sys.stderr)
        return None, (f"database: {found.shown} ({found.where}) could not be read (see "
                      "above): the bookings this content would strand are not checked")
    initials = (f"patients' initials opened with {key_where}" if keyring
                else f"without patients' initials: {key_where}")
    return stored, f"database: {found.shown} ({found.where}); {initials}"


def format_built(clinic: Clinic, site: Path) -> str:
    """Whether the built pages are of this clinic file: a page of an older one shows the
    endpoint's current names, prices and info (README.md#http-api) but keeps its own layout."""
    page = site / clinic.slug / "index.html"
    try:
        found = re.search(r'id="ledig-config">(.*?)</script>', page.read_text("utf-8"), re.S)
        built = json.loads(found.group(1)).get("version") if found else None
    except (OSError, ValueError):
        built = None
    if built == clinic.version:
        return f"  ok    the pages in {site}/{clinic.slug}/ are built from this clinic file"
    return (f"  no    the pages in {site}/{clinic.slug}/ are not built from this clinic file: "
            "run `sitegen build` and upload them (until then they show the endpoint's "
            "current names, prices and info, but not new calendars, types or links)")


def format_conflicts(clinic: Clinic, found: list[Misfit],
                     initials: dict[str, str] | None = None) -> str:
    """The bookings that this content would leave outside the schedule, one a line: when,
    which calendar and type, and whose (the patient's initials, when the data key opened
    them) — what the admin finds them by in the timebok."""
    if not found:
        return "  ok    no active booking would be left outside the schedule"
    words = reason_words("en")
    lines = [f"  no    {len(found)} active booking(s) would be left outside the schedule "
             "(they stay booked; move or cancel them, or change the schedule back):"]
    for m in found:
        b = m.booking
        cal, kind = clinic.calendar(b.calendar), clinic.type(b.type)
        who = (initials or {}).get(b.id)
        label = f"{cal.name if cal else b.calendar} / {kind.name if kind else b.type}"
        lines.append(f"          {_when(clinic, m.booking)}  {label}"
                     f"{f'  patient {who}' if who else ''}: {words[m.reason]}")
    return "\n".join(lines)


def format_sync(clinic: Clinic, states: dict[tuple[str, str], tuple[datetime | None, str]],
                now: datetime) -> list[str]:
    """Each busy source (docs/sync.md): read lately, or failing or stale and so closing its
    calendar online (fail closed)."""
    tz = zone(clinic.timezone)
    limit = now - timedelta(minutes=clinic.sync.stale_after_minutes)
    lines = []
    for cal in clinic.synced_calendars:
        for src in cal.busy_sources:
            last_ok, error = states.get((cal.id, src.id), (None, ""))
            where = f"sync {cal.name} <- {src.label}"
            read = (f"last read {last_ok.astimezone(tz):%Y-%m-%d %H:%M}" if last_ok
                    else "never read")
            if last_ok is None or last_ok < limit:
                lines.append(f"  no    {where}: {read}{f' ({error})' if error else ''}; "
                             f"{cal.name} offers no online times until it is read "
                             "(fail closed)")
            elif error:
                lines.append(f"  no    {where}: failing ({error}), {read}; its last busy "
                             "times still count")
            else:
                lines.append(f"  ok    {where}: {read}")
    return lines


def _when(clinic: Clinic, booking: Placed) -> str:
    return booking.start.astimezone(zone(clinic.timezone)).strftime("%Y-%m-%d %H:%M")


def _unserved(content: Content, stored: Stored) -> list[str]:
    """Clinics the database has bookings of but the content no longer holds."""
    return [f"{slug}: not in the content, yet {len(items)} active booking(s) ahead in the "
            "database; restore its clinic file or move them"
            for slug, items in sorted(stored.bookings.items()) if slug not in content.clinics]


def format_check(clinic: Clinic, now: datetime) -> str:
    """The admin's checklist for one clinic, answered."""
    lines = [f"{clinic.slug}: {clinic.name}" + ("  [TEST MODE]" if clinic.test_mode else "")]
    reports = bookability(clinic, now)
    for r in reports:
        cal, kind = clinic.calendar(r.calendar), clinic.type(r.type)
        label = f"{cal.name if cal else r.calendar} / {kind.name if kind else r.type}"
        if r.bookable and r.next_slot is not None:
            first = r.next_slot.start.strftime("%Y-%m-%d %H:%M")
            lines.append(f"  ok    {label}: {r.slot_count} slots, first {first}")
        else:
            lines.append(f"  no    {label}: " + "; ".join(r.reasons))
    unused = [t for t in clinic.types if t.online and not any(r.type == t.id for r in reports)]
    for kind in unused:
        lines.append(f"  no    {kind.name}: the type is online but no calendar's schedule "
                     "offers it; add it to a block's types")
    bookable = sum(r.bookable for r in reports)
    lines.append(f"  {bookable} of {len(reports)} calendar/type pairs bookable online")
    for link in clinic.booking_links:
        pairs = [r for r in reports if link.calendar in (None, r.calendar)
                 and link.type in (None, r.type) and r.bookable]
        url = page_url(clinic, link.id)
        if pairs:
            lines.append(f"  ok    link {link.id} ({url}): {sum(r.slot_count for r in pairs)} "
                         "slots")
        else:
            lines.append(f"  no    link {link.id} ({url}): no calendar/type pair it offers is "
                         "bookable online; see the lines above")
    return "\n".join(lines)


def cmd_link(args: argparse.Namespace, now: datetime) -> int:
    address = preview.remembered(Path(args.site))
    content = load_content(args.content, address)
    if address:
        print(f"sitegen: the pages in {args.site} are a local preview at {address}: these "
              "are its addresses (the published pages have the clinic file's)",
              file=sys.stderr)
    clinic = content.clinics.get(args.clinic)
    if clinic is None:
        _report_issues(content)
        print(f"no valid clinic '{args.clinic}' in {args.content}/clinics/", file=sys.stderr)
        return 1
    for flag, value, found in (("--calendar", args.calendar, clinic.calendar),
                               ("--type", args.type, clinic.type)):
        item = found(value) if value else None
        if value and (item is None or not item.online):
            print(f"{flag}: '{value}' is not an online {flag[2:]} of {clinic.slug}",
                  file=sys.stderr)
            return 1
    link = next((b for b in clinic.booking_links
                 if (b.calendar, b.type) == (args.calendar, args.type)), None)
    if link is not None:
        url, title = page_url(clinic, link.id), f"{link.title} – {clinic.name}"
        embed = embed_id(link.id)
    else:
        url = page_url(clinic, calendar=args.calendar, type_id=args.type)
        title = strings(clinic.language)["title_booking"].format(clinic=clinic.name)
        embed = embed_id(calendar=args.calendar, type_id=args.type)
    print(url)
    print()
    print(iframe_code(clinic, url, title, embed), end="")
    return 0


def cmd_build(args: argparse.Namespace, now: datetime) -> int:
    address, kept = preview_for(Path(args.out), args.preview_url)
    if kept:
        print(kept, file=sys.stderr)
    return build(Path(args.content), Path(args.out), clinic=args.clinic,
                 preview_url=address, verify=args.verify)


def _preview_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preview-url", type=_preview_url, default=None, metavar="URL",
                   help="a local preview: every clinic's pages and endpoint at URL "
                        "(make demo; never for published pages); a build without it keeps "
                        "the last build's; none: the clinics' own addresses")


def _preview_url(value: str) -> str:
    if value == preview.NONE:
        return value
    try:
        return preview_url(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sitegen", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="validate, then render the pages (incremental)")
    b.add_argument("--content", default="content")
    b.add_argument("--out", default="_site")
    b.add_argument("--clinic", default=None, help="build only this clinic")
    b.add_argument("--verify", action="store_true",
                   help="also check every output the last build wrote (size and mtime) and "
                        "write again those deleted or edited by hand")
    _preview_flag(b)
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="validate; say what is bookable online and why not")
    c.add_argument("--content", default="content")
    c.add_argument("--database", default=None, metavar="URL",
                   help="the endpoint's database, whose active bookings this content would "
                        "leave outside the schedule are listed (read-only); default: "
                        "LEDIG_DATABASE_URL, else var/ledig.sqlite3 if there; none: read none")
    c.add_argument("--site", default=None, metavar="DIR",
                   help="also say whether the built pages in DIR (e.g. _site) are of the "
                        "current clinic files")
    _preview_flag(c)
    c.set_defaults(func=cmd_check)
    ln = sub.add_parser("link", help="print a booking URL and its iframe embed code")
    ln.add_argument("--clinic", required=True)
    ln.add_argument("--calendar")
    ln.add_argument("--type")
    ln.add_argument("--content", default="content")
    ln.add_argument("--site", default=str(preview.DEFAULT_SITE), metavar="DIR",
                    help="the built pages: when they are a local preview (--preview-url), "
                         "its addresses are printed (default _site)")
    ln.set_defaults(func=cmd_link)
    return p


def main(argv: list[str] | None = None, now: datetime | None = None) -> int:
    """Run one command; `now` is the instant it reads (tests pass their own), else the time."""
    args = parser().parse_args(argv)
    return args.func(args, now or datetime.now(UTC))
