"""Per-client request limits on POST/DELETE, counted in the database.

Fixed windows in the `rate_hit` table, so every thread, process and host that
shares the database shares the count.
"""

from __future__ import annotations

import random
import time

from endpoint.db import RateHit, write_transaction

#: share of requests that also delete ended windows (they hold client addresses)
PRUNE_CHANCE = 0.02


#: the clock of the windows (tests fix it so that a burst does not straddle two windows)
clock = time.time

#: the longest period a limit may use (settings allow N/second, N/minute, N/hour)
LONGEST_PERIOD = 3600


def window_start(period: int, now: float) -> int:
    """The start (epoch seconds) of the fixed window that holds `now`."""
    return int(now // period) * period


def hit(key: str, limit: int, period: int, now: float | None = None) -> int | None:
    """Count one request; None if allowed, else the seconds until the window ends."""
    now = clock() if now is None else now
    window = window_start(period, now)
    with write_transaction():
        (RateHit.insert(key=key, window=window, count=1)
         .on_conflict(conflict_target=[RateHit.key, RateHit.window],
                      update={RateHit.count: RateHit.count + 1})
         .execute())
        count = current(key, period, now)
    if random.random() < PRUNE_CHANCE:  # now and then, drop windows that have ended
        prune(now)
    if count > limit:
        return max(1, int(window + period - now))
    return None


def current(key: str, period: int, now: float | None = None) -> int:
    """Requests counted for `key` in the current window."""
    now = clock() if now is None else now
    return (RateHit.select(RateHit.count)
            .where((RateHit.key == key) & (RateHit.window == window_start(period, now)))
            .scalar()) or 0


def prune(now: float | None = None) -> int:
    """Drop windows that have ended for every period (windows are stored by start time)."""
    now = clock() if now is None else now
    return RateHit.delete().where(RateHit.window < now - LONGEST_PERIOD).execute()
