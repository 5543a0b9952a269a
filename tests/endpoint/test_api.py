"""The public HTTP API of README.md#http-api, route by route and status by status.

Covers: clinic info, slots (shape, offsets, defaults, range limit, 404s),
bookings (201 shape, every validation error at once, the national id never
echoed or logged), cancellation with the bearer token, each restriction code
at its exact boundary (with the fixed `clock`), malformed input that must not
give a 500, CORS, security headers, the rate limit, content reload and
`/healthz` with an unreachable database. Runs on SQLite through Flask's test
client unless a test says otherwise (live servers read their own logs).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from endpoint_support import (
    OSLO,
    SLUG,
    booking_body,
    first_slot_after,
    fnr,
    grenda_yaml,
    local,
    patient,
)
from support import in_one_window, write_clinic

API = f"/api/v1/clinics/{SLUG}"
TODAY = date(2026, 12, 1)  # the `clock` fixture: Tuesday 2026-12-01 07:00 in Oslo
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PROBLEM = "application/problem+json"


@pytest.fixture
def grenda(content_dir):
    return write_clinic(content_dir, SLUG, grenda_yaml())


@pytest.fixture
def app(make_app, grenda):
    return make_app()


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["code"] == code and body["status"] == status
    assert body["type"].endswith(code) and body["title"]
    return body


def book(client, start, **kw):
    return client.post(f"{API}/bookings", json=booking_body(start, **kw))


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- clinic info and slots ------------------------------------------------------------

def test_clinic_info_lists_only_what_is_online(client):
    r = client.get(API)
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["clinic"] == SLUG and body["name"] == "Grenda legekontor"
    assert body["timezone"] == "Europe/Oslo" and body["version"]
    assert [c["id"] for c in body["calendars"]] == ["a", "b", "c"]  # not the offline one
    assert [t["id"] for t in body["types"]] == ["time"]  # not the staff-only type
    kind = body["types"][0]
    assert kind["price"] == 300 and kind["address"] == "Vegen 1, 5000 Bergen"
    assert kind["info"] == "Kom i god tid." and kind["duration"] == 60
    assert body["restrictions"] == {"first_available_only": False, "max_self_booked": 2,
                                    "days_ahead": 30, "booking_deadline_hours": 2,
                                    "cancellation_deadline_hours": 24, "allow_move": True}


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/clinics/nowhere"),
    ("GET", "/api/v1/clinics/nowhere/slots?type=time"),
    ("POST", "/api/v1/clinics/nowhere/bookings"),
    ("GET", "/api/v1/clinics/nowhere/bookings/abc"),
    ("DELETE", "/api/v1/clinics/nowhere/bookings/abc"),
    ("GET", "/api/v1/nothing-here"),
])
def test_unknown_clinic_or_route_is_404_not_found(client, method, path):
    r = client.open(path, method=method, json=booking_body(local(TODAY, 12)),
                    headers=auth("x"))
    problem(r, 404, "not_found")


def test_slots_shape_offsets_and_default_range(client):
    r = client.get(f"{API}/slots?type=time")
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"clinic", "type", "timezone", "version", "days", "full", "closed"}
    assert (body["full"], body["closed"]) == ([], [])  # open every day, nothing booked
    assert (body["clinic"], body["type"], body["timezone"]) == (SLUG, "time", "Europe/Oslo")
    days = body["days"]
    # from defaults to today, to to the last bookable day (today + days_ahead)
    assert days[0]["date"] == "2026-12-01" and days[-1]["date"] == "2026-12-31"
    assert len(days) == 31
    for day in days:
        assert set(day) == {"date", "slots"}
        for slot in day["slots"]:
            assert set(slot) == {"start", "end", "calendar"}
            assert OFFSET.match(slot["start"]) and OFFSET.match(slot["end"])
            start, end = (datetime.fromisoformat(slot[k]) for k in ("start", "end"))
            assert end - start == timedelta(minutes=60)
            assert start.astimezone(OSLO).date().isoformat() == day["date"]
            assert slot["calendar"] in {"a", "b", "c"}
    # 07:00 now + 2 h booking deadline: 09:00 is the first slot today
    assert days[0]["slots"][0]["start"] == "2026-12-01T09:00:00+01:00"
    assert days[1]["slots"][0]["start"] == "2026-12-02T08:00:00+01:00"


def test_slots_carry_the_offset_of_their_own_day_across_dst(client, clock):
    clock.at = datetime(2027, 3, 20, 8, tzinfo=UTC)
    r = client.get(f"{API}/slots?type=time&calendar=a&from=2027-03-27&to=2027-03-29")
    days = {d["date"]: d["slots"] for d in r.get_json()["days"]}
    assert days["2027-03-27"][0]["start"] == "2027-03-27T08:00:00+01:00"
    assert days["2027-03-28"][0]["start"] == "2027-03-28T08:00:00+02:00"
    assert len(days["2027-03-28"]) == len(days["2027-03-27"]) == 8


def test_slots_filter_by_calendar_and_range(client):
    r = client.get(f"{API}/slots?type=time&calendar=b&from=2026-12-05&to=2026-12-06")
    days = r.get_json()["days"]
    assert [d["date"] for d in days] == ["2026-12-05", "2026-12-06"]
    assert {s["calendar"] for d in days for s in d["slots"]} == {"b"}


def test_slots_range_up_to_92_days_is_fine_and_93_is_validation(client):
    ok = client.get(f"{API}/slots?type=time&from=2026-12-01&to=2027-03-02")  # 92 days
    assert ok.status_code == 200
    body = problem(client.get(f"{API}/slots?type=time&from=2026-12-01&to=2027-03-03"),
                   422, "validation")
    assert [e["field"] for e in body["errors"]] == ["to"]


@pytest.mark.parametrize(("days_ahead", "now", "last_day"), [
    (730, datetime(2026, 12, 1, 6, tzinfo=UTC), "2028-11-30"),  # the most a clinic may set
    (92, datetime(2027, 3, 27, 22, 30, tzinfo=UTC), "2027-06-27"),  # 23:30, summer time next
    (92, datetime(2027, 10, 30, 8, tzinfo=UTC), "2028-01-30"),  # the day before winter time
])
def test_the_default_range_runs_through_the_last_bookable_day(make_app, content_dir, clock,
                                                              days_ahead, now, last_day):
    write_clinic(content_dir, SLUG, grenda_yaml(days_ahead=days_ahead))
    clock.at = now
    r = make_app().test_client().get(f"{API}/slots?type=time&calendar=a")
    body = r.get_json()
    dates = [d["date"] for d in body.get("days", [])] + body.get("full", []) \
        + [c["date"] for c in body.get("closed", [])]
    assert (r.status_code, max(dates, default=None)) == (200, last_day)


@pytest.mark.parametrize("query,fields", [
    ("from=2026-13-01", ["from"]),
    ("from=yesterday&to=2026-1-1", ["from", "to"]),
    ("from=2026-12-05&to=2026-12-04", ["to"]),
    ("to=%EF%BC%92026-12-04", ["to"]),  # a full-width digit
    ("", ["type"]),
])
def test_slots_bad_queries_are_validation(client, query, fields):
    base = f"{API}/slots?" + ("type=time&" if "type" not in fields else "")
    body = problem(client.get(base + query), 422, "validation")
    assert [e["field"] for e in body["errors"]] == fields


@pytest.mark.parametrize("query", [
    "type=nope", "type=intern", "type=time&calendar=nope", "type=time&calendar=stengt",
])
def test_unknown_or_offline_type_or_calendar_is_404(client, query):
    problem(client.get(f"{API}/slots?{query}"), 404, "not_found")


@pytest.mark.parametrize("query,answer", [
    ("from=9999-12-31", (200, [])),
    ("from=9999-12-30&to=9999-12-31", (200, [])),
    ("from=0001-01-01&to=0001-01-02", (200, [])),
    ("from=2027-01-01", (200, [])),  # past the last bookable day, 2026-12-31
    ("to=0001-01-01", (422, ["to"])),  # before `from`, which is today when not given
])
def test_slots_far_off_dates_are_empty_not_errors(client, query, answer):
    """(200, its days) or (422, the fields of the validation problem)."""
    r = client.get(f"{API}/slots?type=time&{query}")
    body = r.get_json(force=True, silent=True) or {}
    got = body.get("days") if r.status_code == 200 else [e["field"] for e in body.get("errors", [])]
    assert (r.status_code, got) == answer, r.get_data(as_text=True)


# -- booking ------------------------------------------------------------------------

def test_booking_is_201_with_the_booking_and_a_cancel_token(client):
    r = book(client, local(TODAY + timedelta(days=2), 10))
    assert r.status_code == 201 and r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"booking", "cancel_token"}
    booking = body["booking"]
    assert {"id", "calendar", "type", "start", "end", "status"} <= set(booking)
    assert booking["start"] == "2026-12-03T10:00:00+01:00"
    assert booking["end"] == "2026-12-03T11:00:00+01:00"
    assert (booking["calendar"], booking["type"], booking["status"]) == ("a", "time", "active")
    assert len(body["cancel_token"]) >= 22  # >= 128 bits, URL-safe
    # the slot is gone for everyone, and asking again is slot_unavailable
    slots = client.get(f"{API}/slots?type=time&calendar=a&from=2026-12-03&to=2026-12-03")
    assert "2026-12-03T10:00:00+01:00" not in [s["start"] for s in
                                               slots.get_json()["days"][0]["slots"]]
    problem(book(client, local(TODAY + timedelta(days=2), 10), who=1), 409, "slot_unavailable")


def test_the_start_may_be_given_in_any_offset(client):
    r = book(client, "2026-12-03T09:00:00Z")  # 10:00 in Oslo
    assert r.status_code == 201
    assert r.get_json()["booking"]["start"] == "2026-12-03T10:00:00+01:00"


def test_a_start_that_is_not_a_slot_is_slot_unavailable(client):
    problem(book(client, local(TODAY + timedelta(days=2), 10, 30)), 409, "slot_unavailable")
    problem(book(client, local(TODAY + timedelta(days=2), 20)), 409, "slot_unavailable")


def test_every_validation_error_is_listed_at_once(client):
    body = {"calendar": "", "type": "nope", "start": "tomorrow", "note": 7,
            "patient": {"id_type": "fnr", "national_id": "12345678901", "first_name": "",
                        "last_name": 3, "phone": "12", "email": "not-an-email"}}
    errors = problem(client.post(f"{API}/bookings", json=body), 422, "validation")["errors"]
    assert {e["field"] for e in errors} == {
        "calendar", "type", "start", "note", "patient.national_id", "patient.first_name",
        "patient.last_name", "patient.phone", "patient.email"}
    assert all(e["message"] for e in errors)


def test_id_type_must_match_the_number(client):
    body = booking_body(local(TODAY + timedelta(days=2), 10), patient=patient(id_type="dnr"))
    errors = problem(client.post(f"{API}/bookings", json=body), 422, "validation")["errors"]
    assert [e["field"] for e in errors] == ["patient.national_id"]


def test_offline_calendar_and_type_cannot_be_booked(client):
    errors = problem(book(client, local(TODAY + timedelta(days=2), 10), calendar="stengt",
                          type="intern"), 422, "validation")["errors"]
    assert {e["field"] for e in errors} == {"calendar", "type"}


# -- the national id is never shown or logged ------------------------------------------

def test_national_id_never_in_a_response_or_a_log_line(client, caplog):
    caplog.set_level(logging.DEBUG)
    number = fnr(7)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)  # fails the checksum
    start = local(TODAY + timedelta(days=2), 10)
    bodies = []
    created = client.post(f"{API}/bookings", json=booking_body(start, patient=patient(7)))
    assert created.status_code == 201
    data = created.get_json()
    url, headers = f"{API}/bookings/{data['booking']['id']}", auth(data["cancel_token"])
    for r in (created,
              client.post(f"{API}/bookings", json=booking_body(start, patient=patient(7))),
              client.post(f"{API}/bookings", json=booking_body(
                  start, patient=patient(7, national_id=wrong))),
              client.post(f"{API}/bookings", json=booking_body(
                  start, patient=patient(7, id_type="dnr"))),
              client.post(f"{API}/bookings", json=booking_body(
                  "x", patient=patient(7, first_name=number))),
              client.get(url, headers=headers), client.delete(url, headers=headers)):
        assert r.status_code < 500
        bodies.append(r.get_data(as_text=True))
    for text in bodies:
        assert number not in text and wrong not in text
    assert number not in caplog.text and wrong not in caplog.text


def test_national_id_never_in_the_live_server_log(live_server, content_dir, tmp_path):
    write_clinic(content_dir, SLUG, grenda_yaml())
    server = live_server()
    number = fnr(11)
    start = first_slot_after(requests.get, server.url)
    ok = requests.post(f"{server.url}{API}/bookings", timeout=10,
                       json=booking_body(start, patient=patient(11)))
    assert ok.status_code == 201
    for body in (booking_body(start, patient=patient(11)),  # 409
                 booking_body(start, patient=patient(11, id_type="dnr")),  # 422
                 booking_body(start, patient=patient(11, national_id=number + "0"))):
        r = requests.post(f"{server.url}{API}/bookings", json=body, timeout=10)
        assert r.status_code in (409, 422) and number not in r.text
    server.stop()
    log = server.log.read_text()
    assert "serving on" in log  # the log is the server's own
    assert number not in log


# -- reading and cancelling with the token ------------------------------------------------

@pytest.fixture
def booked(client):
    r = book(client, local(TODAY + timedelta(days=3), 10))
    assert r.status_code == 201
    data = r.get_json()
    return f"{API}/bookings/{data['booking']['id']}", data["cancel_token"]


def test_get_booking_with_the_token(client, booked):
    url, token = booked
    r = client.get(url, headers=auth(token))
    assert r.status_code == 200
    booking = r.get_json()["booking"]
    assert booking["status"] == "active" and booking["cancellable"] is True
    assert booking["start"] == "2026-12-04T10:00:00+01:00"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==",
                                    "Token abc", "Bearer " + "x" * 300, "Bearer æøå"])
def test_without_a_bearer_token_is_401(client, booked, method, header):
    url, _ = booked
    headers = {} if header is None else {"Authorization": header}
    r = client.open(url, method=method, headers=headers)
    problem(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_id_and_wrong_token_give_the_same_404(client, booked, method):
    url, token = booked
    unknown = client.open(f"{API}/bookings/0123456789abcdef", method=method,
                          headers=auth(token))
    wrong = client.open(url, method=method, headers=auth(token[:-2] + "xx"))
    other_clinic = client.open(url.replace(SLUG, "fjordlegene"), method=method,
                               headers=auth(token))
    assert problem(unknown, 404, "not_found") == problem(wrong, 404, "not_found")
    assert problem(other_clinic, 404, "not_found") == problem(wrong, 404, "not_found")
    assert client.get(url, headers=auth(token)).get_json()["booking"]["status"] == "active"


def test_cancel_twice_is_200_and_unchanged(client, clock, booked):
    url, token = booked
    first = client.delete(url, headers=auth(token))
    assert first.status_code == 200
    assert first.get_json()["booking"]["status"] == "cancelled"
    clock.at += timedelta(hours=1)
    again = client.delete(url, headers=auth(token))
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    got = client.get(url, headers=auth(token)).get_json()["booking"]
    assert got["status"] == "cancelled" and got["cancellable"] is False
    # the slot is free again, and the cancelled row is kept
    assert book(client, local(TODAY + timedelta(days=3), 10), who=2).status_code == 201
    assert client.get(url, headers=auth(token)).status_code == 200


def test_cancellation_deadline_is_exact(client, clock, booked):
    url, token = booked
    start = local(TODAY + timedelta(days=3), 10)
    clock.at = start - timedelta(hours=24) + timedelta(minutes=1)
    assert client.get(url, headers=auth(token)).get_json()["booking"]["cancellable"] is False
    problem(client.delete(url, headers=auth(token)), 409, "cancellation_deadline")
    assert client.get(url, headers=auth(token)).get_json()["booking"]["status"] == "active"
    clock.at = start - timedelta(hours=24)
    assert client.get(url, headers=auth(token)).get_json()["booking"]["cancellable"] is True
    r = client.delete(url, headers=auth(token))
    assert r.status_code == 200 and r.get_json()["booking"]["status"] == "cancelled"


# -- restrictions at their exact boundaries --------------------------------------------------

def test_booking_deadline_is_exact(client, clock):
    start = local(TODAY + timedelta(days=1), 10)
    clock.at = start - timedelta(hours=2) + timedelta(minutes=1)
    day = f"{API}/slots?type=time&calendar=a&from=2026-12-02&to=2026-12-02"
    assert client.get(day).get_json()["days"][0]["slots"][0]["start"] != start.isoformat()
    problem(book(client, start), 409, "booking_deadline")
    clock.at = start - timedelta(hours=2)
    assert client.get(day).get_json()["days"][0]["slots"][0]["start"] == start.isoformat()
    assert book(client, start).status_code == 201


def test_booking_window_last_day_yes_next_day_no(client, clock):
    last = TODAY + timedelta(days=30)
    r = client.get(f"{API}/slots?type=time&calendar=a&from={last}&to={last + timedelta(1)}")
    assert [d["date"] for d in r.get_json()["days"]] == [last.isoformat()]
    assert book(client, local(last, 15)).status_code == 201
    problem(book(client, local(last + timedelta(days=1), 8), who=1), 409,
            "outside_booking_window")
    # the window moves at midnight in the clinic's time zone, not UTC
    clock.at = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), OSLO) \
        - timedelta(minutes=1)
    problem(book(client, local(last + timedelta(days=1), 8), who=1), 409,
            "outside_booking_window")
    clock.at += timedelta(minutes=1)
    assert book(client, local(last + timedelta(days=1), 8), who=1).status_code == 201


def test_max_self_booked_counts_future_active_bookings_across_calendars(client, clock):
    day = TODAY + timedelta(days=2)
    first = book(client, local(day, 8), calendar="a")
    assert first.status_code == 201
    assert book(client, local(day, 9), calendar="b").status_code == 201
    problem(book(client, local(day, 10), calendar="c"), 409, "max_self_booked")
    # another patient may book that slot; the same patient with spaces in the number may not
    spaced = patient(0, national_id=fnr(0)[:6] + " " + fnr(0)[6:])
    problem(client.post(f"{API}/bookings", json=booking_body(local(day, 10), calendar="c",
                                                             patient=spaced)),
            409, "max_self_booked")
    assert book(client, local(day, 10), calendar="c", who=1).status_code == 201
    # cancelling one frees a place
    data = first.get_json()
    assert client.delete(f"{API}/bookings/{data['booking']['id']}",
                         headers=auth(data["cancel_token"])).status_code == 200
    assert book(client, local(day, 11), calendar="c").status_code == 201
    problem(book(client, local(day, 12), calendar="c"), 409, "max_self_booked")
    # a booking that has started no longer counts
    clock.at = local(day, 9) + timedelta(minutes=1)
    assert book(client, local(day + timedelta(days=1), 12), calendar="c").status_code == 201


# -- no input gets a 500 ---------------------------------------------------------------------

FIELDS = ["calendar", "type", "start", "note", "patient", "patient.id_type",
          "patient.national_id", "patient.first_name", "patient.last_name", "patient.phone",
          "patient.email"]
WRONG = [1, -1.5, 10**40, True, [], ["a"], {}, {"a": 1}, None, "", "\x00", "x" * 5000]
OPTIONAL = {"note", "patient.email"}


@pytest.fixture
def taken(client):
    """A slot that is already booked: a body that passes validation gets a 409, not a 201."""
    start = local(TODAY + timedelta(days=2), 10)
    assert book(client, start, who=40).status_code == 201
    return start


@pytest.mark.parametrize("field", FIELDS)
def test_wrong_types_in_every_field_are_validation(client, taken, field):
    for value in WRONG:
        body = booking_body(taken, who=41)
        target, key = (body["patient"], field[8:]) if field.startswith("patient.") \
            else (body, field)
        target[key] = value
        r = client.post(f"{API}/bookings", json=body)
        if field in OPTIONAL and value in (None, ""):
            problem(r, 409, "slot_unavailable")
            continue
        if field == "note" and isinstance(value, str) and len(value) < 1000 \
                and "\x00" not in value:  # NUL is refused everywhere (PostgreSQL rejects it)
            problem(r, 409, "slot_unavailable")  # a note is free text
            continue
        errors = problem(r, 422, "validation")["errors"]
        assert any(e["field"] == field or e["field"].startswith(field + ".")
                   for e in errors), (value, errors)


@pytest.mark.parametrize("raw", [
    "", "{", "{\"calendar\": }", "[]", "[1, 2]", "\"text\"", "42", "null", "true",
    "{\"patient\": null}", "{\"a\": NaN}", "{\"a\": Infinity}", "\xff\xfe",
    "[" * 5000 + "]" * 5000, "{\"start\": \"\\ud800\"}",
], ids=lambda raw: repr(raw[:20]))
def test_malformed_json_is_validation(client, raw):
    r = client.post(f"{API}/bookings", data=raw.encode("utf-8", "surrogatepass"),
                    content_type="application/json")
    problem(r, 422, "validation")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_a_body_that_is_not_json_is_415(client, taken, content_type):
    body = json.dumps(booking_body(taken, who=41))
    headers = {} if content_type is None else {"Content-Type": content_type}
    problem(client.post(f"{API}/bookings", data=body, headers=headers), 415,
            "unsupported_media_type")


def test_a_huge_body_is_413(client):
    body = booking_body(local(TODAY + timedelta(days=2), 10), note="x" * 40_000)
    problem(client.post(f"{API}/bookings", json=body), 413, "payload_too_large")


def test_a_huge_chunked_body_to_the_live_server_is_refused(live_server, content_dir):
    write_clinic(content_dir, SLUG, grenda_yaml())
    server = live_server()

    def chunks():
        yield b'{"note": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    r = requests.post(f"{server.url}{API}/bookings", data=chunks(), timeout=10,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["Content-Type"] == PROBLEM
    assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200


@pytest.mark.parametrize("start", [
    "9999-12-31T23:00:00-05:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00:00-05:00", "10000-01-01T00:00:00+00:00", "2026-12-03T10:00:00+24:00",
    "2026-12-03T10:00:00", "2026-02-30T10:00:00+01:00", "2026-12-03T25:00:00+01:00",
    "２０２６-12-03T10:00:00+01:00", "2026-12-03", "1e9", "2026-12-03T10:00:00+01:00" * 3,
])
def test_start_out_of_range_or_malformed_is_validation(client, start):
    errors = problem(book(client, start), 422, "validation")["errors"]
    assert [e["field"] for e in errors] == ["start"]


@pytest.mark.parametrize("start,code", [
    ("1900-01-01T10:00:00+01:00", "booking_deadline"),
    ("9000-01-01T10:00:00+01:00", "outside_booking_window"),
])
def test_far_but_representable_dates_are_refused_by_the_rules(client, start, code):
    problem(book(client, start), 409, code)


@pytest.mark.parametrize("number", [
    "０１０１８０１００１８",  # full-width digits
    "٠١٠١٨٠١٠٠١٨",  # Arabic-Indic digits
    "𝟎𝟏𝟎𝟏𝟖𝟎𝟏𝟎𝟎𝟏𝟖",  # mathematical digits
    "¹²³⁴⁵⁶⁷⁸⁹⁰¹",  # superscripts (str.isdigit() says yes)
    "0101801001８", "01018010018\n", "01018-010018", "+1018010018",
])
def test_unicode_digits_in_the_national_id_are_validation(client, number):
    body = booking_body(local(TODAY + timedelta(days=2), 10), patient=patient(0,
                        national_id=number))
    errors = problem(client.post(f"{API}/bookings", json=body), 422, "validation")["errors"]
    assert [e["field"] for e in errors] == ["patient.national_id"]


@pytest.mark.parametrize("path", [
    "/api/v1/clinics/%00", "/api/v1/clinics/" + "a" * 5000, "/api/v1/clinics/%C3%A6/slots",
    f"{API}/slots?type=%00", f"{API}/slots?type=time&calendar=" + "x" * 5000,
    f"{API}/slots?type=time&from=%FF", f"{API}/bookings/%00",
    f"{API}/bookings/" + "9" * 5000,
])
def test_odd_paths_and_queries_are_not_500(client, path):
    r = client.get(path, headers=auth("token"))
    assert 400 <= r.status_code < 500 and r.mimetype == PROBLEM


def test_unsupported_methods_are_405(client):
    problem(client.put(f"{API}/bookings"), 405, "method_not_allowed")
    problem(client.post(f"{API}/slots"), 405, "method_not_allowed")


# -- CORS and headers ---------------------------------------------------------------------------

@pytest.mark.parametrize("origin,allowed", [
    ("https://www.grenda.example", True),  # embed_origins
    ("https://pages.grenda.example", True),  # the origin of pages_url
    ("https://evil.example", False),
    ("http://www.grenda.example", False),  # another scheme is another origin
    ("https://www.grenda.example.evil.example", False),
    ("http://127.0.0.1:8000", False),  # allowed for the demo clinic, not for this one
    ("null", False),
])
def test_cors_only_for_the_clinics_origins(client, origin, allowed):
    for r in (client.get(API, headers={"Origin": origin}),
              client.get(f"{API}/slots?type=time", headers={"Origin": origin}),
              client.post(f"{API}/bookings", json={}, headers={"Origin": origin})):
        assert r.headers.get("Access-Control-Allow-Origin") == (origin if allowed else None)
        assert "Origin" in r.headers.get("Vary", "")
        assert "*" not in r.headers.get("Access-Control-Allow-Origin", "")


def test_cors_preflight(client):
    headers = {"Origin": "https://www.grenda.example",
               "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    r = client.options(f"{API}/bookings", headers=headers)
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://www.grenda.example"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "DELETE" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in r.headers["Access-Control-Allow-Headers"].lower()
    evil = client.options(f"{API}/bookings", headers={**headers, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    assert "Access-Control-Allow-Methods" not in evil.headers


@pytest.mark.parametrize("path", [API, f"{API}/slots?type=time", f"{API}/slots?type=nope",
                                  "/api/v1/clinics/nowhere", "/healthz"])
def test_security_headers(client, path):
    r = client.get(path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Cache-Control"] == "no-store"


# -- rate limit ----------------------------------------------------------------------------------

def test_rate_limit_on_post_and_delete(make_app, grenda):
    # the app's clock stands still: every request falls in one window
    client = make_app(rate_limit="3/minute").test_client()
    for _ in range(3):
        assert client.post(f"{API}/bookings", json={}).status_code == 422
    r = client.post(f"{API}/bookings", json={})
    body = problem(r, 429, "rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 60 and body["detail"]
    problem(client.delete(f"{API}/bookings/x", headers=auth("x")), 429, "rate_limited")
    # reading is not limited, and another address has its own count
    assert client.get(f"{API}/slots?type=time").status_code == 200
    other = client.post(f"{API}/bookings", json={},
                        environ_overrides={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 422


def test_rate_limit_is_shared_by_two_server_processes(live_server, content_dir, tmp_path):
    write_clinic(content_dir, SLUG, grenda_yaml())
    env = {"LEDIG_RATE_LIMIT": "3/minute"}
    one, two = live_server(env=env), live_server(env=env)

    def burst() -> tuple[list[int], requests.Response]:
        codes = [requests.post(f"{server.url}{API}/bookings", json={}, timeout=10).status_code
                 for server in (one, two, one, two)]
        return codes, requests.post(f"{one.url}{API}/bookings", json={}, timeout=10)

    codes, r = in_one_window(60, burst, one, two)
    assert codes == [422, 422, 422, 429]
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1


def test_trusted_proxy_setting_decides_whose_address_is_limited(make_app, grenda):
    untrusted = make_app(rate_limit="2/minute").test_client()
    for n in range(2):  # X-Forwarded-For is ignored without LEDIG_TRUSTED_PROXIES
        untrusted.post(f"{API}/bookings", json={},
                       headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert untrusted.post(f"{API}/bookings", json={},
                          headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 429
    proxied = make_app(rate_limit="2/minute", trusted_proxies=1).test_client()
    for n in range(2):
        assert proxied.post(f"{API}/bookings", json={},
                            environ_overrides={"REMOTE_ADDR": "10.9.9.9"},
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code == 422


def test_live_server_limits_per_forwarded_address_only_behind_trusted_proxies(live_server,
                                                                             content_dir):
    write_clinic(content_dir, SLUG, grenda_yaml())
    env = {"LEDIG_RATE_LIMIT": "2/minute"}
    proxied = live_server(env={**env, "LEDIG_TRUSTED_PROXIES": "1"})
    statuses = in_one_window(60, lambda: [
        requests.post(f"{proxied.url}{API}/bookings", json={}, timeout=10,
                      headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(4)], proxied)
    assert statuses == [422] * 4  # four clients behind one proxy, each with its own count
    direct = live_server(env=env)
    statuses = in_one_window(60, lambda: [
        requests.post(f"{direct.url}{API}/bookings", json={}, timeout=10,
                      headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)], direct)
    assert statuses == [422, 422, 429]  # a forged header changes nothing


# -- content reload -----------------------------------------------------------------------------

def test_content_reload_within_two_seconds_and_invalid_change_refused(make_app, grenda,
                                                                      caplog, clock):
    client = make_app(reload_interval=1.0).test_client()
    assert client.get(API).get_json()["name"] == "Grenda legekontor"
    grenda.write_text(grenda_yaml(name="Grenda nye legekontor"), encoding="utf-8")
    clock.advance(seconds=0.5)  # within the interval the registry does not look
    assert client.get(API).get_json()["name"] == "Grenda legekontor"
    clock.advance(seconds=0.6)
    assert client.get(API).get_json()["name"] == "Grenda nye legekontor"
    version = client.get(API).get_json()["version"]

    caplog.set_level(logging.INFO)
    grenda.write_text(grenda_yaml(name="Ødelagt") + "unknown_key: 1\n", encoding="utf-8")
    clock.advance(seconds=1.1)
    info = client.get(API).get_json()
    assert (info["name"], info["version"]) == ("Grenda nye legekontor", version)
    assert client.get(f"{API}/slots?type=time").status_code == 200
    assert "refused" in caplog.text and "unknown_key" in caplog.text
    health = client.get("/healthz")
    assert health.status_code == 200
    report = health.get_json()
    assert "refused" in report["content"]
    assert any("unknown_key" in e for e in report["content_errors"])

    grenda.write_text(grenda_yaml(name="Grenda igjen"), encoding="utf-8")
    clock.advance(seconds=1.1)
    assert client.get(API).get_json()["name"] == "Grenda igjen"
    assert client.get("/healthz").get_json()["content_errors"] == []


def test_content_reload_in_a_live_server(live_server, content_dir):
    path = write_clinic(content_dir, SLUG, grenda_yaml())
    # a live server's clock cannot be moved: it looks at the files on every request instead
    server = live_server(env={"LEDIG_RELOAD_SECONDS": "0"})
    assert requests.get(server.url + API, timeout=5).json()["name"] == "Grenda legekontor"
    path.write_text(grenda_yaml(name="Grenda etter endring"), encoding="utf-8")
    assert requests.get(server.url + API, timeout=5).json()["name"] == "Grenda etter endring"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    assert requests.get(server.url + API, timeout=5).json()["name"] == "Grenda etter endring"
    health = requests.get(server.url + "/healthz", timeout=5).json()
    assert health["content_errors"]
    server.stop()
    assert "refused" in server.log.read_text()


# -- health and an unreachable database -----------------------------------------------------

def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert SLUG in body["clinics"] and body["content_errors"] == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_unreachable_database_is_503_quickly(make_app, grenda, caplog):
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/ledig"
    began = time.monotonic()
    client = make_app(database_url=url).test_client()  # the server starts anyway
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    assert health.get_json()["database"] == "unreachable"
    slots = client.get(f"{API}/slots?type=time")
    problem(slots, 503, "unavailable")
    assert slots.headers["Retry-After"]
    problem(client.post(f"{API}/bookings", json=booking_body(local(TODAY, 12))), 503,
            "unavailable")
    assert client.get("/openapi.json").status_code == 200
    assert time.monotonic() - began < 10  # refused at once: nothing waits out a timeout
    assert "postgres@" not in caplog.text  # no connection strings in the log


def test_database_that_comes_up_later_gets_its_schema(make_app, grenda, postgres_url):
    port = _closed_port()
    forward = _Forwarder(port, 5432)
    client = make_app(database_url=postgres_url.replace(":5432/", f":{port}/")).test_client()
    assert client.get("/healthz").status_code == 503
    forward.start()
    try:
        assert client.get("/healthz").status_code == 200
        assert book(client, local(TODAY + timedelta(days=2), 10)).status_code == 201
    finally:
        forward.stop()
        from endpoint.storage.db import db
        db.close()


class _Forwarder:
    """A TCP port that forwards to another once started: a database that comes up late."""

    def __init__(self, port: int, target: int):
        self.port, self.target = port, target
        self.sockets: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.sockets.append(listener)
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [conn, upstream]
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        for s in self.sockets:
            s.close()
