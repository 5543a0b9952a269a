"""Turning untrusted request data into typed values, collecting every field error.

The fields themselves (identity, phone, e-mail, times, text) are parsed by
`endpoint.fields`, which the staff API shares."""

from __future__ import annotations

from datetime import date, datetime

from booking import Clinic, last_bookable_day, local_today
from endpoint import fields
from endpoint.fields import NOTE_MAX, identity_code
from endpoint.problems import FieldError, Problem, validation
from endpoint.services.bookings import BookingRequest, Patient
from endpoint.services.slots import SlotQuery

MAX_RANGE_DAYS = 92

__all__ = ["MAX_RANGE_DAYS", "bearer_token", "booking_request", "identity_code",
           "move_request", "parse_day", "slot_query", "slot_request"]


def parse_day(value: str | None, field: str, errors: list[FieldError]) -> date | None:
    return fields.day(value, field, errors)


def slot_query(args, clinic: Clinic, now: datetime) -> SlotQuery:
    """The slot route's `type`, `calendar`, `from` and `to`, checked and clipped to the days
    that can have slots (today .. the last bookable day).

    A range the client spells out (`to`) is at most `MAX_RANGE_DAYS`; without `to` it runs
    through the last bookable day, however far the clinic's `days_ahead` (up to 730) puts
    it: that default is always accepted, and the work stays bounded by the clinic's own
    window."""
    type_id, calendar = args.get("type"), args.get("calendar")
    if not type_id:
        raise validation([("type", "required")], clinic.language)
    kind = clinic.type(type_id)
    if kind is None or not kind.online:
        raise Problem("not_found", "No appointment type with that id is open for online booking.")
    if calendar is not None:
        cal = clinic.calendar(calendar)
        if cal is None or not cal.online:
            raise Problem("not_found", "No calendar with that id is open for online booking.")
    today, last_day = local_today(clinic, now), last_bookable_day(clinic, kind.rules, now)
    errors: list[FieldError] = []
    first = parse_day(args.get("from"), "from", errors) or today
    asked = parse_day(args.get("to"), "to", errors)
    if errors:
        raise validation(errors, clinic.language)
    stop = asked or max(last_day, first)
    if stop < first:
        raise validation([("to", "date_order")], clinic.language)
    if asked is not None and (stop - first).days + 1 > MAX_RANGE_DAYS:
        raise validation([("to", "range", {"days": MAX_RANGE_DAYS})], clinic.language)
    # clipping also keeps far-off dates (0001-01-01, 9999-12-31) away from time zone
    # arithmetic that would overflow
    return SlotQuery(kind, calendar, max(first, today), min(stop, last_day))


def booking_request(body: object, clinic: Clinic, known: Patient | None = None) -> BookingRequest:
    """Validate a POST body (README.md#http-api); a 422 lists every problem at once. `known`: the
    logged-in patient, whose body needs no identity (docs/patient-login.md)."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    calendar = fields.text(body, "calendar", "calendar", errors, required=True, limit=100)
    type_id = fields.text(body, "type", "type", errors, required=True, limit=100)
    cal, kind = clinic.calendar(calendar), clinic.type(type_id)
    if calendar and (cal is None or not cal.online):
        errors.append(("calendar", "calendar_offline"))
    if type_id and (kind is None or not kind.online):
        errors.append(("type", "type_offline"))
    start = fields.instant(body.get("start"), "start", errors)
    note = fields.text(body, "note", "note", errors, required=False, limit=NOTE_MAX,
                       multiline=True)
    patient = fields.patient(body, clinic, errors,
                             email_needed=kind is not None and "email" in kind.notify,
                             known=known)
    hold_token = _hold_token(body, errors)
    if errors or patient is None:
        raise validation(errors, clinic.language)
    assert start is not None
    return BookingRequest(calendar, type_id, start, patient, note, hold_token)


def _hold_token(body: dict, errors: list[FieldError]) -> str | None:
    """The optional `hold_token` of a booking or a move (docs/patients.md)."""
    value = body.get("hold_token")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 200 or not value.isascii() \
            or not value.isprintable():
        errors.append(("hold_token", "hold_token"))
        return None
    return value


def slot_request(body: object, clinic: Clinic) -> tuple[str, str, datetime]:
    """A hold's `{"calendar", "type", "start"}`: an online calendar and type, and a time."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    fields.unknown_keys(body, ("calendar", "type", "start"), errors)
    calendar = fields.text(body, "calendar", "calendar", errors, required=True, limit=100)
    type_id = fields.text(body, "type", "type", errors, required=True, limit=100)
    cal, kind = clinic.calendar(calendar), clinic.type(type_id)
    if calendar and (cal is None or not cal.online):
        errors.append(("calendar", "calendar_offline"))
    if type_id and (kind is None or not kind.online):
        errors.append(("type", "type_offline"))
    start = fields.instant(body.get("start"), "start", errors)
    if errors:
        raise validation(errors, clinic.language)
    assert start is not None
    return calendar, type_id, start


def move_request(body: object, clinic: Clinic) -> tuple[datetime, str | None, str | None]:
    """A patient's move (docs/patients.md): `start`, an optional `calendar` (the type stays) and
    an optional `hold_token` for a hold on the new time."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    fields.unknown_keys(body, ("start", "calendar", "hold_token"), errors)
    hold_token = _hold_token(body, errors)
    start = fields.instant(body.get("start"), "start", errors)
    calendar: str | None = None
    if body.get("calendar") is not None:
        calendar = fields.text(body, "calendar", "calendar", errors, required=True, limit=100)
        cal = clinic.calendar(calendar)
        if calendar and (cal is None or not cal.online):
            errors.append(("calendar", "calendar_offline"))
    if errors:
        raise validation(errors, clinic.language)
    assert start is not None
    return start, calendar or None, hold_token


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer …` header; 401 when it is missing."""
    if not header:
        raise Problem("unauthorized", "Send the cancel token as Authorization: Bearer <token>.",
                      headers={"WWW-Authenticate": 'Bearer realm="ledig"'})
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200 or not token.isascii():
        raise Problem("unauthorized", "Send the cancel token as Authorization: Bearer <token>.",
                      headers={"WWW-Authenticate": 'Bearer realm="ledig"'})
    return token
