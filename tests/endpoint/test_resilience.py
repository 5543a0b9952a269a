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


# -- the PostgreSQL pool: no ping per request while busy, yet a dead connection is replaced ------

def _kill_backends(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    admin.close()


SLOTS = "/api/v1/clinics/fjordlegene/slots?type=konsultasjon&calendar=hansen"


def test_a_connection_idle_past_the_window_is_pinged_and_replaced(make_app, postgres_url,
                                                                  monkeypatch):
    from endpoint.storage import db as storage

    monkeypatch.setattr(storage, "ALIVE_WINDOW_SECONDS", 0.0)  # every pooled one has "idled"
    client = make_app(database_url=postgres_url).test_client()
    assert client.get(SLOTS).status_code == 200
    _kill_backends(postgres_url)  # a database restart while the pool holds a connection
    assert client.get(SLOTS).status_code == 200  # the ping found it dead; a new one served


def test_a_connection_used_just_now_is_trusted_and_a_dead_one_costs_one_503(make_app,
                                                                            postgres_url,
                                                                            monkeypatch):
    from endpoint.storage import db as storage

    monkeypatch.setattr(storage, "ALIVE_WINDOW_SECONDS", 3600.0)
    client = make_app(database_url=postgres_url).test_client()
    assert client.get(SLOTS).status_code == 200
    pings = []
    real = storage.PooledPostgresqlDatabase._is_closed
    monkeypatch.setattr(storage.PooledPostgresqlDatabase, "_is_closed",
                        lambda self, conn: pings.append(1) or real(self, conn))
    assert client.get(SLOTS).status_code == 200
    assert pings == []  # no round trip for a connection checked in moments ago
    _kill_backends(postgres_url)
    statuses = [client.get(SLOTS).status_code for _ in range(3)]
    assert statuses == [503, 200, 200]  # the dead connection is not put back in the pool
