"""Untrusted request fields into typed values, every error a code: shared by the public
API (`endpoint.api.parsing`) and the staff API (`endpoint.staff.api_parsing`), so that
a patient's identity, phone and e-mail pass the same rules whoever types them.

Each function appends `(field, code[, params])` to `errors` instead of raising, so
that a 422 lists every problem at once (`problems.validation` adds the words).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import request

from booking import Clinic
from booking.identity import IdentityError, IdTypeMismatchError, validate_national_id
from booking.phone import PhoneError, normalize_mobile
from booking.restrictions import MAX_YEAR, MIN_YEAR
from endpoint.problems import FieldError, Problem, validation
from endpoint.services.bookings import Patient

NAME_MAX = 100
EMAIL_MAX = 254
NOTE_MAX = 1000


def identity_code(exc: IdentityError) -> str:
    """The words' code for an identity error (a mismatch says which type the number is)."""
    if isinstance(exc, IdTypeMismatchError):
        return f"identity.{exc.code}.{exc.actual}"
    return f"identity.{exc.code}"


def text(obj: dict[str, object], key: str, field: str, errors: list[FieldError], *,
         required: bool, limit: int, multiline: bool = False) -> str:
    """A trimmed text field: required, at most `limit` characters, no control characters
    (but tabs and line breaks where `multiline`, as in a note)."""
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
    elif any(ord(ch) < 32 and (not multiline or ch not in "\t\n\r") for ch in value):
        errors.append((field, "control_chars"))
    return value


def email(value: str, field: str, errors: list[FieldError]) -> str:
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or " " in value or domain.startswith("."):
        errors.append((field, "email.format"))
    return value


def day(value: object, field: str, errors: list[FieldError]) -> date | None:
    """A date as YYYY-MM-DD; None (and an error) for anything else, None for no value."""
    if value is None:
        return None
    try:
        if not (isinstance(value, str) and value.isascii() and len(value) == 10):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append((field, "date"))
        return None


def boolean(body: dict[str, object], key: str, errors: list[FieldError]) -> bool:
    """An optional true/false (absent or null: false)."""
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        errors.append((key, "boolean"))
        return False
    return value


def unknown_keys(body: dict[str, object], known: tuple[str, ...],
                 errors: list[FieldError]) -> None:
    """Each key the body should not have: a typo must not pass silently."""
    for key in body:
        if key not in known:
            errors.append((str(key)[:100], "unknown"))


def instant(raw: object, field: str, errors: list[FieldError]) -> datetime | None:
    """An ISO 8601 date-time with its UTC offset, within the years the engine handles."""
    if not isinstance(raw, str) or not raw.isascii() or len(raw) > 40:
        errors.append((field, "start"))
        return None
    try:
        value = datetime.fromisoformat(raw)
        offset = value.utcoffset()
        if value.tzinfo is None or offset is None:
            errors.append((field, "start_offset"))
            return None
        if abs(offset) > timedelta(hours=18):
            raise ValueError
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            errors.append((field, "start_years", {"min": MIN_YEAR, "max": MAX_YEAR}))
            return None
    except (ValueError, OverflowError):
        errors.append((field, "start"))
        return None
    return value


def patient(body: dict[str, object], clinic: Clinic, errors: list[FieldError], *,
            email_needed: bool, known: Patient | None = None) -> Patient | None:
    """`body["patient"]`: identity by `booking.identity`, mobile by `booking.phone`, names,
    and an e-mail address (required when `email_needed`). None when it is no object.

    `known` is a logged-in patient (docs/patient-login.md): the identity is theirs, whatever the
    body
    says, and their names stand in for missing ones."""
    raw = body.get("patient")
    if not isinstance(raw, dict):
        errors.append(("patient", "object"))
        return None
    if known is not None:
        return _known_patient(raw, known, errors, email_needed)
    id_type = text(raw, "id_type", "patient.id_type", errors, required=True, limit=8)
    if id_type and id_type not in ("fnr", "dnr"):
        errors.append(("patient.id_type", "id_type"))
    national_id = ""
    raw_id = raw.get("national_id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        errors.append(("patient.national_id", "required"))
    elif len(raw_id) > 40:
        errors.append(("patient.national_id", "identity.format"))
    elif id_type in ("fnr", "dnr"):
        try:
            national_id = validate_national_id(raw_id, id_type, test_mode=clinic.test_mode)
        except IdentityError as exc:
            errors.append(("patient.national_id", identity_code(exc)))
    first = text(raw, "first_name", "patient.first_name", errors, required=True,
                 limit=NAME_MAX)
    last = text(raw, "last_name", "patient.last_name", errors, required=True, limit=NAME_MAX)
    phone = ""
    raw_phone = text(raw, "phone", "patient.phone", errors, required=True, limit=32)
    if raw_phone:
        try:
            phone = normalize_mobile(raw_phone)
        except PhoneError as exc:
            errors.append(("patient.phone", f"phone.{exc.code}"))
    address = text(raw, "email", "patient.email", errors, required=False, limit=EMAIL_MAX)
    if address:
        address = email(address, "patient.email", errors)
    if email_needed and not address and not any(e[0] == "patient.email" for e in errors):
        errors.append(("patient.email", "email_needed"))
    return Patient(id_type, national_id, first, last, phone, address)


def _known_patient(raw: dict[str, object], known: Patient, errors: list[FieldError],
                   email_needed: bool) -> Patient:
    first = text(raw, "first_name", "patient.first_name", errors, required=not known.first_name,
                 limit=NAME_MAX) or known.first_name
    last = text(raw, "last_name", "patient.last_name", errors, required=not known.last_name,
                limit=NAME_MAX) or known.last_name
    phone = ""
    raw_phone = text(raw, "phone", "patient.phone", errors, required=True, limit=32)
    if raw_phone:
        try:
            phone = normalize_mobile(raw_phone)
        except PhoneError as exc:
            errors.append(("patient.phone", f"phone.{exc.code}"))
    address = text(raw, "email", "patient.email", errors, required=False, limit=EMAIL_MAX)
    if address:
        address = email(address, "patient.email", errors)
    if email_needed and not address and not any(e[0] == "patient.email" for e in errors):
        errors.append(("patient.email", "email_needed"))
    return Patient(known.id_type, known.national_id, first, last, phone, address)


def json_body(language: str = "en") -> object:
    """The request's JSON body; 415 when it is not JSON, 422 when it does not parse."""
    if not request.is_json:
        raise Problem("unsupported_media_type", "Send the body as application/json.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes
        data = None
    if data is None:
        raise validation([("", "json")], language)
    return data
