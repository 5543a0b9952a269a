"""The OpenID Connect relying party (docs/patient-login.md): discovery, the authorization request
with
PKCE (S256), the code exchange and the id token's validation.

Authlib builds the authorization URL and exchanges the code (its `requests` client);
joserfc (Authlib's JOSE library) verifies the id token's signature and claims. The
provider's metadata is cached for `METADATA_TTL`; its keys are fetched again when a token
names a key id the cached set does not have (the provider rotated its keys), at most
once per `JWKS_RETRY` so that a stream of unknown ids does not become a stream of
fetches. Every failure is a `LoginFailed` with a short, stable reason; none carries a
claim's value.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
)
from joserfc.jwk import KeySet

from booking.identity import IdentityError, identify
from booking.model import PatientLogin
from endpoint.clock import Clock

log = logging.getLogger("ledig.patient")

METADATA_TTL = 3600.0
JWKS_RETRY = 10.0
HTTP_TIMEOUT = 10.0
#: seconds of clock skew allowed on exp, iat and nbf
LEEWAY = 60
#: asymmetric algorithms only: never "none", never a MAC keyed by the client secret
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
              "ES512", "EdDSA")
#: known assurance scales, lowest first: a token at the required level or above passes
ACR_SCALES = (
    ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high"),
    ("Level3", "Level4"),
    ("low", "substantial", "high"),
)
#: where names are looked for in the id token, in order
FIRST_NAME_CLAIMS = ("given_name",)
LAST_NAME_CLAIMS = ("family_name",)


class LoginFailed(Exception):
    """A login that must not open a session; `reason` is a stable code for the page."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Identity:
    """What a validated id token says about the patient (never logged)."""

    id_type: str
    national_id: str
    first_name: str
    last_name: str

    def __repr__(self) -> str:
        return "Identity(…)"


class Providers:
    """Each issuer's metadata and keys, cached with the app's clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._metadata: dict[str, tuple[float, dict[str, Any]]] = {}
        self._keys: dict[str, tuple[float, KeySet]] = {}

    def metadata(self, issuer: str) -> dict[str, Any]:
        with self._lock:
            cached = self._metadata.get(issuer)
        if cached and self.clock.monotonic() - cached[0] < METADATA_TTL:
            return cached[1]
        url = f"{issuer}/.well-known/openid-configuration"
        doc = _get_json(url)
        if doc.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise LoginFailed("provider", "the discovery document names another issuer")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(doc.get(key), str):
                raise LoginFailed("provider", f"the discovery document has no {key}")
        with self._lock:
            self._metadata[issuer] = (self.clock.monotonic(), doc)
        return doc

    def _keyset(self, issuer: str, *, again: bool) -> tuple[KeySet, bool]:
        """The provider's keys and whether they were fetched just now; `again` fetches
        them anew unless that was done less than `JWKS_RETRY` ago."""
        with self._lock:
            cached = self._keys.get(issuer)
        if cached and (not again or self.clock.monotonic() - cached[0] < JWKS_RETRY):
            return cached[1], False
        document = _get_json(self.metadata(issuer)["jwks_uri"])
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]  # checked here
        except (JoseError, KeyError, TypeError, ValueError) as exc:
            raise LoginFailed("provider", "the provider's keys could not be read") from exc
        with self._lock:
            self._keys[issuer] = (self.clock.monotonic(), keys)
        return keys, True

    def verify(self, issuer: str, raw: str, alg: str, kid: str | None) -> Any:
        """The token of `raw` if one of the provider's published keys signed it. A key id
        the cached keys lack, or a signature they do not verify, fetches the keys once more
        (the provider rotated them) before the token is refused."""
        keys, fresh = self._keyset(issuer, again=False)
        while True:
            key = _pick(keys, kid)
            if key is not None:
                try:
                    return jwt.decode(raw, key, algorithms=[alg])
                except BadSignatureError as exc:
                    if fresh:
                        raise LoginFailed("signature", "the id token's signature does not "
                                          "verify with the provider's keys") from exc
                except JoseError as exc:
                    raise LoginFailed("signature", "the id token could not be read") from exc
            elif fresh:
                raise LoginFailed("signature", "the id token is signed by a key the "
                                  "provider does not publish")
            keys, fresh = self._keyset(issuer, again=True)
            if not fresh:
                raise LoginFailed("signature", "the id token is signed by a key the "
                                  "provider does not publish")


def _pick(keys: KeySet, kid: str | None) -> Any:
    if kid is None:
        return keys.keys[0] if len(keys.keys) == 1 else None
    return next((k for k in keys.keys if k.kid == kid), None)


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT, headers={"Accept":
                                                                    "application/json"})
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("identity provider unreachable or answering badly: %s",
                    type(exc).__name__)
        raise LoginFailed("provider", "the identity provider could not be reached") from exc
    if not isinstance(body, dict):
        raise LoginFailed("provider", "the identity provider answered no JSON object")
    return body


def _session(login: PatientLogin, secret: str, redirect_uri: str,
             metadata: dict[str, Any]) -> OAuth2Session:
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods \
        else "client_secret_post"
    return OAuth2Session(login.client_id, secret, scope="openid profile",
                         redirect_uri=redirect_uri, code_challenge_method="S256",
                         token_endpoint_auth_method=method)


def authorization_url(providers: Providers, login: PatientLogin, secret: str,
                      redirect_uri: str, *, state: str, nonce: str, code_verifier: str,
                      locale: str) -> str:
    """Where the patient's browser goes to log in."""
    metadata = providers.metadata(login.issuer)
    with _session(login, secret, redirect_uri, metadata) as session:
        url, _ = session.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce,
            code_verifier=code_verifier, acr_values=login.acr_values, ui_locales=locale)
    return str(url)


