"""A logged-in patient's own page of the API (docs/patient-login.md): `GET /clinics/<slug>/me`
(names,
contact details from the last booking, and every booking at this clinic however it was
made) and `POST /clinics/<slug>/me/logout`. Never the national id."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from booking import check_cancellation
from endpoint.api.parsing import bearer_token
from endpoint.api.routes import clinic_or_404
from endpoint.api.sessions import session_of
from endpoint.api.views import booking_json
from endpoint.services import bookings as bookings_service
from endpoint.services import patient_sessions
from endpoint.state import now
from endpoint.storage.db import from_db

bp = Blueprint("me", __name__, url_prefix="/api/v1")


@bp.get("/clinics/<slug>/me")
def me(slug: str):
    clinic = clinic_or_404(slug)
    session = session_of(clinic, bearer_token(request.headers.get("Authorization")))
    current = now()
    last = patient_sessions.last_booking(clinic, session.patient_key)
    bookings = []
    for booking in patient_sessions.bookings_of(clinic, session):
        shown = booking_json(clinic, booking, current)
        start = from_db(booking.start)
        open_ = booking.status == "active" and start > current
        can_cancel = open_ and check_cancellation(clinic, booking.type, start, current) is None
        shown["can_cancel"] = can_cancel
        shown["can_move"] = open_ and bookings_service.check_move(clinic, booking, current) is None
        shown["past"] = from_db(booking.end) <= current
        bookings.append(shown)
    return jsonify({
        "first_name": session.first_name or (last.first_name if last else ""),
        "last_name": session.last_name or (last.last_name if last else ""),
        "phone": last.phone if last else "",
        "email": last.email if last else "",
        "bookings": bookings,
    })


@bp.post("/clinics/<slug>/me/logout")
def logout(slug: str):
    clinic = clinic_or_404(slug)
    token = bearer_token(request.headers.get("Authorization"))
    ended = patient_sessions.end(clinic.slug, token)
    return jsonify({"logged_out": True, "ended": ended})
