"""Faults (issue 8): a server killed with `kill -9` under booking load, then the
outbox resumed; file backends whose folder cannot be written (a file where
`var/mail` should be, a file-size limit that makes every write fail like a full
disk); a database host that accepts connections and then says nothing.

`tests/endpoint/test_restart.py` proves that every booking whose 201 reached a
client survives the kill; here the same kind of kill is followed by the
outbox: every queued confirmation of those bookings is delivered after the
restart by `endpoint outbox --once`, or — when the dead server's worker held it
— once its lease has run out. `tests/endpoint/test_api.py` covers a database
that refuses connections (503 problem+json within seconds).
"""

from __future__ import annotations

import itertools
import os
import random
import resource
import socket
import subprocess
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from hardening_support import (
    API,
    OSLO,
    SLUG,
    active_rows,
    booking_body,
    grenda_notifying,
    local,
    overlaps,
    problem,
)
from support import TEST_DATA_KEY, TEST_START, Clock, clocked, write_clinic

from endpoint.notify import outbox
from endpoint.storage.crypto import Keyring
from endpoint.storage.db import Booking, Outbox, db, from_db, open_database, to_db

ROOT = Path(__file__).resolve().parent.parent.parent


def _slots(base_url: str) -> list[tuple[str, str]]:
    first = TEST_START.astimezone(OSLO).date() + timedelta(days=2)  # the server's clock
    r = requests.get(f"{base_url}{API}/slots", timeout=10, params={
        "type": "time", "from": first.isoformat(), "to": (first + timedelta(days=6)).isoformat()})
    return [(s["calendar"], s["start"]) for d in r.json()["days"] for s in d["slots"]]


def _problem_code(r: requests.Response) -> str | None:
    try:
        return r.json().get("code")
    except ValueError:  # not JSON
        return None


def _book_until_stopped(base_url, slots, patients, stop, told, refused, failures,
                        seed) -> None:
    """Book random slots, each for a new patient: a free slot is 201 (into `told`), a taken
    one 409 slot_unavailable (into `refused`); anything else goes into `failures`."""
    rng = random.Random(seed)
    with requests.Session() as session:  # closed: no socket left for the collector
        while not stop.is_set():
            calendar, start = rng.choice(slots)
            try:
                r = session.post(base_url + API + "/bookings", timeout=10,
                                 json=booking_body(start, calendar=calendar, who=next(patients)))
            except requests.RequestException:
                continue
            if r.status_code == 201:
                told.append(r.json())
            elif (r.status_code, _problem_code(r)) == (409, "slot_unavailable"):
                refused.append((calendar, start))
            else:
                failures.append(f"{r.status_code} {r.text[:200]}")


