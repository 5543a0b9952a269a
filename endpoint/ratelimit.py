"""Per-client request limits on POST/DELETE, counted in the database.

Fixed windows in the `rate_hit` table, so every thread, process and host that
shares the database shares the count. The windows follow the app's clock.
"""

from __future__ import annotations

import random

from endpoint.clock import Clock, epoch
from endpoint.storage.db import RateHit, write_transaction

#: share of requests that also delete ended windows (they hold client addresses)
PRUNE_CHANCE = 0.02

#: the longest period a limit may use (settings allow N/second, N/minute, N/hour)
LONGEST_PERIOD = 3600


def window_start(period: int, now: float) -> int:
    """The start (epoch seconds) of the fixed window that holds `now`."""
    return int(now // period) * period


class RateLimiter:
    def __init__(self, clock: Clock, prune_chance: float = PRUNE_CHANCE):
        self.clock = clock
        self.prune_chance = prune_chance

    def hit(self, key: str, limit: int, period: int) -> int | None:
        """Count one request; None if allowed, else the seconds until the window ends."""
        now = epoch(self.clock)
        window = window_start(period, now)
        with write_transaction():
            (RateHit.insert(key=key, window=window, count=1)
             .on_conflict(conflict_target=[RateHit.key, RateHit.window],
                          update={RateHit.count: RateHit.count + 1})
             .execute())
            count = self._count(key, window)
        if random.random() < self.prune_chance:  # now and then, drop windows that have ended
            self.prune()
        if count > limit:
            return max(1, int(window + period - now))
        return None

    def current(self, key: str, period: int) -> int:
        """Requests counted for `key` in the current window."""
        return self._count(key, window_start(period, epoch(self.clock)))

    def prune(self) -> int:
        """Drop windows that have ended for every period (windows are stored by start)."""
        now = epoch(self.clock)
        ended = RateHit.window < now - LONGEST_PERIOD
        deleted: int = RateHit.delete().where(ended).execute()  # type: ignore[misc]  # stub
        return deleted

    @staticmethod
    def _count(key: str, window: int) -> int:
        return (RateHit.select(RateHit.count)
                .where((RateHit.key == key) & (RateHit.window == window))
                .scalar()) or 0
