"""The staff login's views (docs/staff.md): the form, the TOTP code, logout.

Views only: the checks, the session and its cookie are in `endpoint.staff.auth`.
`register` adds them to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from common.words import staff as words
from endpoint import state
from endpoint.staff import auth
from endpoint.staff.errors import not_found
from endpoint.staff.render import page

_NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def login_form(slug: str) -> Response:
    clinic = _clinic(slug)
    target = auth.safe_next(slug, request.args.get("next"))
    session = auth.current_session()
    if session is not None and session.user.clinic == slug:
        return redirect(_totp_url(slug, target) if session.pending else target, 303)
    notice = {"1": words.LOGGED_OUT}.get(request.args.get("logged_out", "")) or (
        words.EXPIRED if request.args.get("expired") else "")
    return _login_page(clinic, target, notice=notice)


def login_submit(slug: str) -> Response:
    clinic = _clinic(slug)
    auth.check_login_csrf(request.form.get("csrf", ""))
    username = request.form.get("username", "")[:200]
    target = auth.safe_next(slug, request.form.get("next"))
    session = auth.log_in(clinic, username, request.form.get("password", ""))
    if session is None:
        return _login_page(clinic, target, error=words.WRONG_LOGIN, username=username, status=403)
    response = redirect(_totp_url(slug, target) if session.pending else target, 303)
    auth.set_session_cookie(response, slug, session)
    return response


def totp_form(slug: str) -> Response:
    clinic = _clinic(slug)
    target = auth.safe_next(slug, request.args.get("next"))
    session = auth.current_session()
    if session is None or session.user.clinic != slug:
        return redirect(url_for("staff.login", slug=slug, expired=1), 303)
    if not session.pending:
        return redirect(target, 303)
    return page("totp.html", clinic=clinic, next=target, username=session.user.username,
                error="")


def totp_submit(slug: str) -> Response:
    clinic = _clinic(slug)
    target = auth.safe_next(slug, request.form.get("next"))
    session = auth.current_session()
    if session is None or not session.pending or session.user.clinic != slug:
        return redirect(url_for("staff.login", slug=slug, expired=1), 303)
    auth.check_csrf()
    full = auth.finish_totp(session, request.form.get("code", "")[:20])
    if full is None:
        return page("totp.html", status=403, clinic=clinic, next=target,
                    username=session.user.username, error=words.WRONG_CODE)
    response = redirect(target, 303)
    auth.set_session_cookie(response, slug, full)
    return response


def logout(slug: str) -> Response:
    _clinic(slug)
    session = auth.current_session()
    if session is not None and session.user.clinic == slug:
        auth.check_csrf()
        auth.log_out()
    response = redirect(url_for("staff.login", slug=slug, logged_out=1), 303)
    auth.clear_session_cookie(response, slug)
    return response


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/login", "login", login_form, methods=["GET"])
    bp.add_url_rule("/<slug>/login", "login_submit", login_submit, methods=["POST"])
    bp.add_url_rule("/<slug>/login/totp", "totp", totp_form, methods=["GET"])
    bp.add_url_rule("/<slug>/login/totp", "totp_submit", totp_submit, methods=["POST"])
    bp.add_url_rule("/<slug>/logout", "logout", logout, methods=["POST"])


# -- helpers ---------------------------------------------------------------------------------

def _clinic(slug: str) -> Clinic:
    clinic = state.current().registry.get(slug)
    if clinic is None:
        raise not_found()
    return clinic


def _totp_url(slug: str, target: str) -> str:
    return url_for("staff.totp", slug=slug, next=target)


def _login_page(clinic: Clinic, target: str, *, error: str = "", notice: str = "",
                username: str = "", status: int = 200) -> Response:
    """The form, with the CSRF token of the nonce in the login cookie (a new one if none)."""
    nonce = request.cookies.get(auth.LOGIN_COOKIE, "")
    fresh = not _NONCE_RE.match(nonce)
    if fresh:
        nonce = secrets.token_urlsafe(24)
    response = page("login.html", status=status, clinic=clinic, next=target, error=error,
                    notice=notice, username=username, login_csrf=auth.login_csrf(nonce))
    if fresh:
        response.set_cookie(auth.LOGIN_COOKIE, nonce, path=f"/staff/{clinic.slug}/login",
                            httponly=True, secure=request.is_secure, samesite="Strict")
    return response


__all__ = ["register"]
