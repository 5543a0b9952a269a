"""The public JSON API (README.md#http-api): clinic info, slots, bookings, cancellation."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from booking import Clinic
from booking.model import Rules
from endpoint import state
from endpoint.api.parsing import (
    bearer_token,
    booking_request,
    move_request,
    slot_query,
)
from endpoint.api.sessions import is_session_token, session_of
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
                   "rules": _rules(t.rules), "allow_move": t.rules.allow_move}
                  for t in clinic.online_types],
        "restrictions": _rules(rules),
        # docs/patients.md: how long a picked time is held (0: holds off) and the wait list's switch
        "hold_minutes": clinic.features.hold_minutes,
        "waitlist": clinic.features.waitlist,
    })


def _rules(rules: Rules) -> dict[str, object]:
    return {"first_available_only": rules.first_available_only,
            "max_self_booked": rules.max_self_booked, "days_ahead": rules.days_ahead,
            "booking_deadline_hours": rules.booking_deadline_hours,
            "cancellation_deadline_hours": rules.cancellation_deadline_hours,
            "allow_move": rules.allow_move}


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
    known = None
    if request.headers.get("Authorization"):  # a logged-in patient (docs/patient-login.md)
        s = session_of(clinic, bearer_token(request.headers.get("Authorization")))
        known = bookings.Patient(s.id_type, s.national_id, s.first_name, s.last_name, "", "")
    req = booking_request(json_body(clinic.language), clinic, known)
    secret_key = state.current().settings.secret_key
    booking, token = bookings.create_booking(clinic, req, now(), secret_key,
                                            hooks=state.hooks())
    response = jsonify({"booking": booking_json(clinic, booking),
                        "cancel_token": token})
    response.status_code = 201
    return response


@bp.get("/clinics/<slug>/bookings/<booking_id>")
def get_booking(slug: str, booking_id: str):
    clinic = clinic_or_404(slug)
    booking = _authorised(clinic, booking_id)
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
    booking = _authorised(clinic, booking_id)
    current = now()
    booking = bookings.cancel_found(clinic, booking, current, hooks=state.hooks())
    return jsonify({"booking": booking_json(clinic, booking, current)})


def _authorised(clinic: Clinic, booking_id: str):
    """The booking the bearer may act on: by its cancel token, or a logged-in patient's own
    booking by their session; one 404 for every kind of miss."""
    token = bearer_token(request.headers.get("Authorization"))
    if is_session_token(token):
        return bookings.find_own_booking(clinic, booking_id,
                                         session_of(clinic, token).patient_key)
    return bookings.find_booking(clinic, booking_id, token)


@bp.patch("/clinics/<slug>/bookings/<booking_id>")
def move_booking(slug: str, booking_id: str):
    """The patient moves their booking (docs/patients.md): same id and token, a new time."""
    clinic = clinic_or_404(slug)
    found = _authorised(clinic, booking_id)  # the cancel token, or the patient's session
    start, calendar, hold_token = move_request(json_body(clinic.language), clinic)
    current = now()
    token = bearer_token(request.headers.get("Authorization"))
    link_token = "" if is_session_token(token) else token  # the "moved" message's link
    booking = bookings.move_found(clinic, found, start, calendar, current, hold_token,
                                  cancel_token=link_token, hooks=state.hooks())
    return jsonify({"booking": booking_json(clinic, booking, current)})
