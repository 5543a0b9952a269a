"""Who a bearer token speaks for in the public API: a logged-in patient's session
(docs/patient-login.md) or a booking's cancel token (README.md#http-api). Session tokens
carry a prefix (`patient_sessions.PREFIX`) that no cancel token has."""

from __future__ import annotations

from booking import Clinic
from endpoint import state
from endpoint.problems import Problem
from endpoint.services import patient_sessions
from endpoint.services.patient_sessions import Session, is_session_token
from endpoint.state import now

__all__ = ["is_session_token", "session_of"]


def session_of(clinic: Clinic, token: str) -> Session:
    """The live session of `token` at `clinic`; 401 for an unknown, ended or expired one, and
    for a session of another clinic."""
    found = patient_sessions.find(clinic.slug, token, now(),
                                  state.current().settings.secret_key)
    if found is None:
        raise Problem("unauthorized", "Your login has ended; log in again.",
                      headers={"WWW-Authenticate": 'Bearer realm="ledig"'})
    return found
