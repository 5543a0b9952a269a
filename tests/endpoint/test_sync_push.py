"""Bookings pushed into a CalDAV collection (docs/sync.md `sync.push`), on real Radicale and
Xandikos: created on booking, updated on a move (same UID, higher SEQUENCE), removed on
cancellation, through the outbox (a server down delays the event, never the booking),
with no attendees, the least detail by default, and never read back as busy time."""

from __future__ import annotations

from datetime import date

import icalendar
from dav_support import PASSWORD, USER
from endpoint_support import patient
from staff_api_support import API, PUBLIC, STAFF, add_staff, iso, opened_rows, rows
from support import write_clinic
from sync_support import synced_clinic

from endpoint.features import senders_of
from endpoint.notify.outbox import run_once
from endpoint.sync.refresh import refresh_due

DAY = date(2026, 12, 2)
ENV = "LEDIG_TEST_PUSH_PW"


def _events(dav_server, url: str) -> list:
    out = []
    for text in dav_server.events(url):
        cal = icalendar.Calendar.from_ical(text)
        out += [c for c in cal.walk("VEVENT")]
    return out


def _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch, *, detail="minimal",
           also_busy=False):
    monkeypatch.setenv(ENV, PASSWORD)
    url = dav_server.new_calendar()
    target = f"{{caldav: '{url}', username: {USER}, password_env: {ENV}, detail: {detail}}}"
    sources = ([f"{{caldav: '{url}', username: {USER}, password_env: {ENV}}}"]
               if also_busy else [])
    write_clinic(content_dir, "timebok", synced_clinic(*sources, push=target))
    add_staff(sqlite_url)
    app = make_app(database_url=sqlite_url)
    return app, app.extensions["ledig"], url


def _deliver(state):
    return run_once(state.settings, state.clock, senders=senders_of(state.features))


def test_a_booking_is_created_moved_and_removed_in_the_push_collection(
        make_app, content_dir, dav_server, sqlite_url, monkeypatch):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch)
    client = app.test_client()
    made = client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
    assert made.status_code == 201
    booking_id = made.get_json()["booking"]["id"]
    assert _deliver(state)["sent"] >= 1
    (ev,) = _events(dav_server, url)
    assert str(ev["UID"]) == f"{booking_id}@timebok.ledig"
    assert str(ev["SUMMARY"]) == "Opptatt"  # the least detail: no name, no type
    assert "DESCRIPTION" not in ev and "ATTENDEE" not in ev and "ORGANIZER" not in ev
    assert ev["DTSTART"].dt.isoformat() == "2026-12-02T08:00:00+00:00"
    assert int(ev.get("SEQUENCE", 0)) == 0

    moved = client.patch(f"{API}/bookings/{booking_id}", json={"start": iso(DAY, 10, 0)},
                         headers=STAFF)
    assert moved.status_code == 200, moved.get_data(as_text=True)
    _deliver(state)
    (ev,) = _events(dav_server, url)
    assert str(ev["UID"]) == f"{booking_id}@timebok.ledig"
    assert int(ev["SEQUENCE"]) == 1
    assert ev["DTSTART"].dt.isoformat() == "2026-12-02T09:00:00+00:00"

    cancelled = client.post(f"{API}/bookings/{booking_id}/cancel",
                            json={"reason": "", "initiated_by": "patient"}, headers=STAFF)
    assert cancelled.status_code == 200, cancelled.get_data(as_text=True)
    _deliver(state)
    assert _events(dav_server, url) == []


def test_a_server_down_delays_the_event_never_the_booking(
        make_app, content_dir, dav_server, sqlite_url, monkeypatch, clock):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch)
    client = app.test_client()
    dav_server.stop()
    try:
        made = client.post(f"{PUBLIC}/bookings", json={
            "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
        assert made.status_code == 201
        assert _deliver(state)["retry"] >= 1
        (status, error), = opened_rows(sqlite_url, "outbox", ("status", "last_error"),
                                       "SELECT status, last_error FROM outbox "
                                       "WHERE kind = 'calendar_push'")
        assert status == "pending" and error.startswith("unreachable")
    finally:
        dav_server.start()
    clock.advance(minutes=1)
    assert _deliver(state)["sent"] >= 1
    assert len(_events(dav_server, url)) == 1


def test_an_old_put_retried_after_a_cancellation_does_not_bring_the_event_back(
        make_app, content_dir, dav_server, sqlite_url, monkeypatch, clock):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch)
    client = app.test_client()
    dav_server.stop()
    try:
        made = client.post(f"{API}/bookings", json={
            "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0),
            "patient": patient(), "notify": False}, headers=STAFF)
        booking_id = made.get_json()["booking"]["id"]
        _deliver(state)  # the put fails and waits for its back-off
        client.post(f"{API}/bookings/{booking_id}/cancel",
                    json={"reason": "", "initiated_by": "patient", "notify": False},
                    headers=STAFF)
    finally:
        dav_server.start()
    clock.advance(minutes=5)
    _deliver(state)
    assert _events(dav_server, url) == []
    assert opened_rows(sqlite_url, "outbox", ("subject", "status"),
                       "SELECT subject, status FROM outbox WHERE kind = 'calendar_push' "
                       "ORDER BY id") == [("put", "cancelled"), ("delete", "sent")]


def test_full_detail_names_the_patient_and_the_type(make_app, content_dir, dav_server,
                                                     sqlite_url, monkeypatch):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch,
                             detail="full")
    client = app.test_client()
    client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
    _deliver(state)
    (ev,) = _events(dav_server, url)
    assert str(ev["SUMMARY"]) == "Kari Nordmann: Konsultasjon"


def test_pushed_events_are_never_read_back_as_busy(make_app, content_dir, dav_server,
                                                   sqlite_url, monkeypatch):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch,
                             also_busy=True)
    client = app.test_client()
    refresh_due(state.registry.clinics().values(), state.clock, force=True)
    made = client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
    assert made.status_code == 201
    _deliver(state)
    assert len(_events(dav_server, url)) == 1
    refresh_due(state.registry.clinics().values(), state.clock, force=True)
    assert rows(sqlite_url, "SELECT COUNT(*) FROM sync_busy") == [(0,)]
    assert rows(sqlite_url, "SELECT conflicts FROM sync_source") == [(0,)]


def test_no_invitation_goes_out(make_app, content_dir, dav_server, sqlite_url,
                                monkeypatch):
    app, state, url = _setup(make_app, content_dir, dav_server, sqlite_url, monkeypatch)
    client = app.test_client()
    client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
    _deliver(state)
    text = "".join(dav_server.events(url))
    assert "ATTENDEE" not in text and "ORGANIZER" not in text and "METHOD:" not in text
    assert "kari@example.no" not in text and "Nordmann" not in text
