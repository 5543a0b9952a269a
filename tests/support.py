"""Plain helpers for tests (import as `from support import …`; `conftest` names clash)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_clinic(content: Path, slug: str, text: str) -> Path:
    """Write (or replace) a clinic file in a content folder."""
    path = content / "clinics" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def free_port_url() -> str:
    """A PostgreSQL URL on a loopback port where nothing listens (an unreachable database)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/ledig"


class Clock:
    """A clock the test moves: the app's one time source (`create_app(settings, clock)`).

    `at` is the current instant; set it, or `advance()` it. Its monotonic reading moves
    with it, so reload intervals and retry windows pass when the test says so.
    """

    def __init__(self, at: datetime):
        self.at = at
        self._monotonic = 1000.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.at += step
        self._monotonic += step.total_seconds()


def in_one_window(period: int, body: Callable[[], T]) -> T:
    """Run `body` (requests to live servers, whose clock a test cannot move) so that all of
    it falls in one fixed rate-limit window of `period` seconds: if a window ended while it
    ran, run it again in the fresh window (two edges within one short body cannot happen).
    """
    for _ in range(2):
        window = int(time.time() // period)
        result = body()
        if int(time.time() // period) == window:
            return result
    raise AssertionError(f"two {period}-second window edges passed during one short test")
