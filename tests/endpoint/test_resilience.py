"""A database outage answers fast, and rate-limit counters (client addresses) do not pile up."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from support import Clock, free_port_url

from endpoint.ratelimit import RateLimiter
from endpoint.storage.db import RateHit, db


def test_after_a_failed_connect_requests_get_503_at_once(make_app):
    app = make_app(database_url=free_port_url())
    client = app.test_client()
    slots = "/api/v1/clinics/fjordlegene/slots?type=konsultasjon"
    first = client.get(slots)
    assert first.status_code == 503 and first.get_json()["code"] == "unavailable"
    started = time.monotonic()
    for _ in range(5):
        again = client.get(slots)
        assert again.status_code == 503
        assert again.headers["Retry-After"]
    assert time.monotonic() - started < 3.0  # no 5 s connect attempt while the breaker is open
    app.extensions["ledig"].db_down_until = 0.0  # the breaker closes: it tries again
    assert client.get(slots).status_code == 503


def test_ended_windows_are_pruned_whatever_their_period(app):
    clock = Clock(datetime.fromtimestamp(1_000_000.0, UTC))
    quiet, pruning = RateLimiter(clock, prune_chance=0.0), RateLimiter(clock, prune_chance=1.0)
    with db.connection_context():
        for n in range(5):  # hourly windows
            quiet.hit(f"ip:10.0.0.{n}", 10, 3600)
        assert RateHit.select().count() == 5
        clock.advance(seconds=600)
        pruning.hit("ip:10.0.0.9", 10, 60)  # this request prunes
        # an hourly window of ten minutes ago has not ended: it stays
        assert sorted(r.key for r in RateHit.select()) == [f"ip:10.0.0.{n}" for n in
                                                             (0, 1, 2, 3, 4, 9)]
        clock.advance(seconds=3100)
        pruning.hit("ip:10.0.0.9", 10, 60)
        assert {r.key for r in RateHit.select()} == {"ip:10.0.0.9"}
