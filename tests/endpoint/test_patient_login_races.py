"""Logged-in patients under concurrency (README.md#storage-and-safety and docs/patient-login.md),
on SQLite and PostgreSQL.

Two `endpoint serve` processes share one database and the test OpenID provider; the
patients log in through one of them and book with their sessions through both at the
same moment (a barrier lines the threads up): one slot is booked once, one patient on
three calendars gets at most `max_self_booked`, and a login's `state` serves once even
when its callback arrives twice at once.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest
import requests
from endpoint_support import SLUG, active_rows, first_slot_after, fnr, grenda_yaml, overlaps
from oidc_support import ACR, patient_login_yaml
from support import write_clinic

BOOKINGS = f"/api/v1/clinics/{SLUG}/bookings"
PAGE = "https://pages.grenda.example/booking/grenda/"


@pytest.fixture
def servers(database_url, live_server, content_dir, oidc_provider):
    write_clinic(content_dir, SLUG, grenda_yaml(max_self_booked=2)
                 + patient_login_yaml(oidc_provider.issuer))
    return live_server(database_url=database_url), live_server(database_url=database_url)


def callback(server, provider, pid: str) -> str:
    """Log in up to the provider's redirect: the callback's path and query on `server`."""
    sub = provider.user(f"race-{pid}-{uuid.uuid4().hex}", pid=pid, acr=ACR,
                        given_name="Kari", family_name="Nordmann")
    r = requests.get(f"{server.url}/patient/{SLUG}/login?next={quote(PAGE, safe='')}",
                     allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    back = urlsplit(provider.authorize(r.headers["Location"], sub))
    return f"{server.url}{back.path}?{back.query}"


def login(server, provider, pid: str) -> str:
    r = requests.get(callback(server, provider, pid), allow_redirects=False, timeout=10)
    assert r.status_code == 303, r.text
    return urlsplit(r.headers["Location"]).fragment.removeprefix("session=")


def fire(calls) -> list[requests.Response]:
    """Every (method, url, kwargs) from its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        method, url, kwargs = call
        barrier.wait(timeout=20)
        return requests.request(method, url, timeout=30, **kwargs)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def body(start: str, calendar: str = "a") -> dict:
    return {"calendar": calendar, "type": "time", "start": start,
            "patient": {"phone": "40612345", "email": "kari@example.no"}}


def codes(responses) -> Counter:
    return Counter(r.status_code if r.status_code != 409 else r.json()["code"]
                   for r in responses)


def test_patients_racing_with_sessions_for_one_slot_book_it_once(servers, oidc_provider,
                                                                database_url):
    one, two = servers
    tokens = [login(one if n % 2 else two, oidc_provider, fnr(300 + n)) for n in range(8)]
    start = first_slot_after(requests.get, one.url)
    responses = fire([("POST", (one if n % 2 else two).url + BOOKINGS,
                       {"json": body(start), "headers": {"Authorization": f"Bearer {t}"}})
                      for n, t in enumerate(tokens)])
    assert codes(responses) == Counter({201: 1, "slot_unavailable": 7})
    rows = active_rows(database_url)
    assert len(rows) == 1 and overlaps(rows) == []


def test_one_logged_in_patient_on_three_calendars_at_once_gets_at_most_two(
        servers, oidc_provider, database_url):
    one, two = servers
    token = login(one, oidc_provider, fnr(320))
    start = datetime.fromisoformat(first_slot_after(requests.get, one.url))
    responses = fire([("POST", (one if (c + h) % 2 else two).url + BOOKINGS,
                       {"json": body((start + timedelta(hours=h)).isoformat(), cal),
                        "headers": {"Authorization": f"Bearer {token}"}})
                      for c, cal in enumerate("abc") for h in range(3)])
    assert codes(responses) == Counter({201: 2, "max_self_booked": 7})
    rows = active_rows(database_url)
    assert len(rows) == 2 and overlaps(rows) == []


def test_a_callback_arriving_twice_at_once_opens_one_session(servers, oidc_provider):
    one, two = servers
    url = callback(one, oidc_provider, fnr(330))
    other = url.replace(one.url, two.url)
    responses = fire([("GET", u, {"allow_redirects": False}) for u in (url, other) * 3])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == Counter({303: 1, 401: 5})
    assert all(r.json()["reason"] == "state" for r in responses if r.status_code == 401)
