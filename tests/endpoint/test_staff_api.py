"""The staff API (docs/staff.md), route by route and code by code, on SQLite and PostgreSQL:
who may call it (another clinic's staff get 404, a patient's cancel token opens
nothing), booking for a patient outside the online rules, moves and changes,
cancelling for either side, the audit log, staff blocks, patient search, the day,
and the waiting-list placeholder. Messages have their own file
(`test_staff_api_messages.py`), races theirs (`test_staff_api_concurrency.py`),
configuration conflicts theirs (`test_conflicts.py`).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from endpoint_support import booking_body, fnr, patient
from staff_api_support import (
    API,
    OTHER,
    OTHER_STAFF,
    PASSWORD,
    PUBLIC,
    SLUG,
    STAFF,
    add_staff,
    bearer,
    clinic_yaml,
    iso,
    log_details_text,
    opened,
    outbox,
    rows,
    same_instant,
    staff_body,
)
from support import staff_login, write_clinic

TODAY = date(2026, 12, 1)  # the clock: Tuesday 07:00 in Oslo
DAY = date(2026, 12, 3)  # a Thursday
BOOKING_ID = "0" * 32


@pytest.fixture
def app(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, clinic_yaml())
    write_clinic(content_dir, OTHER, clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def book(client, start: str, **kwargs):
    return client.post(f"{API}/bookings", json=staff_body(start, **kwargs), headers=STAFF)


def booked(client, start: str, **kwargs) -> dict:
    response = book(client, start, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["booking"]


def online(client, start: str, who: int = 5, type: str = "kons") -> dict:
    response = client.post(f"{PUBLIC}/bookings",
                           json=booking_body(start, calendar="lege", type=type, who=who))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code and body["status"] == status
    return body


def field_codes(response) -> set[tuple[str, str]]:
    body = problem(response, 422, "validation")
    return {(e["field"], e["code"]) for e in body["errors"]}


def slot_starts(client, day: date, type: str = "kons") -> set[str]:
    body = client.get(f"{PUBLIC}/slots?type={type}&calendar=lege&from={day}&to={day}").get_json()
    return {s["start"][11:16] for d in body["days"] for s in d["slots"]}


def log_of(client, booking_id: str) -> list[dict]:
    response = client.get(f"{API}/bookings/{booking_id}/log", headers=STAFF)
    assert response.status_code == 200
    return response.get_json()["entries"]


# -- who may call ---------------------------------------------------------------------------

ROUTES = [
    ("GET", "/day?date=2026-12-03", None),
    ("POST", "/bookings", {}),
    ("PATCH", f"/bookings/{BOOKING_ID}", {"note": "x"}),
    ("POST", f"/bookings/{BOOKING_ID}/cancel", {"initiated_by": "patient"}),
    ("GET", f"/bookings/{BOOKING_ID}/log", None),
    ("POST", "/blocks", {}),
    ("DELETE", f"/blocks/{BOOKING_ID}", None),
    ("GET", "/patients?q=Kari", None),
    ("GET", "/conflicts", None),
    ("GET", "/waitlist", None),
]


def call(client, method: str, path: str, body, headers=None, slug: str = SLUG):
    return client.open(f"/api/v1/staff/{slug}{path}", method=method, json=body,
                       headers=headers or {})


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_wants_credentials_and_refuses_other_clinics(client, method, path, body):
    none = call(client, method, path, body)
    problem(none, 401, "unauthorized")
    assert none.headers["WWW-Authenticate"].startswith("Bearer ")
    problem(call(client, method, path, body, bearer("kari", "a-wrong-token")), 401,
            "unauthorized")
    problem(call(client, method, path, body, bearer("nobody")), 401, "unauthorized")
    problem(call(client, method, path, body, OTHER_STAFF), 404, "not_found")
    problem(call(client, method, path, body, STAFF, slug="nowhere"), 404, "not_found")
    cross = call(client, method, path, body, {**STAFF, "Sec-Fetch-Site": "cross-site"})
    problem(cross, 403, "forbidden")
    assert "Access-Control-Allow-Origin" not in call(
        client, method, path, body, {**STAFF, "Origin": "https://timebok.example"}).headers


def test_a_patients_cancel_token_opens_nothing(client):
    created = online(client, iso(DAY, 8))
    bearer = {"Authorization": f"Bearer {created['cancel_token']}"}
    booking_id = created["booking"]["id"]
    for method, path, body in ROUTES:
        path = path.replace(BOOKING_ID, booking_id)
        problem(call(client, method, path, body, bearer), 401, "unauthorized")
    assert rows_status(client, booking_id) == "active"


def rows_status(client, booking_id: str) -> str:
    entries = log_of(client, booking_id)
    return "cancelled" if any(e["action"] == "cancelled" for e in entries) else "active"


def test_another_clinics_staff_cannot_touch_this_clinics_booking(client):
    mine = booked(client, iso(DAY, 9))
    for headers, slug in ((OTHER_STAFF, SLUG), (OTHER_STAFF, OTHER)):
        response = client.patch(f"/api/v1/staff/{slug}/bookings/{mine['id']}",
                                json={"note": "hei"}, headers=headers)
        problem(response, 404, "not_found")
        response = client.post(f"/api/v1/staff/{slug}/bookings/{mine['id']}/cancel",
                               json={"initiated_by": "patient"}, headers=headers)
        problem(response, 404, "not_found")
    assert log_of(client, mine["id"])[-1]["action"] == "created"


# -- booking for a patient ------------------------------------------------------------------

def test_staff_book_outside_the_online_rules(client):
    online(client, iso(DAY, 8), who=1)  # patient 1 holds the one self-booked allowed
    cases = {
        "within the booking deadline": iso(TODAY, 8),  # an hour from now
        "beyond days_ahead": iso(TODAY + timedelta(days=40), 9),
        "a staff-only block": iso(DAY, 12),
        "over the patient's limit": iso(DAY, 10),
    }
    for what, start in cases.items():
        response = book(client, start, who=1)
        assert response.status_code == 201, (what, response.get_json())
        body = response.get_json()["booking"]
        assert body["self_booked"] is False and body["booked_by"] == "kari", what
        assert body["outside_schedule"] is False and same_instant(body["start"], start)
    offline = booked(client, iso(DAY, 9), calendar="vikar", type="kons")
    assert offline["calendar"] == "vikar"
    intern = booked(client, iso(DAY, 12, 30), type="intern")  # an offline type
    assert same_instant(intern["end"], iso(DAY, 13))


def test_a_staff_booking_hides_the_slot_and_shows_with_the_patient(client):
    assert "09:00" in slot_starts(client, DAY)
    created = booked(client, iso(DAY, 9))
    assert "09:00" not in slot_starts(client, DAY)
    assert created["patient"] == {"first_name": "Kari", "last_name": "Nordmann",
                                  "phone": "+4740612345", "email": "kari@example.no",
                                  "masked_id": fnr(0)[:6] + " *****"}
    assert fnr(0) not in str(created)


def test_outside_every_block_needs_outside_schedule(client):
    for start in (iso(DAY, 7, 30), iso(DAY, 11, 50), iso(DAY, 13)):  # before, across, after
        problem(book(client, start), 409, "outside_schedule")
    problem(book(client, iso(DAY, 8), type="intern"), 409, "outside_schedule")  # not offered
    made = book(client, iso(DAY, 7, 30), outside_schedule=True)
    assert made.status_code == 201 and made.get_json()["booking"]["outside_schedule"] is True
    inside = booked(client, iso(DAY, 8, 40), outside_schedule=True)  # fits: not flagged
    assert inside["outside_schedule"] is False


def test_overlaps_are_refused(client):
    booked(client, iso(DAY, 9))
    for start in (iso(DAY, 9), iso(DAY, 8, 50), iso(DAY, 9, 10)):
        problem(book(client, start), 409, "slot_unavailable")
    problem(book(client, iso(DAY, 9, 15), type="kort"), 409, "slot_unavailable")
    assert book(client, iso(DAY, 9, 20)).status_code == 201  # touching is fine
    assert book(client, iso(DAY, 9), calendar="vikar").status_code == 201  # another calendar


def test_staff_booking_fields_pass_the_online_rules(client):
    body = staff_body(iso(DAY, 9), calendar="borte", type="ukjent", notify="ja",
                      outside_schedule="yes", extra=1)
    body["patient"] = patient(national_id="15108695089", phone="123")
    codes = field_codes(client.post(f"{API}/bookings", json=body, headers=STAFF))
    assert codes == {("calendar", "calendar_unknown"), ("type", "type_unknown"),
                     ("notify", "notify"), ("outside_schedule", "boolean"),
                     ("extra", "unknown"), ("patient.national_id", "identity.checksum"),
                     ("patient.phone", "phone.format")}
    dnr = staff_body(iso(DAY, 9))
    dnr["patient"]["national_id"] = "41018036736"  # a D-number given as fnr
    assert ("patient.national_id", "identity.id_type_mismatch.dnr") in field_codes(
        client.post(f"{API}/bookings", json=dnr, headers=STAFF))
    no_mail = staff_body(iso(DAY, 9))
    del no_mail["patient"]["email"]  # kons notifies by e-mail: still optional for staff
    assert client.post(f"{API}/bookings", json=no_mail, headers=STAFF).status_code == 201
    problem(client.post(f"{API}/bookings", data="x", headers=STAFF), 415,
            "unsupported_media_type")
    assert field_codes(client.post(f"{API}/bookings", json=[1], headers=STAFF)) == {
        ("", "object")}


def test_notify_says_whether_and_where_the_patient_is_told(client, database_url):
    booked(client, iso(DAY, 8))  # the type's channels: e-mail and SMS
    booked(client, iso(DAY, 8, 20), who=1, notify=False)
    booked(client, iso(DAY, 8, 40), who=2, notify=["sms"])
    confirmations = [(r["recipient"], r["channel"]) for r in outbox(database_url,
                                                                     "confirmation")]
    assert confirmations == [("kari@example.no", "email"), ("+4740612345", "sms"),
                             ("+4740612345", "sms")]
    # reminders follow the type, whatever the patient was told at booking
    assert len(outbox(database_url, "reminder")) == 6


def test_the_log_says_who_created_it(client, database_url):
    by_staff = booked(client, iso(DAY, 9))
    by_patient = online(client, iso(DAY, 10))["booking"]
    [entry] = log_of(client, by_staff["id"])
    assert entry["actor"] == "staff:kari" and entry["action"] == "created"
    assert entry["details"]["via"] == "staff"
    assert same_instant(entry["details"]["start"], iso(DAY, 9))
    [entry] = log_of(client, by_patient["id"])
    assert (entry["actor"], entry["action"], entry["details"]["via"]) == (
        "patient", "created", "online")
    problem(client.get(f"{API}/bookings/{BOOKING_ID}/log", headers=STAFF), 404, "not_found")
    problem(client.get(f"{API}/bookings/nonsense/log", headers=STAFF), 404, "not_found")


# -- moves and changes ----------------------------------------------------------------------

def patch(client, booking_id: str, **body):
    return client.patch(f"{API}/bookings/{booking_id}", json=body, headers=STAFF)


def test_a_move_keeps_the_id_and_frees_the_old_time(client, database_url):
    b = booked(client, iso(DAY, 9))
    moved = patch(client, b["id"], start=iso(DAY, 10))
    assert moved.status_code == 200
    body = moved.get_json()["booking"]
    assert body["id"] == b["id"] and same_instant(body["start"], iso(DAY, 10))
    assert same_instant(body["end"], iso(DAY, 10, 20))
    starts = slot_starts(client, DAY)
    assert "09:00" in starts and "10:00" not in starts
    entry = log_of(client, b["id"])[-1]
    assert (entry["actor"], entry["action"]) == ("staff:kari", "moved")
    assert same_instant(entry["details"]["from"]["start"], iso(DAY, 9))
    assert same_instant(entry["details"]["to"]["start"], iso(DAY, 10))
    assert rows(database_url, "SELECT sequence FROM booking WHERE public_id = ?",
                (b["id"],)) == [(1,)]


def test_a_move_to_another_calendar_bumps_both(client, database_url):
    b = booked(client, iso(DAY, 9))
    before = dict(rows(database_url, "SELECT calendar, generation FROM calendar_state"))
    moved = patch(client, b["id"], calendar="vikar")
    assert moved.status_code == 200 and moved.get_json()["booking"]["calendar"] == "vikar"
    after = dict(rows(database_url, "SELECT calendar, generation FROM calendar_state"))
    assert after["lege"] == before["lege"] + 1 and after["vikar"] == before.get("vikar", 0) + 1
    assert "09:00" in slot_starts(client, DAY)


def test_a_move_into_its_own_old_time_is_no_overlap(client):
    b = booked(client, iso(DAY, 9))
    assert patch(client, b["id"], start=iso(DAY, 9, 10)).status_code == 200


def test_a_move_onto_a_booking_or_a_block_is_refused(client):
    b = booked(client, iso(DAY, 9))
    booked(client, iso(DAY, 10), who=1)
    problem(patch(client, b["id"], start=iso(DAY, 10, 10)), 409, "slot_unavailable")
    blocked = client.post(f"{API}/blocks", json={"calendar": "lege", "start": iso(DAY, 11),
                                                 "end": iso(DAY, 11, 30), "reason": "Møte"},
                          headers=STAFF)
    assert blocked.status_code == 201
    problem(patch(client, b["id"], start=iso(DAY, 11, 20)), 409, "slot_unavailable")
    problem(patch(client, b["id"], start=iso(DAY, 7)), 409, "outside_schedule")
    ok = patch(client, b["id"], start=iso(DAY, 7), outside_schedule=True)
    assert ok.status_code == 200 and ok.get_json()["booking"]["outside_schedule"] is True
    assert [e["action"] for e in log_of(client, b["id"])] == ["created", "moved"]


def test_type_note_and_attendance(client, database_url, clock):
    b = booked(client, iso(DAY, 8))
    retyped = patch(client, b["id"], type="kort")
    assert retyped.status_code == 200
    assert same_instant(retyped.get_json()["booking"]["end"], iso(DAY, 8, 10))
    assert patch(client, b["id"], note="Tar med\nresepten").get_json()["booking"]["note"] == \
        "Tar med\nresepten"
    clock.advance(days=2, hours=1)  # Thursday 08:00: the appointment begins
    assert patch(client, b["id"], attendance="arrived").get_json()["booking"][
        "attendance"] == "arrived"
    assert patch(client, b["id"], attendance="no_show").get_json()["booking"][
        "attendance"] == "no_show"
    assert patch(client, b["id"], attendance=None).get_json()["booking"]["attendance"] is None
    entries = log_of(client, b["id"])
    assert [e["action"] for e in entries] == ["created", "type_changed", "note", "attendance",
                                              "attendance", "attendance"]
    assert entries[1]["details"]["from"] == "kons" and entries[1]["details"]["to"] == "kort"
    assert entries[2]["details"] == {"length": 16}
    assert [(e["details"]["from"], e["details"]["to"]) for e in entries[3:]] == [
        (None, "arrived"), ("arrived", "no_show"), ("no_show", None)]
    # no personal data in any entry's details
    text = log_details_text(database_url)
    for secret in (fnr(0), "Kari", "Nordmann", "40612345", "kari@example.no", "resepten"):
        assert secret not in text


def test_a_no_show_two_days_ahead_is_refused_with_when_it_may_be_recorded(client):
    b = booked(client, iso(DAY, 8))
    body = problem(patch(client, b["id"], attendance="no_show"), 409, "attendance_too_early")
    assert same_instant(body["from"], iso(DAY, 8))


def test_arrived_sixteen_minutes_before_the_start_is_refused(client, clock):
    b = booked(client, iso(DAY, 8))
    clock.advance(days=2, minutes=44)  # Thursday 07:44
    problem(patch(client, b["id"], attendance="arrived"), 409, "attendance_too_early")


def test_arrived_fifteen_minutes_before_the_start_is_taken(client, clock):
    b = booked(client, iso(DAY, 8))
    clock.advance(days=2, minutes=45)  # Thursday 07:45
    assert patch(client, b["id"], attendance="arrived").get_json()["booking"][
        "attendance"] == "arrived"


def test_a_no_show_a_minute_before_the_start_is_refused(client, clock):
    b = booked(client, iso(DAY, 8))
    clock.advance(days=2, minutes=59)  # Thursday 07:59
    problem(patch(client, b["id"], attendance="no_show"), 409, "attendance_too_early")


def test_patch_errors(client):
    b = booked(client, iso(DAY, 8))
    problem(patch(client, BOOKING_ID, note="x"), 404, "not_found")
    assert field_codes(patch(client, b["id"])) == {("", "nothing_to_change")}
    assert field_codes(patch(client, b["id"], attendance="late", attendence="arrived",
                             calendar="borte", type="", start="kl. 9")) == {
        ("attendance", "attendance"), ("attendence", "unknown"),
        ("calendar", "calendar_unknown"), ("type", "required"), ("start", "start")}
    cancelled = client.post(f"{API}/bookings/{b['id']}/cancel",
                            json={"initiated_by": "patient"}, headers=STAFF)
    assert cancelled.status_code == 200
    problem(patch(client, b["id"], start=iso(DAY, 9)), 409, "booking_cancelled")
    problem(patch(client, b["id"], attendance="arrived"), 409, "booking_cancelled")
    assert patch(client, b["id"], note="Ringte og avbestilte").status_code == 200


# -- cancelling -------------------------------------------------------------------------------

def cancel(client, booking_id: str, **body):
    return client.post(f"{API}/bookings/{booking_id}/cancel", json=body, headers=STAFF)


def test_cancel_for_the_clinic_and_for_the_patient(client, database_url):
    a = booked(client, iso(DAY, 8))
    b = booked(client, iso(DAY, 9), who=1)
    done = cancel(client, a["id"], initiated_by="clinic", reason="Legen er syk")
    assert done.status_code == 200 and done.get_json()["booking"]["status"] == "cancelled"
    assert cancel(client, b["id"], initiated_by="patient").status_code == 200
    assert {"08:00", "09:00"} <= slot_starts(client, DAY)
    assert [(i, by, opened("booking", "cancel_reason", why)) for i, by, why in rows(
        database_url, "SELECT public_id, cancelled_by, cancel_reason FROM booking "
        "WHERE status = 'cancelled' ORDER BY start")] == [
        (a["id"], "staff", "Legen er syk"), (b["id"], "patient", "")]
    entry = log_of(client, a["id"])[-1]
    assert (entry["action"], entry["details"]["initiated_by"]) == ("cancelled", "clinic")
    assert "Legen" not in log_details_text(database_url)
    again = cancel(client, a["id"], initiated_by="patient")  # unchanged
    assert again.status_code == 200 and len(log_of(client, a["id"])) == 2


def test_cancel_errors(client, clock):
    b = booked(client, iso(TODAY, 8))
    assert field_codes(cancel(client, b["id"], initiated_by="clinic")) == {
        ("reason", "reason_needed")}
    assert field_codes(cancel(client, b["id"], initiated_by="doctor", why="x")) == {
        ("initiated_by", "initiated_by"), ("why", "unknown")}
    assert field_codes(cancel(client, b["id"])) == {("initiated_by", "required")}
    problem(cancel(client, BOOKING_ID, initiated_by="patient"), 404, "not_found")
    clock.advance(hours=2)  # 09:00: the 08:00 appointment is over
    problem(cancel(client, b["id"], initiated_by="patient"), 409, "booking_ended")


def test_cancel_without_telling_the_patient(client, database_url):
    b = booked(client, iso(DAY, 8))
    assert cancel(client, b["id"], initiated_by="patient", notify=False).status_code == 200
    assert outbox(database_url, "cancellation") == []
    assert {r["status"] for r in outbox(database_url, "reminder")} == {"cancelled"}


# -- staff blocks ---------------------------------------------------------------------------

def block(client, start: str, end: str, **extra):
    body = {"calendar": "lege", "start": start, "end": end, "reason": "Personalmøte", **extra}
    return client.post(f"{API}/blocks", json=body, headers=STAFF)


def test_a_block_hides_slots_and_refuses_bookings_until_deleted(client):
    assert {"09:00", "09:20", "09:40"} <= slot_starts(client, DAY)  # and now cached
    made = block(client, iso(DAY, 9), iso(DAY, 10))
    assert made.status_code == 201
    created = made.get_json()["block"]
    assert created["reason"] == "Personalmøte" and created["created_by"] == "kari"
    starts = slot_starts(client, DAY)
    assert not {"09:00", "09:20", "09:40"} & starts and {"08:40", "10:00"} <= starts
    refused = client.post(f"{PUBLIC}/bookings", json=booking_body(iso(DAY, 9, 20),
                                                                   calendar="lege",
                                                                   type="kons"))
    problem(refused, 409, "slot_unavailable")
    problem(book(client, iso(DAY, 9, 50)), 409, "slot_unavailable")
    gone = client.delete(f"{API}/blocks/{created['id']}", headers=STAFF)
    assert gone.status_code == 200 and gone.get_json()["deleted"] is True
    assert {"09:00", "09:20", "09:40"} <= slot_starts(client, DAY)
    problem(client.delete(f"{API}/blocks/{created['id']}", headers=STAFF), 404, "not_found")


def test_a_block_over_bookings_needs_allow_conflicts(client):
    b = booked(client, iso(DAY, 9))
    refused = problem(block(client, iso(DAY, 8, 30), iso(DAY, 10)), 409, "conflicts")
    assert refused["bookings"] == [b["id"]]
    allowed = block(client, iso(DAY, 8, 30), iso(DAY, 10), allow_conflicts=True)
    assert allowed.status_code == 201
    listed = client.get(f"{API}/conflicts", headers=STAFF).get_json()["conflicts"]
    assert [(c["booking"]["id"], c["reason"]) for c in listed] == [(b["id"], "staff_block")]
    assert log_of(client, b["id"])[-1]["action"] == "blocked"


def test_blocks_never_overlap_each_other(client):
    first = block(client, iso(DAY, 9), iso(DAY, 10)).get_json()["block"]
    refused = problem(block(client, iso(DAY, 9, 30), iso(DAY, 11)), 409, "block_overlap")
    assert refused["blocks"] == [first["id"]]
    assert block(client, iso(DAY, 10), iso(DAY, 11)).status_code == 201  # touching
    other = client.post(f"{API}/blocks", json={"calendar": "vikar", "start": iso(DAY, 9),
                                               "end": iso(DAY, 10), "reason": "Kurs"},
                        headers=STAFF)
    assert other.status_code == 201


def test_block_errors(client):
    assert field_codes(block(client, iso(DAY, 10), iso(DAY, 9))) == {("end", "end_order")}
    assert field_codes(block(client, iso(DAY, 10), iso(DAY + timedelta(days=40), 9))) == {
        ("end", "block_length")}
    body = {"calendar": "borte", "start": "i morgen", "allow_conflicts": 1}
    assert field_codes(client.post(f"{API}/blocks", json=body, headers=STAFF)) == {
        ("calendar", "calendar_unknown"), ("start", "start"), ("end", "start"),
        ("reason", "required"), ("allow_conflicts", "boolean")}


# -- patients -------------------------------------------------------------------------------

def search(client, q: str):
    return client.get(f"{API}/patients", query_string={"q": q}, headers=STAFF)


def test_patient_search_by_national_id_name_and_phone(client, database_url, clock):
    first = booked(client, iso(DAY, 8))
    clock.advance(days=2, hours=1)  # Thursday 08:00: the appointment begins
    patch(client, first["id"], attendance="no_show")
    booked(client, iso(DAY, 9))
    third = booked(client, iso(DAY, 10))
    cancel(client, third["id"], initiated_by="patient")
    other = patient(1, first_name="Øyvind", last_name="Ås", phone="+4791234567",
                    email="")
    client.post(f"{API}/bookings", json={**staff_body(iso(DAY, 11)), "patient": other},
                headers=STAFF)

    by_id = search(client, fnr(0)[:6] + " " + fnr(0)[6:]).get_json()["patients"]
    assert [(p["first_name"], p["bookings"], p["no_shows"], p["masked_id"]) for p in by_id] \
        == [("Kari", 2, 1, fnr(0)[:6] + " *****")]
    assert fnr(0) not in search(client, fnr(0)).get_data(as_text=True)
    assert [p["first_name"] for p in search(client, "øyvind").get_json()["patients"]] == [
        "Øyvind"]
    assert [p["last_name"] for p in search(client, "ØYVIND ås").get_json()["patients"]] == [
        "Ås"]
    assert [p["phone"] for p in search(client, "912 34 567").get_json()["patients"]] == [
        "+4791234567"]
    assert search(client, "Nordmann").get_json()["patients"][0]["key"] == by_id[0]["key"]
    assert search(client, fnr(2)).get_json()["patients"] == []
    # another clinic's patients are not this clinic's
    assert client.get(f"/api/v1/staff/{OTHER}/patients?q=Kari",
                      headers=OTHER_STAFF).get_json()["patients"] == []
    logged = [(c, a, k, opened("patient_search", "query", q), n) for c, a, k, q, n in rows(
        database_url, "SELECT clinic, actor, kind, query, results FROM patient_search "
        "ORDER BY id")]
    assert logged[:5] == [(SLUG, "staff:kari", "national_id", "", 1),
                          (SLUG, "staff:kari", "national_id", "", 1),
                          (SLUG, "staff:kari", "name", "øyvind", 1),
                          (SLUG, "staff:kari", "name", "ØYVIND ås", 1),
                          (SLUG, "staff:kari", "phone", "91234567", 1)]
    assert fnr(0) not in str(logged)


def test_a_common_name_shows_the_twenty_patients_booked_last(client):
    # 100 patients named Kari, booked one after another (five days of the vikar's
    # 08:00-16:00 in 20-minute times): the search shows 20, and they are the last 20
    for n in range(100):
        day, slot = DAY + timedelta(days=n // 24), n % 24
        booked(client, iso(day, 8 + slot // 3, 20 * (slot % 3)), calendar="vikar",
               patient=patient(n, last_name=f"N{n:03d}"))
    found = search(client, "kari").get_json()["patients"]
    assert [p["last_name"] for p in found] == [f"N{n:03d}" for n in range(99, 79, -1)]


def test_patient_search_errors(client):
    assert field_codes(search(client, "K")) == {("q", "query_short")}
    assert field_codes(client.get(f"{API}/patients", headers=STAFF)) == {("q", "required")}
    assert field_codes(search(client, "x" * 101)) == {("q", "too_long")}


# -- the day, conflicts, the waiting list -------------------------------------------------

def test_the_day(client):
    b = booked(client, iso(DAY, 9))
    online(client, iso(DAY, 10))
    blk = block(client, iso(DAY, 11), iso(DAY, 11, 30)).get_json()["block"]
    response = client.get(f"{API}/day?date={DAY}", headers=STAFF)
    assert response.status_code == 200
    body = response.get_json()
    assert body["date"] == "2026-12-03" and [c["id"] for c in body["calendars"]] == [
        "lege", "vikar"]
    lege = body["calendars"][0]
    assert [(x["start"][11:16], x["end"][11:16], x["online"], x["types"])
            for x in lege["blocks"]] == [("08:00", "12:00", True, ["kons", "kort"]),
                                         ("12:00", "13:00", False, ["kons", "intern"])]
    assert [(x["id"], x["self_booked"], x["status"], x["attendance"]) for x in
            lege["bookings"]] == [(b["id"], False, "active", None),
                                  (lege["bookings"][1]["id"], True, "active", None)]
    assert lege["bookings"][0]["patient"]["first_name"] == "Kari"
    assert [(x["id"], x["reason"]) for x in lege["staff_blocks"]] == [(blk["id"],
                                                                      "Personalmøte")]
    assert [(x["start"][11:16], x["source"]) for x in lege["busy"]] == [
        ("09:00", "booking"), ("10:00", "booking"), ("11:00", "staff_block")]
    assert body["calendars"][1]["bookings"] == []
    today = client.get(f"{API}/day", headers=STAFF).get_json()
    assert today["date"] == "2026-12-01"
    assert field_codes(client.get(f"{API}/day?date=3.12.2026", headers=STAFF)) == {
        ("date", "date")}


def test_waitlist_is_empty_while_nobody_waits(client):
    response = client.get(f"{API}/waitlist", headers=STAFF)
    assert response.status_code == 200 and response.get_json() == {"entries": []}


def test_no_conflicts_when_everything_fits(client):
    booked(client, iso(DAY, 9))
    booked(client, iso(DAY, 7), outside_schedule=True)  # outside on purpose: no conflict
    assert client.get(f"{API}/conflicts", headers=STAFF).get_json() == {"conflicts": []}
    assert client.get("/healthz").get_json()["conflicts"] == 0


def test_the_pages_reveal_and_the_patients_own_cancel_are_logged(client):
    from bs4 import BeautifulSoup

    created = online(client, iso(DAY, 8))
    booking_id = created["booking"]["id"]
    staff_login(client, SLUG, "kari", PASSWORD)  # the pages take the login's session
    page = client.get(f"/staff/{SLUG}/bookings/{booking_id}")
    csrf = BeautifulSoup(page.get_data(as_text=True), "html.parser").find(
        "input", {"name": "csrf"})["value"]
    shown = client.post(f"/staff/{SLUG}/bookings/{booking_id}/reveal", data={"csrf": csrf})
    assert shown.status_code == 200
    bearer = {"Authorization": f"Bearer {created['cancel_token']}"}
    assert client.delete(f"{PUBLIC}/bookings/{booking_id}", headers=bearer).status_code == 200
    entries = log_of(client, booking_id)
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("patient", "created"), ("staff:kari", "national_id_revealed"),
        ("patient", "cancelled")]
    assert entries[2]["details"] == {"initiated_by": "patient", "notified": True,
                                     "via": "online"}


def test_the_retention_purge_erases_what_staff_searched_for(client, database_url, clock):
    from endpoint.storage.db import db
    from endpoint.storage.purge import purge

    booked(client, iso(DAY, 8))
    search(client, "Nordmann")
    search(client, fnr(0))
    with db.connection_context():
        purge(30, clock.at + timedelta(days=60))
    assert rows(database_url, "SELECT kind, query, results FROM patient_search "
                "ORDER BY id") == [("name", "", 1), ("national_id", "", 1)]
