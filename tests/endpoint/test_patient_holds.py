"""Holds (docs/patients.md): a picked time held for the patient, busy for everyone else until it
expires, is released or is booked; on SQLite and PostgreSQL, with the fixed `clock`
(Tuesday 2026-12-01 07:00 in Oslo) moved instead of slept."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from endpoint_support import SLUG, booking_body, local
from patient_support import API, auth, patient_yaml, problem
from staff_api_support import rows
from support import write_clinic

DAY = date(2026, 12, 3)
NINE = local(DAY, 9)


@pytest.fixture
def client(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml())
    write_clinic(content_dir, "annen", patient_yaml(name="Annen klinikk"))
    return make_app(database_url=database_url).test_client()


def hold(client, start: datetime = NINE, calendar: str = "a", slug: str = SLUG, **headers):
    return client.post(f"/api/v1/clinics/{slug}/holds",
                       json={"calendar": calendar, "type": "time", "start": start.isoformat()},
                       headers=headers)


def held(client, start: datetime = NINE, calendar: str = "a", **kw) -> tuple[str, str]:
    r = hold(client, start, calendar, **kw)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["hold"]["id"], r.get_json()["hold_token"]


def starts(client, calendar: str = "a") -> list[datetime]:
    r = client.get(f"{API}/slots", query_string={"type": "time", "calendar": calendar,
                                                 "from": DAY.isoformat(),
                                                 "to": DAY.isoformat()})
    days = r.get_json()["days"]
    return [datetime.fromisoformat(s["start"]) for s in days[0]["slots"]] if days else []


def book(client, start: datetime = NINE, who: int = 0, **kw):
    return client.post(f"{API}/bookings", json=booking_body(start, who=who, **kw))


def test_a_hold_is_201_and_hides_the_time_from_everyone_at_once(client, database_url):
    assert NINE in starts(client)  # the slot cache now holds the day
    r = hold(client)
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    assert set(body) == {"hold", "hold_token"} and len(body["hold_token"]) >= 43
    h = body["hold"]
    assert set(h) == {"id", "calendar", "type", "start", "end", "expires_at"}
    assert (h["calendar"], h["type"]) == ("a", "time")
    assert datetime.fromisoformat(h["start"]) == NINE
    assert datetime.fromisoformat(h["end"]) == NINE + timedelta(hours=1)
    assert datetime.fromisoformat(h["expires_at"]) == local(date(2026, 12, 1), 7, 5)
    assert NINE not in starts(client)  # not served from the cache
    assert NINE in starts(client, "b")
    problem(hold(client), 409, "slot_unavailable")  # nobody else can hold it
    problem(book(client, who=1), 409, "slot_unavailable")  # nor book it
    # the token is stored only as its hash
    assert rows(database_url, "SELECT token_hash FROM hold") != [(body["hold_token"],)]


def test_booking_with_the_token_consumes_the_hold(client, database_url):
    hold_id, token = held(client)
    r = book(client, hold_token=token)
    assert r.status_code == 201, r.get_data(as_text=True)
    assert datetime.fromisoformat(r.get_json()["booking"]["start"]) == NINE
    assert rows(database_url, "SELECT id FROM hold") == []
    problem(book(client, local(DAY, 10), who=1, hold_token=token), 409, "hold_invalid")


def test_a_token_for_another_time_or_clinic_books_nothing(client, database_url):
    _, token = held(client)
    problem(book(client, local(DAY, 10), hold_token=token), 409, "hold_invalid")
    problem(book(client, NINE, calendar="b", hold_token=token), 409, "hold_invalid")
    problem(book(client, hold_token="x" * 43), 409, "hold_invalid")
    _, other = held(client, slug="annen")
    problem(book(client, local(DAY, 11), hold_token=other), 409, "hold_invalid")
    body = problem(book(client, hold_token=12), 422, "validation")
    assert [e["field"] for e in body["errors"]] == ["hold_token"]
    assert rows(database_url, "SELECT id FROM booking") == []


def test_an_expired_hold_frees_the_time_without_any_worker(client, clock, database_url):
    _, token = held(client)
    assert NINE not in starts(client)
    clock.advance(minutes=4, seconds=59)
    assert NINE not in starts(client)
    clock.advance(seconds=1)  # expires_at <= now: not busy
    assert NINE in starts(client)
    problem(book(client, hold_token=token), 409, "hold_expired")
    _, again = held(client)  # the expired hold blocks no new one
    assert len(rows(database_url, "SELECT id FROM hold")) == 1  # and was deleted for it
    assert book(client, who=1, hold_token=again).status_code == 201


def test_release_frees_the_time(client):
    hold_id, token = held(client)
    url = f"{API}/holds/{hold_id}"
    problem(client.delete(url), 401, "unauthorized")
    problem(client.delete(url, headers=auth("wrong" * 9)), 404, "not_found")
    problem(client.delete(f"{API}/holds/{'0' * 32}", headers=auth(token)), 404, "not_found")
    problem(client.delete(f"/api/v1/clinics/annen/holds/{hold_id}", headers=auth(token)),
            404, "not_found")
    assert NINE not in starts(client)
    r = client.delete(url, headers=auth(token))
    assert r.status_code == 200 and r.get_json() == {"released": True}
    assert NINE in starts(client)
    problem(client.delete(url, headers=auth(token)), 404, "not_found")


def test_one_address_holds_at_most_three_times(client, clock):
    ids = [held(client, local(DAY, 9 + n))[0] for n in range(3)]
    body = problem(hold(client, local(DAY, 13)), 429, "rate_limited")
    assert body["detail"]
    r = hold(client, local(DAY, 13))
    assert r.headers["Retry-After"] == "300"
    other = client.post(f"{API}/holds", json={"calendar": "a", "type": "time",
                                               "start": local(DAY, 13).isoformat()},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201  # another address is not counted
    assert ids and len(set(ids)) == 3
    clock.advance(minutes=5)  # all three ran out
    assert hold(client, local(DAY, 14)).status_code == 201


def test_a_hold_obeys_the_online_rules(client):
    problem(hold(client, local(date(2026, 12, 1), 8)), 409, "booking_deadline")
    problem(hold(client, local(date(2027, 1, 1), 9)), 409, "outside_booking_window")
    problem(hold(client, local(DAY, 9, 30)), 409, "slot_unavailable")
    assert book(client).status_code == 201
    problem(hold(client), 409, "slot_unavailable")
    body = problem(client.post(f"{API}/holds", json={"calendar": "stengt", "start": "x",
                                                      "extra": 1}), 422, "validation")
    assert {e["field"] for e in body["errors"]} == {"calendar", "type", "start", "extra"}
    problem(client.post(f"{API}/holds", json=[]), 422, "validation")


def test_a_move_may_use_its_own_hold(client):
    r = book(client)
    booking_id, cancel = r.get_json()["booking"]["id"], r.get_json()["cancel_token"]
    _, token = held(client, local(DAY, 13))
    url = f"{API}/bookings/{booking_id}"
    problem(client.patch(url, json={"start": local(DAY, 13).isoformat()},
                         headers=auth(cancel)), 409, "slot_unavailable")  # held: not free
    r = client.patch(url, json={"start": local(DAY, 13).isoformat(), "hold_token": token},
                     headers=auth(cancel))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert NINE in starts(client)


def test_holds_off_means_404_and_no_hold_is_busy(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, patient_yaml(features="hold_minutes: 0"))
    client = make_app(database_url=database_url).test_client()
    assert client.get(API).get_json()["hold_minutes"] == 0
    problem(hold(client), 404, "not_found")
    problem(client.delete(f"{API}/holds/{'0' * 32}", headers=auth("t" * 43)), 404,
            "not_found")
    assert book(client, hold_token="ignored-when-holds-are-off").status_code == 201


def test_a_staff_block_over_a_held_time_ends_the_hold(client, clock, database_url):
    from endpoint.services import blocks
    from endpoint.services.blocks import BlockRequest
    from endpoint.state import of

    _, token = held(client)
    clinic = of(client.application).registry.get(SLUG)
    with client.application.app_context():
        blocks.add_block(clinic, BlockRequest("a", local(DAY, 8), local(DAY, 12), "kurs"),
                         "staff:kari", clock.now(), hooks=of(client.application).hooks)
    assert rows(database_url, "SELECT id FROM hold") == []
    problem(book(client, hold_token=token), 409, "hold_invalid")


def test_the_staff_day_shows_a_held_time_until_it_expires(client, clock, database_url):
    # the receptionist must see why the 09:00 they would give the caller is not free
    from staff_api_support import PASSWORD, add_staff
    from support import staff_login

    add_staff(database_url, SLUG)
    assert staff_login(client, SLUG, "kari", PASSWORD).status_code == 303
    page = f"/staff/{SLUG}/calendar?date={DAY}"
    held(client)
    html = client.get(page).get_data(as_text=True)
    free_nine = f"calendar=a&date={DAY}&time=09:00&"
    assert free_nine not in html  # not offered as free while held
    assert "09:00–10:00</span> Pasient bestiller nå, holdt på nett til 07:05" in html
    from staff_api_support import bearer
    day = client.get(f"/api/v1/staff/{SLUG}/day?date={DAY}", headers=bearer("kari")).get_json()
    busy_a = next(c["busy"] for c in day["calendars"] if c["id"] == "a")
    assert busy_a == [{"start": "2026-12-03T09:00:00+01:00", "end": "2026-12-03T10:00:00+01:00",
                       "source": "hold", "until": "2026-12-01T07:05:00+01:00"}]
    listed = client.get(page + "&view=list").get_data(as_text=True)
    assert "09:00–10:00</span> Pasient bestiller nå, holdt på nett til 07:05" in listed
    clock.advance(minutes=5)
    html = client.get(page).get_data(as_text=True)
    assert "Pasient bestiller nå, holdt" not in html and free_nine in html
