"""The `endpoint` command: serve, outbox, staff-user, purge (SPEC §1)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from endpoint import outbox, purge, staff_users
from endpoint.settings import Settings, SettingsError, from_env


def _settings(args: argparse.Namespace) -> Settings:
    settings = from_env()
    return settings.with_(
        database_url=getattr(args, "database", None),
        content=Path(args.content) if getattr(args, "content", None) else None,
        site=Path(args.site) if getattr(args, "site", None) else None,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from endpoint.server import serve

    settings = _settings(args)
    outbox.check_senders(settings)
    if settings.site is not None and not settings.site.is_dir():
        print(f"--site {settings.site}: no such folder; run `sitegen build` first",
              file=sys.stderr)
        return 1
    serve(settings, host=args.host, port=args.port, threads=args.threads)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="endpoint", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the API (and --site pages) on a production server")
    s.add_argument("--content", help="clinic files (default content/, or LEDIG_CONTENT)")
    s.add_argument("--site", help="also serve these generated pages (local preview)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--database", help="database URL (default LEDIG_DATABASE_URL)")
    s.add_argument("--threads", type=int, default=8)
    s.set_defaults(func=cmd_serve)
    for add_command in (outbox.add_command, staff_users.add_command, purge.add_command):
        add_command(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:  # invalid configuration: exit 1 (SPEC §1)
        print(f"error: {exc}", file=sys.stderr)
        return 1
