"""A real OpenID Connect provider on loopback for the patient-login tests (docs/patient-login.md).

`oidc-provider-mock` (PyPI) is a real provider built on Authlib's server: discovery, a
JWKS, the authorization and token endpoints, RS256-signed id tokens that carry the
claims a test gives a user (`pid`, `acr`, names). It runs in a thread on 127.0.0.1 over
plain http, which both Authlib's server and client allow only with
`AUTHLIB_INSECURE_TRANSPORT=1` (the fixture sets it; a clinic's issuer must be https).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import requests

SECRET_ENV = "LEDIG_TEST_OIDC_SECRET"
SECRET = "test-client-secret"
CLIENT_ID = "ledig-test"
ACR = "idporten-loa-substantial"


@dataclass
class Provider:
    issuer: str
    app: object
    server: object

    def user(self, sub: str, **claims) -> str:
        """Make (or replace) the user `sub` with these claims in their id tokens."""
        r = requests.put(f"{self.issuer}/users/{quote(sub, safe='')}", json=claims, timeout=10)
        assert r.status_code == 204, r.text
        return sub

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Log `sub` in at the provider's form: the redirect back to the client (its URL)."""
        r = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False,
                          timeout=10)
        assert r.status_code in (302, 303), r.text[:500]
        return r.headers["Location"]

    def storage(self):
        """The provider's storage (its signing key is `storage().jwk`)."""
        import flask

        with self.app.test_request_context():  # type: ignore[attr-defined]
            self.app.preprocess_request()  # type: ignore[attr-defined]
            return flask.g.oidc_provider_mock_storage


def patient_login_yaml(issuer: str, *, acr: str = ACR, id_claim: str = "pid") -> str:
    return (f"patient_login:\n  issuer: {issuer}\n  client_id: {CLIENT_ID}\n"
            f"  client_secret_env: {SECRET_ENV}\n  acr_values: {acr}\n"
            f"  id_claim: {id_claim}\n")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class ProviderTime:
    """The time the provider stamps its id tokens with (`iat`, `exp`, `auth_time`): the
    current test's clock (`conftest` sets `clock` for each test that uses the provider),
    so the tokens agree with the app's clock whatever the date. It stands in for the
    `time` module of the two Authlib modules that stamp id tokens."""

    def __init__(self) -> None:
        self.clock = None

    __name__ = "time"

    def time(self) -> float:
        if self.clock is None:
            raise RuntimeError("the provider was asked for a token outside a test")
        return self.clock.now().timestamp()


PROVIDER_TIME = ProviderTime()


def start_provider():
    """Start the provider; (provider, stop)."""
    import authlib.oidc.core.grants._legacy as legacy_id_tokens
    import authlib.oidc.core.grants.util as id_tokens
    import oidc_provider_mock
    import werkzeug.serving

    for module in (id_tokens, legacy_id_tokens):
        assert module.time.__name__ == "time", module  # the module, or a ProviderTime
        module.time = PROVIDER_TIME  # type: ignore[assignment]

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    os.environ[SECRET_ENV] = SECRET
    app = oidc_provider_mock.app()
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)
        server.server_close()

    return Provider(f"http://127.0.0.1:{server.server_port}", app, server), stop
