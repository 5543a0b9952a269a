"""The login's two stops in the patient's browser: `/patient/<slug>/login?next=URL` sends it
to the clinic's identity provider, `/patient/<slug>/callback` takes it back, validates the
id token and ends on `next` with `#session=<token>` in the fragment (never in a URL a
server sees).

A failure at the callback answers problem+json (401 `login_failed`, with a `reason`) to a
client that does not ask for HTML; a browser is sent back to the page it came from with
`#login_error=<reason>`, where the page says what happened in the clinic's language and
booking without login still works. Nothing logged names the patient.
"""

from __future__ import annotations

import logging
import os

from authlib.common.security import generate_token
from flask import Blueprint, redirect, request

from booking import Clinic
from booking.model import PatientLogin
from booking.urls import is_return_address, page_url
from endpoint import state
from endpoint.patient import oidc
from endpoint.problems import Problem, validation
from endpoint.services import patient_sessions
from endpoint.state import now

log = logging.getLogger("ledig.patient")

bp = Blueprint("patient", __name__, url_prefix="/patient")

def providers() -> oidc.Providers:
    """The app's cache of the providers' documents and keys, made on first use."""
    app = state.current()
    if not isinstance(app.oidc, oidc.Providers):
        app.oidc = oidc.Providers(app.clock)
    return app.oidc


def _clinic(slug: str) -> tuple[Clinic, PatientLogin]:
    clinic = state.current().registry.get(slug)
    if clinic is None or clinic.patient_login is None:
        raise Problem("not_found", "No clinic with patient login here.")
    return clinic, clinic.patient_login


def own_page(clinic: Clinic, url: str) -> bool:
    """Whether `url` is one of the clinic's own pages: on the origin of `pages_url`, under
    `<pages_url><slug>/` as a browser resolves it — never another site or another folder
    on the pages' host, where the session token would land (no open redirect)."""
    return bool(clinic.pages_url) and is_return_address(url, page_url(clinic))


def _redirect_uri(clinic: Clinic) -> str:
    return f"{clinic.endpoint_url}/patient/{clinic.slug}/callback"


def _secret(clinic: Clinic, login: PatientLogin) -> str:
    secret = os.environ.get(login.client_secret_env, "")
    if not secret:
        log.error("patient login of %s: the environment variable %s is not set",
                  clinic.slug, login.client_secret_env)
        raise Problem("unavailable", "Patient login is not set up on this server.")
    return secret


def _fail(next_url: str | None, reason: str, detail: str):
    log.info("patient login refused: %s", reason)
    if next_url and request.accept_mimetypes.accept_html:
        return redirect(f"{next_url.split('#', 1)[0]}#login_error={reason}", 303)
    raise Problem("login_failed", detail or "The login did not succeed.",
                  extra={"reason": reason})


@bp.get("/<slug>/login")
def login(slug: str):
    clinic, config = _clinic(slug)
    next_url = request.args.get("next", "")
    if not own_page(clinic, next_url):
        raise validation([("next", "next_not_own_page")], clinic.language).with_status(400)
    secret = _secret(clinic, config)
    verifier = generate_token(64)  # 64 of [A-Za-z0-9]: RFC 7636's 43..128 characters
    current = now()
    state_value, nonce = patient_sessions.new_attempt(slug, next_url, verifier, current)
    try:
        url = oidc.authorization_url(providers(), config, secret, _redirect_uri(clinic),
                                     state=state_value, nonce=nonce, code_verifier=verifier,
                                     locale=clinic.language)
    except oidc.LoginFailed as exc:
        return _fail(next_url, exc.reason, exc.detail)
    response = redirect(url, 303)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<slug>/callback")
def callback(slug: str):
    clinic, config = _clinic(slug)
    current = now()
    attempt = patient_sessions.take_attempt(slug, request.args.get("state", ""), current)
    if attempt is None:
        return _fail(None, "state", "This login is unknown, used or too old; start again.")
    if request.args.get("error"):  # the patient cancelled, or the provider refused
        return _fail(attempt.next_url, "denied", "The identity provider did not log you in.")
    code = request.args.get("code", "")
    if not code or len(code) > 2000:
        return _fail(attempt.next_url, "code", "The identity provider sent no code.")
    try:
        raw = oidc.exchange(providers(), config, _secret(clinic, config), _redirect_uri(clinic),
                            code=code, code_verifier=attempt.code_verifier)
        who = oidc.validate(providers(), config, raw, nonce=attempt.nonce,
                            now=int(current.timestamp()), test_mode=clinic.test_mode)
    except oidc.LoginFailed as exc:
        return _fail(attempt.next_url, exc.reason, exc.detail)
    secret_key = state.current().settings.secret_key
    first, last = who.first_name, who.last_name
    if not (first and last):
        known = patient_sessions.last_names(clinic, who.national_id, secret_key)
        first, last = first or known[0], last or known[1]
    token = patient_sessions.start(slug, who.id_type, who.national_id, first, last, current,
                                   secret_key)
    log.info("patient login at %s", slug)
    response = redirect(f"{attempt.next_url}#session={token}", 303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
