"""A booking's page (SPEC §10): the details with the national id masked ("vis" shows it
and is logged), and the forms that act on the booking.

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from booking.restrictions import zone
from endpoint.services import bookings
from endpoint.staff.auth import staff_for_page
from endpoint.staff.calendar import (
    booked_at_label,
    calendar_name,
    cancelled_by_label,
    find_booking,
    local_day,
    long_date,
    mask_national_id,
    patient_name,
    type_name,
)
from endpoint.staff.errors import not_found
from endpoint.staff.forms import clean_text
from endpoint.staff.render import page
from endpoint.state import now
from endpoint.storage.db import Booking, from_db

log = logging.getLogger("ledig.staff")


def show(slug: str, booking_id: str) -> Response:
    clinic, _ = staff_for_page(slug)
    return _page(clinic, _booking(clinic, booking_id))


def reveal(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)  # checks the form's CSRF token
    booking = _booking(clinic, booking_id)
    log.info("staff user '%s' of %s viewed the national id of booking %s", user.username,
             clinic.slug, booking.public_id)
    return _page(clinic, booking, revealed=True)


def cancel(slug: str, booking_id: str) -> Response:
    clinic, user = staff_for_page(slug)
    booking = _booking(clinic, booking_id)
    reason = clean_text(request.form.get("reason"))
    if booking.status == "active":
        if not reason:
            return _page(clinic, booking, errors={"reason": "Skriv en grunn til "
                         "avbestillingen; pasienten får den i meldingen."}, status=400)
        if from_db(booking.end) <= now():
            return _page(clinic, booking, errors={"cancel": "Timen er allerede over og kan "
                         "ikke avbestilles."}, status=409)
        bookings.cancel_by_staff(clinic, booking, reason, now())
        log.info("staff user '%s' of %s cancelled booking %s", user.username, clinic.slug,
                 booking.public_id)
    target = url_for("staff.calendar", slug=clinic.slug, date=local_day(clinic, booking),
                     cancelled=booking.public_id)
    return redirect(target, 303)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/bookings/<booking_id>", "booking_page", show, methods=["GET"])
    bp.add_url_rule("/<slug>/bookings/<booking_id>/reveal", "reveal", reveal,
                    methods=["POST"])
    bp.add_url_rule("/<slug>/bookings/<booking_id>/cancel", "cancel", cancel,
                    methods=["POST"])


# -- helpers ----------------------------------------------------------------------------------

def _booking(clinic: Clinic, booking_id: str) -> Booking:
    booking = find_booking(clinic, booking_id)
    if booking is None:
        raise not_found()
    return booking


def _page(clinic: Clinic, booking: Booking, *, revealed: bool = False,
          errors: dict[str, str] | None = None, status: int = 200) -> Response:
    tz = zone(clinic.timezone)
    start, end = from_db(booking.start).astimezone(tz), from_db(booking.end).astimezone(tz)
    details = {
        "id": booking.public_id, "name": patient_name(booking),
        "type": type_name(clinic, booking.type),
        "calendar": calendar_name(clinic, booking.calendar),
        "when": f"{long_date(start.date())} kl. {start:%H:%M}–{end:%H:%M}",
        "day": start.date().isoformat(), "status": booking.status,
        "self_booked": booking.self_booked, "booked_at": booked_at_label(booking, clinic),
        "phone": booking.phone, "email": booking.email, "note": booking.note,
        "id_type": {"fnr": "Fødselsnummer", "dnr": "D-nummer"}.get(booking.id_type,
                                                                     "Identitetsnummer"),
        "national_id": booking.national_id if revealed else mask_national_id(
            booking.national_id),
        "has_national_id": bool(booking.national_id), "revealed": revealed,
        "cancel_reason": booking.cancel_reason,
        "cancelled_by": cancelled_by_label(booking),
    }
    return page("booking.html", status=status, clinic=clinic, b=details, errors=errors or {},
                section="day")
