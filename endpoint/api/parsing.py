"""Turning untrusted request data into typed values, collecting every field error."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from booking import Clinic, last_bookable_day, local_today
from booking.identity import IdentityError, IdTypeMismatchError, validate_national_id
from booking.phone import PhoneError, normalize_mobile
from booking.restrictions import MAX_YEAR, MIN_YEAR
from endpoint.problems import FieldError, Problem, validation
from endpoint.services.bookings import BookingRequest, Patient
from endpoint.services.slots import SlotQuery

MAX_RANGE_DAYS = 92
NAME_MAX = 100
EMAIL_MAX = 254
NOTE_MAX = 1000


def identity_code(exc: IdentityError) -> str:
    """The words' code for an identity error (a mismatch says which type the number is)."""
    if isinstance(exc, IdTypeMismatchError):
        return f"identity.{exc.code}.{exc.actual}"
    return f"identity.{exc.code}"


def parse_day(value: str | None, field: str, errors: list[FieldError]) -> date | None:
    if value is None:
        return None
    try:
        if not (isinstance(value, str) and value.isascii() and len(value) == 10):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append((field, "date"))
        return None


def slot_query(args, clinic: Clinic, now: datetime) -> SlotQuery:
    """The slot route's `type`, `calendar`, `from` and `to`, checked and clipped to the days
    that can have slots (today .. the last bookable day)."""
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
    stop = parse_day(args.get("to"), "to", errors) or max(last_day, first)
    if errors:
        raise validation(errors, clinic.language)
    if stop < first:
        raise validation([("to", "date_order")], clinic.language)
    if (stop - first).days + 1 > MAX_RANGE_DAYS:
        raise validation([("to", "range", {"days": MAX_RANGE_DAYS})], clinic.language)
    # clipping also keeps far-off dates (0001-01-01, 9999-12-31) away from time zone
    # arithmetic that would overflow
    return SlotQuery(kind, calendar, max(first, today), min(stop, last_day))


def _text(obj: dict[str, object], key: str, field: str, errors: list[FieldError], *,
          required: bool, limit: int) -> str:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            errors.append((field, "required"))
        return ""
    if not isinstance(value, str):
        errors.append((field, "not_text"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append((field, "required"))
    elif len(value) > limit:
        errors.append((field, "too_long", {"limit": limit}))
    elif any(ord(ch) < 32 and (key != "note" or ch not in "\t\n\r") for ch in value):
        errors.append((field, "control_chars"))
    return value


def _email(value: str, errors: list[FieldError]) -> str:
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or " " in value or domain.startswith("."):
        errors.append(("patient.email", "email.format"))
    return value


def booking_request(body: object, clinic: Clinic) -> BookingRequest:
    """Validate a POST body (SPEC §5); a 422 lists every problem at once."""
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    errors: list[FieldError] = []
    calendar = _text(body, "calendar", "calendar", errors, required=True, limit=100)
    type_id = _text(body, "type", "type", errors, required=True, limit=100)
    cal, kind = clinic.calendar(calendar), clinic.type(type_id)
    if calendar and (cal is None or not cal.online):
        errors.append(("calendar", "calendar_offline"))
    if type_id and (kind is None or not kind.online):
        errors.append(("type", "type_offline"))
    start = None
    raw_start = body.get("start")
    if not isinstance(raw_start, str) or not raw_start.isascii() or len(raw_start) > 40:
        errors.append(("start", "start"))
    else:
        try:
            start = datetime.fromisoformat(raw_start)
            offset = start.utcoffset()
            if start.tzinfo is None or offset is None:
                errors.append(("start", "start_offset"))
                start = None
            elif abs(offset) > timedelta(hours=18):
                raise ValueError
            elif not MIN_YEAR <= start.year <= MAX_YEAR:
                errors.append(("start", "start_years", {"min": MIN_YEAR, "max": MAX_YEAR}))
                start = None
        except (ValueError, OverflowError):
            errors.append(("start", "start"))
            start = None
    note = _text(body, "note", "note", errors, required=False, limit=NOTE_MAX)
    patient = body.get("patient")
    if not isinstance(patient, dict):
        errors.append(("patient", "object"))
        raise validation(errors, clinic.language)
    id_type = _text(patient, "id_type", "patient.id_type", errors, required=True, limit=8)
    if id_type and id_type not in ("fnr", "dnr"):
        errors.append(("patient.id_type", "id_type"))
    national_id = ""
    raw_id = patient.get("national_id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        errors.append(("patient.national_id", "required"))
    elif len(raw_id) > 40:
        errors.append(("patient.national_id", "identity.format"))
    elif id_type in ("fnr", "dnr"):
        try:
            national_id = validate_national_id(raw_id, id_type, test_mode=clinic.test_mode)
        except IdentityError as exc:
            errors.append(("patient.national_id", identity_code(exc)))
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
            errors.append(("patient.phone", f"phone.{exc.code}"))
    email = _text(patient, "email", "patient.email", errors, required=False, limit=EMAIL_MAX)
    if email:
        email = _email(email, errors)
    if kind is not None and "email" in kind.notify and not email and \
            not any(e[0] == "patient.email" for e in errors):
        errors.append(("patient.email", "email_needed"))
    if errors:
        raise validation(errors, clinic.language)
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
