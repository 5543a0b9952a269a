"""The endpoint's one way to know the time.

Everything that needs the time — requests, the rate limiter, the content
registry, the outbox and purge workers, the senders' file names — gets a
`Clock` passed in (through `AppState`), so tests move time instead of
sleeping across a window.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back: for intervals and timeouts."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


def epoch(clock: Clock) -> float:
    """The clock's instant as Unix seconds."""
    return clock.now().timestamp()


SYSTEM = SystemClock()
