"""Staff writes racing patients' across two server processes (docs/staff.md), on SQLite and
PostgreSQL: a staff booking against online bookings for one slot, moves against a
booking into the same slot, a staff block against bookings under it, blocks against
blocks. Each race has exactly one winner and clear 409s for the rest, and afterwards
the database itself holds no two active bookings or blocks overlapping in one calendar.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests
from endpoint_support import SLUG, booking_body, first_slot_after, grenda_yaml
from staff_api_support import OTHER, STAFF, add_staff, busy_overlaps, clinic_yaml, rows, staff_body
from staff_api_support import SLUG as TIMEBOK
from staff_api_support import iso as local_iso
from support import write_clinic

PUBLIC = f"/api/v1/clinics/{SLUG}"
API = f"/api/v1/staff/{SLUG}"


@pytest.fixture
def servers(database_url, live_server, content_dir):
    """Two server processes on one database, and a staff user of the clinic."""
    write_clinic(content_dir, SLUG, grenda_yaml(max_self_booked=50))
    add_staff(database_url, SLUG)
    pair = live_server(database_url=database_url), live_server(database_url=database_url)
    for server in pair:  # each process checks the password once, before the race
        assert requests.get(server.url + API + "/conflicts", headers=STAFF,
                            timeout=20).status_code == 200
    return pair


def fire(calls: list[tuple[str, str, dict, dict]]) -> list[requests.Response]:
    """Send every (method, url, body, headers) from its own thread, released together."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        method, url, body, headers = call
        barrier.wait(timeout=20)
        return requests.request(method, url, json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def outcome(response: requests.Response) -> object:
    return response.status_code if response.status_code < 400 else response.json()["code"]


def iso(value: datetime) -> str:
    return value.isoformat()


def test_staff_and_patients_racing_for_one_slot_book_it_once(servers, database_url):
    one, two = servers
    start = first_slot_after(requests.get, one.url)
    calls = []
    for n in range(16):
        server = (one, two)[n % 2]
        if n % 4 < 2:
            calls.append(("POST", server.url + PUBLIC + "/bookings",
                          booking_body(start, who=n), {}))
        else:
            calls.append(("POST", server.url + API + "/bookings",
                          staff_body(start, calendar="a", type="time", who=n), STAFF))
    results = Counter(outcome(r) for r in fire(calls))
    assert results == Counter({201: 1, "slot_unavailable": 15})
    assert len(rows(database_url, "SELECT id FROM booking WHERE status = 'active'")) == 1
    assert busy_overlaps(database_url) == []


def test_moves_and_a_booking_into_one_slot(servers, database_url):
    one, two = servers
    start = datetime.fromisoformat(first_slot_after(requests.get, one.url))
    target = start + timedelta(hours=2)
    moving = []
    for n, calendar in enumerate("bc"):  # from other calendars into calendar a
        made = requests.post(one.url + API + "/bookings", headers=STAFF, timeout=10,
                             json=staff_body(iso(start), calendar=calendar, type="time",
                                             who=40 + n))
        assert made.status_code == 201, made.text
        moving.append(made.json()["booking"]["id"])
    calls = [("PATCH", (one, two)[n % 2].url + f"{API}/bookings/{booking_id}",
              {"start": iso(target), "calendar": "a"}, STAFF)
             for n, booking_id in enumerate(moving)]
    calls += [("POST", (one, two)[n % 2].url + PUBLIC + "/bookings",
               booking_body(iso(target), calendar="a", who=n), {}) for n in range(8)]
    responses = fire(calls)
    results = Counter(outcome(r) for r in responses)
    assert results[200] + results[201] == 1, results
    assert results["slot_unavailable"] == len(calls) - 1, results
    at_target = rows(database_url, "SELECT public_id FROM booking WHERE status = 'active' "
                     "AND calendar = 'a'")
    assert len(at_target) == 1
    # a move that lost left its booking where it was
    stayed = rows(database_url, "SELECT calendar FROM booking WHERE status = 'active' "
                  "AND calendar <> 'a' ORDER BY calendar")
    assert len(stayed) == 2 - results[200]
    assert busy_overlaps(database_url) == []


def test_a_block_and_bookings_under_it(servers, database_url):
    one, two = servers
    start = datetime.fromisoformat(first_slot_after(requests.get, one.url))
    block = {"calendar": "a", "start": iso(start), "end": iso(start + timedelta(hours=2)),
             "reason": "Personalmøte"}
    calls = [("POST", one.url + API + "/blocks", block, STAFF),
             ("POST", two.url + API + "/blocks",
              {**block, "start": iso(start + timedelta(hours=1)),
               "end": iso(start + timedelta(hours=3))}, STAFF)]
    calls += [("POST", (one, two)[n % 2].url + PUBLIC + "/bookings",
               booking_body(iso(start + timedelta(hours=n % 2)), calendar="a", who=n), {})
              for n in range(10)]
    calls += [("POST", two.url + API + "/bookings",
               staff_body(iso(start), calendar="a", type="time", who=20), STAFF)]
    responses = fire(calls)
    blocks = [outcome(r) for r in responses[:2]]
    bookings = Counter(outcome(r) for r in responses[2:])
    assert set(blocks) <= {201, "conflicts", "block_overlap"}
    assert set(bookings) <= {201, "slot_unavailable"}
    made_blocks = rows(database_url, 'SELECT start, "end" FROM staff_block')
    assert len(made_blocks) == blocks.count(201) <= 1
    active = rows(database_url, "SELECT start FROM booking WHERE status = 'active'")
    assert len(active) == bookings[201]
    if made_blocks:  # the block won its hours: no booking got in under it
        assert bookings[201] <= 1  # at most the hour the block left free
    else:  # bookings won: each hour once, and the blocks said why they lost
        assert 1 <= bookings[201] <= 2 and set(blocks) <= {"conflicts", "block_overlap"}
    assert busy_overlaps(database_url) == []


# -- every write waits for the calendar's lock and re-checks inside it ----------------------

LOCKED_DAY = "2026-12-03"


def _hold_calendar(database_url: str, slug: str, calendar: str):
    """A connection of the test's own, in a transaction that holds the calendar's lock:
    PostgreSQL's advisory lock of that name, SQLite's write lock."""
    if database_url.startswith("sqlite:///"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        return con, "?"
    import psycopg2

    from endpoint.storage.db import lock_key
    con = psycopg2.connect(database_url, connect_timeout=5)
    con.cursor().execute("SELECT pg_advisory_xact_lock(%s)",
                         (lock_key(f"calendar:{slug}:{calendar}"),))
    return con, "%s"


def waits_for_the_lock(worker: threading.Thread, database_url: str,
                       timeout: float = 20) -> bool:
    """Whether `worker` comes to wait for the lock the test holds (`_hold_calendar`), seen
    in the database (PostgreSQL: a backend waiting for an advisory lock) or in the
    worker's stack (SQLite: inside `write_transaction`, whose BEGIN IMMEDIATE cannot pass
    the test's write lock); polled, not timed."""
    import sys
    import time

    deadline = time.monotonic() + timeout
    while worker.is_alive() and time.monotonic() < deadline:
        if database_url.startswith("postgresql"):
            waiting = rows(database_url, "SELECT count(*) FROM pg_stat_activity WHERE "
                           "datname = current_database() AND wait_event_type = 'Lock' "
                           "AND wait_event = 'advisory'")[0][0]
        else:
            frame = sys._current_frames().get(worker.ident)
            waiting = False
            while frame is not None and not waiting:
                waiting = frame.f_code.co_name == "write_transaction"
                frame = frame.f_back
        if waiting:
            return True
        time.sleep(0.01)
    return False


def _insert_booking(con, p: str, slug: str, calendar: str, start: str, end: str) -> None:
    """An active booking written behind the service's back, in the lock holder's transaction
    (the times as naive UTC, as the endpoint stores them)."""
    columns = ("public_id", "clinic", "calendar", "type", "start", '"end"', "status",
               "self_booked", "patient_key", "id_type", "national_id", "first_name",
               "last_name", "phone", "email", "note", "cancel_token_hash", "config_version",
               "created_at", "cancelled_by", "cancel_reason", "sequence", "attendance",
               "booked_by", "outside_schedule")
    values = ("f" * 32, slug, calendar, "kons", start, end, "active", False, "k", "", "", "",
              "", "", "", "", "", "", start, "", "", 0, "", "", False)
    con.cursor().execute(f"INSERT INTO booking ({', '.join(columns)}) VALUES "
                         f"({', '.join([p] * len(columns))})", values)


@pytest.mark.parametrize("write", ["staff booking", "online booking", "move", "block"])
def test_a_write_waits_for_the_calendars_lock_and_then_sees_what_was_written(
        make_app, content_dir, database_url, write):
    write_clinic(content_dir, TIMEBOK, clinic_yaml())
    write_clinic(content_dir, OTHER, clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url, TIMEBOK)
    client = app.test_client()
    day = datetime.fromisoformat(LOCKED_DAY).date()
    api, public = f"/api/v1/staff/{TIMEBOK}", f"/api/v1/clinics/{TIMEBOK}"
    assert client.get(f"{api}/conflicts", headers=STAFF).status_code == 200  # login cached
    if write == "move":
        made = client.post(f"{api}/bookings", headers=STAFF,
                           json=staff_body(local_iso(day, 9), calendar="vikar", who=9))
        assert made.status_code == 201
        moving = made.get_json()["booking"]["id"]
    requests_for = {
        "staff booking": lambda: client.post(f"{api}/bookings", headers=STAFF,
                                             json=staff_body(local_iso(day, 9))),
        "online booking": lambda: client.post(f"{public}/bookings", json=booking_body(
            local_iso(day, 9), calendar="lege", type="kons")),
        "move": lambda: client.patch(f"{api}/bookings/{moving}", headers=STAFF,
                                     json={"calendar": "lege"}),
        "block": lambda: client.post(f"{api}/blocks", headers=STAFF, json={
            "calendar": "lege", "start": local_iso(day, 8, 30), "end": local_iso(day, 10),
            "reason": "Møte"}),
    }
    con, p = _hold_calendar(database_url, TIMEBOK, "lege")
    results: list = []
    try:
        worker = threading.Thread(target=lambda: results.append(requests_for[write]()))
        worker.start()
        assert waits_for_the_lock(worker, database_url), \
            "the write did not wait for the calendar's lock"
        # 09:00-09:20 Oslo is 08:00-08:20 UTC
        _insert_booking(con, p, TIMEBOK, "lege", f"{LOCKED_DAY} 08:00:00",
                        f"{LOCKED_DAY} 08:20:00")
        con.commit() if p == "%s" else con.execute("COMMIT")
    finally:
        con.close()
    worker.join(30)
    [response] = results
    expected = "conflicts" if write == "block" else "slot_unavailable"
    assert response.status_code == 409 and response.get_json()["code"] == expected, \
        response.get_json()
    assert busy_overlaps(database_url) == []
