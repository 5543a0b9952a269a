"""Run `endpoint` or `sitegen` in a child process at the time a test decides.

    python tests/clocked.py 2026-12-01T06:00:00+00:00 endpoint sync --once …

The command gets a clock that starts at the given instant and runs on from there
with the process's monotonic clock, passed to `endpoint.cli.main(argv, clock)`
(or as `now` to `sitegen.cli.main`): the same parameter through which the
commands are given the real clock in production. Tests build these argument
lists with `support.clocked`; tests/README.md says how a test gets its time.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

# The code under test: the checkout this file is in, in place of tests/ (whose endpoint/ and
# sitegen/ hold tests), after the folders of PYTHONPATH, which come first as in any Python
# process (tests/test_wheel.py runs an installed wheel so).
_first = {os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
del sys.path[0]
sys.path.insert(next((i for i, p in enumerate(sys.path) if p not in _first), len(sys.path)),
                str(Path(__file__).resolve().parent.parent))


class RunningClock:
    """Starts at `at` and advances with the monotonic clock."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.began = time.monotonic()

    def now(self) -> datetime:
        return self.at + timedelta(seconds=time.monotonic() - self.began)

    def monotonic(self) -> float:
        return time.monotonic()


def main(argv: list[str]) -> int:
    at, program, args = datetime.fromisoformat(argv[0]), argv[1], argv[2:]
    if at.tzinfo is None:
        raise SystemExit("clocked.py: the instant needs a UTC offset")
    if program == "endpoint":
        from endpoint.cli import main as endpoint_main
        return endpoint_main(args, RunningClock(at))
    if program == "sitegen":
        from sitegen.cli import main as sitegen_main
        return sitegen_main(args, now=at)
    raise SystemExit(f"clocked.py: unknown program {program!r} (endpoint or sitegen)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
