"""Booking on behalf of a patient (docs/staff.md): the form a receptionist fills in on the
phone, the patient search that prefills it, and the stale-page answer.

One form carries everything: the search button posts it to `…/bookings/new/search`
(so nothing typed is lost, and a national id never lands in a URL), a result's
"Velg" posts it there with the patient's key, and "Bestill time" posts it to
`…/bookings/new`. A booking the services refuse comes back as the same form with
everything kept and the reason in words: a slot taken since the page loaded
(with the times still free that day), a time outside the schedule (with the
box to confirm it). The services do the booking (`services.staff_bookings`).

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from common.words import staff as words
from common.words.dates import format_when
from common.words.errors import field_message
from endpoint import fields
from endpoint.problems import FieldError, Problem
from endpoint.services import audit
from endpoint.services.patients import search_patients
from endpoint.services.staff_bookings import StaffBookingRequest, create_by_staff
from endpoint.staff.auth import staff_for_page
from endpoint.staff.forms import MAX_NOTE, clean_text, local_datetime, parse_date, parse_time
from endpoint.staff.render import page
from endpoint.staff.timebok import free_starts, patient_by_key
from endpoint.state import current, now
from endpoint.storage.db import StaffUser

#: the form's fields, and the patient's fields as `endpoint.fields.patient` names them
FIELDS = ("calendar", "date", "time", "type", "id_type", "national_id", "first_name",
          "last_name", "phone", "email", "note", "q", "patient", "types")
PATIENT_FIELDS = MappingProxyType({
    "patient.id_type": "id_type", "patient.national_id": "national_id",
    "patient.first_name": "first_name", "patient.last_name": "last_name",
    "patient.phone": "phone", "patient.email": "email"})


def new(slug: str) -> Response:
    """The empty form, or prefilled from a free slot, an empty time or a picked patient."""
    clinic, _ = staff_for_page(slug)
    values = {k: clean_text(request.args.get(k), 100) for k in FIELDS}
    values["outside"] = "1" if request.args.get("outside") else ""
    values["outside_asked"] = values["outside"]
    kind = clinic.type(values["type"])
    values["notify"] = "1" if kind is None or kind.notify else ""
    picked = patient_by_key(clinic, values["patient"]) if values["patient"] else None
    if picked is not None:
        _prefill(values, picked)
    else:
        values["patient"] = ""
    return _form(clinic, values, picked=picked)


def search(slug: str) -> Response:
    """The search button and a result's "Velg": the same form, with results or prefilled.

    An empty search box means the form was sent with Enter from another field (the
    search is the form's first button): that is a booking."""
    clinic, user = staff_for_page(slug)
    values = _values(request.form)
    if request.form.get("pick"):
        picked = patient_by_key(clinic, clean_text(request.form.get("pick"), 100))
        if picked is None:
            return _form(clinic, values, notice=words.problem("not_found"), status=404)
        values["patient"], values["q"] = picked.key, ""
        _prefill(values, picked)
        return _form(clinic, values, picked=picked)
    if request.form.get("unpick"):
        values["patient"] = ""
        return _form(clinic, values)
    if not values["q"]:
        return _book(clinic, user, values)
    try:
        found = search_patients(clinic, values["q"], audit.staff_actor(user.username), now(),
                                current().settings.secret_key)
    except Problem as problem:
        first = (problem.errors or [{"message": words.problem(problem.code)}])[0]
        errors = {"q": str(first["message"])}
        return _form(clinic, values, errors=errors, status=422)
    picked = patient_by_key(clinic, values["patient"]) if values["patient"] else None
    return _form(clinic, values, results=found, searched=True, picked=picked)


def book(slug: str) -> Response:
    clinic, user = staff_for_page(slug)
    return _book(clinic, user, _values(request.form))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/bookings/new", "new_booking", new, methods=["GET"])
    bp.add_url_rule("/<slug>/bookings/new", "book", book, methods=["POST"])
    bp.add_url_rule("/<slug>/bookings/new/search", "search_patients", search,
                    methods=["POST"])


# -- booking ------------------------------------------------------------------------------------

def _book(clinic: Clinic, user: StaffUser, values: dict[str, str]) -> Response:
    if request.form.get("alt_time"):  # a free time offered after the slot was taken
        values["time"] = clean_text(request.form.get("alt_time"), 5)
    errors: dict[str, str] = {}
    cal = clinic.calendar(values["calendar"])
    kind = clinic.type(values["type"])
    day, at = parse_date(values["date"]), parse_time(values["time"])
    if cal is None:
        errors["calendar"] = words.field("calendar")
    if kind is None:
        errors["type"] = words.field("type")
    if day is None:
        errors["date"] = words.field("date")
    if at is None:
        errors["time"] = words.field("time")
    picked = patient_by_key(clinic, values["patient"]) if values["patient"] else None
    identity = {"id_type": values["id_type"], "national_id": values["national_id"]}
    if picked is not None and not values["national_id"]:
        identity = {"id_type": picked.id_type, "national_id": picked.national_id}
    field_errors: list[FieldError] = []
    patient = fields.patient({"patient": {**identity, "first_name": values["first_name"],
                                          "last_name": values["last_name"],
                                          "phone": values["phone"], "email": values["email"]}},
                             clinic, field_errors, email_needed=False)
    for error in field_errors:
        name = PATIENT_FIELDS.get(error[0], error[0])
        params = error[2] if len(error) > 2 else None  # type: ignore[misc]
        errors.setdefault(name, field_message(_language(clinic), error[1], params))
    if len(values["note"]) > MAX_NOTE:
        errors["note"] = field_message("nb", "too_long", {"limit": MAX_NOTE})
    if errors or patient is None or cal is None or kind is None or day is None or at is None:
        return _form(clinic, values, errors=errors, picked=picked, status=422)
    start = local_datetime(clinic, day, at)
    req = StaffBookingRequest(cal.id, kind.id, start, patient, values["note"],
                              channels=None if values["notify"] else (),
                              outside_schedule=bool(values["outside"]))
    try:
        booking = create_by_staff(clinic, req, audit.staff_actor(user.username), now(),
                                  current().settings.secret_key, hooks=current().hooks)
    except Problem as problem:
        alternatives = (free_starts(clinic, cal.id, day, kind.id, now())
                        if problem.code == "slot_unavailable" else [])
        if problem.code == "outside_schedule":
            values["outside_asked"] = "1"
        return _form(clinic, values, notice=words.problem(problem.code), picked=picked,
                     alternatives=alternatives, status=409)
    return redirect(url_for("staff.calendar", slug=clinic.slug, date=day.isoformat(),
                            cal=cal.id, booking=booking.public_id, done="booked"), 303)


# -- the form -------------------------------------------------------------------------------------

def _values(form: Mapping[str, str]) -> dict[str, str]:
    values = {k: clean_text(form.get(k), MAX_NOTE + 1 if k == "note" else 200,
                            lines=k == "note") for k in FIELDS}
    values["outside"] = "1" if form.get("outside") else ""
    values["outside_asked"] = "1" if form.get("outside_asked") else ""
    values["notify"] = "1" if form.get("notify") else ""
    return values


def _prefill(values: dict[str, str], picked) -> None:
    for key in ("first_name", "last_name", "phone", "email"):
        values[key] = getattr(picked, key)
    values["id_type"], values["national_id"] = picked.id_type, ""


def _language(clinic: Clinic) -> str:
    return clinic.language if clinic.language in ("nb", "nn") else "nb"


def _form(clinic: Clinic, values: dict[str, str], *, errors: dict[str, str] | None = None,
          notice: str = "", results=None, searched: bool = False, picked=None,
          alternatives: list[str] | None = None, status: int = 200) -> Response:
    cal = clinic.calendar(values.get("calendar", ""))
    day, at = parse_date(values.get("date")), parse_time(values.get("time"))
    when = ""
    if day is not None and at is not None:
        when = format_when(local_datetime(clinic, day, at))
    elif day is not None:
        when = format_when(day)
    offered = _offered_types(clinic, values)
    return page("book.html", status=status, clinic=clinic, v=values, errors=errors or {},
                notice=notice, results=results or [], searched=searched, picked=picked,
                alternatives=alternatives or [], when=when, cal=cal, offered=offered,
                section="book")


def _offered_types(clinic: Clinic, values: Mapping[str, str]) -> list[str]:
    """The types the free slot's block offers (`types`, comma-separated), known ones only."""
    wanted = [t for t in values.get("types", "").split(",") if clinic.type(t) is not None]
    return list(dict.fromkeys(wanted))
