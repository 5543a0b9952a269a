"""Logged-in patients (docs/patient-login.md) against a real OpenID Connect provider on loopback.

The provider (`oidc-provider-mock`, started once per session by the `oidc_provider`
fixture) issues RS256 id tokens with the claims each test gives its user (`pid`, `acr`,
names). Covers: the happy path (login, `/me`, booking without identity, cancelling and
the listing by session, logout); a wrong `state`; a replayed code; a wrong `nonce` (the
authorization request's nonce changed on its way); an expired token (the app's clock
moved past the token's `exp`); the provider's key rotation; a token signed by a key the
provider does not publish (signed here with a second real key and checked against the
real provider's discovery and JWKS, since the provider cannot be told to sign with a
key it does not publish); an `acr` too low; a `pid` that is no valid national id; a
`next` on another site (400, no open redirect); a session after logout; a session of
one clinic at another; idle and absolute expiry on the injected clock; and that no log
line names the patient.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

import pytest
from endpoint_support import SLUG, fnr, grenda_yaml, local, patient
from oidc_support import ACR, CLIENT_ID, patient_login_yaml, query
from support import Clock, write_clinic

PAGE = "https://pages.grenda.example/booking/grenda/"
OTHER = "fjell"
API = f"/api/v1/clinics/{SLUG}"
PROBLEM = "application/problem+json"


@pytest.fixture
def app(make_app, content_dir, oidc_provider):
    login = patient_login_yaml(oidc_provider.issuer)
    write_clinic(content_dir, SLUG, grenda_yaml() + login)
    write_clinic(content_dir, OTHER, grenda_yaml(name="Fjell legesenter").replace(
        "grenda.example", "fjell.example") + login)
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


_users = iter(range(10_000))


@pytest.fixture
def pid():
    """A fresh national id (and provider user) per test, so tests share no patient."""
    return fnr(200 + next(_users))


def user(provider, number: str, **claims) -> str:
    base = {"pid": number, "acr": ACR, "given_name": "Kari", "family_name": "Nordmann"}
    base.update(claims)
    return provider.user(f"user-{time.monotonic_ns()}",
                         **{k: v for k, v in base.items() if v is not None})


def start(client, slug: str = SLUG, next_url: str = PAGE) -> str:
    """Start a login: the provider's authorization URL it redirects to."""
    r = client.get(f"/patient/{slug}/login?next={quote(next_url, safe='')}")
    assert r.status_code == 303, r.get_data(as_text=True)
    return r.headers["Location"]


def back(client, callback_url: str, **headers):
    """Follow the provider's redirect back to the endpoint's callback."""
    parts = urlsplit(callback_url)
    assert parts.path.startswith("/patient/") and parts.path.endswith("/callback")
    return client.get(f"{parts.path}?{parts.query}", headers=headers)


def login(client, provider, sub: str, slug: str = SLUG) -> str:
    r = back(client, provider.authorize(start(client, slug), sub))
    assert r.status_code == 303, r.get_data(as_text=True)
    location = r.headers["Location"]
    assert location.startswith(PAGE.replace("grenda.example", "fjell.example").replace(
        "/grenda/", f"/{OTHER}/") if slug == OTHER else PAGE)
    fragment = urlsplit(location).fragment
    assert fragment.startswith("session=")
    return fragment.removeprefix("session=")


def refused(response, reason: str) -> dict:
    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["code"] == "login_failed" and body["reason"] == reason
    return body


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def day_ahead(clock: Clock, days: int = 3) -> date:
    return (clock.now() + timedelta(days=days)).astimezone(local(date(2026, 1, 1), 0).tzinfo
                                                           ).date()


def book(client, token: str, start_at: datetime, **patient_fields):
    body = {"calendar": "a", "type": "time", "start": start_at.isoformat(),
            "patient": {"phone": "40612345", "email": "kari@example.no", **patient_fields}}
    return client.post(f"{API}/bookings", json=body, headers=bearer(token))


