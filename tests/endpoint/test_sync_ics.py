"""Busy times from an ICS URL (docs/sync.md), end to end on a real HTTP server: they hide
slots and refuse bookings, a refresh that changed nothing costs a 304, and a source that
fails closes its calendar for online booking once it is stale — and only that calendar."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from endpoint_support import patient
from staff_api_support import PUBLIC, STAFF, add_staff, iso, rows, staff_body
from support import write_clinic
from sync_support import IcsServer, event, synced_clinic, vcalendar

from endpoint.sync.refresh import refresh_due

DAY = date(2026, 12, 2)  # Wednesday; the clock is Tuesday 07:00 in Oslo
SLOTS = f"{PUBLIC}/slots?type=kons&calendar=lege&from={DAY}&to={DAY}"
BUSY = event("epj-1", ";TZID=Europe/Oslo:20261202T090000", ";TZID=Europe/Oslo:20261202T100000")


@pytest.fixture
def ics():
    server = IcsServer()
    yield server
    server.close()


def _starts(client, url: str = SLOTS) -> list[str]:
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    return [s["start"][11:16] for d in r.get_json()["days"] for s in d["slots"]]


def _app(make_app, content_dir, ics, database_url, clinic_sync: str = ""):
    write_clinic(content_dir, "timebok",
                 synced_clinic(f"{{ics: '{ics.url}/lege.ics', name: EPJ}}",
                               clinic_sync=clinic_sync))
    app = make_app(database_url=database_url)
    return app, app.extensions["ledig"]


def _refresh(state, force: bool = True):
    return refresh_due(state.registry.clinics().values(), state.clock, force=force)


def _book(client, start: str, who: int = 0):
    return client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": start, "patient": patient(who)})


def test_a_busy_time_hides_slots_refuses_bookings_and_leaves_when_removed(
        make_app, content_dir, ics, database_url):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    app, state = _app(make_app, content_dir, ics, database_url)
    client = app.test_client()
    assert _starts(client) == []  # never synced: fail closed
    assert _refresh(state)["changed"] == 1
    starts = _starts(client)
    assert "08:40" in starts and "10:00" in starts
    assert not {"08:50", "09:00", "09:20", "09:40"} & set(starts)  # 20-minute slots
    refused = _book(client, iso(DAY, 9, 20))
    assert refused.status_code == 409 and refused.get_json()["code"] == "slot_unavailable"
    assert _book(client, iso(DAY, 10, 0)).status_code == 201

    ics.files["/lege.ics"] = vcalendar()
    assert _refresh(state)["changed"] == 1
    assert "09:20" in _starts(client)
    assert rows(database_url, "SELECT COUNT(*) FROM sync_busy") == [(0,)]


def test_an_unchanged_feed_is_a_conditional_get_that_stores_nothing(
        make_app, content_dir, ics, sqlite_url, clock):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    app, state = _app(make_app, content_dir, ics, sqlite_url)
    assert _refresh(state)["changed"] == 1
    generation = rows(sqlite_url, "SELECT generation FROM calendar_state "
                                  "WHERE calendar = 'lege'")
    assert _refresh(state)["unchanged"] == 1
    assert ics.statuses("/lege.ics") == [200, 304]
    # nothing written: the slot cache of the calendar stays valid
    assert rows(sqlite_url, "SELECT generation FROM calendar_state "
                            "WHERE calendar = 'lege'") == generation
    # not due yet: no request at all
    clock.advance(minutes=2)
    assert _refresh(state, force=False)["not_due"] == 1
    assert len(ics.statuses("/lege.ics")) == 2
    clock.advance(minutes=4)
    assert _refresh(state, force=False)["unchanged"] == 1


def test_a_failing_source_closes_its_calendar_once_stale_and_staff_still_book(
        make_app, content_dir, ics, database_url, clock, caplog):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    app, state = _app(make_app, content_dir, ics, database_url,
                      clinic_sync="{refresh_minutes: 5, stale_after_minutes: 30}")
    add_staff(database_url)
    client = app.test_client()
    _refresh(state)
    before = _starts(client)
    assert before
    ics.mode = "500"
    clock.advance(minutes=6)
    with caplog.at_level(logging.WARNING, logger="ledig.sync"):
        assert _refresh(state, force=False)["failed"] == 1
    assert "http_500" in caplog.text and "lege.ics" not in caplog.text
    assert _starts(client) == before  # still fresh: the last good read holds
    assert "09:20" not in before  # and its busy time still blocks

    clock.advance(minutes=25)  # 31 minutes since the last good read
    assert _starts(client) == []
    refused = _book(client, iso(DAY, 10, 0))
    assert refused.status_code == 409 and refused.get_json()["code"] == "slot_unavailable"
    vikar = f"{PUBLIC}/slots?type=kons&from={DAY}&to={DAY}"
    assert _starts(client, vikar) == []  # lege is the only online calendar
    # staff still book the calendar (they see the warning on their pages)
    made = client.post("/api/v1/staff/timebok/bookings", json=staff_body(iso(DAY, 10, 0)),
                       headers=STAFF)
    assert made.status_code == 201, made.get_data(as_text=True)
    # …but never over a busy time the source reported
    over = client.post("/api/v1/staff/timebok/bookings", json=staff_body(iso(DAY, 9, 0), who=1),
                       headers=STAFF)
    assert over.status_code == 409

    ics.mode = "ok"
    clock.advance(minutes=6)
    _refresh(state, force=False)
    assert "10:20" in _starts(client)


def test_other_calendars_are_unaffected_by_a_stale_source(make_app, content_dir, ics,
                                                          sqlite_url):
    text = synced_clinic(f"{{ics: '{ics.url}/lege.ics'}}").replace(
        "    name: Vikar\n    online: false\n", "    name: Vikar\n    online: true\n")
    write_clinic(content_dir, "timebok", text)
    client = make_app(database_url=sqlite_url).test_client()
    both = f"{PUBLIC}/slots?type=kons&from={DAY}&to={DAY}"
    r = client.get(both).get_json()
    calendars = {s["calendar"] for d in r["days"] for s in d["slots"]}
    assert calendars == {"vikar"}  # lege never synced; vikar has no sources


def test_a_malformed_feed_is_that_source_s_error_and_keeps_its_old_busy_times(
        make_app, content_dir, ics, sqlite_url, caplog):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    app, state = _app(make_app, content_dir, ics, sqlite_url)
    _refresh(state)
    for junk in (b"this is not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\n",
                 vcalendar("UID:x\r\nDTSTART:20261202T090000Z\r\nRRULE:FREQ=BOGUS")):
        ics.files["/lege.ics"] = junk
        with caplog.at_level(logging.WARNING, logger="ledig.sync"):
            assert _refresh(state)["failed"] == 1
    assert "malformed" in caplog.text
    (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
    assert error.startswith("malformed")
    assert rows(sqlite_url, "SELECT COUNT(*) FROM sync_busy") == [(1,)]
    assert "09:20" not in _starts(app.test_client())


def test_a_redirect_to_another_host_is_refused(make_app, content_dir, ics, sqlite_url):
    other = IcsServer()
    try:
        other.files["/lege.ics"] = vcalendar(BUSY)
        ics.mode = "redirect"
        ics.redirect_to = other.url.replace("127.0.0.1", "localhost") + "/lege.ics"
        app, state = _app(make_app, content_dir, ics, sqlite_url)
        assert _refresh(state)["failed"] == 1
        assert other.answers == []
        (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
        assert error.startswith("redirect_refused")
    finally:
        other.close()


def test_a_hanging_source_times_out_as_a_failure(make_app, content_dir, ics, sqlite_url,
                                                monkeypatch):
    from endpoint.sync import fetch

    monkeypatch.setattr(fetch, "TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(fetch.fetch, "__kwdefaults__",
                        {**fetch.fetch.__kwdefaults__, "timeout": 0.3})
    ics.files["/lege.ics"] = vcalendar(BUSY)
    ics.mode, ics.hang_seconds = "hang", 1.5
    app, state = _app(make_app, content_dir, ics, sqlite_url)
    assert _refresh(state)["failed"] == 1
    (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
    assert error.startswith("timeout")


def test_wrong_credentials_are_an_unauthorized_source(make_app, content_dir, ics, sqlite_url,
                                                      monkeypatch):
    import base64

    ics.files["/lege.ics"] = vcalendar(BUSY)
    ics.auth["/lege.ics"] = "Basic " + base64.b64encode(b"hansen:right").decode()
    write_clinic(content_dir, "timebok", synced_clinic(
        f"{{ics: '{ics.url}/lege.ics', username: hansen, password_env: LEDIG_TEST_ICS_PW}}"))
    app = make_app(database_url=sqlite_url)
    state = app.extensions["ledig"]
    monkeypatch.setenv("LEDIG_TEST_ICS_PW", "wrong")
    assert _refresh(state)["failed"] == 1
    (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
    assert error.startswith("unauthorized")
    monkeypatch.setenv("LEDIG_TEST_ICS_PW", "right")
    assert _refresh(state)["changed"] == 1
    monkeypatch.delenv("LEDIG_TEST_ICS_PW")
    assert _refresh(state)["failed"] == 1
    (error,), = rows(sqlite_url, "SELECT last_error FROM sync_source")
    assert error.startswith("password_missing")


def test_two_refreshers_never_read_one_source_twice(make_app, content_dir, ics,
                                                    database_url):
    """Several threads (standing in for processes on one database) refresh at once: each
    due source is claimed by exactly one of them."""
    import threading

    ics.files["/lege.ics"] = vcalendar(BUSY)
    ics.hang_seconds = 0.3
    ics.mode = "hang"  # a slow source keeps the first claim busy while the others try
    app, state = _app(make_app, content_dir, ics, database_url)
    clinics = list(state.registry.clinics().values())
    barrier = threading.Barrier(4)
    outcomes = []

    def run():
        barrier.wait()
        outcomes.append(refresh_due(clinics, state.clock))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(ics.statuses("/lege.ics")) == 1
    assert sum(o["changed"] for o in outcomes) == 1
    assert sum(o["not_due"] for o in outcomes) == 3


def test_the_sync_command_reads_every_source_once(content_dir, ics, sqlite_url, capsys,
                                                  clock):
    from endpoint.cli import main

    ics.files["/lege.ics"] = vcalendar(BUSY)
    write_clinic(content_dir, "timebok", synced_clinic(f"{{ics: '{ics.url}/lege.ics'}}"))
    args = ["sync", "--once", "--content", str(content_dir), "--database", sqlite_url]
    assert main(args, clock) == 0
    assert capsys.readouterr().out.strip() == "changed 1"
    assert main(args, clock) == 0
    assert capsys.readouterr().out.strip() == "unchanged 1"
    assert rows(sqlite_url, "SELECT COUNT(*) FROM sync_busy") == [(1,)]
    ics.mode = "500"
    assert main(args, clock) == 1
    assert capsys.readouterr().out.strip() == "failed 1"


def test_two_sync_processes_read_a_source_once(content_dir, ics, database_url, tmp_path,
                                               clock):
    """Two `endpoint sync --once` processes on one database at the same moment: the source
    is claimed in the database, so only one of them reads it."""
    import os
    import subprocess

    from support import TEST_DATA_KEY, clocked

    from endpoint.storage.crypto import Keyring
    from endpoint.storage.migrations import open_and_migrate

    ics.files["/lege.ics"] = vcalendar(BUSY)
    # the reader that claimed the source is held until the other has seen the claim and
    # exited, so the two overlap however slowly the processes start
    ics.mode, ics.hang_seconds = "hang", 60.0
    write_clinic(content_dir, "timebok", synced_clinic(f"{{ics: '{ics.url}/lege.ics'}}"))
    open_and_migrate(database_url, Keyring.from_text(TEST_DATA_KEY))  # the schema is in place
    env = {**os.environ, "LEDIG_VAR": str(tmp_path / "var")}
    args = clocked(clock.now(), "endpoint", "sync", "--once", "--content", str(content_dir),
                   "--database", database_url)
    procs = [subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    first = wait_for_exit(procs)
    ics.release.set()
    outputs = [first.communicate(timeout=60)[0].strip()]
    outputs += [p.communicate(timeout=60)[0].strip() for p in procs if p is not first]
    assert outputs == ["not_due 1", "changed 1"], outputs
    assert len(ics.statuses("/lege.ics")) == 1


def wait_for_exit(procs, timeout: float = 60):
    """The first of `procs` to exit (polled: a process is waited for, not a time)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                return p
        time.sleep(0.02)
    raise AssertionError("neither sync process exited")


