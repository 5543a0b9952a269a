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


def hit(key: str, limit: int, period: int, now: float | None = None) -> int | None:
    """Count one request; None if allowed, else the seconds until the window ends."""
    now = time.time() if now is None else now
    window = int(now // period)
    with write_transaction():
        (RateHit.insert(key=key, window=window, count=1)
         .on_conflict(conflict_target=[RateHit.key, RateHit.window],
                      update={RateHit.count: RateHit.count + 1})
         .execute())
        count = (RateHit.select(RateHit.count)
                 .where((RateHit.key == key) & (RateHit.window == window)).scalar())
    if random.random() < PRUNE_CHANCE:  # now and then, drop windows that have ended
        prune(period, now)
    if count > limit:
        return max(1, int((window + 1) * period - now))
    return None


def prune(period: int, now: float | None = None) -> int:
    """Drop windows older than the current one."""
    now = time.time() if now is None else now
    return RateHit.delete().where(RateHit.window < int(now // period) - 1).execute()
