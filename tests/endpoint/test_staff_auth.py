"""The staff login (docs/staff.md), on SQLite and on PostgreSQL: the form and its session,
logout, wrong and foreign credentials, the idle timeout and the absolute lifetime (by
moving the clock), CSRF and cross-site refusals, the brute-force limit, the TOTP second
factor, per-user API tokens for the staff API (`staff_for_api`, through a small route
this file adds), the cookie's attributes, the `next` redirect, a patient's cancel token
on the staff side, schema v4 → v5, and the `staff-user totp` and `api-token` commands.

Expected values are written here: times, Retry-After seconds, paths, and a TOTP code
from RFC 6238's test vectors.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from support import form_field, staff_login

ROOT = Path(__file__).resolve().parents[2]
SLUG = "fjordlegene"
OTHER = "annen"
PASSWORD = "fjord-kaffe-mandag-7"
CALENDAR = f"/staff/{SLUG}/calendar"
LOGIN = f"/staff/{SLUG}/login"
WHOAMI = f"/api/v1/staff/{SLUG}/whoami"


@pytest.fixture
def app(make_app, content_dir, database_url):
    import shutil

    shutil.copy(content_dir / "clinics" / f"{SLUG}.yaml",
                content_dir / "clinics" / f"{OTHER}.yaml")
    app = make_app(database_url=database_url)
    from flask import jsonify

    from endpoint.staff.auth import staff_for_api
    from endpoint.staff.users import add_user
    from endpoint.storage.db import db

    # what the staff JSON API's views do first (they live in endpoint/api/)
    @app.route("/api/v1/staff/<slug>/whoami", methods=["GET", "POST"])
    def whoami(slug):
        clinic, user = staff_for_api(slug)
        return jsonify(clinic=clinic.slug, username=user.username)

    with db.connection_context():
        add_user(SLUG, "kari", PASSWORD)
        add_user(SLUG, "per", PASSWORD)
        add_user(OTHER, "ola", PASSWORD)
    return app


@pytest.fixture
def anon(app):
    return app.test_client()


def logged_in(app, slug=SLUG, username="kari", password=PASSWORD, **kwargs):
    client = app.test_client(**kwargs)
    assert staff_login(client, slug, username, password).status_code == 303
    return client


def session_rows() -> list:
    from endpoint.storage.db import StaffSession, db

    with db.connection_context():
        return list(StaffSession.select())


def set_cookies(response) -> dict[str, list[str]]:
    cookies: dict[str, list[str]] = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookies.setdefault(header.split("=", 1)[0], []).append(header)
    return cookies


def enable_totp(username="kari", clinic=SLUG) -> str:
    """Turn TOTP on for a user; its secret, read from the otpauth URI."""
    from endpoint.staff.users import enable_totp as enable
    from endpoint.storage.db import db

    with db.connection_context():
        uri = enable(clinic, username, issuer="ledig Fjordlegene")
    assert uri.startswith("otpauth://totp/")
    return parse_qs(urlsplit(uri).query)["secret"][0]


def rotate_api_token(username="kari", clinic=SLUG) -> str:
    from endpoint.staff.users import rotate_api_token as rotate
    from endpoint.storage.db import db

    with db.connection_context():
        return rotate(clinic, username)


# -- login and logout ------------------------------------------------------------------------

def test_login_opens_the_calendar_and_logout_ends_the_session(anon):
    form = anon.get(LOGIN)
    assert form.status_code == 200 and 'autocomplete="current-password"' in form.text
    assert "WWW-Authenticate" not in form.headers
    done = staff_login(anon, SLUG, "kari", PASSWORD)
    assert done.status_code == 303 and done.headers["Location"] == CALENDAR
    page = anon.get(CALENDAR)
    assert page.status_code == 200 and "Innlogget som" in page.text and "kari" in page.text
    assert len(session_rows()) == 1

    cookie = anon.get_cookie("ledig_staff", path=f"/staff/{SLUG}/").value
    out = anon.post(f"/staff/{SLUG}/logout", data={"csrf": form_field(page, "csrf")})
    assert out.status_code == 303 and out.headers["Location"] == f"{LOGIN}?logged_out=1"
    assert session_rows() == []  # the row is gone, not just the cookie
    assert "Du er logget ut." in anon.get(out.headers["Location"]).text
    assert anon.get(CALENDAR).status_code == 303
    # the old cookie, kept by someone, opens nothing either
    replay = anon.application.test_client()
    replay.set_cookie("ledig_staff", cookie, path=f"/staff/{SLUG}/")
    assert replay.get(CALENDAR).status_code == 303


def test_logout_needs_the_csrf_token(app):
    client = logged_in(app)
    for data in ({}, {"csrf": "0" * 64}):
        assert client.post(f"/staff/{SLUG}/logout", data=data).status_code == 403
    assert len(session_rows()) == 1


@pytest.mark.parametrize("username,password", [
    ("kari", "wrong password!"), ("nobody", PASSWORD), ("", PASSWORD), ("KARI", PASSWORD),
    ("kari", ""), ("kari", PASSWORD + " "), ("kari", "x" * 5000), ("ka\x00ri", PASSWORD),
], ids=["wrong-password", "unknown-user", "empty-user", "case", "empty-password", "padded",
        "huge", "nul"])
def test_wrong_credentials_get_the_form_again_with_one_message(anon, username, password):
    response = staff_login(anon, SLUG, username, password)
    assert response.status_code == 403
    assert "Feil brukernavn eller passord." in response.text
    assert "ledig_staff" not in set_cookies(response)
    assert "WWW-Authenticate" not in response.headers
    assert session_rows() == [] and anon.get(CALENDAR).status_code == 303


def test_another_clinics_user_gets_404_at_the_login(anon):
    response = staff_login(anon, SLUG, "ola", PASSWORD)
    assert response.status_code == 404 and session_rows() == []
    assert "ledig_staff" not in set_cookies(response)


def test_a_session_is_for_its_clinic_only(app):
    ola = logged_in(app, OTHER, "ola")
    token = ola.get_cookie("ledig_staff", path=f"/staff/{OTHER}/").value
    thief = app.test_client()
    thief.set_cookie("ledig_staff", token, path="/")
    assert thief.get(CALENDAR).status_code == 404
    assert thief.get(f"/staff/{OTHER}/calendar").status_code == 200
    assert thief.get(WHOAMI).status_code == 404
    assert thief.get("/staff/nowhere/calendar").status_code == 404


def test_the_token_is_stored_only_as_its_hash(app):
    client = logged_in(app)
    token = client.get_cookie("ledig_staff", path=f"/staff/{SLUG}/").value
    assert len(base64.urlsafe_b64decode(token + "=")) == 32  # 256 bits
    (row,) = session_rows()
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert row.token_hash == hashlib.sha256(b"staff-session:" + token.encode()).hexdigest()


def test_a_new_login_replaces_the_session_it_came_with(anon):
    token = form_field(anon.get(LOGIN), "csrf")
    assert anon.post(LOGIN, data={"csrf": token, "username": "kari",
                                  "password": PASSWORD}).status_code == 303
    old = anon.get_cookie("ledig_staff", path=f"/staff/{SLUG}/").value
    assert anon.get(LOGIN).headers["Location"] == CALENDAR  # logged in: no form
    assert anon.post(LOGIN, data={"csrf": token, "username": "per",
                                  "password": PASSWORD}).status_code == 303
    new = anon.get_cookie("ledig_staff", path=f"/staff/{SLUG}/").value
    assert new != old and len(session_rows()) == 1
    assert "Innlogget som <strong>per</strong>" in anon.get(CALENDAR).text


# -- timeouts, by moving the clock --------------------------------------------------------

def test_the_idle_timeout_is_thirty_minutes_without_a_request(app, clock):
    client = logged_in(app)
    clock.advance(minutes=29)
    assert client.get(CALENDAR).status_code == 200  # and the idle clock starts again
    clock.advance(minutes=29)
    assert client.get(CALENDAR).status_code == 200
    clock.advance(minutes=30)
    expired = client.get(CALENDAR)
    assert expired.status_code == 303
    assert expired.headers["Location"].startswith(f"{LOGIN}?expired=1&next=")
    assert "Økten er utløpt" in client.get(expired.headers["Location"]).text
    assert session_rows() == []


def test_the_session_ends_twelve_hours_after_the_login_however_busy(app, clock):
    client = logged_in(app)
    for _ in range(35):  # 35 × 20 minutes = 11 h 40 min
        clock.advance(minutes=20)
        assert client.get(CALENDAR).status_code == 200
    clock.advance(minutes=19)  # 11:59
    assert client.get(CALENDAR).status_code == 200
    clock.advance(minutes=1)  # 12:00
    assert client.get(CALENDAR).status_code == 303
    assert client.get(WHOAMI).status_code == 401


# -- CSRF and cross-site -----------------------------------------------------------------

def book_by_staff():
    import uuid
    from datetime import timedelta

    from endpoint.storage.db import Booking, db, to_db

    start = datetime(2026, 12, 3, 9, tzinfo=UTC)
    with db.connection_context():
        return Booking.create(
            public_id=uuid.uuid4().hex, clinic=SLUG, calendar="hansen", type="konsultasjon",
            start=to_db(start), end=to_db(start + timedelta(minutes=20)), self_booked=False,
            patient_key=uuid.uuid4().hex, id_type="fnr", national_id="15108695088",
            first_name="Per", last_name="Hansen", phone="40600000")


def booking_status(public_id: str) -> str:
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return Booking.get(Booking.public_id == public_id).status


@pytest.mark.parametrize("form", ["missing", "wrong", "empty", "other-session", "right"])
def test_a_staff_form_needs_its_sessions_csrf_token(app, form):
    booking = book_by_staff()
    client = logged_in(app)
    url = f"/staff/{SLUG}/bookings/{booking.public_id}"
    token = form_field(client.get(url), "csrf")
    other = form_field(logged_in(app, SLUG, "per").get(url), "csrf")
    sent = {"missing": None, "wrong": "f" * 64, "empty": "", "other-session": other,
            "right": token}[form]
    data = {"reason": "Legen er syk", **({} if sent is None else {"csrf": sent})}
    response = client.post(f"{url}/cancel", data=data)
    if form == "right":
        assert response.status_code == 303 and booking_status(booking.public_id) == "cancelled"
    else:
        assert response.status_code == 403 and booking_status(booking.public_id) == "active"
        assert "Skjemaet er utløpt eller ugyldig" in response.text


def test_cross_site_posts_are_refused_even_with_the_token(app, anon):
    booking = book_by_staff()
    client = logged_in(app)
    url = f"/staff/{SLUG}/bookings/{booking.public_id}"
    token = form_field(client.get(url), "csrf")
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert client.post(f"{url}/cancel", data={"csrf": token, "reason": "x"},
                       headers=cross).status_code == 403
    assert client.post(f"/staff/{SLUG}/logout", data={"csrf": token},
                       headers=cross).status_code == 403
    assert booking_status(booking.public_id) == "active" and len(session_rows()) == 1
    form = anon.get(LOGIN)
    login = anon.post(LOGIN, headers=cross, data={"csrf": form_field(form, "csrf"),
                                                  "username": "kari", "password": PASSWORD})
    assert login.status_code == 403 and len(session_rows()) == 1
    # same-site and same-origin requests (and old browsers that send nothing) pass
    assert client.post(f"{url}/reveal", data={"csrf": token},
                       headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_the_login_form_needs_its_own_csrf_token(anon, csrf):
    anon.get(LOGIN)  # the nonce cookie
    data = {"username": "kari", "password": PASSWORD, **({} if csrf is None else
                                                          {"csrf": csrf})}
    assert anon.post(LOGIN, data=data).status_code == 403
    assert session_rows() == []


def test_the_login_forms_token_needs_its_cookie(app):
    token = form_field(app.test_client().get(LOGIN), "csrf")  # a page fetched elsewhere
    stranger = app.test_client()
    response = stranger.post(LOGIN, data={"csrf": token, "username": "kari",
                                          "password": PASSWORD})
    assert response.status_code == 403 and session_rows() == []


# -- guessing -----------------------------------------------------------------------------

def guess(app, username: str, password: str, address: str = "127.0.0.1"):
    client = app.test_client()  # a fresh one: a right guess logs it in
    form = client.get(LOGIN)
    return client.post(LOGIN, environ_base={"REMOTE_ADDR": address},
                       data={"csrf": form_field(form, "csrf"), "username": username,
                             "password": password})


def test_twenty_failures_from_one_address_are_429_for_fifteen_minutes(app, clock):
    # the clock stands at 06:00:00 UTC, the start of a 15-minute window
    codes = [guess(app, f"user{i}", "wrong-password-1").status_code for i in range(20)]
    assert codes == [403] * 20
    refused = guess(app, "kari", PASSWORD)  # even the right password
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert "For mange mislykkede innlogginger. Vent 15 minutter" in refused.text
    assert guess(app, "kari", PASSWORD, address="10.0.0.9").status_code == 303  # others may
    clock.advance(minutes=10)
    later = guess(app, "kari", PASSWORD)
    assert later.status_code == 429 and later.headers["Retry-After"] == "300"
    assert "Vent 5 minutter" in later.text
    clock.advance(minutes=5)
    assert guess(app, "kari", PASSWORD).status_code == 303


def test_ten_failures_for_one_username_are_429_from_any_address(app, clock):
    codes = [guess(app, "kari", f"guess-{i}", address=f"10.0.1.{i}").status_code
             for i in range(10)]
    assert codes == [403] * 10
    refused = guess(app, "kari", PASSWORD, address="10.0.2.1")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert guess(app, "per", PASSWORD, address="10.0.2.1").status_code == 303
    clock.advance(minutes=15)
    assert guess(app, "kari", PASSWORD, address="10.0.2.1").status_code == 303


# -- TOTP ---------------------------------------------------------------------------------

def test_the_rfc_6238_test_vector_is_accepted_once(app):
    """RFC 6238 appendix B: the SHA-1 secret '12345678901234567890' gives 94287082 at
    T = 59 s; a 6-digit code is its last six digits."""
    from endpoint.staff.users import check_totp, find_user
    from endpoint.storage.db import StaffUser, db

    secret = base64.b32encode(b"12345678901234567890").decode()
    at = datetime.fromtimestamp(59, UTC)
    with db.connection_context():
        StaffUser.update(totp_secret=secret).where(StaffUser.username == "kari").execute()
        assert check_totp(find_user(SLUG, "kari"), "287082", at)
        assert not check_totp(find_user(SLUG, "kari"), "287082", at)  # not twice
        assert not check_totp(find_user(SLUG, "kari"), "287083", at)


def test_with_totp_the_password_alone_opens_nothing(app, anon, clock):
    enable_totp()
    response = staff_login(anon, SLUG, "kari", PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/staff/{SLUG}/login/totp")
    assert anon.get(CALENDAR).status_code == 303
    assert anon.get(WHOAMI).status_code == 401
    (row,) = session_rows()
    assert row.pending
    form = anon.get(response.headers["Location"])
    assert form.status_code == 200 and 'autocomplete="one-time-code"' in form.text
    clock.advance(minutes=5)  # the code must come within five minutes
    assert anon.get(response.headers["Location"]).status_code == 303
    assert anon.get(CALENDAR).status_code == 303


@pytest.mark.parametrize("code", ["", "000000", "12345", "1234567", "abcdef", "previous2",
                                  "next2"])
def test_a_wrong_totp_code_is_refused(app, anon, clock, code):
    secret = enable_totp()
    totp = pyotp.TOTP(secret)
    code = {"previous2": totp.at(clock.now(), counter_offset=-2),
            "next2": totp.at(clock.now(), counter_offset=2)}.get(code, code)
    if code in (totp.at(clock.now(), counter_offset=o) for o in (-1, 0, 1)):
        pytest.skip("the fixed clock's code happens to be this one")
    response = staff_login(anon, SLUG, "kari", PASSWORD, totp=code)
    assert response.status_code == 403 and "Koden stemmer ikke" in response.text
    assert anon.get(CALENDAR).status_code == 303


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_right_code_one_step_either_side_makes_the_session_full(app, anon, clock,
                                                                     offset):
    secret = enable_totp()
    code = pyotp.TOTP(secret).at(clock.now(), counter_offset=offset)
    response = staff_login(anon, SLUG, "kari", PASSWORD, totp=code,
                           next=f"{CALENDAR}?date=2026-12-03")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{CALENDAR}?date=2026-12-03"
    assert anon.get(CALENDAR).status_code == 200
    (row,) = session_rows()  # the pending session was replaced by a full one
    assert not row.pending


def test_a_totp_code_cannot_be_used_twice(app, clock):
    secret = enable_totp()
    code = pyotp.TOTP(secret).at(clock.now())
    first = app.test_client()
    assert staff_login(first, SLUG, "kari", PASSWORD, totp=code).status_code == 303
    second = app.test_client()  # someone who watched the code being typed
    replay = staff_login(second, SLUG, "kari", PASSWORD, totp=code)
    assert replay.status_code == 403 and second.get(CALENDAR).status_code == 303
    # nor can an older one, once a newer one was used
    clock.advance(seconds=30)
    newer = pyotp.TOTP(secret).at(clock.now())
    assert staff_login(app.test_client(), SLUG, "kari", PASSWORD, totp=newer).status_code == 303
    older = pyotp.TOTP(secret).at(clock.now(), counter_offset=-1)
    assert older == code
    assert staff_login(app.test_client(), SLUG, "kari", PASSWORD,
                       totp=older).status_code == 403


def test_wrong_codes_count_as_failed_logins(app, anon, clock):
    totp = pyotp.TOTP(enable_totp())
    valid = {totp.at(clock.now(), counter_offset=o) for o in (-1, 0, 1)}
    wrong = [c for c in (f"{i:06d}" for i in range(100000, 100020)) if c not in valid][:11]
    assert staff_login(anon, SLUG, "kari", PASSWORD).status_code == 303
    form_url = f"/staff/{SLUG}/login/totp"
    token = form_field(anon.get(form_url), "csrf")
    codes = [anon.post(form_url, data={"csrf": token, "code": c}).status_code for c in wrong]
    assert codes == [403] * 10 + [429]  # ten failures for the username, then no more tries
    right = anon.post(form_url, data={"csrf": token, "code": totp.at(clock.now())})
    assert right.status_code == 429


def test_turning_totp_on_ends_the_users_sessions(app):
    client = logged_in(app)
    enable_totp()
    assert client.get(CALENDAR).status_code == 303 and session_rows() == []


# -- API tokens and the page session on the staff API ------------------------------------------

def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_api_token_opens_the_staff_api_until_it_is_replaced(anon):
    old = rotate_api_token()
    response = anon.get(WHOAMI, headers=bearer(old))
    assert response.status_code == 200
    assert response.get_json() == {"clinic": SLUG, "username": "kari"}
    assert anon.post(WHOAMI, headers=bearer(old)).status_code == 200  # no CSRF with a token
    new = rotate_api_token()
    refused = anon.get(WHOAMI, headers=bearer(old))
    assert refused.status_code == 401
    assert refused.get_json()["code"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"] == \
        'Bearer realm="ledig staff", error="invalid_token"'
    assert anon.get(WHOAMI, headers=bearer(new)).status_code == 200


def test_an_api_token_does_not_open_the_pages(anon):
    token = rotate_api_token()
    assert anon.get(CALENDAR, headers=bearer(token)).status_code == 303


def test_another_clinics_token_is_the_same_404_as_an_unknown_clinic(anon):
    token = rotate_api_token("ola", OTHER)
    theirs = anon.get(WHOAMI, headers=bearer(token))
    nowhere = anon.get("/api/v1/staff/nowhere/whoami", headers=bearer(token))
    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.get_json()["code"] == nowhere.get_json()["code"] == "not_found"
    assert anon.get(f"/api/v1/staff/{OTHER}/whoami", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic a2FyaTpwdw==",
                                    "Token abc", "Bearer " + "x" * 300, "Bearer æøå"])
def test_without_a_valid_api_token_the_staff_api_is_401_bearer(anon, header):
    rotate_api_token()
    r = anon.get(WHOAMI, headers={} if header is None else {"Authorization": header})
    assert r.status_code == 401 and r.get_json()["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer ")


def test_the_page_session_opens_the_staff_api_with_its_csrf_header(app):
    client = logged_in(app)
    assert client.get_cookie("ledig_staff", path=f"/api/v1/staff/{SLUG}/") is not None
    assert client.get(WHOAMI).get_json() == {"clinic": SLUG, "username": "kari"}
    token = form_field(client.get(CALENDAR), "csrf")
    meta = client.get(CALENDAR).text
    assert f'<meta name="csrf-token" content="{token}">' in meta
    missing = client.post(WHOAMI)
    assert missing.status_code == 403 and missing.get_json()["code"] == "forbidden"
    assert client.post(WHOAMI, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert client.post(WHOAMI, headers={"X-CSRF-Token": token,
                                        "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post(WHOAMI, headers={"X-CSRF-Token": token}).status_code == 200


def test_wrong_api_tokens_from_one_address_are_429(anon):
    codes = [anon.get(WHOAMI, headers=bearer(f"guess-{i}")).status_code for i in range(20)]
    assert codes == [401] * 20
    refused = anon.get(WHOAMI, headers=bearer("guess-21"))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"


# -- the cookie ---------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_strict_and_scoped_to_the_clinic(anon):
    response = staff_login(anon, SLUG, "kari", PASSWORD)
    headers = set_cookies(response)["ledig_staff"]
    paths = set()
    for header in headers:
        attributes = [a.strip().lower() for a in header.split(";")]
        paths |= {a.removeprefix("path=") for a in attributes if a.startswith("path=")}
        assert "httponly" in attributes and "samesite=strict" in attributes
        assert "secure" not in attributes  # plain http: a browser would drop it
        assert not any(a.startswith(("expires=", "max-age=", "domain=")) for a in attributes)
    assert len(headers) == 2 and paths == {f"/staff/{SLUG}/", f"/api/v1/staff/{SLUG}/"}
    login_cookie = set_cookies(anon.get(LOGIN)).get("ledig_login", [])
    assert all("HttpOnly" in h and "SameSite=Strict" in h for h in login_cookie)


def test_over_https_the_cookie_is_secure(app):
    client = app.test_client()
    form = client.get(LOGIN, base_url="https://localhost")
    response = client.post(LOGIN, base_url="https://localhost",
                           data={"csrf": form_field(form, "csrf"), "username": "kari",
                                 "password": PASSWORD})
    assert response.status_code == 303
    for header in set_cookies(response)["ledig_staff"]:
        assert "secure" in [a.strip().lower() for a in header.split(";")]
    out = client.post(f"/staff/{SLUG}/logout", base_url="https://localhost",
                      data={"csrf": form_field(client.get(CALENDAR,
                                                          base_url="https://localhost"),
                                               "csrf")})
    cleared = set_cookies(out)["ledig_staff"]
    assert len(cleared) == 2 and all("Max-Age=0" in h or "expires=Thu, 01 Jan 1970" in h
                                     for h in cleared)


# -- where the login leads --------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    f"/staff/{SLUG}/bookings/abc",
    f"/staff/{SLUG}/calendar?date=2026-12-03",
])
def test_the_login_leads_to_the_page_asked_for(anon, target):
    asked = anon.get(target)
    assert asked.status_code == 303
    form = anon.get(asked.headers["Location"])
    assert form_field(form, "next") == target
    response = anon.post(LOGIN, data={"csrf": form_field(form, "csrf"), "username": "kari",
                                      "password": PASSWORD, "next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", f"https://evil.example/staff/{SLUG}/calendar",
    f"//evil.example/staff/{SLUG}/", f"/staff/{OTHER}/calendar", f"/staff/{SLUG}",
    f"/staff/{SLUG}/../{OTHER}/calendar", f"/staff/{SLUG}/%2e%2e/{OTHER}/calendar",
    f"/staff/{SLUG}/%2E%2E%2F{OTHER}/calendar", f"/staff/{SLUG}//evil.example",
    f"/staff/{SLUG}/%2F%2Fevil.example", f"/staff/{SLUG}/\\evil", f"/staff/{SLUG}/\r\nX: y",
    f"/staff/{SLUG}/ calendar", f"/staff/{SLUG}/login", f"/staff/{SLUG}/logout",
    "/api/v1/clinics/fjordlegene", "",
])
def test_no_open_redirect_after_the_login(anon, target):
    form = anon.get(LOGIN, query_string={"next": target})
    assert form_field(form, "next") == CALENDAR
    response = anon.post(LOGIN, data={"csrf": form_field(form, "csrf"), "username": "kari",
                                      "password": PASSWORD, "next": target})
    assert response.status_code == 303 and response.headers["Location"] == CALENDAR


# -- a patient's cancel token on the staff side ------------------------------------------

def test_a_patients_cancel_token_opens_nothing_on_the_staff_side(anon, clock):
    slots = anon.get(f"/api/v1/clinics/{SLUG}/slots?type=konsultasjon&calendar=hansen"
                     "&from=2026-12-03&to=2026-12-03").get_json()
    start = slots["days"][0]["slots"][0]["start"]
    created = anon.post(f"/api/v1/clinics/{SLUG}/bookings", json={
        "calendar": "hansen", "type": "konsultasjon", "start": start,
        "patient": {"id_type": "fnr", "national_id": "15108695088", "first_name": "Kari",
                    "last_name": "Nordmann", "phone": "40612345",
                    "email": "kari@example.no"}})
    assert created.status_code == 201
    token = created.get_json()["cancel_token"]
    booking = created.get_json()["booking"]["id"]
    assert anon.get(WHOAMI, headers=bearer(token)).status_code == 401
    assert anon.get(f"/staff/{SLUG}/bookings/{booking}", headers=bearer(token)).status_code \
        == 303
    anon.set_cookie("ledig_staff", token, path=f"/staff/{SLUG}/")
    assert anon.get(f"/staff/{SLUG}/bookings/{booking}").status_code == 303
    assert anon.get(f"/staff/{SLUG}/bookings.ics?token={token}").status_code == 404
    assert anon.get(WHOAMI, query_string={"token": token}).status_code == 401


# -- the schema ---------------------------------------------------------------------------

@pytest.mark.empty_database
def test_a_version_4_database_migrates_forward_and_keeps_its_users(database_url, make_app):
    from support import TEST_DATA_KEY
    from werkzeug.security import generate_password_hash

    from endpoint.storage import crypto, migrations
    from endpoint.storage.db import SchemaVersion, StaffUser, db, open_database

    open_database(database_url, crypto.Keyring.from_text(TEST_DATA_KEY))
    key = "SERIAL PRIMARY KEY" if "postgres" in database_url else "INTEGER PRIMARY KEY"
    with db.connection_context():  # the staff of a version 4 database
        db.create_tables([SchemaVersion])
        for version in range(1, 5):
            SchemaVersion.create(version=version)
        db.execute_sql(f"CREATE TABLE staff_user (id {key}, clinic VARCHAR(100) NOT NULL, "
                       "username VARCHAR(100) NOT NULL, password_hash VARCHAR(255) NOT NULL, "
                       "feed_token_hash VARCHAR(64) NOT NULL DEFAULT '', "
                       "created_at TIMESTAMP NOT NULL)")
        db.execute_sql("INSERT INTO staff_user (clinic, username, password_hash, created_at) "
                       f"VALUES ('{SLUG}', 'kari', '{generate_password_hash(PASSWORD)}', "
                       "'2026-11-01 10:00:00')")
        # the later steps (v6: the timebok's booking columns) need a booking table
        db.execute_sql(f"CREATE TABLE booking (id {key})")
        if "postgres" in database_url:  # as version 1 left it, for the exclusion constraints
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
    assert migrations.migrate() == migrations.SCHEMA_VERSION >= 5
    with db.connection_context():
        columns = {c.name for c in db.get_columns("staff_user")}
        assert {"api_token_hash", "totp_secret", "totp_last_step"} <= columns
        assert "staff_session" in db.get_tables()
        assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] \
            == list(range(1, migrations.SCHEMA_VERSION + 1))
        kari = StaffUser.get(StaffUser.username == "kari")
        assert (kari.totp_secret, kari.api_token_hash, kari.totp_last_step) == ("", "", 0)


# -- the commands -------------------------------------------------------------------------

def test_the_totp_and_api_token_commands(tmp_path, content_dir, make_app, clock):
    from support import run_main

    from endpoint.cli import main

    db_url = f"sqlite:///{tmp_path / 'var' / 'ledig.sqlite3'}"

    def run(*args: str, stdin: str = ""):  # in this process: test_staff.py runs it as one
        return run_main(main, ["staff-user", *args, "--content", str(content_dir)],
                        stdin=stdin, clock=clock,
                        env={"LEDIG_DATABASE_URL": db_url, "LEDIG_SECRET_KEY": "k"})

    assert run("add", "--clinic", SLUG, "--username", "kari",
               stdin=PASSWORD + "\n").returncode == 0

    on = run("totp", "--clinic", SLUG, "--username", "kari")
    assert on.returncode == 0, on.stderr
    uri = on.stdout.strip()
    assert uri.startswith("otpauth://totp/") and "issuer=ledig%20Fjordlegene" in uri
    assert "--disable" in on.stderr
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    assert f"{SLUG}\tkari\t" in run("list").stdout and "totp" in run("list").stdout

    app = make_app(database_url=db_url)
    client = app.test_client()
    code = pyotp.TOTP(secret).at(clock.now())
    assert staff_login(client, SLUG, "kari", PASSWORD, totp=code).status_code == 303
    assert client.get(CALENDAR).status_code == 200

    token = run("api-token", "--clinic", SLUG, "--username", "kari")
    assert token.returncode == 0 and "Bearer" in token.stderr
    assert len(token.stdout.strip()) == 43 and "api-token" in run("list").stdout
    again = run("api-token", "--clinic", SLUG, "--username", "kari").stdout.strip()
    assert again != token.stdout.strip()

    off = run("totp", "--clinic", SLUG, "--username", "kari", "--disable")
    assert off.returncode == 0 and "turned off" in off.stdout
    assert client.get(CALENDAR).status_code == 303  # turning it off ended the session too
    assert staff_login(app.test_client(), SLUG, "kari", PASSWORD).headers["Location"] == \
        CALENDAR
    assert run("totp", "--clinic", SLUG, "--username", "nobody").returncode == 1
    assert run("api-token", "--clinic", SLUG, "--username", "nobody").returncode == 1
