"""The wait list's and holds' routes of the public API (docs/patients.md)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from endpoint import state
from endpoint.api.parsing import bearer_token, slot_request
from endpoint.api.routes import clinic_or_404
from endpoint.api.views import booking_json
from endpoint.fields import json_body
from endpoint.state import now
from endpoint.waitlist import claims, holds
from endpoint.waitlist import entries as waitlist
from endpoint.waitlist.parsing import claim_request, waitlist_request
from endpoint.waitlist.views import entry_json, hold_json

bp = Blueprint("waitlist", __name__, url_prefix="/api/v1")


@bp.post("/clinics/<slug>/holds")
def create_hold(slug: str):
    """Hold a picked time for `online.hold_minutes` (docs/patients.md)."""
    clinic = clinic_or_404(slug)
    holds.holds_on(clinic)
    calendar, type_id, start = slot_request(json_body(clinic.language), clinic)
    settings = state.current().settings
    hold, token = holds.create_hold(clinic, calendar, type_id, start, now(),
                                    settings.secret_key, request.remote_addr or "unknown")
    response = jsonify({"hold": hold_json(clinic, hold), "hold_token": token})
    response.status_code = 201
    return response


@bp.delete("/clinics/<slug>/holds/<hold_id>")
def release_hold(slug: str, hold_id: str):
    clinic = clinic_or_404(slug)
    holds.holds_on(clinic)
    token = bearer_token(request.headers.get("Authorization"))
    holds.release_hold(clinic, hold_id, token, now())
    return jsonify({"released": True})


@bp.post("/clinics/<slug>/waitlist")
def join_waitlist(slug: str):
    """Join the wait list (docs/patients.md); the token is returned only here (and in the link
    the patient is sent)."""
    clinic = clinic_or_404(slug)
    waitlist.waitlist_on(clinic)
    current = now()
    req = waitlist_request(json_body(clinic.language), clinic, current)
    entry, token = waitlist.join(clinic, req, current, state.current().settings.secret_key)
    response = jsonify({"entry": entry_json(clinic, entry, current), "token": token})
    response.status_code = 201
    return response


@bp.get("/clinics/<slug>/waitlist/<entry_id>")
def get_waitlist_entry(slug: str, entry_id: str):
    clinic = clinic_or_404(slug)
    waitlist.waitlist_on(clinic)
    token = bearer_token(request.headers.get("Authorization"))
    current = now()
    entry = waitlist.find_entry(clinic, entry_id, token)
    return jsonify({"entry": entry_json(clinic, entry, current),
                    "offers": waitlist.offers(clinic, entry, current)})


@bp.delete("/clinics/<slug>/waitlist/<entry_id>")
def leave_waitlist(slug: str, entry_id: str):
    clinic = clinic_or_404(slug)
    waitlist.waitlist_on(clinic)
    token = bearer_token(request.headers.get("Authorization"))
    current = now()
    entry = waitlist.leave(clinic, entry_id, token, current)
    return jsonify({"entry": entry_json(clinic, entry, current)})


@bp.post("/clinics/<slug>/waitlist/<entry_id>/claim")
def claim_offer(slug: str, entry_id: str):
    """Book a freed time for the entry's patient, under every online rule."""
    clinic = clinic_or_404(slug)
    waitlist.waitlist_on(clinic)
    token = bearer_token(request.headers.get("Authorization"))
    calendar, start = claim_request(json_body(clinic.language), clinic)
    current = now()
    booking, cancel_token = claims.claim(clinic, entry_id, token, calendar, start, current,
                                         state.current().settings.secret_key,
                                         hooks=state.current().hooks)
    response = jsonify({"booking": booking_json(clinic, booking, current),
                        "cancel_token": cancel_token})
    response.status_code = 201
    return response