def exchange(providers: Providers, login: PatientLogin, secret: str, redirect_uri: str,
             *, code: str, code_verifier: str) -> str:
    """The id token for an authorization code (the code works once, at the provider)."""
    metadata = providers.metadata(login.issuer)
    try:
        with _session(login, secret, redirect_uri, metadata) as session:
            token = session.fetch_token(metadata["token_endpoint"], code=code,
                                        code_verifier=code_verifier,
                                        grant_type="authorization_code",
                                        timeout=HTTP_TIMEOUT)
    except AuthlibBaseError as exc:  # the provider's error answer (OAuthError)
        log.warning("identity provider refused the code: %s", exc.error or "error")
        raise LoginFailed("code", "the identity provider refused the code (used, "
                          "expired or not issued to this client)") from exc
    except (requests.RequestException, ValueError) as exc:
        log.warning("identity provider unreachable at its token endpoint: %s",
                    type(exc).__name__)
        raise LoginFailed("provider", "the identity provider could not be reached") from exc
    raw = token.get("id_token")
    if not isinstance(raw, str):
        raise LoginFailed("claims", "the provider sent no id token")
    return raw


def _header(raw: str) -> dict[str, Any]:
    try:
        head = raw.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoginFailed("signature", "the id token is not a signed JWT") from exc
    if not isinstance(header, dict):
        raise LoginFailed("signature", "the id token is not a signed JWT")
    return header


def acr_enough(required: str, presented: object) -> bool:
    """Whether the token's `acr` is the required level, or above it on a known scale."""
    if not isinstance(presented, str):
        return False
    if presented == required:
        return True
    for scale in ACR_SCALES:
        if required in scale and presented in scale:
            return scale.index(presented) >= scale.index(required)
    return False


def validate(providers: Providers, login: PatientLogin, raw: str, *, nonce: str,
             now: int, test_mode: bool) -> Identity:
    """Check an id token: signature (the provider's published key), `iss`, `aud` (and
    `azp`), `exp`/`iat`/`nbf` with `LEEWAY`, `nonce`, `acr`, and the national id of
    `id_claim` by the identity rules. The patient's identity, or `LoginFailed`."""
    header = _header(raw)
    alg = header.get("alg")
    allowed = providers.metadata(login.issuer).get("id_token_signing_alg_values_supported")
    if alg not in ALGORITHMS or (isinstance(allowed, list) and alg not in allowed):
        raise LoginFailed("signature", "the id token's algorithm is not allowed")
    kid = header.get("kid")
    token = providers.verify(login.issuer, raw, alg, kid if isinstance(kid, str) else None)
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now, leeway=LEEWAY,
        iss={"essential": True, "value": login.issuer},
        aud={"essential": True, "value": login.client_id},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise LoginFailed("expired", "the id token has expired") from exc
    except ClaimError as exc:
        reason = {"iss": "issuer", "aud": "audience", "nonce": "nonce",
                  "iat": "expired", "nbf": "expired"}.get(exc.claim, "claims")
        raise LoginFailed(reason, f"the id token's {exc.claim} is wrong") from exc
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != login.client_id:
        raise LoginFailed("audience", "the id token was issued to another client")
    if not acr_enough(login.acr_values, claims.get("acr")):
        raise LoginFailed("acr", "the login's level of assurance is below the required one")
    raw_id = claims.get(login.id_claim)
    if not isinstance(raw_id, str) or len(raw_id) > 40:
        raise LoginFailed("identity", f"the id token carries no {login.id_claim}")
    try:
        number, id_type = identify(raw_id, test_mode=test_mode)
    except IdentityError as exc:
        raise LoginFailed("identity", f"{login.id_claim} is no valid national id "
                          f"({exc.code})") from exc
    return Identity(id_type, number, _name(claims, FIRST_NAME_CLAIMS),
                    _name(claims, LAST_NAME_CLAIMS))


def _name(claims: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = claims.get(key)
        if isinstance(value, str) and value.strip() and len(value) <= 200 \
                and all(ord(ch) >= 32 for ch in value):
            return value.strip()
    return ""


__all__ = ["ACR_SCALES", "LEEWAY", "Identity", "LoginFailed", "Providers", "acr_enough",
           "authorization_url", "exchange", "validate"]
