"""The staff API's request bodies (docs/staff.md) into the services' requests.

The patient's fields pass the public API's rules (`endpoint.fields`: identity
by `booking.identity`, mobile by `booking.phone`), except that staff may leave
out the e-mail address. Unknown keys are errors, so a misspelt `attendence`
never passes silently. Every problem is listed in one 422.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from booking import Clinic, local_today
from booking.restrictions import MAX_YEAR, MIN_YEAR
from endpoint import fields
from endpoint.fields import NOTE_MAX
from endpoint.problems import FieldError, validation
from endpoint.services.blocks import MAX_BLOCK_DAYS, BlockRequest
from endpoint.services.staff_bookings import ATTENDANCE, BookingChange, StaffBookingRequest

REASON_MAX = 500
CHANNELS = ("email", "sms")

BOOKING_KEYS = ("calendar", "type", "start", "patient", "note", "notify", "outside_schedule")
CHANGE_KEYS = ("start", "calendar", "type", "note", "attendance", "notify", "outside_schedule")
CANCEL_KEYS = ("reason", "initiated_by", "notify")
BLOCK_KEYS = ("calendar", "start", "end", "reason", "allow_conflicts")


def _object(body: object, clinic: Clinic) -> dict[str, object]:
    if not isinstance(body, dict):
        raise validation([("", "object")], clinic.language)
    return body


def _calendar(body: dict[str, object], clinic: Clinic, errors: list[FieldError], *,
              required: bool) -> str:
    calendar = fields.text(body, "calendar", "calendar", errors, required=required, limit=100)
    if calendar and clinic.calendar(calendar) is None:
        errors.append(("calendar", "calendar_unknown"))
    return calendar


def _type(body: dict[str, object], clinic: Clinic, errors: list[FieldError], *,
          required: bool) -> str:
    type_id = fields.text(body, "type", "type", errors, required=required, limit=100)
    if type_id and clinic.type(type_id) is None:
        errors.append(("type", "type_unknown"))
    return type_id


def notify(body: dict[str, object], errors: list[FieldError]) -> tuple[str, ...] | None:
    """`notify`: absent, null or true for the type's channels (None); false for none (());
    or a list of the channels to tell the patient on."""
    value = body.get("notify")
    if value is None or value is True:
        return None
    if value is False:
        return ()
    if isinstance(value, list) and all(isinstance(c, str) and c in CHANNELS for c in value):
        return tuple(dict.fromkeys(value))
    errors.append(("notify", "notify"))
    return None


def staff_booking(body: object, clinic: Clinic) -> StaffBookingRequest:
    """`POST …/bookings`."""
    data = _object(body, clinic)
    errors: list[FieldError] = []
    fields.unknown_keys(data, BOOKING_KEYS, errors)
    calendar = _calendar(data, clinic, errors, required=True)
    type_id = _type(data, clinic, errors, required=True)
    start = fields.instant(data.get("start"), "start", errors)
    note = fields.text(data, "note", "note", errors, required=False, limit=NOTE_MAX,
                       multiline=True)
    channels = notify(data, errors)
    outside = fields.boolean(data, "outside_schedule", errors)
    patient = fields.patient(data, clinic, errors, email_needed=False)
    if errors or patient is None or start is None:
        raise validation(errors, clinic.language)
    return StaffBookingRequest(calendar, type_id, start, patient, note, channels, outside)


def booking_change(body: object, clinic: Clinic) -> BookingChange:
    """`PATCH …/bookings/<id>`: any of start, calendar, type, note, attendance."""
    data = _object(body, clinic)
    errors: list[FieldError] = []
    fields.unknown_keys(data, CHANGE_KEYS, errors)
    if not any(key in data for key in CHANGE_KEYS[:5]):
        errors.append(("", "nothing_to_change"))
    calendar = _calendar(data, clinic, errors, required=True) if "calendar" in data else None
    type_id = _type(data, clinic, errors, required=True) if "type" in data else None
    start = fields.instant(data["start"], "start", errors) if "start" in data else None
    note = (fields.text(data, "note", "note", errors, required=False, limit=NOTE_MAX,
                        multiline=True) if "note" in data else None)
    attendance = None
    if "attendance" in data:
        value = data["attendance"]
        if value is None:
            attendance = ""
        elif isinstance(value, str) and value in ATTENDANCE:
            attendance = value
        else:
            errors.append(("attendance", "attendance"))
    channels = notify(data, errors)
    outside = fields.boolean(data, "outside_schedule", errors)
    if errors:
        raise validation(errors, clinic.language)
    return BookingChange(start, calendar or None, type_id or None, note, attendance, channels,
                         outside)


def cancellation(body: object, clinic: Clinic) -> tuple[str, str, tuple[str, ...] | None]:
    """`POST …/bookings/<id>/cancel`: (reason, initiated_by, channels)."""
    data = _object(body, clinic)
    errors: list[FieldError] = []
    fields.unknown_keys(data, CANCEL_KEYS, errors)
    by = data.get("initiated_by")
    if by is None:
        errors.append(("initiated_by", "required"))
    elif by not in ("patient", "clinic"):
        errors.append(("initiated_by", "initiated_by"))
    reason = " ".join(fields.text(data, "reason", "reason", errors, required=False,
                                  limit=REASON_MAX).split())
    if by == "clinic" and not reason and not any(e[0] == "reason" for e in errors):
        errors.append(("reason", "reason_needed"))
    channels = notify(data, errors)
    if errors:
        raise validation(errors, clinic.language)
    return reason, str(by), channels


def block(body: object, clinic: Clinic) -> BlockRequest:
    """`POST …/blocks`."""
    data = _object(body, clinic)
    errors: list[FieldError] = []
    fields.unknown_keys(data, BLOCK_KEYS, errors)
    calendar = _calendar(data, clinic, errors, required=True)
    start = fields.instant(data.get("start"), "start", errors)
    end = fields.instant(data.get("end"), "end", errors)
    reason = " ".join(fields.text(data, "reason", "reason", errors, required=True,
                                  limit=REASON_MAX).split())
    allow = fields.boolean(data, "allow_conflicts", errors)
    if start is not None and end is not None:
        if end <= start:
            errors.append(("end", "end_order"))
        elif end - start > timedelta(days=MAX_BLOCK_DAYS):
            errors.append(("end", "block_length", {"days": MAX_BLOCK_DAYS}))
    if errors or start is None or end is None:
        raise validation(errors, clinic.language)
    return BlockRequest(calendar, start, end, reason, allow)


def day_arg(value: str | None, clinic: Clinic, now: datetime) -> date:
    """`?date=YYYY-MM-DD`, today (clinic time) when it is not given."""
    if value is None or value == "":
        return local_today(clinic, now)
    errors: list[FieldError] = []
    day = fields.day(value, "date", errors)
    if day is not None and not MIN_YEAR < day.year < MAX_YEAR:
        errors.append(("date", "start_years", {"min": MIN_YEAR, "max": MAX_YEAR}))
    if errors or day is None:
        raise validation(errors, clinic.language)
    return day


__all__ = ["block", "booking_change", "cancellation", "day_arg", "notify", "staff_booking"]
