"""Who calls the staff API: a stand-in until `endpoint.staff.auth` lands (SPEC §10).

`staff_for_api(slug)` has the contract of `endpoint.staff.auth.staff_for_api`,
which takes a Bearer API token or the page session with its `X-CSRF-Token`:
the clinic and the staff user, or a problem — 401 `unauthorized` without
valid credentials, 404 `not_found` for another clinic's credentials or a clinic
that does not exist. Until then it accepts the staff's HTTP Basic credentials
(`endpoint.staff.users.authenticate`); when the session login is merged, the
staff API imports `staff_for_api` from there and this module goes.

Failed attempts count per client address like the staff pages' (429
`rate_limited` past 10 a minute), and a request a browser marks as coming
from another site is refused (403 `forbidden`).
"""

from __future__ import annotations

from flask import request

from booking import Clinic
from endpoint import state
from endpoint.problems import Problem
from endpoint.staff.users import authenticate
from endpoint.storage.db import StaffUser

FAILURES_PER_MINUTE = 10


def _unauthorized() -> Problem:
    return Problem("unauthorized", "Send a staff user's credentials of this clinic.",
                   headers={"WWW-Authenticate": 'Basic realm="ledig staff API", '
                                                'charset="UTF-8"'})


def _failure_key() -> str:
    return f"staff-api-login:{request.remote_addr or 'unknown'}"


def staff_for_api(slug: str) -> tuple[Clinic, StaffUser]:
    """The clinic of `slug` and the staff user whose credentials came with the request."""
    app = state.current()
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Problem("forbidden", "The staff API does not answer other sites' pages.")
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        raise _unauthorized()
    limited = app.settings.rate is not None
    if limited and app.limiter.current(_failure_key(), 60) >= FAILURES_PER_MINUTE:
        raise Problem("rate_limited", "Too many failed logins from your address; wait a "
                      "minute.", headers={"Retry-After": "60"})
    result = authenticate(slug, auth.username, auth.password or "")
    if result.user is None:
        if limited:
            app.limiter.hit(_failure_key(), FAILURES_PER_MINUTE, 60)
        if result.elsewhere:
            raise Problem("not_found", f"No clinic '{slug[:100]}'.")
        raise _unauthorized()
    clinic = app.registry.get(slug)
    if clinic is None:
        raise Problem("not_found", f"No clinic '{slug[:100]}'.")
    return clinic, result.user


__all__ = ["staff_for_api"]
