"""Abuse (issue 8): what someone trying to break in or wear the service down meets.

* the rate limit against a burst from one address, shared by two server
  processes on one PostgreSQL database (two hosts); `tests/endpoint/test_api.py`
  covers one app, two processes on SQLite, and trusted proxies;
* `frame-ancestors` on the pages the endpoint serves: the clinic's own origins
  only (`tests/browser/test_booking_flow.py` embeds from a listed origin);
* security headers on every route of `app.url_map`, errors included: nosniff,
  a referrer policy, a CSP without `unsafe-inline` on API and staff pages, and
  no HTTP Basic challenge anywhere;
* the staff login with more kinds of wrong credentials than
  `tests/endpoint/test_staff_auth.py` tries, all with one answer, and staff
  routes that open nothing without a session;
* cancellation with another booking's token: the same 404 as a guessed id
  (`test_api.py` covers unknown ids, wrong tokens and other clinics).

Bodies over the size cap (413) and CORS for unknown origins and preflights are
tested in `tests/endpoint/test_api.py`.
"""

from __future__ import annotations

import base64
import time
from datetime import date, timedelta

import pytest
import requests
from hardening_support import API, SLUG, booking_body, grenda_yaml, local, problem
from support import in_one_window, staff_login, write_clinic

from endpoint.storage.db import db

DAY = date(2026, 12, 1)
PASSWORD = "fjord-kaffe-mandag-7"


# -- rate limit across hosts ------------------------------------------------------------

def test_a_burst_is_limited_across_two_hosts_on_postgresql(live_server, content_dir,
                                                            postgres_url):
    write_clinic(content_dir, SLUG, grenda_yaml())
    env = {"LEDIG_RATE_LIMIT": "5/minute"}
    one = live_server(database_url=postgres_url, env=env)
    two = live_server(database_url=postgres_url, env=env)

    def burst() -> tuple[list[int], requests.Response]:
        codes = [requests.post(f"{server.url}{API}/bookings", json={}, timeout=10).status_code
                 for server in (one, two) * 4]
        return codes, requests.delete(f"{two.url}{API}/bookings/x", timeout=10,
                                      headers={"Authorization": "Bearer x"})

    codes, r = in_one_window(60, burst, one, two)
    assert codes == [422] * 5 + [429] * 3
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert r.headers["Content-Type"] == "application/problem+json"
    # reading stays open
    assert requests.get(f"{one.url}{API}", timeout=10).status_code == 200


# -- frame-ancestors on served pages ---------------------------------------------------------

