"""Input that only PostgreSQL chokes on (NUL), extreme dates on staff pages, and origins
written the way admins write them — each on both databases where the database matters."""

from __future__ import annotations

import pytest
from support import staff_login

from endpoint.staff.users import add_user
from endpoint.storage.db import db

SLUG = "fjordlegene"
PASSWORD = "fjord-kaffe-mandag-7"


@pytest.fixture
def hostile_client(make_app, database_url):
    app = make_app(database_url=database_url)
    with db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
    return app.test_client()


@pytest.fixture
def staff_client(hostile_client):
    """Logged in as kari."""
    assert staff_login(hostile_client, SLUG, "kari", PASSWORD).status_code == 303
    return hostile_client


def _booking_body(client, **changes) -> dict:
    days = client.get(f"/api/v1/clinics/{SLUG}/slots?type=konsultasjon&calendar=hansen"
                      ).get_json()["days"]
    body = {"calendar": "hansen", "type": "konsultasjon", "start": days[3]["slots"][0]["start"],
            "patient": {"id_type": "fnr", "national_id": "15108695088", "first_name": "Kari",
                        "last_name": "Nordmann", "phone": "40612345",
                        "email": "kari@example.no"}}
    body.update(changes)
    return body


@pytest.mark.parametrize("where", ["note", "first_name"])
def test_nul_in_text_is_a_validation_error(hostile_client, where):
    body = _booking_body(hostile_client)
    if where == "note":
        body["note"] = "kommer\x00litt sent"
    else:
        body["patient"]["first_name"] = "Ka\x00ri"
    response = hostile_client.post(f"/api/v1/clinics/{SLUG}/bookings", json=body)
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation"


def test_a_note_keeps_line_breaks(hostile_client):
    body = _booking_body(hostile_client, note="Første linje\nAndre linje\tmed tab")
    assert hostile_client.post(f"/api/v1/clinics/{SLUG}/bookings", json=body).status_code == 201


@pytest.mark.parametrize("booking_id", ["ab%00cd", "%00", "0" * 31 + "%00", "x" * 300])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_junk_booking_ids_are_the_ordinary_404(hostile_client, booking_id, method):
    response = hostile_client.open(f"/api/v1/clinics/{SLUG}/bookings/{booking_id}",
                                   method=method, headers={"Authorization": "Bearer abc"})
    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


@pytest.mark.parametrize("path,status", [
    (f"/staff/{SLUG}/bookings/ab%00cd", 404),  # no such booking
    (f"/staff/{SLUG}/calendar?cancelled=ab%00cd", 200),  # the calendar, with no notice
])
def test_junk_ids_on_staff_pages_are_no_500(staff_client, path, status):
    assert staff_client.get(path).status_code == status


@pytest.mark.parametrize("username,password", [("ka\x00ri", "x"), ("kari", "x\x00y"),
                                               ("ka\x00ri", PASSWORD)])
def test_a_nul_in_a_staff_login_is_an_ordinary_refusal(hostile_client, username, password):
    response = staff_login(hostile_client, SLUG, username, password)
    assert response.status_code == 403
    assert "Feil brukernavn eller passord." in response.get_data(as_text=True)


@pytest.mark.parametrize("cookie", ["ab\x00cd", "x" * 4000, "%00", "ÆØÅ"],
                         ids=["nul", "long", "escaped-nul", "non-ascii"])
def test_a_junk_session_cookie_is_no_session(hostile_client, cookie):
    hostile_client.set_cookie("ledig_staff", cookie, path="/")
    assert hostile_client.get(f"/staff/{SLUG}/calendar").status_code == 303


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-28", "1899-12-31"])
def test_staff_calendar_dates_out_of_range_are_400(staff_client, day):
    response = staff_client.get(f"/staff/{SLUG}/calendar?date={day}")
    assert response.status_code == 400


def test_origins_match_however_the_admin_wrote_them(make_app, content_dir):
    path = content_dir / "clinics" / f"{SLUG}.yaml"
    path.write_text(path.read_text().replace(
        'embed_origins: ["http://localhost:8000", "http://127.0.0.1:8000"]',
        'embed_origins: ["HTTPS://Www.Fjordlegene.Example:443", "http://127.0.0.1:8000"]'))
    client = make_app().test_client()
    response = client.get(f"/api/v1/clinics/{SLUG}",
                          headers={"Origin": "https://www.fjordlegene.example"})
    assert response.headers.get("Access-Control-Allow-Origin") == \
        "https://www.fjordlegene.example"


def test_first_available_only_shows_the_next_slot_once_the_first_is_booked(client):
    url = f"/api/v1/clinics/{SLUG}/slots?type=influensavaksine&from=2026-12-04&to=2026-12-04"
    first = client.get(url).get_json()["days"][0]["slots"]
    assert len(first) == 1  # one per calendar and day (only the nurse offers it)
    body = {"calendar": first[0]["calendar"], "type": "influensavaksine",
            "start": first[0]["start"],
            "patient": {"id_type": "fnr", "national_id": "15108695088", "first_name": "Kari",
                        "last_name": "Nordmann", "phone": "40612345",
                        "email": "kari@example.no"}}
    assert client.post(f"/api/v1/clinics/{SLUG}/bookings", json=body).status_code == 201
    then = client.get(url).get_json()["days"][0]["slots"]
    assert len(then) == 1 and then[0]["start"] > first[0]["start"]
