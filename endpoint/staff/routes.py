"""Staff routes (SPEC §8): the clinic's day as a picture, booking details, cancelling,
and the calendar feed.

Every page but the feed asks for HTTP Basic credentials of the clinic's staff
(`endpoint staff-user add`). Credentials of another clinic's user get the
same 404 as a clinic that does not exist. Pages are never cached, framed or
given a referrer; the only style that is not the static sheet is the
positioning of the boxes, allowed by its hash in the CSP.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, g, redirect, request, url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from booking import Clinic
from booking.restrictions import MAX_YEAR, MIN_YEAR, zone
from common.words import plural
from endpoint import state
from endpoint.services import audit, bookings
from endpoint.staff.calendar import (
    booked_at_label,
    calendar_name,
    cancelled_by_label,
    csp_hash,
    day_view,
    find_booking,
    local_day,
    long_date,
    mask_national_id,
    patient_name,
    type_name,
)
from endpoint.staff.feed import feed
from endpoint.staff.users import authenticate, user_for_feed
from endpoint.state import now
from endpoint.storage.db import Booking, StaffUser, from_db

log = logging.getLogger("ledig.staff")

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "staff"
CSS = (TEMPLATES / "staff.css").read_bytes()
CSS_VERSION = hashlib.sha256(CSS).hexdigest()[:12]
LOGIN_FAILURES_PER_MINUTE = 10
MAX_REASON = 500

bp = Blueprint("staff", __name__, url_prefix="/staff")

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
env.globals["plural"] = plural.form


class StaffError(Exception):
    """An error page for staff: status, a Norwegian sentence, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def unauthorized() -> StaffError:
    return StaffError(401, "Logg inn med brukernavn og passord for klinikkens personale.",
                      {"WWW-Authenticate": 'Basic realm="ledig personale", charset="UTF-8"'})


def not_found() -> StaffError:
    return StaffError(404, "Fant ikke siden.")


# -- pages -----------------------------------------------------------------------------------

@bp.get("/_static/staff.css")
def stylesheet():
    response = Response(CSS, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    g.public = True
    return response


@bp.get("/<slug>/")
def home(slug: str):
    login(slug)
    return redirect(url_for("staff.calendar", slug=slug), 303)


@bp.get("/<slug>/calendar")
def calendar(slug: str):
    clinic, _ = login(slug)
    view = day_view(clinic, _date_arg(request.args.get("date"), clinic), now())
    notice = _cancelled_notice(clinic, request.args.get("cancelled"))
    return page("calendar.html", view.positions_css(), view=view, notice=notice)


@bp.get("/<slug>/bookings/<booking_id>")
def booking_page(slug: str, booking_id: str):
    clinic, _ = login(slug)
    return _booking_page(clinic, _booking(clinic, booking_id))


@bp.post("/<slug>/bookings/<booking_id>/reveal")
def reveal(slug: str, booking_id: str):
    clinic, user = login(slug)
    check_csrf(user)
    booking = _booking(clinic, booking_id)
    log.info("staff user '%s' of %s viewed the national id of booking %s", user.username,
             clinic.slug, booking.public_id)
    audit.record_alone(booking, now(), audit.staff_actor(user.username),
                       audit.NATIONAL_ID_REVEALED)
    return _booking_page(clinic, booking, revealed=True)


@bp.post("/<slug>/bookings/<booking_id>/cancel")
def cancel(slug: str, booking_id: str):
    clinic, user = login(slug)
    check_csrf(user)
    booking = _booking(clinic, booking_id)
    reason = " ".join(request.form.get("reason", "").replace("\x00", " ").split())[:MAX_REASON]
    if booking.status == "active":
        if not reason:
            return _booking_page(clinic, booking, error="Skriv en grunn til "
                                 "avbestillingen; pasienten får den i meldingen.", status=400)
        if from_db(booking.end) <= now():
            return _booking_page(clinic, booking, error="Timen er allerede over og kan "
                                 "ikke avbestilles.", status=409)
        bookings.cancel_by_staff(clinic, booking, reason, now(),
                                 actor=audit.staff_actor(user.username))
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


# -- login, CSRF, rendering ------------------------------------------------------------------

def login(slug: str) -> tuple[Clinic, StaffUser]:
    """The clinic and the staff user of this request's Basic credentials, or an error page."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        raise unauthorized()
    _refuse_if_guessing()
    result = authenticate(slug, auth.username, auth.password or "", state.current().clock)
    if result.user is None:
        _count_failure()
        raise not_found() if result.elsewhere else unauthorized()
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise not_found()
    g.staff_user = result.user
    return clinic, result.user


def _failure_key() -> str:
    return f"staff-login:{request.remote_addr or 'unknown'}"


def _refuse_if_guessing() -> None:
    if state.current().settings.rate is None:
        return
    if state.current().limiter.current(_failure_key(), 60) >= LOGIN_FAILURES_PER_MINUTE:
        raise StaffError(429, "For mange mislykkede innlogginger; vent et minutt.",
                         {"Retry-After": "60"})


def _count_failure() -> None:
    if state.current().settings.rate is not None:
        state.current().limiter.hit(_failure_key(), LOGIN_FAILURES_PER_MINUTE, 60)


def csrf_token(user: StaffUser) -> str:
    secret = state.current().settings.secret_key.encode()
    msg = "\0".join(("staff-csrf", str(user.id), user.clinic, user.username,
                     user.password_hash)).encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


def check_csrf(user: StaffUser) -> None:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise StaffError(403, "Skjemaet kom fra et annet nettsted og ble avvist.")
    sent = request.form.get("csrf", "")
    if not hmac.compare_digest(sent.encode(), csrf_token(user).encode()):
        raise StaffError(403, "Skjemaet er utløpt eller ugyldig; last siden på nytt og prøv "
                              "igjen.")


def page(template: str, style: str = "", status: int = 200, **context) -> Response:
    """Render a staff page; `style` is the page's positioning CSS, allowed by its hash."""
    g.style_hash = csp_hash(style) if style else ""
    user = g.get("staff_user")
    html = env.get_template(template).render(
        style=Markup(style), css_url=url_for("staff.stylesheet", v=CSS_VERSION),
        url_for=url_for, csrf=csrf_token(user) if user is not None else "",
        user=user, **context)
    return Response(html, status=status, mimetype="text/html")


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
