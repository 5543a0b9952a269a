"""Staff routes (docs/staff.md): the timebok's day and week, conflicts, the waiting list,
and the calendar feed. The login, the booking form, a booking's page and staff blocks
register their routes from their own modules (`login`, `booking_form`, `booking_page`,
`blocks`, `patient_search`).

Every page but the login, the feed and the style sheet needs a login session of the
clinic's staff (`endpoint.staff.auth.staff_for_page`). A session of another clinic's
user gets the same 404 as a clinic that does not exist. Pages are never cached, framed or given a
referrer; the only style that is not the static sheet is the positioning of
the boxes, allowed by its hash in the CSP.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, g, redirect, request, url_for
from werkzeug.exceptions import NotFound

from endpoint import state
from endpoint.staff import blocks, booking_form, booking_page, login, patient_search
from endpoint.staff.auth import staff_for_page
from endpoint.staff.calendar import day_view
from endpoint.staff.errors import StaffError, not_found
from endpoint.staff.feed import feed
from endpoint.staff.forms import day_arg, notice_for
from endpoint.staff.render import CSS, page
from endpoint.staff.timebok import conflict_list, day_extras, sync_warnings, waiting
from endpoint.staff.users import user_for_feed
from endpoint.staff.week import week_grid
from endpoint.state import current, now

log = logging.getLogger("ledig.staff")

bp = Blueprint("staff", __name__, url_prefix="/staff")
login.register(bp)
booking_form.register(bp)
booking_page.register(bp)
blocks.register(bp)
patient_search.register(bp)


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
    day = day_arg(request.args.get("date"), clinic, now())
    spans, busy, conflicts = day_extras(clinic, day, now())
    view = day_view(clinic, day, now(), picked=request.args.get("cal", ""), spans=spans,
                    busy=busy, conflicts=conflicts)
    mode = "list" if request.args.get("view") == "list" else "grid"
    return page("calendar.html", view.positions_css() if mode == "grid" else "", view=view,
                mode=mode, notice=notice_for(clinic, request.args), clinic=clinic,
                cal_arg=bool(request.args.get("cal")),
                sync_warnings=sync_warnings(clinic, now()), section="day",
                viewing=day.isoformat())


@bp.get("/<slug>/week")
def week(slug: str):
    clinic, _ = staff_for_page(slug)
    day = day_arg(request.args.get("date"), clinic, now())
    spans, busy, conflicts = day_extras(clinic, day, now(), days=7)
    grid = week_grid(clinic, day, now(), spans=spans, busy=busy, conflicts=conflicts)
    return page("week.html", grid=grid, clinic=clinic, section="week",
                sync_warnings=sync_warnings(clinic, now()), viewing=day.isoformat())


@bp.get("/<slug>/conflicts")
def conflicts(slug: str):
    clinic, _ = staff_for_page(slug)
    return page("conflicts.html", items=conflict_list(clinic, now()), clinic=clinic,
                section="conflicts")


@bp.get("/<slug>/waitlist")
def waitlist(slug: str):
    clinic, _ = staff_for_page(slug)
    if not current().uses(clinic, "waitlist"):  # docs/features.md: as an unknown route
        raise NotFound()
    return page("waitlist.html", items=waiting(clinic, now()), clinic=clinic,
                section="waitlist")


@bp.get("/<slug>/bookings.ics")
def bookings_feed(slug: str):
    clinic = state.current().registry.get(slug)
    user = user_for_feed(slug, request.args.get("token", "")) if clinic is not None else None
    if clinic is None or user is None:
        raise not_found()
    base = (clinic.endpoint_url or request.url_root).rstrip("/")
    response = Response(feed(clinic, now(), base), mimetype="text/calendar")
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
        f"default-src 'none'; style-src 'self'{extra}; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
