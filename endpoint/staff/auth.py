"""Who is asking, on the staff side (docs/staff.md): the login session, CSRF, API tokens.

The functions that staff views call:

``staff_for_page(slug: str) -> tuple[Clinic, StaffUser]``
    For HTML pages of the staff blueprint. The clinic and the user of this request's
    session cookie. Without a live session (none, expired, or still waiting for the
    TOTP code) it answers with a 303 to the clinic's login page, which comes back to
    the page asked for (GET only). A session of another clinic's user gets the same
    404 page as an unknown clinic. For unsafe methods (POST, PUT, PATCH, DELETE) it
    calls `check_csrf()` itself, so no form can forget it.

``staff_for_api(slug: str) -> tuple[Clinic, StaffUser]``
    For the staff JSON API (``/api/v1/staff/<slug>/…``). Either
    ``Authorization: Bearer <api token>`` (``endpoint staff-user api-token``), or the
    page session (its cookie is also scoped to ``/api/v1/staff/<slug>/``) with, for
    unsafe methods, the session's CSRF token in an ``X-CSRF-Token`` header and no
    ``Sec-Fetch-Site: cross-site``. Failures raise `endpoint.problems.Problem`:
    ``unauthorized`` (401, ``WWW-Authenticate: Bearer``) for missing, wrong or
    rotated credentials, ``forbidden`` (403) for a missing or wrong CSRF header or a
    cross-site request, ``rate_limited`` (429) after repeated wrong tokens from one
    address, and ``not_found`` (404) both for an unknown clinic and for credentials of
    another clinic's user.

``csrf_token() -> str``
    The CSRF token of this request's session (after `staff_for_page` or
    `staff_for_api`), for a form's hidden ``csrf`` field or the page's
    ``<meta name="csrf-token">``; "" without a session.

``check_csrf() -> None``
    Refuse (403 page) a cross-site request or one whose ``csrf`` form field (or
    ``X-CSRF-Token`` header) is not this session's token.

The login views (`endpoint.staff.login`) use the rest: `log_in`, `finish_totp`,
`log_out`, the session cookie and the throttle. Failed logins and codes are counted
per client address and per username (`state.current().limiter`), and refused with 429
and Retry-After past a limit. Every time is the app's clock (`state.now()`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from booking.urls import is_return_address
from common.words import staff as words
from endpoint import state
from endpoint.clock import epoch
from endpoint.problems import Problem
from endpoint.ratelimit import window_start
from endpoint.staff import sessions, users
from endpoint.staff.errors import StaffError, forbidden, not_found
from endpoint.staff.sessions import Session
from endpoint.storage.db import StaffUser

COOKIE = "ledig_staff"
#: the login form's own CSRF nonce, before there is a session
LOGIN_COOKIE = "ledig_login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: failed logins, codes and API tokens: counted in fixed windows of this many seconds
FAILURE_PERIOD = 15 * 60
FAILURES_PER_ADDRESS = 20
FAILURES_PER_USERNAME = 10


# -- the four functions views call -----------------------------------------------------------

def staff_for_page(slug: str) -> tuple[Clinic, StaffUser]:
    """The clinic and the session's user, or a redirect to the login page (see above)."""
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise not_found()
    session = current_session()
    if session is None or session.pending:
        asked = _asked_path() if request.method == "GET" else None
        expired = session is None and bool(request.cookies.get(COOKIE))
        abort(redirect(login_url(slug, asked, expired=expired), 303))
    if session.user.clinic != slug:
        raise not_found()
    g.staff_user = session.user
    if request.method not in SAFE_METHODS:
        check_csrf()
    return clinic, session.user


