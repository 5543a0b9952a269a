"""What staff see of calendar sync (docs/sync.md): busy times on the day and week views and in
the staff API's day, a booking under a busy time that appeared later as a conflict, and a
warning naming a failing source and since when; `sitegen check --database` says it too."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from staff_api_support import API, PASSWORD, SLUG, STAFF, add_staff, iso, rows, staff_body
from support import staff_login, write_clinic
from sync_support import IcsServer, event, synced_clinic, vcalendar

from endpoint.sync.refresh import refresh_due

DAY = date(2026, 12, 2)
BUSY = event("epj-1", ";TZID=Europe/Oslo:20261202T090000", ";TZID=Europe/Oslo:20261202T100000")


@pytest.fixture
def ics():
    server = IcsServer()
    yield server
    server.close()


@pytest.fixture
def synced(make_app, content_dir, ics, sqlite_url):
    ics.files["/lege.ics"] = vcalendar(BUSY)
    write_clinic(content_dir, SLUG, synced_clinic(f"{{ics: '{ics.url}/lege.ics', name: EPJ}}"))
    add_staff(sqlite_url)
    app = make_app(database_url=sqlite_url)
    state = app.extensions["ledig"]
    return app, state


def _refresh(state, force: bool = True):
    return refresh_due(state.registry.clinics().values(), state.clock, force=force)


def test_the_staff_day_lists_imported_busy_times_with_their_source(synced):
    app, state = synced
    _refresh(state)
    client = app.test_client()
    day = client.get(f"{API}/day?date={DAY}", headers=STAFF).get_json()
    lege = next(c for c in day["calendars"] if c["id"] == "lege")
    assert lege["busy"] == [{"start": "2026-12-02T09:00:00+01:00",
                             "end": "2026-12-02T10:00:00+01:00", "source": "EPJ"}]


def test_a_busy_time_that_appears_over_a_booking_is_a_conflict(synced, ics, sqlite_url):
    app, state = synced
    ics.files["/lege.ics"] = vcalendar()
    _refresh(state)
    client = app.test_client()
    made = client.post(f"{API}/bookings", json=staff_body(iso(DAY, 9, 20)), headers=STAFF)
    assert made.status_code == 201
    booking_id = made.get_json()["booking"]["id"]
    assert client.get(f"{API}/conflicts", headers=STAFF).get_json() == {"conflicts": []}
    ics.files["/lege.ics"] = vcalendar(BUSY)  # the EHR booked the practitioner since
    _refresh(state)
    listed = client.get(f"{API}/conflicts", headers=STAFF).get_json()["conflicts"]
    assert [(c["booking"]["id"], c["reason"]) for c in listed] == [(booking_id, "busy_time")]
    assert listed[0]["message"] == "En opptatt tid fra en annen kalender overlapper timen."
    assert rows(sqlite_url, "SELECT conflicts FROM sync_source") == [(1,)]
    assert client.get("/healthz").get_json()["conflicts"] == 1


def test_the_day_and_week_pages_show_busy_boxes_and_a_failing_source(synced, ics, clock):
    app, state = synced
    _refresh(state)
    client = app.test_client()
    staff_login(client, SLUG, "kari", PASSWORD)
    page = BeautifulSoup(client.get(f"/staff/{SLUG}/calendar?date={DAY}").data, "html.parser")
    boxes = page.select(".busy")
    assert [b.get_text(" ", strip=True) for b in boxes] == ["09:00–10:00 Opptatt (EPJ)"]
    assert not page.select(".notice--sync")
    week = BeautifulSoup(client.get(f"/staff/{SLUG}/week?date={DAY}").data, "html.parser")
    assert [b.get_text(" ", strip=True) for b in week.select(".wk-wide .wk__busy")] == [
        "Opptatt: 09:00–10:00 EPJ"]

    ics.mode = "500"
    clock.advance(minutes=40)
    _refresh(state, force=False)
    staff_login(client, SLUG, "kari", PASSWORD)  # the session timed out meanwhile
    for path in (f"/staff/{SLUG}/calendar?date={DAY}", f"/staff/{SLUG}/week?date={DAY}"):
        page = BeautifulSoup(client.get(path).data, "html.parser")
        (warning,) = page.select(".notice--sync")
        text = warning.get_text(" ", strip=True)
        assert "«EPJ»" in text and "Dr. Lege" in text, text
        assert "1. desember 2026 kl. 07:00" in text and "stengt" in text, text


def test_sitegen_check_names_a_stale_source(synced, ics, sqlite_url, content_dir, capsys,
                                            clock):
    from sitegen.cli import main

    app, state = synced
    assert main(["check", "--content", str(content_dir), "--database", sqlite_url],
                now=clock.now()) == 0
    out = capsys.readouterr().out
    assert "no    sync Dr. Lege <- EPJ: never read; Dr. Lege offers no online times" in out
