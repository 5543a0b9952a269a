"""Reading the wait list's requests: joining it, and claiming an offer."""

from __future__ import annotations

from datetime import datetime

from booking import Clinic, last_bookable_day, local_today
from endpoint import fields
from endpoint.api.parsing import parse_day
from endpoint.problems import FieldError, validation
from endpoint.waitlist.entries import Joining


def waitlist_request(body: object, clinic: Clinic, now: datetime) -> Joining:
    """Joining the wait list (docs/patients.md): a type, a calendar or null (any), `from` (default
    today) and `to` (required, at most `days_ahead` away), a patient as for a booking."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    fields.unknown_keys(body, ("type", "calendar", "from", "to", "patient"), errors)
    type_id = fields.text(body, "type", "type", errors, required=True, limit=100)
    kind = clinic.type(type_id)
    if type_id and (kind is None or not kind.online):
        errors.append(("type", "type_offline"))
    calendar: str | None = None
    if body.get("calendar") is not None:
        calendar = fields.text(body, "calendar", "calendar", errors, required=True, limit=100)
        cal = clinic.calendar(calendar)
        if calendar and (cal is None or not cal.online):
            errors.append(("calendar", "calendar_offline"))
    today = local_today(clinic, now)
    first = parse_day(body.get("from"), "from", errors) or today
    if body.get("to") is None:
        errors.append(("to", "required"))
    last = parse_day(body.get("to"), "to", errors)
    if last is not None and kind is not None:
        furthest = last_bookable_day(clinic, kind.rules, now)
        if last < max(first, today):
            errors.append(("to", "date_order"))
        elif last > furthest:
            errors.append(("to", "waitlist_too_far", {"days": kind.rules.days_ahead}))
    patient = fields.patient(body, clinic, errors,
                             email_needed=kind is not None and "email" in kind.notify)
    if patient is not None and kind is not None and kind.online and not any(
            (c == "email" and patient.email) or (c == "sms" and patient.phone.startswith("+"))
            for c in kind.notify):
        errors.append(("type", "waitlist_no_channel"))
    if errors or patient is None or last is None:
        raise validation(errors, clinic.language)
    return Joining(type_id, calendar or None, max(first, today), last, patient.id_type,
                   patient.national_id, patient.first_name, patient.last_name, patient.phone,
                   patient.email)


def claim_request(body: object, clinic: Clinic) -> tuple[str, datetime]:
    """A claim's `{"calendar", "start"}`."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    fields.unknown_keys(body, ("calendar", "start"), errors)
    calendar = fields.text(body, "calendar", "calendar", errors, required=True, limit=100)
    cal = clinic.calendar(calendar)
    if calendar and (cal is None or not cal.online):
        errors.append(("calendar", "calendar_offline"))
    start = fields.instant(body.get("start"), "start", errors)
    if errors:
        raise validation(errors, clinic.language)
    assert start is not None
    return calendar, start