# -- the happy path ------------------------------------------------------------------------

def test_a_patient_logs_in_books_without_identity_sees_cancels_and_logs_out(
        client, oidc_provider, pid, clock, caplog):
    caplog.set_level(logging.DEBUG)
    sub = user(oidc_provider, pid, given_name="Åse", family_name="Ødegård")
    authorization = start(client)
    asked = query(authorization)
    assert authorization.startswith(oidc_provider.issuer + "/")
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert asked["acr_values"] == ACR and asked["nonce"] and asked["state"]
    assert asked["redirect_uri"] == f"https://api.grenda.example/patient/{SLUG}/callback"
    assert "code_verifier" not in asked
    r = back(client, oidc_provider.authorize(authorization, sub))
    assert r.status_code == 303
    assert r.headers["Location"].startswith(PAGE + "#session=ps.")
    token = urlsplit(r.headers["Location"]).fragment.removeprefix("session=")

    me = client.get(f"{API}/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json() == {"first_name": "Åse", "last_name": "Ødegård", "phone": "",
                             "email": "", "bookings": []}

    start_at = local(day_ahead(clock), 10)
    r = book(client, token, start_at)  # no id_type, no national_id, no names
    assert r.status_code == 201, r.get_data(as_text=True)
    booking = r.get_json()["booking"]
    assert r.get_json()["cancel_token"]

    listed = client.get(f"{API}/me", headers=bearer(token)).get_json()
    assert listed["phone"] == "+4740612345" and listed["email"] == "kari@example.no"
    assert [b["id"] for b in listed["bookings"]] == [booking["id"]]
    shown = listed["bookings"][0]
    assert shown["calendar"] == "a" and shown["type"] == "time"
    assert shown["start"] == start_at.isoformat() and shown["status"] == "active"
    assert shown["can_cancel"] is True and shown["can_move"] is True
    assert shown["end"] == (start_at + timedelta(hours=1)).isoformat()

    r = client.delete(f"{API}/bookings/{booking['id']}", headers=bearer(token))
    assert r.status_code == 200 and r.get_json()["booking"]["status"] == "cancelled"
    listed = client.get(f"{API}/me", headers=bearer(token)).get_json()
    assert listed["bookings"][0]["status"] == "cancelled"
    assert listed["bookings"][0]["can_cancel"] is False

    r = client.post(f"{API}/me/logout", headers=bearer(token))
    assert r.status_code == 200
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401
    assert book(client, token, local(day_ahead(clock), 12)).status_code == 401

    # the national id reached no response and no log line of ours
    everything = "".join(r.message if isinstance(r.msg, str) else str(r.msg)
                         for r in caplog.records if not r.name.startswith("oidc_provider"))
    assert pid not in everything and pid not in me.get_data(as_text=True)


def test_the_booking_is_stored_with_the_patients_identity_for_the_clinic(
        client, oidc_provider, pid, clock):
    from endpoint.storage.db import Booking

    token = login(client, oidc_provider, user(oidc_provider, pid))
    r = book(client, token, local(day_ahead(clock), 9), first_name="Kari Anne")
    assert r.status_code == 201
    row = Booking.get(Booking.public_id == r.get_json()["booking"]["id"])
    assert (row.national_id, row.id_type, row.first_name, row.last_name) == (
        pid, "fnr", "Kari Anne", "Nordmann")
    assert pid not in r.get_data(as_text=True)


def test_the_identity_in_the_body_is_not_the_one_booked(client, oidc_provider, pid, clock):
    from endpoint.storage.db import Booking

    token = login(client, oidc_provider, user(oidc_provider, pid))
    r = book(client, token, local(day_ahead(clock), 11), id_type="fnr", national_id=fnr(1))
    assert r.status_code == 201
    assert Booking.get(Booking.public_id == r.get_json()["booking"]["id"]).national_id == pid