@pytest.fixture
def site_app(make_app, content_dir, tmp_path):
    write_clinic(content_dir, SLUG, grenda_yaml())
    site = tmp_path / "_site"
    for page in (f"{SLUG}/index.html", f"{SLUG}/avbestill/index.html",
                 "fjordlegene/index.html", "assets/app.css"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<!doctype html><title>x</title>")
    return make_app(site=site)


def _fetch(client, url: str, method: str = "GET", **kw):
    """A test-client response, read and closed (a served file is an open file)."""
    response = client.open(url, method=method, **kw)
    response.get_data()
    response.close()
    return response


def _ancestors(response) -> list[str]:
    csp = response.headers["Content-Security-Policy"]
    [directive] = [d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors")]
    return directive.split()[1:]


def test_only_the_clinics_origins_may_frame_its_pages(site_app):
    client = site_app.test_client()
    for path in (f"/{SLUG}/", f"/{SLUG}/avbestill/"):
        r = _fetch(client, path)
        assert r.status_code == 200
        assert sorted(_ancestors(r)) == sorted(["'self'", "https://www.grenda.example",
                                                "https://pages.grenda.example"])
    other = _ancestors(_fetch(client, "/fjordlegene/"))
    assert "https://www.grenda.example" not in other and "'self'" in other
    assert _ancestors(_fetch(client, "/assets/app.css")) == ["'self'"]
    assert "*" not in str(_ancestors(_fetch(client, f"/{SLUG}/")))


# -- security headers on every route -----------------------------------------------------------

def _concrete(rule) -> str:
    values = {"slug": SLUG, "booking_id": "0" * 32, "block_id": "0" * 32,
              "hold_id": "0" * 32, "entry_id": "0" * 32,  # holds and wait list
              "key": "0" * 64,  # a patient's keyed hash (the access log, export, erasure)
              "path": f"{SLUG}/index.html",
              "outbox_id": "1", "token": "0" * 32}  # an SMS provider's delivery report
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<{arg}>", values[arg]).replace(f"<path:{arg}>", values[arg]) \
            .replace(f"<int:{arg}>", values[arg])
    return url


def test_security_headers_on_every_route_and_method(site_app):
    client = site_app.test_client()
    checked = 0
    for rule in site_app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _concrete(rule)
            for response in (_fetch(client, url, method),
                             _fetch(client, url + "?date=nope", method,
                                    headers={"Authorization": "Basic !!"})):
                _assert_headers(url, response)
                checked += 1
    for url in ("/nowhere/at/all", "/api/v1/nowhere", "/staff/"):  # 404s and friends
        _assert_headers(url, _fetch(client, url))
    _assert_headers(f"{API}/bookings", _fetch(client, f"{API}/bookings", "PUT"))  # 405
    assert checked >= 20


def _assert_headers(url: str, response) -> None:
    where = f"{response.request.method} {url} → {response.status_code}"
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert "basic" not in headers.get("WWW-Authenticate", "").lower(), where
    assert headers.get("Referrer-Policy") in ("no-referrer", "strict-origin-when-cross-origin",
                                              "same-origin"), where
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    if url.startswith(("/api/", "/staff/", "/healthz", "/openapi.json")):
        assert "default-src 'none'" in csp, where
        assert "frame-ancestors 'none'" in csp, where


# -- staff credentials ---------------------------------------------------------------------------

@pytest.fixture
def staff_app(make_app, content_dir):
    write_clinic(content_dir, SLUG, grenda_yaml())
    write_clinic(content_dir, "annen", grenda_yaml(name="Annen klinikk"))
    app = make_app()
    from endpoint.staff.users import add_user
    with app.app_context(), db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
        add_user("annen", "ola", PASSWORD)
    return app


CALENDAR = f"/staff/{SLUG}/calendar?date=2026-12-01"
WRONG = {
    "empty-password": ("kari", ""),
    "empty-user": ("", PASSWORD),
    "colon": ("kari:" + PASSWORD, ""),
    "latin1": ("kåri", PASSWORD),
    "nul": ("kari\x00", PASSWORD),
    "case": ("KARI", PASSWORD),
    "password-prefix": ("kari", PASSWORD[:-1]),
    "password-padded": ("kari", PASSWORD + " "),
    "huge-password": ("kari", "x" * 6000),
    "huge-user": ("k" * 6000, PASSWORD),
    "other-clinic-wrong-password": ("ola", "wrong-password-123"),
    "sql": ("kari' OR '1'='1", "' OR '1'='1"),
    "newline": ("kari\r\n", PASSWORD),
}


def _alert(response) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        ".alert").get_text()


@pytest.mark.parametrize("credentials", list(WRONG.values()), ids=list(WRONG))
def test_every_kind_of_wrong_credential_gets_the_same_answer(staff_app, credentials):
    reference = staff_login(staff_app.test_client(), SLUG, "nobody", PASSWORD)
    client = staff_app.test_client()
    began = time.monotonic()
    r = staff_login(client, SLUG, *credentials)
    assert r.status_code == reference.status_code == 403, r.status_code
    assert _alert(r) == _alert(reference)  # no hint which part was wrong
    assert "WWW-Authenticate" not in r.headers and "Set-Cookie" not in r.headers
    assert time.monotonic() - began < 10  # no hang (generous for a loaded machine)
    for path in (CALENDAR, f"/staff/{SLUG}/bookings/{'0' * 32}", f"/staff/{SLUG}/"):
        assert client.get(path).status_code == 303
    assert client.post(f"/staff/{SLUG}/bookings/{'0' * 32}/cancel",
                       data={"reason": "x"}).status_code == 303


@pytest.mark.parametrize("headers", [
    {"Authorization": "Basic " + base64.b64encode(f"kari:{PASSWORD}".encode()).decode()},
    {"Authorization": "Bearer " + "x" * 43},
    {"Cookie": "ledig_staff=" + "x" * 43},
    {"Cookie": "ledig_login=abc; ledig_staff="},
], ids=["basic-right-password", "bearer", "guessed-cookie", "empty-cookie"])
def test_no_header_opens_a_staff_page_without_a_session(staff_app, headers):
    client = staff_app.test_client()
    for path in (CALENDAR, f"/staff/{SLUG}/"):
        r = client.get(path, headers=headers)
        assert r.status_code == 303 and r.headers["Location"].startswith(
            f"/staff/{SLUG}/login")
        assert "WWW-Authenticate" not in r.headers


def test_the_right_credentials_work(staff_app):
    client = staff_app.test_client()
    assert staff_login(client, SLUG, "kari", PASSWORD).status_code == 303
    assert client.get(CALENDAR).status_code == 200


# -- cancellation with another booking's token ----------------------------------------------------

def test_another_bookings_token_is_the_same_404_as_a_guessed_id(make_app, content_dir):
    write_clinic(content_dir, SLUG, grenda_yaml())
    client = make_app().test_client()
    made = [client.post(f"{API}/bookings", json=booking_body(
        local(DAY + timedelta(days=3), hour), who=n)).get_json() for n, hour in ((1, 10),
                                                                                 (2, 11))]
    mine, theirs = made
    url = f"{API}/bookings/{mine['booking']['id']}"
    their_token = {"Authorization": f"Bearer {theirs['cancel_token']}"}
    real = mine["booking"]["id"]
    near_miss = real[:-1] + ("1" if real.endswith("0") else "0")  # never the real id
    for method in ("GET", "DELETE"):
        crossed = client.open(url, method=method, headers=their_token)
        guessed = client.open(f"{API}/bookings/{near_miss}", method=method,
                              headers={"Authorization": f"Bearer {mine['cancel_token']}"})
        unknown = client.open(f"{API}/bookings/{'f' * 32}", method=method, headers=their_token)
        body = problem(crossed, 404, "not_found")
        assert body == problem(guessed, 404, "not_found") == problem(unknown, 404, "not_found")
        assert crossed.get_data() == guessed.get_data() == unknown.get_data()
        assert set(crossed.headers.keys()) == set(guessed.headers.keys())
    r = client.get(url, headers={"Authorization": f"Bearer {mine['cancel_token']}"})
    assert r.get_json()["booking"]["status"] == "active"  # the crossed DELETE did nothing
