"""Busy times from real CalDAV servers (docs/sync.md): every case runs against Radicale and
Xandikos, started on loopback with a fresh store (`dav_server`).

The clinic is `timebok` (lege online 08:00–12:00 daily, 20-minute kons, 10 days ahead);
the clock starts Tuesday 2026-12-01 07:00 in Oslo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from dav_support import PASSWORD, USER
from endpoint_support import patient
from staff_api_support import PUBLIC, iso, rows
from support import POLL, write_clinic
from sync_support import event, synced_clinic, vcalendar

from endpoint.sync.refresh import refresh_due

DAY = date(2026, 12, 2)
ENV = "LEDIG_TEST_CALDAV_PW"


def _slots(client, day: date = DAY) -> list[str]:
    r = client.get(f"{PUBLIC}/slots?type=kons&calendar=lege&from={day}&to={day}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return [s["start"][11:16] for d in r.get_json()["days"] for s in d["slots"]]


@pytest.fixture
def synced(make_app, content_dir, dav_server, sqlite_url, monkeypatch):
    """An app whose lege reads a fresh collection of the server; (app, state, url)."""
    monkeypatch.setenv(ENV, PASSWORD)
    url = dav_server.new_calendar()
    write_clinic(content_dir, "timebok", synced_clinic(
        f"{{caldav: '{url}', name: Jobb, username: {USER}, password_env: {ENV}}}"))
    app = make_app(database_url=sqlite_url)
    return app, app.extensions["ledig"], url


def _refresh(state, force: bool = True):
    return refresh_due(state.registry.clinics().values(), state.clock, force=force)


def test_a_busy_event_hides_slots_refuses_a_booking_and_its_removal_brings_them_back(
        synced, dav_server):
    app, state, url = synced
    client = app.test_client()
    assert _refresh(state)["changed"] == 0  # an empty collection: nothing to store
    free = _slots(client)
    assert "09:00" in free
    dav_server.put(url, vcalendar(event("meeting-1", ";TZID=Europe/Oslo:20261202T090000",
                                        ";TZID=Europe/Oslo:20261202T093000")))
    assert _refresh(state)["changed"] == 1
    assert not {"08:50", "09:00", "09:20"} & set(_slots(client))
    refused = client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9, 0), "patient": patient()})
    assert refused.status_code == 409 and refused.get_json()["code"] == "slot_unavailable"

    dav_server.delete(url, "meeting-1")
    assert _refresh(state)["changed"] == 1
    assert _slots(client) == free


def test_recurrence_all_day_transparent_and_floating_events(synced, dav_server, clock):
    app, state, url = synced
    series = vcalendar(
        event("series", ";TZID=Europe/Oslo:20261202T080000", ";TZID=Europe/Oslo:20261202T082000",
              "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Oslo:20261203T080000"),
        event("series", ";TZID=Europe/Oslo:20261204T110000", ";TZID=Europe/Oslo:20261204T112000",
              "RECURRENCE-ID;TZID=Europe/Oslo:20261204T080000"))
    dav_server.put(url, series)
    dav_server.put(url, vcalendar(event("allday", ";VALUE=DATE:20261207",
                                        ";VALUE=DATE:20261208")))
    dav_server.put(url, vcalendar(event("free", ":20261205T090000Z", ":20261205T100000Z",
                                        "TRANSP:TRANSPARENT")))
    dav_server.put(url, vcalendar(event("floating", ":20261206T100000", ":20261206T102000")))
    _refresh(state)
    client = app.test_client()
    assert "08:00" not in _slots(client, date(2026, 12, 2))
    assert "08:00" in _slots(client, date(2026, 12, 3))  # EXDATE
    moved = _slots(client, date(2026, 12, 4))
    assert "08:00" in moved and "11:00" not in moved  # the overridden occurrence
    assert "08:00" not in _slots(client, date(2026, 12, 5))  # the series' last day
    assert "10:00" in _slots(client, date(2026, 12, 5))  # transparent: free
    assert "10:00" not in _slots(client, date(2026, 12, 6))  # floating: Oslo time
    assert _slots(client, date(2026, 12, 7)) == []  # all day
    assert _slots(client, date(2026, 12, 8))


def test_a_weekly_series_across_the_march_dst_change(synced, dav_server, clock):
    app, state, url = synced
    clock.at = datetime(2027, 3, 22, 6, tzinfo=UTC)  # Monday before the change
    dav_server.put(url, vcalendar(event(
        "weekly", ";TZID=Europe/Oslo:20270322T090000", ";TZID=Europe/Oslo:20270322T093000",
        "RRULE:FREQ=WEEKLY")))
    _refresh(state)
    client = app.test_client()
    for day in (date(2027, 3, 22), date(2027, 3, 29)):  # CET, then CEST: 09:00 both
        got = _slots(client, day)
        assert "09:00" not in got and "09:20" not in got and "09:40" in got, day
    (n,), = rows(state.settings.database_url.replace("sqlite:///", "sqlite:///"),
                 "SELECT COUNT(*) FROM sync_busy")
    assert n == 2  # the window ends 10 days ahead


def test_an_unchanged_collection_costs_one_small_request(synced, dav_server, monkeypatch):
    from caldav import Calendar

    app, state, url = synced
    dav_server.put(url, vcalendar(event("e", ":20261202T080000Z", ":20261202T090000Z")))
    assert _refresh(state)["changed"] == 1
    reads = []
    original = Calendar.events
    monkeypatch.setattr(Calendar, "events", lambda self, *a, **k: reads.append(1) or
                        original(self, *a, **k))
    assert _refresh(state)["unchanged"] == 1
    assert reads == []  # the sync token said nothing changed: no events were fetched
    dav_server.put(url, vcalendar(event("e2", ":20261202T100000Z", ":20261202T110000Z")))
    assert _refresh(state)["changed"] == 1
    assert reads == [1]


def test_a_server_that_goes_down_closes_the_calendar_until_it_is_back(
        synced, dav_server, clock):
    app, state, url = synced
    client = app.test_client()
    _refresh(state)
    free = _slots(client)
    assert free
    dav_server.stop()
    try:
        clock.advance(minutes=10)
        assert _refresh(state, force=False)["failed"] == 1
        (error,), = rows(state.settings.database_url, "SELECT last_error FROM sync_source")
        assert error.startswith("unreachable")
        assert _slots(client) == free  # 10 minutes: not stale yet
        clock.advance(minutes=25)
        assert _slots(client) == []
        health = client.get("/healthz").get_json()
        assert health["status"] == "degraded"
        assert [(s["calendar"], s["source"], s["ok"]) for s in health["sync"]] == [
            ("lege", url, False)]
    finally:
        dav_server.start()
    _refresh(state)
    assert _slots(client) == free
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_wrong_credentials_are_the_source_s_error(synced, dav_server, monkeypatch):
    if not dav_server.checks_passwords:
        pytest.skip("Xandikos serves Basic auth only over TLS; its loopback server has none")
    app, state, url = synced
    monkeypatch.setenv(ENV, "not-the-password")
    assert _refresh(state)["failed"] == 1
    (error,), = rows(state.settings.database_url, "SELECT last_error FROM sync_source")
    assert error.startswith("unauthorized")
    assert _slots(app.test_client()) == []  # never synced: closed


def test_a_caldav_server_that_redirects_is_refused_and_the_target_never_asked(
        make_app, content_dir, sqlite_url, monkeypatch):
    # a collection URL that answers every request with a redirect to another host: the
    # client must not follow it (the credentials would go along), and the calendar stays
    # closed; no CalDAV server needed, so this runs once, not per server
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    asked: list[tuple[str, str]] = []  # (server, method)

    def serve(name: str, location: str = "") -> ThreadingHTTPServer:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def answer(self) -> None:
                asked.append((name, self.command))
                self.send_response(301 if location else 207)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_PROPFIND = do_REPORT = do_OPTIONS = answer  # noqa: N815

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs=POLL, daemon=True).start()
        return server

    target = serve("target")
    moved = serve("moved", f"http://localhost:{target.server_address[1]}/cal/")
    try:
        monkeypatch.setenv(ENV, PASSWORD)
        url = f"http://127.0.0.1:{moved.server_address[1]}/cal/"
        write_clinic(content_dir, "timebok", synced_clinic(
            f"{{caldav: '{url}', name: Jobb, username: {USER}, password_env: {ENV}}}"))
        app = make_app(database_url=sqlite_url)
        assert _refresh(app.extensions["ledig"])["failed"] == 1
        (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
        assert error.startswith("redirect_refused")
        assert asked and {server for server, _ in asked} == {"moved"}
        assert _slots(app.test_client()) == []  # never synced: closed
    finally:
        for server in (moved, target):
            server.shutdown()
            server.server_close()
