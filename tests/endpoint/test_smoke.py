"""Smoke test of the endpoint: a booking end to end through the test client."""

from __future__ import annotations


def test_book_and_cancel(client):
    slots = client.get("/api/v1/clinics/fjordlegene/slots?type=konsultasjon&calendar=hansen")
    assert slots.status_code == 200
    first = slots.get_json()["days"][3]["slots"][0]  # beyond the 24 h cancel deadline
    body = {"calendar": "hansen", "type": "konsultasjon", "start": first["start"],
            "patient": {"id_type": "fnr", "national_id": "15108695088", "first_name": "Kari",
                        "last_name": "Nordmann", "phone": "40612345",
                        "email": "kari@example.no"}}
    created = client.post("/api/v1/clinics/fjordlegene/bookings", json=body)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert "15108695088" not in created.get_data(as_text=True)
    again = client.post("/api/v1/clinics/fjordlegene/bookings", json=body)
    assert again.status_code == 409 and again.get_json()["code"] == "slot_unavailable"
    headers = {"Authorization": f"Bearer {data['cancel_token']}"}
    url = f"/api/v1/clinics/fjordlegene/bookings/{data['booking']['id']}"
    assert client.get(url, headers=headers).get_json()["booking"]["cancellable"] is True
    assert client.delete(url, headers=headers).get_json()["booking"]["status"] == "cancelled"
    assert client.delete(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_url_rules_make_their_builders_on_first_use_and_build_right(app):
    """`endpoint.routing.LazyRule`: the app starts without compiling URL builders; the first
    `url_for` makes the one it needs, with path arguments and query arguments."""
    from flask import url_for

    from endpoint.routing import LazyRule

    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(r, LazyRule) for r in rules)
    with app.test_request_context():
        for _ in range(2):  # the builder made on the first call, kept for the second
            assert url_for("staff.calendar", slug="fjordlegene") == "/staff/fjordlegene/calendar"
            assert url_for("staff.calendar", slug="fjord legene", date="2026-12-03") == \
                "/staff/fjord%20legene/calendar?date=2026-12-03"
    (calendar,) = [r for r in rules if r.endpoint == "staff.calendar"]
    # url_for's builder (the one that appends unknown arguments) made once and kept; the
    # other, and every builder of a rule never built into a URL, never compiled
    assert calendar._build_unknown.__name__ != "first_use"
    assert calendar._build.__name__ == "first_use"
    (other,) = [r for r in rules if r.endpoint == "staff.login"]
    assert other._build_unknown.__name__ == "first_use"
