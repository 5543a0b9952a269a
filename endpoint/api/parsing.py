"""Turning untrusted request data into typed values, collecting every field error."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from booking import Clinic, last_bookable_day, local_today
from booking.identity import IdentityError, validate_national_id
from booking.phone import PhoneError, normalize_mobile
from booking.restrictions import MAX_YEAR, MIN_YEAR
from endpoint.problems import Problem, validation
from endpoint.services.bookings import BookingRequest, Patient
from endpoint.services.slots import SlotQuery

MAX_RANGE_DAYS = 92
NAME_MAX = 100
EMAIL_MAX = 254
NOTE_MAX = 1000


def parse_day(value: str | None, field: str, errors: list) -> date | None:
    if value is None:
        return None
    try:
        if not (isinstance(value, str) and value.isascii() and len(value) == 10):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append((field, "must be a date like 2026-12-01"))
        return None


def slot_query(args, clinic: Clinic, now: datetime) -> SlotQuery:
    """The slot route's `type`, `calendar`, `from` and `to`, checked and clipped to the days
    that can have slots (today .. the last bookable day)."""
    type_id, calendar = args.get("type"), args.get("calendar")
    if not type_id:
        raise validation([("type", "is required: the appointment type's id")])
    kind = clinic.type(type_id)
    if kind is None or not kind.online:
        raise Problem("not_found", "No appointment type with that id is open for online booking.")
    if calendar is not None:
        cal = clinic.calendar(calendar)
        if cal is None or not cal.online:
            raise Problem("not_found", "No calendar with that id is open for online booking.")
    today, last_day = local_today(clinic, now), last_bookable_day(clinic, kind.rules, now)
    errors: list = []
    first = parse_day(args.get("from"), "from", errors) or today
    stop = parse_day(args.get("to"), "to", errors) or max(last_day, first)
    if errors:
        raise validation(errors)
    if stop < first:
        raise validation([("to", "must not be before from")])
    if (stop - first).days + 1 > MAX_RANGE_DAYS:
        raise validation([("to", f"the range may span at most {MAX_RANGE_DAYS} days")])
    # clipping also keeps far-off dates (0001-01-01, 9999-12-31) away from time zone
    # arithmetic that would overflow
    return SlotQuery(kind, calendar, max(first, today), min(stop, last_day))


def _text(obj: dict, key: str, field: str, errors: list, *, required: bool, limit: int) -> str:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            errors.append((field, "is required"))
        return ""
    if not isinstance(value, str):
        errors.append((field, "must be text"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append((field, "is required"))
    elif len(value) > limit:
        errors.append((field, f"must be at most {limit} characters"))
    elif any(ord(ch) < 32 and (key != "note" or ch not in "\t\n\r") for ch in value):
        errors.append((field, "must not contain control characters"))
    return value


def _email(value: str, errors: list) -> str:
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or " " in value or domain.startswith("."):
        errors.append(("patient.email", "must be an email address like navn@example.no"))
    return value


def booking_request(body: object, clinic: Clinic) -> BookingRequest:
    """Validate a POST body (SPEC §5); a 422 lists every problem at once."""
    if not isinstance(body, dict):
        raise validation([("", "the body must be a JSON object")])
    errors: list[tuple[str, str]] = []
    calendar = _text(body, "calendar", "calendar", errors, required=True, limit=100)
    type_id = _text(body, "type", "type", errors, required=True, limit=100)
    cal, kind = clinic.calendar(calendar), clinic.type(type_id)
    if calendar and (cal is None or not cal.online):
        errors.append(("calendar", "is not a calendar open for online booking"))
    if type_id and (kind is None or not kind.online):
        errors.append(("type", "is not an appointment type open for online booking"))
    start = None
    raw_start = body.get("start")
    if not isinstance(raw_start, str) or not raw_start.isascii() or len(raw_start) > 40:
        errors.append(("start", "must be a date-time with offset, like 2026-12-01T08:00:00+01:00"))
    else:
        try:
            start = datetime.fromisoformat(raw_start)
            offset = start.utcoffset()
            if start.tzinfo is None or offset is None:
                errors.append(("start", "must include the UTC offset, like +01:00"))
                start = None
            elif abs(offset) > timedelta(hours=18):
                raise ValueError
            elif not MIN_YEAR <= start.year <= MAX_YEAR:
                errors.append(("start", f"must be a date between the years {MIN_YEAR} and "
                                        f"{MAX_YEAR}"))
                start = None
        except (ValueError, OverflowError):
            errors.append(("start", "must be a date-time with offset, like "
                                    "2026-12-01T08:00:00+01:00"))
            start = None
    note = _text(body, "note", "note", errors, required=False, limit=NOTE_MAX)
    patient = body.get("patient")
    if not isinstance(patient, dict):
        errors.append(("patient", "must be an object with id_type, national_id, first_name, "
                                  "last_name, phone and email"))
        raise validation(errors)
    id_type = _text(patient, "id_type", "patient.id_type", errors, required=True, limit=8)
    if id_type and id_type not in ("fnr", "dnr"):
        errors.append(("patient.id_type", "must be fnr or dnr"))
    national_id = ""
    raw_id = patient.get("national_id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        errors.append(("patient.national_id", "is required"))
    elif len(raw_id) > 40:
        errors.append(("patient.national_id", "must be 11 digits"))
    elif id_type in ("fnr", "dnr"):
        try:
            national_id = validate_national_id(raw_id, id_type, test_mode=clinic.test_mode)
        except IdentityError as exc:
            errors.append(("patient.national_id", exc.message))
    first = _text(patient, "first_name", "patient.first_name", errors, required=True,
                  limit=NAME_MAX)
    last = _text(patient, "last_name", "patient.last_name", errors, required=True,
                 limit=NAME_MAX)
    phone = ""
    raw_phone = _text(patient, "phone", "patient.phone", errors, required=True, limit=32)
    if raw_phone:
        try:
            phone = normalize_mobile(raw_phone)
        except PhoneError as exc:
            errors.append(("patient.phone", str(exc)))
    email = _text(patient, "email", "patient.email", errors, required=False, limit=EMAIL_MAX)
    if email:
        email = _email(email, errors)
    if kind is not None and "email" in kind.notify and not email and \
            not any(f == "patient.email" for f, _ in errors):
        errors.append(("patient.email", "is required: the confirmation is sent by email"))
    if errors:
        raise validation(errors)
    assert start is not None
    return BookingRequest(calendar, type_id, start,
                          Patient(id_type, national_id, first, last, phone, email), note)


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
