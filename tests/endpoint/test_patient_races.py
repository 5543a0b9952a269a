"""docs/patients.md under concurrency, on SQLite and PostgreSQL: two `endpoint serve` processes on
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


def test_two_patients_holding_one_slot_at_once_get_one_201_and_one_409(servers,
                                                                         database_url):
    one, two = servers
    first = datetime.fromisoformat(first_slot_after(requests.get, one.url, days=3))
    for n in range(ROUNDS):
        start = (first + timedelta(days=n)).isoformat()
        body = {"calendar": "a", "type": "time", "start": start}
        responses = fire([("POST", server.url + API + "/holds", {"json": body})
                          for server in (one, two)])
        assert sorted(map(outcome, responses), key=str) == [201, "slot_unavailable"], \
            [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 201).json()
        # the other patient cannot book it either; the holder can
        other = requests.post(two.url + API + "/bookings",
                              json=booking_body(start, who=200 + n), timeout=30)
        assert outcome(other) == "slot_unavailable"
        mine_ = requests.post(one.url + API + "/bookings",
                              json=booking_body(start, who=n,
                                                hold_token=winner["hold_token"]), timeout=30)
        assert mine_.status_code == 201, mine_.text
    from staff_api_support import rows

    assert rows(database_url, "SELECT id FROM hold") == []
    assert overlaps(active_rows(database_url)) == []


def test_two_claims_of_one_wait_list_entry_book_once(servers, database_url):
    from endpoint_support import patient

    one, two = servers
    first = datetime.fromisoformat(first_slot_after(requests.get, one.url, days=3))
    last_day = (first + timedelta(days=ROUNDS)).date().isoformat()
    for n in range(ROUNDS):
        base = first + timedelta(days=n)
        r = requests.post(one.url + API + "/waitlist", timeout=30, json={
            "type": "time", "calendar": None, "from": base.date().isoformat(),
            "to": last_day, "patient": patient(300 + n)})
        assert r.status_code == 201, r.text
        entry, token = r.json()["entry"]["id"], r.json()["token"]
        # the same entry claims two different times at once, from both processes
        targets = [base.isoformat(), (base + timedelta(hours=1)).isoformat()]
        responses = fire([("POST", server.url + API + f"/waitlist/{entry}/claim",
                           {"json": {"calendar": "a", "start": target},
                            "headers": auth(token)})
                          for server, target in zip((one, two), targets, strict=True)])
        assert sorted(map(outcome, responses), key=str) == [201, "waitlist_ended"], \
            [r.text for r in responses]
    from staff_api_support import rows

    assert len(active_rows(database_url)) == ROUNDS
    assert rows(database_url, "SELECT COUNT(*) FROM waitlist_entry WHERE status = 'booked'") \
        == [(ROUNDS,)]
