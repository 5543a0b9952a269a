"""Who is asking, on the staff side: a stand-in over HTTP Basic with the interface of the
login-session module that replaces it (SPEC §10): `staff_for_page(slug)`, `csrf_token()`,
`check_csrf()`.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import g, request

from booking import Clinic
from endpoint import state
from endpoint.staff.errors import StaffError, forbidden, not_found
from endpoint.staff.users import authenticate
from endpoint.storage.db import StaffUser

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_FAILURES_PER_MINUTE = 10


def _unauthorized() -> StaffError:
    return StaffError(401, "Logg inn med brukernavn og passord for klinikkens personale.",
                      {"WWW-Authenticate": 'Basic realm="ledig personale", charset="UTF-8"'})


def staff_for_page(slug: str) -> tuple[Clinic, StaffUser]:
    """The clinic and the staff user of this request; checks CSRF on unsafe methods."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        raise _unauthorized()
    _refuse_if_guessing()
    result = authenticate(slug, auth.username, auth.password or "", state.current().clock)
    if result.user is None:
        _count_failure()
        raise not_found() if result.elsewhere else _unauthorized()
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise not_found()
    g.staff_user = result.user
    if request.method not in SAFE_METHODS:
        check_csrf()
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


def csrf_token() -> str:
    user = g.get("staff_user")
    if user is None:
        return ""
    secret = state.current().settings.secret_key.encode()
    msg = "\0".join(("staff-csrf", str(user.id), user.clinic, user.username,
                     user.password_hash)).encode()
    return hmac.new(secret, msg, hashlib.sha256).hexdigest()


def check_csrf() -> None:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise forbidden("Skjemaet kom fra et annet nettsted og ble avvist.")
    sent = request.form.get("csrf", "")
    if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
        raise forbidden("Skjemaet er utløpt eller ugyldig; last siden på nytt og prøv igjen.")


__all__ = ["check_csrf", "csrf_token", "staff_for_page"]
