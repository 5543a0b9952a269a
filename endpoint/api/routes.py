"""The public JSON API (SPEC §5): clinic info, slots, bookings, cancellation."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from booking import Clinic
from booking.model import Rules
from endpoint import state
from endpoint.api.parsing import bearer_token, booking_request, slot_query
from endpoint.api.views import booking_json
from endpoint.fields import json_body
from endpoint.problems import Problem
from endpoint.services import bookings
from endpoint.services.slots import slots_body
from endpoint.state import now

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def clinic_or_404(slug: str) -> Clinic:
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise Problem("not_found", f"No clinic '{slug[:100]}'.")
    g.clinic = clinic
    return clinic


@bp.get("/clinics/<slug>")
def clinic_info(slug: str):
    clinic = clinic_or_404(slug)
    rules = clinic.online
    return jsonify({
        "clinic": clinic.slug,
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "address": clinic.address,
        "phone": clinic.phone,
        "test_mode": clinic.test_mode,
        "version": clinic.version,
        "calendars": [{"id": c.id, "name": c.name, "title": c.title}
                      for c in clinic.online_calendars],
        "types": [{"id": t.id, "name": t.name, "duration": t.duration, "price": t.price,
                   "address": t.address or clinic.address, "info": t.info,
                   "rules": _rules(t.rules)} for t in clinic.online_types],
        "restrictions": _rules(rules),
    })


def _rules(rules: Rules) -> dict[str, object]:
    return {"first_available_only": rules.first_available_only,
            "max_self_booked": rules.max_self_booked, "days_ahead": rules.days_ahead,
            "booking_deadline_hours": rules.booking_deadline_hours,
            "cancellation_deadline_hours": rules.cancellation_deadline_hours}


@bp.get("/clinics/<slug>/slots")
def slots(slug: str):
    clinic = clinic_or_404(slug)
    current = now()
    query = slot_query(request.args, clinic, current)
    cache = state.current().slot_cache
    return current_app.response_class(slots_body(cache, clinic, query, current),
                                      mimetype="application/json")


@bp.post("/clinics/<slug>/bookings")
def create_booking(slug: str):
    clinic = clinic_or_404(slug)
    req = booking_request(json_body(clinic.language), clinic)
    secret_key = state.current().settings.secret_key
    booking, token = bookings.create_booking(clinic, req, now(), secret_key)
    response = jsonify({"booking": booking_json(clinic, booking),
                        "cancel_token": token})
    response.status_code = 201
    return response


@bp.get("/clinics/<slug>/bookings/<booking_id>")
def get_booking(slug: str, booking_id: str):
    clinic = clinic_or_404(slug)
    token = bearer_token(request.headers.get("Authorization"))
    booking = bookings.find_booking(clinic, booking_id, token)
    return jsonify({"booking": booking_json(clinic, booking, now())})


@bp.get("/clinics/<slug>/cancellation")
def get_booking_by_token(slug: str):
    """The booking of a short cancellation link (`#<token>`): the token alone finds it."""
    clinic = clinic_or_404(slug)
    token = bearer_token(request.headers.get("Authorization"))
    booking = bookings.find_by_token(clinic, token)
    return jsonify({"booking": booking_json(clinic, booking, now())})


@bp.delete("/clinics/<slug>/bookings/<booking_id>")
def cancel_booking(slug: str, booking_id: str):
    clinic = clinic_or_404(slug)
    token = bearer_token(request.headers.get("Authorization"))
    current = now()
    booking = bookings.cancel_booking(clinic, booking_id, token, current)
    return jsonify({"booking": booking_json(clinic, booking, current)})
