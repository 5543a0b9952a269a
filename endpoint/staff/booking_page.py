"""A booking's page (docs/staff.md): the details with the national id masked ("Vis" shows it
once and is logged), and the forms that act on the booking: move it (date, time,
calendar), change its type, write a note, record arrival or no-show, cancel it on
the patient's word or the clinic's, and its audit log (also on a page of its own).

Every form posts to its own route, which calls one staff service and sends the
browser back to the page (303) with what happened; a refusal renders the page with
the reason next to the form that caused it and everything typed kept.

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from booking.restrictions import zone
from common.words import staff as words
from common.words.dates import format_span
from endpoint.problems import Problem
from endpoint.services import access, audit
from endpoint.services.staff_bookings import (
    BookingChange,
    attendance_opens,
    cancel_as_staff,
    change_booking,
)
from endpoint.staff.auth import staff_for_page
from endpoint.staff.calendar import (
    booked_at_label,
    calendar_name,
    find_booking,
    local_day,
    mask_national_id,
    patient_name,
    type_name,
)
from endpoint.staff.errors import not_found
from endpoint.staff.forms import MAX_NOTE, clean_text, local_datetime, parse_date, parse_time
from endpoint.staff.history import actor_label, lines
from endpoint.staff.render import page
from endpoint.staff.timebok import conflict_reasons, free_starts, off_grid
from endpoint.state import hooks, now
from endpoint.storage.db import Booking, StaffUser, from_db

log = logging.getLogger("ledig.staff")

def _viewed(clinic: Clinic, user: StaffUser, booking: Booking, action: str) -> None:
    access.record(clinic, audit.staff_actor(user.username), action, [booking.patient_key],
                  now(), booking.public_id)


def show(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    _viewed(clinic, user, booking, access.BOOKING_VIEWED)
    return _page(clinic, booking, notice=words.DONE.get(request.args.get("done", ""), ""))


def history(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    _viewed(clinic, user, booking, access.BOOKING_VIEWED)
    return page("log.html", clinic=clinic, b=_details(clinic, booking),
                log=lines(clinic, audit.entries(booking)), section="day",
                viewing=local_day(clinic, booking).isoformat())


def reveal(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)  # checks the form's CSRF token
    booking = _booking(clinic, booking_id)
    audit.record_alone(booking, now(), audit.staff_actor(user.username),
                       audit.NATIONAL_ID_REVEALED)
    _viewed(clinic, user, booking, access.NATIONAL_ID_REVEALED)
    log.info("staff user '%s' of %s viewed the national id of booking %s", user.username,
             clinic.slug, booking.public_id)
    return _page(clinic, booking, revealed=True)


def move(slug: str, booking_id: str) -> Response:
    """Move the booking; "Vis ledige tider" only shows the free times of the date and
    calendar chosen, and a time between the slots is asked about before it is taken."""
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    form = {k: clean_text(request.form.get(k), 20) for k in ("date", "time", "calendar")}
    if request.form.get("alt_time"):  # one of the free times listed
        form["time"] = clean_text(request.form.get("alt_time"), 5)
    errors = {}
    day, at = parse_date(form["date"]), parse_time(form["time"])
    if day is None:
        errors["move-date"] = words.field("date")
    if at is None:
        errors["move-time"] = words.field("time")
    if clinic.calendar(form["calendar"]) is None:
        errors["move-calendar"] = words.field("calendar")
    outside = bool(request.form.get("outside"))
    if request.form.get("show") and day is not None and not errors.get("move-calendar"):
        return _page(clinic, booking, moving={**form, "time": form["time"] or ""})
    if errors or day is None or at is None:
        return _page(clinic, booking, errors=errors, moving=form, status=422)
    hhmm = f"{at:%H:%M}"
    if not request.form.get("off_grid") and off_grid(
            clinic, form["calendar"], day, booking.type, hhmm,
            free_starts(clinic, form["calendar"], day, booking.type, now(), booking.id)):
        return _page(clinic, booking, errors={"move": words.off_grid(hhmm)}, moving=form,
                     outside_asked="off_grid", status=409)
    change = BookingChange(start=local_datetime(clinic, day, at), calendar=form["calendar"],
                           channels=_channels(), outside_schedule=outside)
    return _change(clinic, user, booking, change, "moved", "move", moving=form)


def retype(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    type_id = clean_text(request.form.get("type"), 100)
    if clinic.type(type_id) is None:
        return _page(clinic, booking, errors={"new-type": words.field("type")}, status=422)
    change = BookingChange(type=type_id, channels=_channels(),
                           outside_schedule=bool(request.form.get("outside")))
    return _change(clinic, user, booking, change, "type", "type")


def note(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    text = clean_text(request.form.get("note"), MAX_NOTE + 1, lines=True)
    if len(text) > MAX_NOTE:
        return _page(clinic, booking, errors={"note": words.note_too_long(MAX_NOTE)},
                     status=422)
    return _change(clinic, user, booking, BookingChange(note=text), "note", "note")


def attendance(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    value = request.form.get("attendance", "")
    if value not in ("arrived", "no_show", ""):
        return _page(clinic, booking, errors={"attendance": words.field("attendance")},
                     status=422)
    return _change(clinic, user, booking, BookingChange(attendance=value),
                   value or "attendance", "attendance")


def cancel(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    reason = clean_text(request.form.get("reason"))
    initiated_by = request.form.get("initiated_by", "clinic")
    form = {"reason": reason, "initiated_by": initiated_by}
    if initiated_by not in ("patient", "clinic"):
        return _page(clinic, booking, errors={"initiated_by": words.field("initiated_by")},
                     cancelling=form, status=422)
    if booking.status == "active" and initiated_by == "clinic" and not reason:
        return _page(clinic, booking, errors={"reason": words.field("reason")},
                     cancelling=form, status=400)
    try:
        cancel_as_staff(clinic, booking.public_id, reason, initiated_by, _channels(),
                        audit.staff_actor(user.username), now(), hooks=hooks())
    except Problem as problem:
        return _page(clinic, booking, errors={"cancel": words.problem(problem.code)},
                     cancelling=form, status=409)
    log.info("staff user '%s' of %s cancelled booking %s", user.username, clinic.slug,
             booking.public_id)
    return redirect(url_for("staff.calendar", slug=clinic.slug, date=local_day(clinic, booking),
                            cancelled=booking.public_id), 303)


def register(bp: Blueprint) -> None:
    rule = "/<slug>/bookings/<booking_id>"
    bp.add_url_rule(rule, "booking_page", show, methods=["GET"])
    bp.add_url_rule(f"{rule}/log", "booking_log", history, methods=["GET"])
    for name, view in (("reveal", reveal), ("move", move), ("type", retype), ("note", note),
                       ("attendance", attendance), ("cancel", cancel)):
        bp.add_url_rule(f"{rule}/{name}", name if name != "type" else "retype", view,
                        methods=["POST"])


# -- helpers ----------------------------------------------------------------------------------

def _channels() -> tuple[str, ...] | None:
    """The form's "tell the patient" box: the type's channels, or none at all."""
    return None if request.form.get("notify") else ()


def _change(clinic: Clinic, user: StaffUser, booking: Booking, change: BookingChange,
            done: str, form: str, **context) -> Response:
    try:
        change_booking(clinic, booking.public_id, change, audit.staff_actor(user.username),
                       now(), hooks=hooks())
    except Problem as problem:
        if problem.code == "outside_schedule":
            context["outside_asked"] = form
        return _page(clinic, booking, errors={form: words.problem(problem.code)}, status=409,
                     **context)
    return redirect(url_for("staff.booking_page", slug=clinic.slug, booking_id=booking.public_id,
                            done=done), 303)


def _booking(clinic: Clinic, booking_id: str) -> Booking:
    booking = find_booking(clinic, booking_id)
    if booking is None:
        raise not_found()
    return booking


def _details(clinic: Clinic, booking: Booking, revealed: bool = False) -> dict[str, object]:
    tz = zone(clinic.timezone)
    start, end = from_db(booking.start).astimezone(tz), from_db(booking.end).astimezone(tz)
    return {
        "id": booking.public_id, "name": patient_name(booking),
        "type": type_name(clinic, booking.type), "type_id": booking.type,
        "calendar": calendar_name(clinic, booking.calendar), "calendar_id": booking.calendar,
        "when": format_span(start, end),
        "day": start.date().isoformat(), "time": f"{start:%H:%M}", "status": booking.status,
        "ended": from_db(booking.end) <= now(),
        "self_booked": booking.self_booked, "booked_at": booked_at_label(booking, clinic),
        "booked_by": actor_label(booking.booked_by) if booking.booked_by else "",
        "phone": booking.phone, "email": booking.email, "note": booking.note,
        "attendance": booking.attendance or "",
        # the buttons show from when the service takes them (docs/staff.md#a-booking)
        "can_arrive": now() >= attendance_opens(from_db(booking.start), "arrived"),
        "can_no_show": now() >= attendance_opens(from_db(booking.start), "no_show"),
        "attendance_opens": words.attendance_opens(
            f"{attendance_opens(start, 'arrived'):%H:%M}", f"{start:%H:%M}"),
        "attendance_label": words.ATTENDANCE.get(booking.attendance or "", ""),
        "id_type": words.ID_TYPES.get(booking.id_type, words.ID_TYPE_OTHER),
        "national_id": booking.national_id if revealed else mask_national_id(
            booking.national_id),
        "has_national_id": bool(booking.national_id), "revealed": revealed,
        "cancel_reason": booking.cancel_reason,
        "cancelled_by": words.CANCELLED_BY.get(booking.cancelled_by, booking.cancelled_by),
        "notify": bool(kind.notify) if (kind := clinic.type(booking.type)) else False,
        "outside_schedule": bool(booking.outside_schedule),
    }


def _page(clinic: Clinic, booking: Booking, *, revealed: bool = False,
          errors: dict[str, str] | None = None, notice: str = "", status: int = 200,
          moving: dict[str, str] | None = None, cancelling: dict[str, str] | None = None,
          outside_asked: str = "") -> Response:
    details = _details(clinic, booking, revealed)
    moving = moving or {"date": str(details["day"]), "time": str(details["time"]),
                        "calendar": booking.calendar}
    cancel_by = request.args.get("cancel", "")
    cancelling = cancelling or {"reason": "",
                                "initiated_by": "clinic" if cancel_by == "clinic" else "patient"}
    conflict = conflict_reasons(clinic, now()).get(booking.public_id, "") \
        if booking.status == "active" else ""
    return page("booking.html", status=status, clinic=clinic, b=details, errors=errors or {},
                notice=notice, moving=moving, cancelling=cancelling, conflict=conflict,
                free=_free_for_move(clinic, booking, moving),
                outside_asked=outside_asked, log=lines(clinic, audit.entries(booking)),
                section="day", viewing=str(details["day"]))


def _free_for_move(clinic: Clinic, booking: Booking, moving: dict[str, str]) -> list[str]:
    """The free times of the move form's date and calendar for the booking's type, but its
    own: what the form offers as buttons, as the booking form does."""
    day = parse_date(moving.get("date"))
    if booking.status != "active" or day is None:
        return []
    tz = zone(clinic.timezone)
    own = from_db(booking.start).astimezone(tz)
    return [t for t in free_starts(clinic, moving.get("calendar", ""), day, booking.type, now(),
                                   booking.id)
            if not (moving.get("calendar") == booking.calendar and day == own.date()
                    and t == f"{own:%H:%M}")]