def _run_outbox_once(database_url: str, var: Path, at: datetime,
                     **popen) -> subprocess.CompletedProcess:
    # no bytecode writes: under a file-size limit they would leave truncated .pyc files
    env = {**os.environ, "LEDIG_VAR": str(var), "LEDIG_SECRET_KEY": "test-secret-key",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("LEDIG_DATABASE_URL", None)
    return subprocess.run(clocked(at, "endpoint", "outbox", "--once", "--database",
                                  database_url), env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60, **popen)


# -- kill -9, then the outbox resumes ---------------------------------------------------

def test_the_outbox_resumes_after_kill_9(live_server, content_dir, database_url, tmp_path,
                                        clock):
    write_clinic(content_dir, SLUG, grenda_notifying(max_self_booked=2))
    # its worker delivers every second (LEDIG_OUTBOX_SECONDS; 5 s by default)
    server = live_server(database_url=database_url, env={"LEDIG_OUTBOX_SECONDS": "1"})
    slots = _slots(server.url)
    patients, stop, told, refused, failures = itertools.count(), threading.Event(), [], [], []
    threads = [threading.Thread(target=_book_until_stopped, daemon=True,
                                args=(server.url, slots, patients, stop, told, refused,
                                      failures, n))
               for n in range(6)]
    mail = tmp_path / "var" / "mail"
    began = time.monotonic()
    for t in threads:
        t.start()
    try:
        # until the server's own worker has delivered something (a round a second), so
        # that the kill can fall in the middle of deliveries
        while ((len(told) < 20 or not any(mail.glob("*.eml")))
               and time.monotonic() - began < 30):
            time.sleep(0.05)
        assert any(mail.glob("*.eml")), "the server's outbox worker delivered nothing"
        server.kill()  # SIGKILL, with requests (and perhaps a delivery round) in flight
    finally:
        stop.set()
        for t in threads:
            t.join(15)
    assert failures == []
    assert len(told) >= 20

    var = tmp_path / "var"
    # the server's clock started at the test's and ran for less than a minute
    now = clock.now() + timedelta(minutes=1)
    done = _run_outbox_once(database_url, var, now)
    assert done.returncode == 0, done.stderr
    open_database(database_url, Keyring.from_text(TEST_DATA_KEY))  # it reads sealed rows
    try:
        with db.connection_context():
            ids = [b["booking"]["id"] for b in told]
            booked = {b.id: b for b in Booking.select().where(Booking.public_id.in_(ids))}
            assert len(booked) == len(told)
            assert overlaps(active_rows(database_url)) == []
            # no client was refused a slot that was free: each refused slot is booked
            active = {(b.calendar, from_db(b.start))
                      for b in Booking.select().where(Booking.status == "active")}
            assert sorted({(c, datetime.fromisoformat(s)) for c, s in refused} - active) == []
            confirmations = list(Outbox.select().where(
                Outbox.booking.in_(list(booked)) & (Outbox.kind == "confirmation")))
            assert len(confirmations) == 2 * len(told)  # email and SMS for each
            for row in confirmations:
                # sent, or held by the killed worker's lease until it runs out
                assert row.status == "sent" or (row.status == "pending" and row.claimed_by), \
                    row.__data__
            # once the dead worker's leases have run out, nothing is left behind
            later = now + timedelta(minutes=6)  # a lease lasts 5 minutes (docs/notifications.md)
            outbox.drain(_settings(var, database_url), Clock(later))
            statuses = Counter(Outbox.get_by_id(r.id).status for r in confirmations)
            assert statuses == Counter(sent=len(confirmations))
            delivered = {p.name.split("-")[1] for folder in ("mail", "sms")
                         for p in (var / folder).glob("*-*-*")}
            assert {str(r.id) for r in confirmations} <= delivered
    finally:
        db.close()


def _settings(var: Path, database_url: str):
    from endpoint.settings import Settings
    return Settings(database_url=database_url, secret_key="test-secret-key", var=var)


# -- file backends that cannot write ------------------------------------------------------

@pytest.fixture
def booked_with_messages(make_app, content_dir, tmp_path):
    def book(database_url: str | None = None):
        write_clinic(content_dir, SLUG, grenda_notifying())
        app = make_app(database_url=database_url)
        client = app.test_client()
        r = client.post(f"{API}/bookings", json=booking_body(
            local(datetime(2026, 12, 4).date(), 10)))
        assert r.status_code == 201
        return app, client, r.get_json()
    return book


def _pending_errors(app) -> list[str]:
    with app.app_context(), db.connection_context():
        rows = list(Outbox.select().where(Outbox.kind.in_(["confirmation", "dialog"])))
        assert rows and all(r.status == "pending" and r.attempts == 1 for r in rows), \
            [r.__data__ for r in rows]
        return [r.last_error for r in rows]


def test_a_mail_folder_that_cannot_be_made_keeps_messages_pending(booked_with_messages,
                                                                  clock, tmp_path):
    app, client, created = booked_with_messages()
    var = tmp_path / "var"
    (var / "mail").write_text("not a folder")  # like a read-only or broken var/
    (var / "sms").write_text("not a folder")
    settings = app.extensions["ledig"].settings
    # due now: the confirmation mail (the dialog rides in it) and the confirmation SMS
    assert outbox.run_once(settings, clock)["retry"] == 2
    errors = _pending_errors(app)
    assert all(str(var / "mail") in e or str(var / "sms") in e for e in errors), errors
    # no lost booking: it still answers its token, and the messages go once var/ is fixed
    url = f"{API}/bookings/{created['booking']['id']}"
    r = client.get(url, headers={"Authorization": f"Bearer {created['cancel_token']}"})
    assert r.status_code == 200 and r.get_json()["booking"]["status"] == "active"
    (var / "mail").unlink()
    (var / "sms").unlink()
    outcome = outbox.run_once(settings, Clock(clock.at + timedelta(minutes=5)))
    assert outcome["sent"] == 2 and not outcome["retry"]


def _due_now(app, now: datetime) -> None:
    """Every message due a minute before `now` (past the back-off of a failed attempt)."""
    with app.app_context(), db.connection_context():
        Outbox.update(due_at=to_db(now - timedelta(minutes=1))).execute()


def _limit_file_size() -> None:
    # every write past 16 bytes fails with EFBIG, as a full disk fails with ENOSPC
    resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))


def test_a_disk_that_takes_no_more_bytes_keeps_messages_pending(booked_with_messages,
                                                                postgres_url, tmp_path,
                                                                clock):
    # PostgreSQL, so that only the file backends' writes hit the limit
    app, client, created = booked_with_messages(postgres_url)
    var = tmp_path / "var"
    _due_now(app, clock.now())
    run = _run_outbox_once(postgres_url, var, clock.now(), preexec_fn=_limit_file_size)
    assert run.returncode == 0, run.stderr
    errors = _pending_errors(app)
    assert all("too large" in e.lower() and "var" in e for e in errors), errors
    assert not list(var.rglob("*.eml")) and not list(var.rglob("*.tmp"))  # nothing half-written
    _due_now(app, clock.now())  # skip the back-off
    assert _run_outbox_once(postgres_url, var, clock.now()).returncode == 0
    assert len(list((var / "mail").glob("*.eml"))) >= 2


# -- a database that accepts and then hangs -------------------------------------------------

class _Silent:
    """A TCP port that accepts connections and never answers: a hung database host."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_a_hung_database_host_gives_503_within_the_connect_timeout(make_app, content_dir):
    # one request at a time: peewee serialises connects across threads, so concurrent
    # requests to a hung host queue behind each other's timeouts (see docs/security.md)
    write_clinic(content_dir, SLUG, grenda_notifying())
    silent = _Silent()
    try:
        began = time.monotonic()
        # the URL's connect timeout (1 s) instead of the default 5 s: three waits for it
        url = f"postgresql://postgres@127.0.0.1:{silent.port}/x?connect_timeout=1"
        client = make_app(database_url=url).test_client()
        assert time.monotonic() - began < 4, "the app must start even when the database hangs"
        began = time.monotonic()
        slots = client.get(f"{API}/slots?type=time")
        assert time.monotonic() - began < 4  # the 1 s connect timeout (not the 5 s default)
        problem(slots, 503, "unavailable")
        assert slots.headers["Retry-After"]
        began = time.monotonic()
        booked = client.post(f"{API}/bookings", json=booking_body(
            local(datetime(2026, 12, 4).date(), 10)))
        assert time.monotonic() - began < 4  # the 1 s connect timeout (not the 5 s default)
        problem(booked, 503, "unavailable")
    finally:
        silent.close()
