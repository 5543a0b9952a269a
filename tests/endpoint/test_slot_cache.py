"""What the slot route's speed relies on: the cache never serves a slot another
process booked, and the route's query count does not grow with stored bookings."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta

import requests

from endpoint.storage.db import Booking, db

SLOTS = "/api/v1/clinics/fjordlegene/slots?type=konsultasjon&calendar=hansen"


def _starts(response) -> list[str]:
    return [s["start"] for d in response.get_json()["days"] for s in d["slots"]]


def _patient(national_id: str = "15108695088") -> dict:
    return {"id_type": "fnr", "national_id": national_id, "first_name": "Kari",
            "last_name": "Nordmann", "phone": "40612345", "email": "kari@example.no"}


def test_a_booking_in_another_process_is_seen_at_once(make_app, clock, sqlite_url,
                                                      live_server):
    app = make_app(database_url=sqlite_url)
    client = app.test_client()
    before = _starts(client.get(SLOTS))
    assert _starts(client.get(SLOTS)) == before  # served from this process's cache
    assert app.extensions["ledig"].slot_cache.hits >= 1
    target = before[len(before) // 2]

    other = live_server(database_url=sqlite_url)
    body = {"calendar": "hansen", "type": "konsultasjon", "start": target,
            "patient": _patient()}
    created = requests.post(f"{other.url}/api/v1/clinics/fjordlegene/bookings", json=body,
                            timeout=10)
    assert created.status_code == 201, created.text

    after = _starts(client.get(SLOTS))
    assert target not in after
    # only the booked day changes (its later slots may line up after the booking)
    day = target[:10]
    assert [s for s in after if s[:10] != day] == [s for s in before if s[:10] != day]

    token = created.json()["cancel_token"]
    booking_id = created.json()["booking"]["id"]
    cancelled = requests.delete(
        f"{other.url}/api/v1/clinics/fjordlegene/bookings/{booking_id}",
        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    # mid-window, the slot is days away, not within its last 24 h (the cancellation
    # deadline): it is cancelled and comes back
    assert cancelled.status_code == 200, cancelled.text
    assert target in _starts(client.get(SLOTS))


def test_a_booking_in_this_process_invalidates_the_cache(client):
    before = _starts(client.get(SLOTS))
    target = before[5]
    body = {"calendar": "hansen", "type": "konsultasjon", "start": target,
            "patient": _patient()}
    assert client.post("/api/v1/clinics/fjordlegene/bookings", json=body).status_code == 201
    assert target not in _starts(client.get(SLOTS))


def test_a_configuration_change_invalidates_the_cache(client, content_dir):
    before = _starts(client.get(SLOTS))
    path = content_dir / "clinics" / "fjordlegene.yaml"
    path.write_text(path.read_text().replace('{start: "08:00", end: "11:00", '
                                             "types: [konsultasjon, samtale]}",
                                             '{start: "08:00", end: "09:00", '
                                             "types: [konsultasjon, samtale]}"))
    after = _starts(client.get(SLOTS))
    assert len(after) < len(before)


class _Queries(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _queries_for(client, url: str) -> int:
    handler = _Queries()
    logger = logging.getLogger("peewee")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert client.get(url).status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return handler.count


def _store_bookings(n: int, start: datetime) -> None:
    rows = [{"public_id": uuid.uuid4().hex, "clinic": "fjordlegene", "calendar": "berg",
             "type": "kort", "start": (start + timedelta(minutes=10 * i)).replace(tzinfo=None),
             "end": (start + timedelta(minutes=10 * i + 10)).replace(tzinfo=None),
             "status": "cancelled", "patient_key": f"p{i}"} for i in range(n)]
    with db.connection_context(), db.atomic():
        for i in range(0, len(rows), 500):
            Booking.insert_many(rows[i:i + 500]).execute()


def test_query_count_does_not_grow_with_stored_bookings(client, clock):
    # a cold cache each time (the range differs), so the busy query runs too
    few = _queries_for(client, SLOTS + "&from=2026-12-02&to=2026-12-20")
    _store_bookings(3000, clock.at - timedelta(days=200))
    many = _queries_for(client, SLOTS + "&from=2026-12-03&to=2026-12-20")
    warm = _queries_for(client, SLOTS + "&from=2026-12-03&to=2026-12-20")
    assert few == many
    assert 1 <= warm < many  # a warm cache reads only the calendars' generations


# -- per-calendar entries (docs/scale.md: a booking recomputes its own calendar only) -------------

ALL = "/api/v1/clinics/fjordlegene/slots?type=konsultasjon"
BERG = ALL + "&calendar=berg"


def _book(client, start: str, national_id: str = "15108695088") -> None:
    body = {"calendar": "hansen", "type": "konsultasjon", "start": start,
            "patient": _patient(national_id)}
    assert client.post("/api/v1/clinics/fjordlegene/bookings", json=body).status_code == 201


def test_first_available_from_calendar_entries_equals_the_whole_clinic_design(make_app,
                                                                             sqlite_url):
    from bench.before import WholeClinicCache
    from endpoint import state as app_state

    app = make_app(database_url=sqlite_url)
    old = make_app(database_url=sqlite_url)
    app_state.of(old).slot_cache = WholeClinicCache()  # the first design: all at once
    client, reference = app.test_client(), old.test_client()
    for url in (ALL, BERG, SLOTS):
        assert client.get(url).get_json() == reference.get(url).get_json()
    _book(client, _starts(client.get(SLOTS))[3])
    first = client.get(ALL).get_json()
    assert first == reference.get(ALL).get_json()
    assert sum(len(d["slots"]) for d in first["days"]) > 0
    calendars = {s["calendar"] for d in first["days"] for s in d["slots"]}
    assert calendars == {"hansen", "berg"}  # both calendars with this type, merged


def test_a_booking_recomputes_only_its_calendar(client):
    cache = client.application.extensions["ledig"].slot_cache
    client.get(ALL)
    client.get(BERG)
    assert cache.computed == 3  # hansen, berg, sykepleier; berg's entry served BERG
    _book(client, _starts(client.get(SLOTS))[2])  # SLOTS is hansen's: already cached
    computed = cache.computed
    hits = cache.hits
    client.get(BERG)
    assert cache.hits == hits + 1  # berg's bookings did not change
    client.get(ALL)
    assert cache.computed == computed + 1  # only hansen's slots are computed again


def test_a_booking_merges_into_the_plans_compiled_before(client):
    """The schedule's part of a miss is compiled once per configuration version
    (docs/performance.md): a booking's miss reuses it."""
    cache = client.application.extensions["ledig"].slot_cache
    before = _starts(client.get(SLOTS))
    assert cache.plans.compiled == 1  # hansen's konsultasjon over the route's range
    _book(client, before[3])
    misses = cache.misses
    after = _starts(client.get(SLOTS))
    assert cache.misses == misses + 1
    assert before[3] not in after
    assert cache.plans.compiled == 1


def test_a_configuration_change_compiles_new_plans(client, content_dir):
    cache = client.application.extensions["ledig"].slot_cache
    client.get(SLOTS)
    path = content_dir / "clinics" / "fjordlegene.yaml"
    path.write_text(path.read_text().replace('{start: "08:00", end: "11:00", '
                                             "types: [konsultasjon, samtale]}",
                                             '{start: "08:00", end: "09:00", '
                                             "types: [konsultasjon, samtale]}"))
    client.get(SLOTS)
    assert cache.plans.compiled == 2


def test_the_days_are_written_as_compact_json(client):
    """The days' JSON is put together by hand (endpoint/services/slots.py): it is what
    `json.dumps` writes, for every calendar's slots ("first available")."""
    response = client.get(ALL)
    days = response.get_json()["days"]
    assert {s["calendar"] for d in days for s in d["slots"]} == {"hansen", "berg"}
    written = json.dumps(days, ensure_ascii=False, separators=(",", ":"))
    assert f'"days": {written}, "full": ' in response.get_data(as_text=True)
