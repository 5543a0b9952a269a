"""The invariants of README.md#storage-and-safety under concurrent requests, on SQLite and
PostgreSQL.

Two `endpoint serve` processes share one database; threads fire at both at
once (a barrier lines them up). Afterwards the database itself is read: never
two active bookings that overlap in one calendar, never more than
`max_self_booked` for one patient — also when one patient books on several
calendars at the same moment.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests
from endpoint_support import (
    SLUG,
    active_rows,
    booking_body,
    first_slot_after,
    grenda_yaml,
    overlaps,
    patient,
)
from support import write_clinic

BOOKINGS = f"/api/v1/clinics/{SLUG}/bookings"


@pytest.fixture
def servers(database_url, live_server, content_dir):
    """Two server processes on one database (each with several threads)."""
    write_clinic(content_dir, SLUG, grenda_yaml(max_self_booked=2))
    return live_server(database_url=database_url), live_server(database_url=database_url)


def fire(requests_to_send: list[tuple[str, dict]]) -> list[requests.Response]:
    """POST every (url, body) from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(requests_to_send))

    def send(item):
        url, body = item
        barrier.wait(timeout=20)
        return requests.post(url, json=body, timeout=30)

    with ThreadPoolExecutor(max_workers=len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def codes(responses) -> Counter:
    return Counter(r.status_code if r.status_code != 409 else r.json()["code"]
                   for r in responses)


def test_fifty_posts_for_one_slot_from_two_processes_book_it_once(servers, database_url):
    one, two = servers
    start = first_slot_after(requests.get, one.url)
    batch = [((one if n % 2 else two).url + BOOKINGS, booking_body(start, who=n))
             for n in range(50)]
    responses = fire(batch)
    assert codes(responses) == Counter({201: 1, "slot_unavailable": 49})
    winner = next(r for r in responses if r.status_code == 201).json()["booking"]
    assert datetime.fromisoformat(winner["start"]) == datetime.fromisoformat(start)
    rows = active_rows(database_url)
    assert len(rows) == 1 and overlaps(rows) == []


def test_one_patient_on_three_calendars_at_once_gets_at_most_two(servers, database_url):
    one, two = servers
    start = datetime.fromisoformat(first_slot_after(requests.get, one.url))
    batch = [((one if (cal + hour) % 2 else two).url + BOOKINGS,
              booking_body(start + timedelta(hours=hour), calendar=cal_id, who=0))
             for cal, cal_id in enumerate("abc") for hour in range(4)]
    responses = fire(batch)
    assert codes(responses) == Counter({201: 2, "max_self_booked": 10})
    rows = active_rows(database_url)
    assert len(rows) == 2 and overlaps(rows) == []


def test_many_patients_racing_for_few_slots_keep_every_invariant(servers, database_url):
    one, two = servers
    start = datetime.fromisoformat(first_slot_after(requests.get, one.url))
    slots = [(cal, start + timedelta(hours=h)) for cal in "abc" for h in range(2)]
    rng = random.Random(7)
    batch = []
    for who in range(8):
        for _ in range(6):
            cal, at = rng.choice(slots)
            body = booking_body(at, calendar=cal, who=who)
            batch.append(((one if len(batch) % 2 else two).url + BOOKINGS, body))
    responses = fire(batch)
    assert set(codes(responses)) <= {201, "slot_unavailable", "max_self_booked"}
    booked = [(b["patient"]["national_id"], r.json()["booking"])
              for (_, b), r in zip(batch, responses, strict=True) if r.status_code == 201]
    per_patient = Counter(who for who, _ in booked)
    assert max(per_patient.values()) <= 2
    rows = active_rows(database_url)
    assert overlaps(rows) == []
    taken = {(b["calendar"], datetime.fromisoformat(b["start"])) for _, b in booked}
    assert len(rows) == len(booked) == len(taken)
    # a slot left free was refused only to patients who already had their two
    for (_, body), r in zip(batch, responses, strict=True):
        if (body["calendar"], datetime.fromisoformat(body["start"])) not in taken:
            assert r.json()["code"] == "max_self_booked"
            assert per_patient[body["patient"]["national_id"]] == 2


def test_the_helper_sees_an_overlap():
    """`overlaps` is what the tests above trust: it must find one when there is one."""
    t = datetime(2026, 12, 3, 9)
    rows = [("a", t, t + timedelta(hours=1)), ("a", t + timedelta(minutes=30),
                                               t + timedelta(hours=2)),
            ("b", t, t + timedelta(hours=1))]
    assert overlaps(rows) == [("a", *rows[0][1:], *rows[1][1:])]
    assert overlaps(rows[:1] + rows[2:]) == []
    assert patient(1)["national_id"] != patient(2)["national_id"]