def staff_for_api(slug: str) -> tuple[Clinic, StaffUser]:
    """The clinic and the user of a Bearer API token or of the page session (see above)."""
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise Problem("not_found", "No such clinic.")
    if _cross_site():  # no other site's page may drive the staff API, with any credential
        raise Problem("forbidden", "The staff API does not answer other sites' pages.")
    header = request.headers.get("Authorization")
    if header is not None:
        user = _user_of_bearer(header)
    else:
        session = current_session()
        if session is None or session.pending:
            raise _unauthorized("Log in, or send Authorization: Bearer <API token>.")
        user = session.user
        if user.clinic == slug and request.method not in SAFE_METHODS:
            if _cross_site():
                raise Problem("forbidden", "Cross-site requests are refused.")
            if not _csrf_matches(request.headers.get("X-CSRF-Token", "")):
                raise Problem("forbidden", "Send the page's CSRF token in X-CSRF-Token.")
    if user.clinic != slug:
        raise Problem("not_found", "No such clinic.")
    g.staff_user = user
    return clinic, user


def csrf_token() -> str:
    """This request's session's CSRF token; "" without a session."""
    session = g.get("staff_session")
    if session is None:
        return ""
    return _keyed("staff-csrf", session.token)


def check_csrf() -> None:
    """Refuse a cross-site form or one without this session's CSRF token (403 page)."""
    if _cross_site():
        raise forbidden(words.CROSS_SITE)
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token", "")
    if not _csrf_matches(sent):
        raise forbidden(words.BAD_CSRF)


# -- sessions and their cookie ---------------------------------------------------------------

def current_session() -> Session | None:
    """The live session of this request's cookie (looked up once per request)."""
    if "staff_session" not in g:
        token = request.cookies.get(COOKIE, "")
        g.staff_session = sessions.find(token, state.now()) if token else None
    session: Session | None = g.staff_session
    return session


def cookie_paths(slug: str) -> tuple[str, str]:
    """The session cookie goes only to the clinic's staff pages and its staff API."""
    return f"/staff/{slug}/", f"/api/v1/staff/{slug}/"


def set_session_cookie(response: Response, slug: str, session: Session) -> None:
    for path in cookie_paths(slug):
        response.set_cookie(COOKIE, session.token, path=path, httponly=True,
                            secure=request.is_secure, samesite="Strict")


def clear_session_cookie(response: Response, slug: str) -> None:
    for path in cookie_paths(slug):
        response.delete_cookie(COOKIE, path=path, httponly=True, secure=request.is_secure,
                               samesite="Strict")


def log_in(clinic: Clinic, username: str, password: str) -> Session | None:
    """A new session for right credentials (pending when the user has TOTP), None for
    wrong ones; 429 while guessing, the 404 page for another clinic's user."""
    refuse_if_guessing(clinic.slug, username)
    result = users.authenticate(clinic.slug, username, password)
    if result.user is None:
        count_failure(clinic.slug, username)
        if result.elsewhere:
            raise not_found()
        return None
    _end_presented_session()  # a new login never continues an old session (fixation)
    return sessions.start(result.user, state.now(), pending=bool(result.user.totp_secret))


def finish_totp(session: Session, code: str) -> Session | None:
    """The full session after a right, unused TOTP code; None for a wrong one."""
    user = session.user
    refuse_if_guessing(user.clinic, user.username)
    if not users.check_totp(user, code, state.now()):
        count_failure(user.clinic, user.username)
        return None
    sessions.end(session.token)
    g.staff_session = sessions.start(user, state.now())
    return g.staff_session


def log_out() -> None:
    """End this request's session (its row is deleted)."""
    _end_presented_session()
    g.staff_session = None


def _end_presented_session() -> None:
    token = request.cookies.get(COOKIE, "")
    if token:
        sessions.end(token)


# -- where to go after the login ---------------------------------------------------------------

def login_url(slug: str, next_path: str | None = None, *, expired: bool = False) -> str:
    """The clinic's login page, coming back to `next_path` (when it is a safe one)."""
    args: dict[str, Any] = {"expired": "1"} if expired else {}
    if next_path and safe_next(slug, next_path) == next_path:
        args["next"] = next_path
    return url_for("staff.login", slug=slug, **args)


