"""The staff API (docs/staff.md): `/api/v1/staff/<slug>/…`, JSON for the clinic's own staff.

Every route first asks `staff_for_api` who is calling (401 without a staff
user of the clinic, 404 for another clinic's), then parses, calls one service
and serialises. Errors are problem+json with stable codes (`endpoint.problems`).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from common.words.conflicts import reason_words
from endpoint import state
from endpoint.fields import json_body
from endpoint.problems import Problem, validation
from endpoint.services import (
    access,
    audit,
    blocks,
    conflicts,
    days,
    patient_rights,
    patients,
    staff_bookings,
)
from endpoint.staff import api_parsing as parse
from endpoint.staff.api_views import (
    access_json,
    block_json,
    conflicts_json,
    day_json,
    log_json,
    patients_json,
    staff_booking_json,
)
from endpoint.staff.auth import staff_for_api
from endpoint.state import now
from endpoint.waitlist import entries as waitlist

bp = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")


def _caller(slug: str):
    clinic, user = staff_for_api(slug)
    return clinic, audit.staff_actor(user.username)


def _created(body: dict):
    response = jsonify(body)
    response.status_code = 201
    return response


@bp.get("/<slug>/day")
def day(slug: str):
    clinic, _ = _caller(slug)
    current = now()
    on = parse.day_arg(request.args.get("date"), clinic, current)
    return jsonify(day_json(clinic, on, days.day_of(clinic, on, current)))


@bp.post("/<slug>/bookings")
def create_booking(slug: str):
    clinic, actor = _caller(slug)
    req = parse.staff_booking(json_body(clinic.language), clinic)
    booking = staff_bookings.create_by_staff(clinic, req, actor, now(),
                                             state.current().settings.secret_key,
                                             hooks=state.hooks())
    return _created({"booking": staff_booking_json(clinic, booking)})


@bp.patch("/<slug>/bookings/<booking_id>")
def change_booking(slug: str, booking_id: str):
    clinic, actor = _caller(slug)
    change = parse.booking_change(json_body(clinic.language), clinic)
    booking = staff_bookings.change_booking(clinic, booking_id, change, actor, now(),
                                            hooks=state.hooks())
    return jsonify({"booking": staff_booking_json(clinic, booking)})


@bp.post("/<slug>/bookings/<booking_id>/cancel")
def cancel_booking(slug: str, booking_id: str):
    clinic, actor = _caller(slug)
    reason, initiated_by, channels = parse.cancellation(json_body(clinic.language), clinic)
    booking = staff_bookings.cancel_as_staff(clinic, booking_id, reason, initiated_by,
                                             channels, actor, now(), hooks=state.hooks())
    return jsonify({"booking": staff_booking_json(clinic, booking)})


@bp.get("/<slug>/bookings/<booking_id>/log")
def booking_log(slug: str, booking_id: str):
    clinic, _ = _caller(slug)
    booking = staff_bookings.find(clinic, booking_id)
    return jsonify(log_json(clinic, audit.entries(booking)))


@bp.post("/<slug>/blocks")
def create_block(slug: str):
    clinic, actor = _caller(slug)
    req = parse.block(json_body(clinic.language), clinic)
    block = blocks.add_block(clinic, req, actor, now(), hooks=state.hooks())
    return _created({"block": block_json(clinic, block)})


@bp.delete("/<slug>/blocks/<block_id>")
def delete_block(slug: str, block_id: str):
    clinic, _ = _caller(slug)
    block = blocks.remove_block(clinic, block_id, now(), hooks=state.hooks())
    return jsonify({"block": block_json(clinic, block), "deleted": True})


@bp.get("/<slug>/patients")
def search_patients(slug: str):
    clinic, actor = _caller(slug)
    query = request.args.get("q")
    if query is None:
        raise validation([("q", "required")], clinic.language)
    found = patients.search_patients(clinic, query, actor, now(),
                                     state.current().settings.secret_key)
    return jsonify(patients_json(found))


def _admin(slug: str):
    """The caller, who must have the admin role: the access log and a patient's rights."""
    clinic, user = staff_for_api(slug)
    if user.role != "admin":
        raise Problem("forbidden", "Only staff with the admin role may read the access log "
                      "or export and erase a patient's data.")
    return clinic, audit.staff_actor(user.username)


def _known_patient(clinic, key: str) -> str:
    if not patients.is_patient(clinic, key):
        raise Problem("not_found", "No patient with this key at this clinic.")
    return key


@bp.get("/<slug>/patients/<key>/access")
def patient_access(slug: str, key: str):
    clinic, _ = _admin(slug)
    return jsonify(access_json(access.accesses(clinic, _known_patient(clinic, key))))


@bp.get("/<slug>/patients/<key>/export")
def patient_export(slug: str, key: str):
    clinic, actor = _admin(slug)
    return jsonify(patient_rights.export(clinic, _known_patient(clinic, key), actor, now()))


@bp.post("/<slug>/patients/<key>/erase")
def patient_erase(slug: str, key: str):
    clinic, actor = _admin(slug)
    body = json_body() if request.get_data() else {}
    unknown = [k for k in body if k != "force"] if isinstance(body, dict) else []
    if unknown:
        raise validation([(k, "unknown") for k in unknown], clinic.language)
    force = body.get("force", False) if isinstance(body, dict) else None
    if not isinstance(force, bool):
        raise validation([("force", "boolean")], clinic.language)
    try:
        done = patient_rights.erase(clinic, _known_patient(clinic, key), actor, now(),
                                    force=force)
    except patient_rights.ErasureRefused as exc:
        raise Problem("future_appointments", str(exc), extra={"bookings": exc.bookings}) \
            from exc
    return jsonify({"erased": {"bookings": done.bookings, "messages": done.messages,
                               "cancelled": done.cancelled, "waitlist": done.waitlist}})


@bp.get("/<slug>/conflicts")
def list_conflicts(slug: str):
    clinic, _ = _caller(slug)
    found = conflicts.clinic_conflicts(clinic, now())
    return jsonify(conflicts_json(clinic, found, dict(reason_words(clinic.language))))


@bp.get("/<slug>/waitlist")
def list_waitlist(slug: str):
    clinic, _ = _caller(slug)
    if not state.current().uses(clinic, "waitlist"):  # docs/features.md
        raise Problem("not_found", "This clinic has no wait list.")
    return jsonify({"entries": waitlist.waiting(clinic, now())})
