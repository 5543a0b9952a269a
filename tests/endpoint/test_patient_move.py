"""The patient moves their own booking (docs/patients.md), route by route and code by code, on
SQLite and PostgreSQL, with the fixed `clock` (Tuesday 2026-12-01 07:00 in Oslo)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from endpoint_support import SLUG, booking_body, local
from patient_support import API, auth, patient_yaml, problem
from staff_api_support import opened_rows, rows
from support import write_clinic

DAY = date(2026, 12, 3)  # two days ahead: outside the 24-hour cancellation deadline


@pytest.fixture
def client(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml())
    return make_app(database_url=database_url).test_client()


def book(client, start: datetime, **kw) -> tuple[str, str]:
    r = client.post(f"{API}/bookings", json=booking_body(start, **kw))
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["booking"]["id"], r.get_json()["cancel_token"]


def move(client, booking_id: str, token: str, **body):
    return client.patch(f"{API}/bookings/{booking_id}", json=body, headers=auth(token))


def starts(client, calendar: str, day: date = DAY) -> list[str]:
    r = client.get(f"{API}/slots", query_string={"type": "time", "calendar": calendar,
                                                 "from": day.isoformat(),
                                                 "to": day.isoformat()})
    days = r.get_json()["days"]
    return [s["start"] for s in days[0]["slots"]] if days else []


def test_a_move_keeps_id_and_token_and_frees_the_old_time(client, database_url):
    booking_id, token = book(client, local(DAY, 9))
    r = move(client, booking_id, token, start=local(DAY, 13).isoformat())
    assert r.status_code == 200, r.get_data(as_text=True)
    moved = r.get_json()["booking"]
    assert moved["id"] == booking_id and moved["status"] == "active"
    assert datetime.fromisoformat(moved["start"]) == local(DAY, 13)
    assert datetime.fromisoformat(moved["end"]) == local(DAY, 14)
    assert moved["cancellable"] is True and moved["can_move"] is True
    assert local(DAY, 9).isoformat() in starts(client, "a")  # the old time is free again
    assert local(DAY, 13).isoformat() not in starts(client, "a")
    # the same token still opens it
    got = client.get(f"{API}/bookings/{booking_id}", headers=auth(token)).get_json()["booking"]
    assert datetime.fromisoformat(got["start"]) == local(DAY, 13)
    # exactly one active booking for the patient
    assert len(rows(database_url, "SELECT id FROM booking WHERE status = 'active'")) == 1
    # told as for a staff move: a `moved` mail with an .ics of the same UID at SEQUENCE 1
    sent = opened_rows(database_url, "outbox", ("channel", "attachment"),
                       "SELECT channel, attachment FROM outbox WHERE kind = 'moved'")
    assert sorted(c for c, _ in sent) == ["email", "sms"]
    ics = next(a for c, a in sent if c == "email")
    assert f"UID:{booking_id}@ledig" in ics and "SEQUENCE:1" in ics
    # the log says the patient moved it, from where to where
    log = rows(database_url, "SELECT actor, action, details FROM booking_log ORDER BY id")
    assert [(a, b) for a, b, _ in log] == [("patient", "created"), ("patient", "moved")]
    assert '"via": "online"' in log[1][2] and "T09:00:00+01:00" in log[1][2]


def test_a_move_to_another_calendar(client):
    booking_id, token = book(client, local(DAY, 9))
    r = move(client, booking_id, token, start=local(DAY, 9).isoformat(), calendar="b")
    assert r.status_code == 200
    assert r.get_json()["booking"]["calendar"] == "b"
    assert local(DAY, 9).isoformat() in starts(client, "a")
    assert local(DAY, 9).isoformat() not in starts(client, "b")


def test_moving_to_where_it_is_changes_nothing(client, database_url):
    booking_id, token = book(client, local(DAY, 9))
    r = move(client, booking_id, token, start=local(DAY, 9).isoformat(), calendar="a")
    assert r.status_code == 200
    assert rows(database_url, "SELECT sequence FROM booking") == [(0,)]


def test_inside_the_cancellation_deadline_is_409(client, clock):
    booking_id, token = book(client, local(DAY, 9))
    clock.advance(hours=27)  # Wednesday 10:00: the appointment is 23 hours away
    body = problem(move(client, booking_id, token, start=local(DAY, 13).isoformat()),
                   409, "cancellation_deadline")
    assert "cancel" in body["detail"]
    got = client.get(f"{API}/bookings/{booking_id}", headers=auth(token)).get_json()
    assert got["booking"]["can_move"] is False


def test_the_new_time_must_be_visible(client):
    booking_id, token = book(client, local(DAY, 9))
    book(client, local(DAY, 10), who=1)
    problem(move(client, booking_id, token, start=local(DAY, 10).isoformat()), 409,
            "slot_unavailable")
    problem(move(client, booking_id, token, start=local(DAY, 10, 30).isoformat()), 409,
            "slot_unavailable")  # not a slot of the block
    problem(move(client, booking_id, token, start=local(date(2026, 12, 1), 8).isoformat()),
            409, "booking_deadline")  # an hour from now
    problem(move(client, booking_id, token, start=local(date(2027, 1, 1), 9).isoformat()),
            409, "outside_booking_window")  # 31 days ahead


def test_a_type_may_forbid_moving(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml(type_rules="allow_move: false"))
    client = make_app(database_url=database_url).test_client()
    info = client.get(API).get_json()
    assert info["types"][0]["allow_move"] is False
    booking_id, token = book(client, local(DAY, 9))
    problem(move(client, booking_id, token, start=local(DAY, 13).isoformat()), 409,
            "move_not_allowed")
    got = client.get(f"{API}/bookings/{booking_id}", headers=auth(token)).get_json()
    assert got["booking"]["can_move"] is False and got["booking"]["cancellable"] is True


def test_a_cancelled_booking_cannot_be_moved(client):
    booking_id, token = book(client, local(DAY, 9))
    assert client.delete(f"{API}/bookings/{booking_id}", headers=auth(token)).status_code == 200
    problem(move(client, booking_id, token, start=local(DAY, 13).isoformat()), 409,
            "booking_cancelled")


def test_token_and_body_are_checked(client):
    booking_id, token = book(client, local(DAY, 9))
    url = f"{API}/bookings/{booking_id}"
    problem(client.patch(url, json={"start": local(DAY, 13).isoformat()}), 401, "unauthorized")
    problem(move(client, booking_id, "wrong" * 9, start=local(DAY, 13).isoformat()), 404,
            "not_found")
    problem(move(client, "0" * 32, token, start=local(DAY, 13).isoformat()), 404, "not_found")
    body = problem(move(client, booking_id, token), 422, "validation")
    assert [e["field"] for e in body["errors"]] == ["start"]
    body = problem(move(client, booking_id, token, start=local(DAY, 13).isoformat(),
                        type="annen", calendar="stengt"), 422, "validation")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("type", "unknown"), ("calendar", "calendar_offline")}
    problem(client.patch(url, data="[", headers={**auth(token),
                                                 "Content-Type": "application/json"}),
            422, "validation")


def test_clinic_info_says_what_the_pages_need(client):
    info = client.get(API).get_json()
    assert info["hold_minutes"] == 5 and info["waitlist"] is True
    assert info["types"][0]["allow_move"] is True
    assert info["restrictions"]["allow_move"] is True


def test_a_preflight_allows_patch_from_the_clinics_origin(client):
    r = client.options(f"{API}/bookings/{'0' * 32}",
                       headers={"Origin": "https://www.grenda.example",
                                "Access-Control-Request-Method": "PATCH"})
    assert "PATCH" in r.headers["Access-Control-Allow-Methods"]
