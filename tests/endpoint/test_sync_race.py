"""A refresh that adds a busy time races a booking into the same slot (docs/sync.md, on SQLite
and PostgreSQL).

The guarantee: a booking commits only if no imported busy time of its calendar
overlaps it *inside its transaction*; a refresh stores its busy times under the
same calendar lock and counts the active bookings it finds beneath them
(`sync_source.conflicts`, which staff see as conflicts). So whatever the order,
every active booking under a busy time was committed before that busy time, and
the refresh that stored it counted it: the overlaps the test finds itself always
equal the refresh's count. A booking that slipped in after the refresh without
re-checking would make them differ.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from endpoint_support import patient
from staff_api_support import PUBLIC, at, rows
from support import write_clinic
from sync_support import IcsServer, event, synced_clinic, vcalendar

from endpoint.sync.refresh import refresh_due

FIRST = date(2026, 12, 2)


def _ics_time(day: date, hour: int, minute: int) -> str:
    return f";TZID=Europe/Oslo:{day:%Y%m%d}T{hour:02d}{minute:02d}00"


def _overlapping(database_url: str) -> int:
    (n,), = rows(database_url, 'SELECT COUNT(DISTINCT b.id) FROM booking b JOIN sync_busy s '
                 'ON s.calendar = b.calendar AND s.start < b."end" AND s."end" > b.start '
                 "WHERE b.status = 'active'")
    return int(n)


def test_a_refresh_racing_a_booking_never_leaves_an_uncounted_overlap(
        make_app, content_dir, database_url):
    ics = IcsServer()
    try:
        write_clinic(content_dir, "timebok", synced_clinic(f"{{ics: '{ics.url}/lege.ics'}}"))
        app = make_app(database_url=database_url, max_body_bytes=64 * 1024)
        state = app.extensions["ledig"]
        clinics = state.registry.clinics().values()
        ics.files["/lege.ics"] = vcalendar()
        refresh_due(clinics, state.clock, force=True)
        events: list[str] = []
        outcomes = {"booked": 0, "refused": 0}
        for i in range(16):
            day = FIRST + timedelta(days=i % 8)
            hour, minute = 8 + (i // 8), 0
            events.append(event(f"e{i}", _ics_time(day, hour, minute),
                                _ics_time(day, hour, minute + 30)))
            ics.files["/lege.ics"] = vcalendar(*events)
            barrier = threading.Barrier(2)
            answers: list[int] = []
            codes: list[str] = []

            def book(day=day, hour=hour, who=i, barrier=barrier, answers=answers, codes=codes):
                client = app.test_client()
                barrier.wait()
                time.sleep((who % 4) * 0.02)  # vary who goes first: both orders must hold
                r = client.post(f"{PUBLIC}/bookings", json={
                    "calendar": "lege", "type": "kons",
                    "start": at(day, hour, 0).isoformat(), "patient": patient(who)})
                answers.append(r.status_code)
                codes.append((r.get_json() or {}).get("code", ""))

            def refresh(barrier=barrier):
                barrier.wait()
                refresh_due(clinics, state.clock, force=True)

            threads = [threading.Thread(target=book), threading.Thread(target=refresh)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert answers and answers[0] in (201, 409), (answers, codes)
            assert answers[0] == 201 or codes == ["slot_unavailable"], codes
            outcomes["booked" if answers[0] == 201 else "refused"] += 1
            (conflicts,), = rows(database_url, "SELECT conflicts FROM sync_source")
            assert _overlapping(database_url) == conflicts, (i, answers)
        # both orders happened: the re-check in the booking's transaction was met, and a
        # booking made before its busy time was counted
        assert outcomes["refused"] >= 1 and outcomes["booked"] >= 1, outcomes
    finally:
        ics.close()