def safe_next(slug: str, value: str | None) -> str:
    """`value` when it is a path of this clinic's staff pages (`booking.urls`'s one rule for
    return addresses) other than the login's own, else the calendar: no other site, no
    other clinic, no way out through dots, backslashes or encodings."""
    default = f"/staff/{slug}/calendar"
    prefix = f"/staff/{slug}/"
    if not value or not is_return_address(value, prefix):
        return default
    if unquote(urlsplit(value).path).rstrip("/") in (prefix + "login", prefix + "login/totp",
                                                      prefix + "logout"):
        return default
    return value


def _asked_path() -> str:
    return request.full_path.rstrip("?")


# -- guessing ------------------------------------------------------------------------------

def _failure_keys(slug: str, username: str) -> list[tuple[str, int]]:
    keys = [(f"staff-login-ip:{request.remote_addr or 'unknown'}"[:128], FAILURES_PER_ADDRESS)]
    if username:
        digest = hashlib.sha256(f"{slug}\0{username}".encode()).hexdigest()[:32]
        keys.append((f"staff-login-user:{digest}", FAILURES_PER_USERNAME))
    return keys


def _retry_after(slug: str, username: str) -> int | None:
    """Seconds until a login may be tried again, or None when it may now."""
    limiter = state.current().limiter
    for key, limit in _failure_keys(slug, username):
        if limiter.current(key, FAILURE_PERIOD) >= limit:
            now = epoch(state.current().clock)
            return max(1, math.ceil(window_start(FAILURE_PERIOD, now) + FAILURE_PERIOD - now))
    return None


def refuse_if_guessing(slug: str, username: str = "") -> None:
    """The 429 page after too many failures from this address or for this username."""
    retry = _retry_after(slug, username)
    if retry is not None:
        minutes = max(1, math.ceil(retry / 60))
        raise StaffError(429, words.too_many_logins(minutes), {"Retry-After": str(retry)})


def count_failure(slug: str, username: str = "") -> None:
    limiter = state.current().limiter
    for key, limit in _failure_keys(slug, username):
        limiter.hit(key, limit, FAILURE_PERIOD)


def _user_of_bearer(header: str) -> StaffUser:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Send Authorization: Bearer <API token>.")
    retry = _retry_after("", "")
    if retry is not None:
        raise Problem("rate_limited", "Too many wrong tokens from your address; wait.",
                      headers={"Retry-After": str(retry)})
    user = users.user_for_api_token(token.strip())
    if user is None:
        count_failure("", "")
        raise _unauthorized("The API token is wrong or was replaced.", error="invalid_token")
    return user


def _unauthorized(detail: str, error: str = "") -> Problem:
    challenge = 'Bearer realm="ledig staff"' + (f', error="{error}"' if error else "")
    return Problem("unauthorized", detail, headers={"WWW-Authenticate": challenge})


# -- CSRF ----------------------------------------------------------------------------------

def _keyed(purpose: str, value: str) -> str:
    secret = state.current().settings.secret_key.encode()
    return hmac.new(secret, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def _csrf_matches(sent: str) -> bool:
    expected = csrf_token()
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def _cross_site() -> bool:
    return request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site"


def login_csrf(nonce: str) -> str:
    """The login form's CSRF token for the nonce in its cookie."""
    return _keyed("staff-login-csrf", nonce)


def check_login_csrf(sent: str) -> None:
    """Refuse a cross-site login, or one whose form did not come from our login page."""
    if _cross_site():
        raise forbidden(words.CROSS_SITE)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or len(nonce) > 100 or not hmac.compare_digest(
            sent.encode(), login_csrf(nonce).encode()):
        raise forbidden(words.BAD_CSRF)


__all__ = ["COOKIE", "check_csrf", "csrf_token", "finish_totp", "log_in", "log_out",
           "safe_next", "staff_for_api", "staff_for_page"]
