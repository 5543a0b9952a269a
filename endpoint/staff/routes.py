"""Staff routes (SPEC §8, §10): the login, the clinic's day as a picture, booking details,
cancelling, and the calendar feed.

Every page but the login, the feed and the style sheet needs a login session of
the clinic's staff (`endpoint.staff.auth.staff_for_page`; the login views are in
`endpoint.staff.login`). A session of another clinic's user gets the same 404 as a
clinic that does not exist. Pages are never cached, framed or given a referrer; the
only style that is not the static sheet is the positioning of the boxes, allowed by
its hash in the CSP.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, Response, g, redirect, request, url_for

from booking import Clinic
from booking.restrictions import MAX_YEAR, MIN_YEAR, zone
from endpoint import state
from endpoint.services import bookings
from endpoint.staff import login
from endpoint.staff.auth import staff_for_page
from endpoint.staff.calendar import (
    booked_at_label,
    calendar_name,
    cancelled_by_label,
    day_view,
    find_booking,
    local_day,
    long_date,
    mask_national_id,
    patient_name,
    type_name,
)
from endpoint.staff.errors import StaffError, not_found
from endpoint.staff.feed import feed
from endpoint.staff.render import CSS, page
from endpoint.staff.users import user_for_feed
from endpoint.state import now
from endpoint.storage.db import Booking, from_db

log = logging.getLogger("ledig.staff")

MAX_REASON = 500

bp = Blueprint("staff", __name__, url_prefix="/staff")
login.register(bp)


# -- pages -----------------------------------------------------------------------------------

@bp.get("/_static/staff.css")
def stylesheet():
    response = Response(CSS, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    g.public = True
    return response


@bp.get("/<slug>/")
def home(slug: str):
    staff_for_page(slug)
    return redirect(url_for("staff.calendar", slug=slug), 303)


@bp.get("/<slug>/calendar")
def calendar(slug: str):
    clinic, _ = staff_for_page(slug)
    view = day_view(clinic, _date_arg(request.args.get("date"), clinic), now())
    notice = _cancelled_notice(clinic, request.args.get("cancelled"))
    return page("calendar.html", view.positions_css(), view=view, notice=notice)


@bp.get("/<slug>/bookings/<booking_id>")
def booking_page(slug: str, booking_id: str):
    clinic, _ = staff_for_page(slug)
    return _booking_page(clinic, _booking(clinic, booking_id))


@bp.post("/<slug>/bookings/<booking_id>/reveal")
def reveal(slug: str, booking_id: str):
    clinic, user = staff_for_page(slug)  # checks the form's CSRF token
    booking = _booking(clinic, booking_id)
    log.info("staff user '%s' of %s viewed the national id of booking %s", user.username,
             clinic.slug, booking.public_id)
    return _booking_page(clinic, booking, revealed=True)


@bp.post("/<slug>/bookings/<booking_id>/cancel")
def cancel(slug: str, booking_id: str):
    clinic, user = staff_for_page(slug)  # checks the form's CSRF token
    booking = _booking(clinic, booking_id)
    reason = " ".join(request.form.get("reason", "").replace("\x00", " ").split())[:MAX_REASON]
    if booking.status == "active":
        if not reason:
            return _booking_page(clinic, booking, error="Skriv en grunn til "
                                 "avbestillingen; pasienten får den i meldingen.", status=400)
        if from_db(booking.end) <= now():
            return _booking_page(clinic, booking, error="Timen er allerede over og kan "
                                 "ikke avbestilles.", status=409)
        bookings.cancel_by_staff(clinic, booking, reason, now())
        log.info("staff user '%s' of %s cancelled booking %s", user.username, clinic.slug,
                 booking.public_id)
    target = url_for("staff.calendar", slug=clinic.slug, date=local_day(clinic, booking),
                     cancelled=booking.public_id)
    return redirect(target, 303)


@bp.get("/<slug>/bookings.ics")
def bookings_feed(slug: str):
    clinic = state.current().registry.get(slug)
    user = user_for_feed(slug, request.args.get("token", "")) if clinic is not None else None
    if clinic is None or user is None:
        raise not_found()
    response = Response(feed(clinic, now()), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{clinic.slug}.ics"'
    return response


# -- errors and headers ---------------------------------------------------------------------

@bp.errorhandler(StaffError)
def _error(exc: StaffError):
    response = page("error.html", status=exc.status, message=exc.message, status_code=exc.status)
    response.headers.update(exc.headers)
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    if not g.get("public"):
        response.headers["Cache-Control"] = "no-store, private"
        response.headers["Pragma"] = "no-cache"
    extra = f" {g.style_hash}" if g.get("style_hash") else ""
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'{extra}; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# -- helpers ----------------------------------------------------------------------------------

def _date_arg(value: str | None, clinic: Clinic) -> date:
    if not value:
        return now().astimezone(_tz(clinic)).date()
    try:
        if len(value) == 10 and MIN_YEAR <= (day := date.fromisoformat(value)).year <= MAX_YEAR:
            return day
    except ValueError:
        pass
    raise StaffError(400, f"«{value[:40]}» er ikke en dato; bruk formen ÅÅÅÅ-MM-DD, for "
                          "eksempel 2026-12-03.")


def _tz(clinic: Clinic):
    return zone(clinic.timezone)


def _booking(clinic: Clinic, booking_id: str) -> Booking:
    booking = find_booking(clinic, booking_id)
    if booking is None:
        raise not_found()
    return booking


def _booking_page(clinic: Clinic, booking: Booking, *,
                  revealed: bool = False, error: str = "", status: int = 200) -> Response:
    tz = _tz(clinic)
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
    return page("booking.html", status=status, clinic=clinic, b=details, error=error)


def _cancelled_notice(clinic: Clinic, public_id: str | None) -> str:
    booking = find_booking(clinic, public_id or "")
    if booking is None or booking.status != "cancelled":
        return ""
    start = from_db(booking.start).astimezone(_tz(clinic))
    return f"Timen kl. {start:%H:%M} for {patient_name(booking)} er avbestilt."
