"""RFC 9457 problem details: the one place where error responses are built."""

from __future__ import annotations

import json
from types import MappingProxyType

from flask import Response

from booking.restrictions import Refusal
from common.words.errors import field_message

TITLES = MappingProxyType({
    "validation": (422, "The request is not valid"),
    "not_found": (404, "Not found"),
    "slot_unavailable": (409, "The time is no longer available"),
    "max_self_booked": (409, "Too many appointments booked online"),
    "booking_deadline": (409, "Too late to book this time online"),
    "outside_booking_window": (409, "This time cannot be booked yet"),
    "cancellation_deadline": (409, "Too late to cancel online"),
    "outside_schedule": (409, "The time lies outside the schedule"),
    "conflicts": (409, "Active bookings lie in this time"),
    "block_overlap": (409, "Another staff block overlaps this time"),
    "booking_cancelled": (409, "The booking is cancelled"),
    "booking_ended": (409, "The appointment is over"),
    "attendance_too_early": (409, "Too early to record attendance"),
    "move_not_allowed": (409, "This appointment cannot be moved online"),
    "hold_expired": (409, "The hold on this time has run out"),
    "hold_invalid": (409, "The hold does not match this time"),
    "waitlist_ended": (409, "The wait-list entry is no longer waiting"),
    "rate_limited": (429, "Too many requests"),
    "unauthorized": (401, "Authentication required"),
    "login_failed": (401, "The login did not succeed"),
    "forbidden": (403, "Forbidden"),
    "future_appointments": (409, "The patient has appointments ahead"),
    "method_not_allowed": (405, "Method not allowed"),
    "payload_too_large": (413, "The request body is too large"),
    "unsupported_media_type": (415, "Send JSON"),
    "unavailable": (503, "Service unavailable"),
    "internal": (500, "Internal error"),
    "data_integrity": (500, "Stored data failed its integrity check"),
})

PROBLEM_TYPE = "https://ledig.example/problems/"


class Problem(Exception):
    """An error answer: raise it anywhere in a request; the app renders it."""

    def __init__(self, code: str, detail: str = "", *, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, object] | None = None,
                 status: int | None = None):
        super().__init__(detail or code)
        self.code = code
        self.status, self.title = TITLES[code]
        if status is not None:  # docs/patient-login.md's 400 `validation` for a login's `next`
            self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        #: members of the body beyond RFC 9457's (a conflict's `bookings`, say)
        self.extra = extra or {}

    def with_status(self, status: int) -> Problem:
        """The same problem with another HTTP status (docs/patient-login.md's 400 `validation`)."""
        self.status = status
        return self


def problem_body(code: str, detail: str = "", errors: list[dict] | None = None,
                 extra: dict[str, object] | None = None, status: int | None = None) -> dict:
    status, title = status or TITLES[code][0], TITLES[code][1]
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    return body


def problem_response(problem: Problem) -> Response:
    body = problem_body(problem.code, problem.detail, problem.errors, problem.extra,
                        problem.status)
    response = Response(json.dumps(body, ensure_ascii=False), status=problem.status,
                        mimetype="application/problem+json")
    for k, v in problem.headers.items():
        response.headers[k] = v
    return response


#: a field's error: (field, code) or (field, code, the sentence's parameters)
FieldError = tuple[str, str] | tuple[str, str, dict[str, object]]


def validation(errors: list[FieldError], language: str = "en") -> Problem:
    """A 422 listing every field error at once: each with its code and, for the page to show,
    the sentence in the clinic's language (`common.words.errors`)."""
    listed = []
    for error in errors:
        field, code = error[0], error[1]
        params = error[2] if len(error) > 2 else None  # type: ignore[misc]
        listed.append({"field": field, "code": code,
                       "message": field_message(language, code, params)})
    return Problem("validation", "Some fields need attention.", errors=listed)


#: the API's detail of each refusal of the core (`booking.restrictions.Refusal`): English
#: for the API's readers; the pages show their own words for the code
REFUSALS = MappingProxyType({
    "booking_deadline": "Appointments must be booked at least {hours} before they start.",
    "outside_booking_window": "Appointments can be booked at most {days} days ahead.",
    "max_self_booked": "You already have {limit} appointments booked online, the most this "
                       "clinic allows.",
    "cancellation_deadline": "Appointments can be cancelled online until {hours} before they "
                             "start; please call the clinic.",
    "slot_unavailable:offline": "This appointment cannot be booked online.",
    "slot_unavailable": "This time is no longer available; please pick another.",
})


def refused(refusal: Refusal) -> Problem:
    """The problem a refusal of the core's rules answers with (its code, a detail in words)."""
    facts = dict(refusal.facts)
    why = facts.get("why")
    template = REFUSALS.get(f"{refusal.code}:{why}") or REFUSALS.get(refusal.code, "")
    if "hours" in facts:
        facts["hours"] = _hours(float(facts["hours"]))
    return Problem(refusal.code, template.format(**facts))


def _hours(hours: float) -> str:
    h = int(hours) if hours.is_integer() else hours
    return f"{h} hour" if h == 1 else f"{h} hours"
