"""SPEC §11 under concurrency, on SQLite and PostgreSQL: two `endpoint serve` processes on
one database, threads released together at both.

Afterwards the database itself is read: the patient who moves ends with exactly one
time (never both, never none), no two active bookings overlap in a calendar, two
patients holding one slot get one 201 and one 409, and one wait-list entry claimed
twice books once.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests
from endpoint_support import SLUG, active_rows, booking_body, first_slot_after, overlaps
from patient_support import API, auth, patient_yaml
from support import write_clinic

ROUNDS = 4


@pytest.fixture
def servers(database_url, live_server, content_dir):
    write_clinic(content_dir, SLUG, patient_yaml(max_self_booked=5))
    return live_server(database_url=database_url), live_server(database_url=database_url)


def fire(calls) -> list[requests.Response]:
    """Run every (method, url, kwargs) from its own thread, released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        method, url, kwargs = call
        barrier.wait(timeout=20)
        return requests.request(method, url, timeout=30, **kwargs)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def outcome(r: requests.Response) -> object:
    return r.status_code if r.status_code < 400 else r.json()["code"]


def book(url: str, start: str, who: int) -> tuple[str, str]:
    r = requests.post(url + API + "/bookings", json=booking_body(start, who=who), timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["booking"]["id"], r.json()["cancel_token"]


def mine(database_url: str, booking_id: str) -> list[tuple]:
    return [row for row in active_rows_with_id(database_url) if row[0] == booking_id]


def active_rows_with_id(database_url: str) -> list[tuple]:
    from staff_api_support import rows

    return rows(database_url, "SELECT public_id, calendar, start FROM booking "
                              "WHERE status = 'active'")


def test_two_moves_of_one_booking_leave_it_at_one_time(servers, database_url):
    one, two = servers
    first = datetime.fromisoformat(first_slot_after(requests.get, one.url, days=3))
    for n in range(ROUNDS):
        base = first + timedelta(days=n)
        booking_id, token = book(one.url, base.isoformat(), who=n)
        targets = [(base + timedelta(hours=2)).isoformat(), (base + timedelta(hours=3)).isoformat()]
        responses = fire([("PATCH", server.url + API + f"/bookings/{booking_id}",
                           {"json": {"start": target}, "headers": auth(token)})
                          for server, target in zip((one, two), targets, strict=True)])
        assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
        assert any(r.status_code == 200 for r in responses)
        left = mine(database_url, booking_id)
        assert len(left) == 1  # exactly one time, never both, never none
    assert overlaps(active_rows(database_url)) == []


def test_a_booking_racing_a_move_into_one_slot_gets_it_once(servers, database_url):
    one, two = servers
    first = datetime.fromisoformat(first_slot_after(requests.get, one.url, days=3))
    results: Counter = Counter()
    for n in range(ROUNDS):
        base = first + timedelta(days=n)
        booking_id, token = book(one.url, base.isoformat(), who=n)
        target = (base + timedelta(hours=2)).isoformat()
        move_first = n % 2 == 0
        calls = [("PATCH", (one if move_first else two).url + API + f"/bookings/{booking_id}",
                  {"json": {"start": target}, "headers": auth(token)}),
                 ("POST", (two if move_first else one).url + API + "/bookings",
                  {"json": booking_body(target, who=100 + n)})]
        moved, booked = fire(calls)
        assert sorted([outcome(moved), outcome(booked)], key=str) in (
            [200, "slot_unavailable"], [201, "slot_unavailable"]), (moved.text, booked.text)
        results[outcome(moved)] += 1
        assert len(mine(database_url, booking_id)) == 1
    rows = active_rows(database_url)
    assert overlaps(rows) == []  # never the mover and the other patient in one slot
    # every mover kept one time; the other patient has one where the booking won
    assert len(rows) == ROUNDS + (ROUNDS - results[200])