def test_a_stale_calendar_takes_no_hold_and_no_patient_move(make_app, content_dir, ics,
                                                             database_url, clock):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    app, state = _app(make_app, content_dir, ics, database_url,
                      clinic_sync="{refresh_minutes: 5, stale_after_minutes: 30}")
    client = app.test_client()
    hold = {"calendar": "lege", "type": "kons", "start": iso(DAY, 10, 0)}
    never = client.post(f"{PUBLIC}/holds", json=hold)  # never synced: closed
    assert never.status_code == 409 and never.get_json()["code"] == "slot_unavailable"
    _refresh(state)
    made = _book(client, iso(DAY, 10, 0))
    assert made.status_code == 201, made.get_data(as_text=True)
    booking, token = made.get_json()["booking"], made.get_json()["cancel_token"]
    ics.mode = "500"
    clock.advance(minutes=31)  # the source has not been read for longer than 30 minutes
    _refresh(state, force=False)
    moved = client.patch(f"{PUBLIC}/bookings/{booking['id']}", json={"start": iso(DAY, 11, 0)},
                         headers={"Authorization": f"Bearer {token}"})
    assert moved.status_code == 409 and moved.get_json()["code"] == "slot_unavailable"
    held = client.post(f"{PUBLIC}/holds", json={**hold, "start": iso(DAY, 11, 0)})
    assert held.status_code == 409
    # the booking stayed where it was
    assert rows(database_url, "SELECT start FROM booking WHERE public_id = ?",
                (booking["id"],))[0][0] is not None
    ics.mode = "ok"
    clock.advance(minutes=6)
    _refresh(state, force=False)
    again = client.patch(f"{PUBLIC}/bookings/{booking['id']}", json={"start": iso(DAY, 11, 0)},
                         headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200, again.get_data(as_text=True)