def test_me_lists_the_patients_bookings_however_made_and_only_theirs(
        client, oidc_provider, pid, clock):
    day = day_ahead(clock)
    made_without_login = client.post(f"{API}/bookings", json={
        "calendar": "b", "type": "time", "start": local(day, 13).isoformat(),
        "patient": patient(id_type="fnr", national_id=pid, first_name="Kari",
                           last_name="Berg", phone="40600000"), "note": ""})
    assert made_without_login.status_code == 201
    someone_else = client.post(f"{API}/bookings", json={
        "calendar": "c", "type": "time", "start": local(day, 13).isoformat(),
        "patient": patient(7), "note": ""})
    assert someone_else.status_code == 201
    token = login(client, oidc_provider, user(oidc_provider, pid, given_name=None,
                                              family_name=None))
    me = client.get(f"{API}/me", headers=bearer(token)).get_json()
    # no names in the token: the last booking's, and its contact details to prefill
    assert (me["first_name"], me["last_name"], me["phone"]) == ("Kari", "Berg", "+4740600000")
    assert [b["id"] for b in me["bookings"]] == [made_without_login.get_json()["booking"]["id"]]
    # another patient's booking is not the session's to cancel: the same 404 as a wrong token
    other = someone_else.get_json()["booking"]["id"]
    r = client.delete(f"{API}/bookings/{other}", headers=bearer(token))
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"


def test_a_patient_moves_their_own_booking_by_session(client, oidc_provider, pid, clock):
    token = login(client, oidc_provider, user(oidc_provider, pid))
    day = day_ahead(clock)
    booking = book(client, token, local(day, 10)).get_json()["booking"]["id"]
    r = client.patch(f"{API}/bookings/{booking}", headers=bearer(token),
                     json={"start": local(day, 12).isoformat(), "calendar": "b"})
    assert r.status_code == 200, r.get_data(as_text=True)
    moved = r.get_json()["booking"]
    assert (moved["id"], moved["calendar"], moved["start"]) == (
        booking, "b", local(day, 12).isoformat())
    (shown,) = client.get(f"{API}/me", headers=bearer(token)).get_json()["bookings"]
    assert (shown["calendar"], shown["start"]) == ("b", local(day, 12).isoformat())
    # another patient's booking cannot be moved by this session; an ended session moves none
    other = client.post(f"{API}/bookings", json={
        "calendar": "c", "type": "time", "start": local(day, 9).isoformat(),
        "patient": patient(8), "note": ""}).get_json()["booking"]["id"]
    r = client.patch(f"{API}/bookings/{other}", headers=bearer(token),
                     json={"start": local(day, 14).isoformat()})
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
    client.post(f"{API}/me/logout", headers=bearer(token))
    r = client.patch(f"{API}/bookings/{booking}", headers=bearer(token),
                     json={"start": local(day, 13).isoformat()})
    assert r.status_code == 401


def test_a_session_cannot_cancel_inside_the_deadline(client, oidc_provider, pid, clock):
    now = clock.now()
    oslo = local(date(2026, 1, 1), 0).tzinfo
    # the first 10:00 or 15:00 in Oslo more than an hour away: always under 24 hours ahead
    candidates = [local((now + timedelta(days=d)).astimezone(oslo).date(), h)
                  for d in (0, 1) for h in (10, 15)]
    start_at = min(c for c in candidates if c > now + timedelta(hours=1))
    clock.at = start_at.astimezone(UTC) - timedelta(days=2)  # booked two days before
    r = client.post(f"{API}/bookings", json={
        "calendar": "a", "type": "time", "start": start_at.isoformat(),
        "patient": patient(id_type="fnr", national_id=pid), "note": ""})
    assert r.status_code == 201, r.get_data(as_text=True)
    clock.at = now  # the provider's tokens carry the real time
    token = login(client, oidc_provider, user(oidc_provider, pid))
    me = client.get(f"{API}/me", headers=bearer(token)).get_json()
    assert me["bookings"][0]["can_cancel"] is False and me["bookings"][0]["can_move"] is False
    r = client.delete(f"{API}/bookings/{me['bookings'][0]['id']}", headers=bearer(token))
    assert r.status_code == 409 and r.get_json()["code"] == "cancellation_deadline"


