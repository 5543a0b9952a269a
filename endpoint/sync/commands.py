"""`endpoint sync`: read the calendars' busy sources (docs/sync.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peewee import InterfaceError, OperationalError

from endpoint.cli import content_flag, database_flag, open_database, run_in_foreground
from endpoint.clock import Clock
from endpoint.registry import Registry
from endpoint.settings import from_args
from endpoint.sync import refresh


def cmd_sync(args: argparse.Namespace, clock: Clock) -> int:
    settings = from_args(args)
    if not Path(settings.content).is_dir():
        print(f"error: content folder '{settings.content}' does not exist; pass --content DIR "
              "or set LEDIG_CONTENT", file=sys.stderr)
        return 1
    registry = Registry(Path(settings.content), interval=settings.reload_interval)
    for issue in registry.errors():
        print(f"error: {issue}", file=sys.stderr)
    settings = open_database(settings)
    if args.once:
        try:
            counts = refresh.refresh_due(registry.clinics().values(), clock, force=True)
        except (OperationalError, InterfaceError) as exc:
            print(f"error: the database is unreachable ({type(exc).__name__})",
                  file=sys.stderr)
            return 1
        print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no busy sources")
        return 1 if counts.get("failed") else 0
    return run_in_foreground(refresh.Worker(registry, clock, settings.sync_interval))


def add_commands(sub: argparse._SubParsersAction) -> None:
    y = sub.add_parser("sync", help="read the calendars' busy sources into the database "
                                    "(also runs inside serve)")
    y.add_argument("--once", action="store_true",
                   help="read every busy source now, then exit (exit 1 if any failed)")
    content_flag(y)
    database_flag(y)
    y.add_argument("--interval", dest="sync_interval", type=float,
                   help="seconds between looks for due sources (default 30)")
    y.set_defaults(func=cmd_sync)
