"""A server killed mid-run (SIGKILL) loses no booking that a patient was told about.

Threads book as fast as they can against a live server; the server is killed
with `kill -9` while requests are in flight, then started again on the same
database. Every booking whose 201 reached its client must be in the database
and still answer to its cancel token, and no two active bookings overlap.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import datetime, timedelta

import requests
from endpoint_support import (
    OSLO,
    SLUG,
    active_rows,
    booking_body,
    booking_ids,
    grenda_yaml,
    overlaps,
)
from support import TEST_START, write_clinic

API = f"/api/v1/clinics/{SLUG}"


def visible_slots(base_url: str) -> list[tuple[str, str]]:
    first = TEST_START.astimezone(OSLO).date() + timedelta(days=2)  # the server's clock
    r = requests.get(f"{base_url}{API}/slots", timeout=10, params={
        "type": "time", "from": first.isoformat(), "to": (first + timedelta(days=6)).isoformat()})
    return [(s["calendar"], s["start"]) for d in r.json()["days"] for s in d["slots"]]


#: bookings told (201) before the kill
WANTED = 25


def problem_code(r: requests.Response) -> str | None:
    try:
        return r.json().get("code")
    except ValueError:  # not JSON
        return None


def book_until_stopped(base_url: str, slots, patients, stop: threading.Event,
                       told: list[dict], refused: list[tuple[str, str]], failures: list[str],
                       enough: threading.Event, seed: int) -> None:
    """Book random slots, each for a new patient: a free slot is 201 (into `told`; `enough`
    is set at the WANTED-th), a taken one 409 slot_unavailable (into `refused`)."""
    rng = random.Random(seed)
    with requests.Session() as session:  # closed: no socket left for the collector
        while not stop.is_set():
            calendar, start = rng.choice(slots)
            try:
                r = session.post(base_url + API + "/bookings", timeout=10,
                                 json=booking_body(start, calendar=calendar, who=next(patients)))
            except requests.RequestException:
                continue  # the server is gone; the client was told nothing
            if r.status_code == 201:
                told.append(r.json())
                if len(told) >= WANTED:
                    enough.set()
            elif (r.status_code, problem_code(r)) == (409, "slot_unavailable"):
                refused.append((calendar, start))
            else:
                failures.append(f"{r.status_code} {r.text[:200]}")


def test_every_booking_a_client_was_told_about_survives_kill_9(live_server, content_dir,
                                                               database_url):
    write_clinic(content_dir, SLUG, grenda_yaml(max_self_booked=2))
    server = live_server(database_url=database_url)
    slots = visible_slots(server.url)
    assert len(slots) > 100
    patients = itertools.count()
    stop, enough, told, refused, failures = threading.Event(), threading.Event(), [], [], []
    threads = [threading.Thread(target=book_until_stopped, daemon=True,
                                args=(server.url, slots, patients, stop, told, refused,
                                      failures, enough, n))
               for n in range(8)]
    for t in threads:
        t.start()
    # until WANTED bookings were told, however slow the machine: the timeout only keeps a
    # stuck run from hanging
    reached = enough.wait(timeout=300)
    server.kill()  # SIGKILL, while requests are in flight
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(15)
    assert failures == []
    assert reached and len(told) >= WANTED, f"only {len(told)} bookings told"

    again = live_server(database_url=database_url)
    stored = booking_ids(database_url)
    missing = [b["booking"]["id"] for b in told if b["booking"]["id"] not in stored]
    assert missing == []
    assert overlaps(active_rows(database_url)) == []
    # the restarted server knows each of them by its token, and can still book
    for data in told[:: max(1, len(told) // 10)]:
        r = requests.get(f"{again.url}{API}/bookings/{data['booking']['id']}", timeout=10,
                         headers={"Authorization": f"Bearer {data['cancel_token']}"})
        assert r.status_code == 200 and r.json()["booking"]["status"] == "active"
    free = visible_slots(again.url)
    taken = {(b["booking"]["calendar"], datetime.fromisoformat(b["booking"]["start"]))
             for b in told}
    free_now = {(c, datetime.fromisoformat(s)) for c, s in free}
    assert not taken & free_now
    # and no client was refused a slot that was free: each refused slot is booked
    assert sorted({(c, datetime.fromisoformat(s)) for c, s in refused} & free_now) == []
    r = requests.post(again.url + API + "/bookings", timeout=10,
                      json=booking_body(free[0][1], calendar=free[0][0], who=next(patients)))
    assert r.status_code == 201
    assert overlaps(active_rows(database_url)) == []