# -- the callback refuses ------------------------------------------------------------------

def test_a_wrong_state_is_refused(client, oidc_provider, pid):
    callback = oidc_provider.authorize(start(client), user(oidc_provider, pid))
    forged = callback.replace(f"state={query(callback)['state']}", "state=forged-state")
    refused(back(client, forged), "state")
    refused(client.get(f"/patient/{SLUG}/callback?code=x"), "state")


def test_a_state_of_one_clinic_is_refused_at_another(client, oidc_provider, pid):
    callback = oidc_provider.authorize(start(client), user(oidc_provider, pid))
    refused(back(client, callback.replace(f"/patient/{SLUG}/", f"/patient/{OTHER}/")),
            "state")


def test_a_replayed_code_is_refused(client, oidc_provider, pid):
    sub = user(oidc_provider, pid)
    callback = oidc_provider.authorize(start(client), sub)
    assert back(client, callback).status_code == 303
    refused(back(client, callback), "state")  # the same answer again: its state is used up
    fresh = query(start(client))["state"]  # a new login's state with the old code
    replay = callback.replace(f"state={query(callback)['state']}", f"state={fresh}")
    refused(back(client, replay), "code")  # the provider refuses a code used once


def test_a_wrong_nonce_is_refused(client, oidc_provider, pid):
    authorization = start(client)
    tampered = authorization.replace(f"nonce={query(authorization)['nonce']}",
                                     "nonce=another-nonce")
    refused(back(client, oidc_provider.authorize(tampered, user(oidc_provider, pid))), "nonce")


def test_an_expired_token_is_refused(client, oidc_provider, pid, clock):
    # the provider's tokens live an hour; the app's clock stands past that and the leeway
    clock.advance(hours=1, minutes=2)
    refused(back(client, oidc_provider.authorize(start(client), user(oidc_provider, pid))),
            "expired")


def test_a_token_within_the_leeway_passes(client, oidc_provider, pid, clock):
    clock.advance(minutes=60, seconds=30)
    assert back(client, oidc_provider.authorize(start(client),
                                                user(oidc_provider, pid))).status_code == 303


@pytest.mark.parametrize("acr", ["idporten-loa-low", "something-else", None])
def test_an_acr_too_low_is_refused(client, oidc_provider, pid, acr):
    refused(back(client, oidc_provider.authorize(start(client),
                                                 user(oidc_provider, pid, acr=acr))), "acr")


def test_a_higher_acr_on_the_same_scale_passes(client, oidc_provider, pid):
    sub = user(oidc_provider, pid, acr="idporten-loa-high")
    assert back(client, oidc_provider.authorize(start(client), sub)).status_code == 303


@pytest.mark.parametrize("claim", ["12345678901", "not a number", "", None])
def test_a_pid_that_is_no_valid_national_id_is_refused(client, oidc_provider, claim, caplog):
    caplog.set_level(logging.DEBUG)
    sub = user(oidc_provider, "x", pid=claim)
    refused(back(client, oidc_provider.authorize(start(client), sub)), "identity")
    if claim:
        assert not any(claim in r.getMessage() for r in caplog.records
                       if not r.name.startswith("oidc_provider"))


def test_a_browser_is_sent_back_to_its_page_with_the_reason(client, oidc_provider, pid):
    sub = user(oidc_provider, pid, acr="idporten-loa-low")
    r = back(client, oidc_provider.authorize(start(client, next_url=PAGE + "?type=time"), sub),
             Accept="text/html,application/xhtml+xml")
    assert r.status_code == 303
    assert r.headers["Location"] == PAGE + "?type=time#login_error=acr"


def test_the_patient_cancelling_at_the_provider_is_refused(client, oidc_provider):
    authorization = start(client)
    state = query(authorization)["state"]
    r = client.get(f"/patient/{SLUG}/callback?error=access_denied&state={state}")
    refused(r, "denied")


# -- keys ----------------------------------------------------------------------------------

def test_a_rotated_provider_key_is_fetched_anew(client, oidc_provider, pid, clock):
    from authlib import jose

    login(client, oidc_provider, user(oidc_provider, pid))  # the old key is cached
    storage = oidc_provider.storage()
    old = storage.jwk
    try:
        storage.jwk = jose.RSAKey.generate_key(is_private=True)
        clock.advance(seconds=11)  # past the JWKS refetch guard
        login(client, oidc_provider, user(oidc_provider, pid))
    finally:
        storage.jwk = old


def test_a_token_signed_by_another_key_is_refused(app, oidc_provider, pid, clock):
    """The provider cannot sign with a key it does not publish, so the token is signed here
    with a second real RSA key, with every claim right, and checked against the real
    provider's discovery and JWKS — with and without the published key's id."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from endpoint.patient import oidc

    clinic = app.extensions["ledig"].registry.get(SLUG)
    providers = oidc.Providers(clock)
    now = int(clock.now().timestamp())
    claims = {"iss": oidc_provider.issuer, "aud": CLIENT_ID, "sub": "x", "iat": now,
              "exp": now + 300, "nonce": "n-1", "acr": ACR, "pid": pid}
    published = providers.metadata(oidc_provider.issuer)["jwks_uri"]
    import requests
    published_kid = requests.get(published, timeout=10).json()["keys"][0].get("kid")
    other = RSAKey.generate_key(2048)
    for kid in ("not-published", published_kid):
        header = {"alg": "RS256", **({"kid": kid} if kid else {})}
        raw = jwt.encode(header, claims, other)
        with pytest.raises(oidc.LoginFailed) as info:
            oidc.validate(providers, clinic.patient_login, raw, nonce="n-1", now=now,
                          test_mode=False)
        assert info.value.reason == "signature"
    # the same claims signed with no algorithm at all are refused too
    unsigned = raw.rsplit(".", 2)[0].split(".")[0]
    import base64
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(oidc.LoginFailed) as info:
        oidc.validate(providers, clinic.patient_login, f"{none_header}.{raw.split('.')[1]}.",
                      nonce="n-1", now=now, test_mode=False)
    assert info.value.reason == "signature" and unsigned


# -- next ----------------------------------------------------------------------------------

@pytest.mark.parametrize("next_url", [
    "https://evil.example/",
    "//evil.example/booking/grenda/",
    "https://pages.grenda.example.evil.example/booking/grenda/",
    "https://pages.grenda.example/booking/",
    "https://pages.grenda.example/booking/grendax/",
    "https://pages.grenda.example/elsewhere/grenda/",
    "https://user@pages.grenda.example/booking/grenda/",
    "http://pages.grenda.example:8443/booking/grenda/",
    "javascript:alert(1)//pages.grenda.example/booking/grenda/",
    "https://pages.grenda.example/booking/grenda/\\@evil.example",
    "https://pages.grenda.example/booking/grenda/../blogg/",
    "https://pages.grenda.example/booking/grenda/%2E%2e/blogg/",
    "https://pages.grenda.example/booking/grenda/.%2e/blogg/",
    "https://pages.grenda.example/booking/grenda/..%5Cblogg/",
    "",
])
def test_next_must_be_one_of_the_clinics_own_pages(client, next_url):
    r = client.get(f"/patient/{SLUG}/login?next={quote(next_url, safe='')}")
    assert r.status_code == 400 and r.mimetype == PROBLEM
    body = r.get_json(force=True)
    assert body["code"] == "validation" and body["status"] == 400
    assert body["errors"][0]["field"] == "next" and body["errors"][0]["message"]
    assert "Location" not in r.headers


@pytest.mark.parametrize("next_url", [PAGE, PAGE + "influensa/?type=time",
                                      PAGE + "avbestill/"])
def test_the_clinics_own_pages_are_fine_as_next(client, next_url):
    assert start(client, next_url=next_url)


def test_a_clinic_without_patient_login_has_no_login(client, content_dir, app):
    assert client.get("/patient/fjordlegene/login?next=x").status_code == 404


# -- sessions ------------------------------------------------------------------------------

def test_a_session_of_one_clinic_is_refused_at_another(client, oidc_provider, pid, clock):
    token = login(client, oidc_provider, user(oidc_provider, pid))
    other_api = f"/api/v1/clinics/{OTHER}"
    r = client.get(f"{other_api}/me", headers=bearer(token))
    assert r.status_code == 401 and r.get_json()["code"] == "unauthorized"
    body = {"calendar": "a", "type": "time", "start": local(day_ahead(clock), 10).isoformat(),
            "patient": {"phone": "40612345", "email": "k@example.no"}}
    assert client.post(f"{other_api}/bookings", json=body,
                       headers=bearer(token)).status_code == 401
    client.post(f"{other_api}/me/logout", headers=bearer(token))  # ends nothing there
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200


def test_a_session_after_logout_is_refused_everywhere(client, oidc_provider, pid, clock):
    token = login(client, oidc_provider, user(oidc_provider, pid))
    r = book(client, token, local(day_ahead(clock), 14))
    booking = r.get_json()["booking"]["id"]
    assert client.post(f"{API}/me/logout", headers=bearer(token)).status_code == 200
    for response in (client.get(f"{API}/me", headers=bearer(token)),
                     book(client, token, local(day_ahead(clock), 15)),
                     client.delete(f"{API}/bookings/{booking}", headers=bearer(token)),
                     client.get(f"{API}/bookings/{booking}", headers=bearer(token))):
        assert response.status_code == 401
        assert response.get_json()["code"] == "unauthorized"


def test_a_session_ends_after_30_minutes_idle(client, oidc_provider, pid, clock):
    token = login(client, oidc_provider, user(oidc_provider, pid))
    clock.advance(minutes=29, seconds=59)
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=29, seconds=59)  # idle again, but since the last request
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=30)
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401


def test_a_session_ends_8_hours_after_the_login_however_busy(client, oidc_provider, pid,
                                                             clock):
    token = login(client, oidc_provider, user(oidc_provider, pid))
    for _ in range(23):  # a request every 20 minutes: 7 h 40 min
        clock.advance(minutes=20)
        assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=19, seconds=59)
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    clock.advance(seconds=1)
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("token", ["ps.forged", "ps." + "A" * 43, "ps." + "x" * 300])
def test_a_forged_session_is_refused(client, token):
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401


def test_the_session_table_holds_no_token_and_no_national_id(client, oidc_provider, pid):
    from endpoint.storage.db import PatientSession

    token = login(client, oidc_provider, user(oidc_provider, pid))
    (row,) = [r for r in PatientSession.select() if pid[:6] not in r.sealed_id]
    assert token not in str(row.__data__) and pid not in str(row.__data__)
    assert token.removeprefix("ps.") not in str(row.__data__)


def test_a_login_attempt_is_short_lived(client, oidc_provider, pid, clock):
    callback = oidc_provider.authorize(start(client), user(oidc_provider, pid))
    clock.advance(minutes=10)
    refused(back(client, callback), "state")


def test_the_openapi_description_has_the_new_routes(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "/api/v1/clinics/{slug}/me" in paths
    assert "/api/v1/clinics/{slug}/me/logout" in paths
    assert "/patient/{slug}/login" in paths and "/patient/{slug}/callback" in paths
