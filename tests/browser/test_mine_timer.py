"""Patient login in Chromium (docs/patient-login.md), against the real OpenID provider on loopback:
from the clinic page at top level (360 px) the patient logs in (the provider's form in a
window of its own), books without typing an identity, sees the booking under "Mine
timer", moves it, cancels it there and logs out; the page passes axe while logged in.
From a framed page on another origin the login's window hands the session back to the
frame, which keeps its step."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from booking_support import SLUG, ThreadServer, axe, configure_clinic, person
from oidc_support import ACR, patient_login_yaml

pytestmark = pytest.mark.browser


@pytest.fixture
def login_sites(make_app, content_dir: Path, tmp_path: Path, oidc_provider):
    """`login_sites(embed_origin=None)`: the demo clinic with patient_login at the test
    provider, pages and API together; its URL. Stopped after the test."""
    from sitegen.build import build

    servers: list[ThreadServer] = []

    def start(embed_origin: str | None = None) -> str:
        server = ThreadServer()  # its port first: the pages are built to call it
        servers.append(server)
        port = server.port
        configure_clinic(content_dir, port)
        clinic = content_dir / "clinics" / f"{SLUG}.yaml"
        text = clinic.read_text() + patient_login_yaml(oidc_provider.issuer)
        if embed_origin:
            text = text.replace('embed_origins: ["', f'embed_origins: ["{embed_origin}", "')
        clinic.write_text(text)
        assert build(content_dir, tmp_path / "_site") == 0
        server.app = make_app(site=tmp_path / "_site")
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def login_site(login_sites):
    return login_sites()


def log_in_at_the_provider(popup, sub: str) -> None:
    popup.locator("input[name=sub]").fill(sub)
    popup.get_by_role("button", name="Authorize").click()
    popup.wait_for_event("close")


def bookings():
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return list(Booking.select().order_by(Booking.id).dicts())


def test_log_in_book_without_identity_see_cancel_and_log_out(
        login_site, oidc_provider, page, browser_errors, axe_source, artifacts_dir: Path):
    who = person()
    sub = oidc_provider.user(f"browser-{uuid.uuid4().hex}", pid=who["national_id"],
                             acr=ACR, given_name="Kari", family_name="Nordmann")
    errors = browser_errors(page)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{login_site}/{SLUG}/")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Logg inn").click()
    log_in_at_the_provider(opened.value, sub)
    page.get_by_text("Logget inn som Kari Nordmann").wait_for()
    assert page.evaluate("location.hash") == ""  # the token is out of the address bar
    assert page.evaluate(f"sessionStorage.getItem('ledig-session:{SLUG}')").startswith("ps.")

    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").nth(1).click()
    page.locator("#slots button").first.click()
    assert not page.locator("#national_id").is_visible()  # no identity to type
    assert page.locator("#first_name").input_value() == "Kari"  # from the login
    page.locator("#phone").fill(who["phone"])
    page.locator("#email").fill(who["email"])
    page.get_by_role("button", name="Gå videre").click()
    summary = page.locator("#summary").inner_text()
    assert "Kari Nordmann" in summary and "Fødselsnummer" not in summary
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    [row] = bookings()
    assert row["national_id"] == who["national_id"] and row["status"] == "active"

    upcoming = page.locator("#me-upcoming li")
    upcoming.first.get_by_role("button", name="Avbestill").wait_for()
    assert "Konsultasjon" in upcoming.first.inner_text()
    assert axe(page, axe_source) == []
    page.screenshot(path=str(artifacts_dir / "patient-login-mine-timer.png"), full_page=True)
    before = upcoming.first.inner_text()
    upcoming.first.get_by_role("button", name="Flytt").click()
    upcoming.first.locator(".me-move select").wait_for()
    upcoming.first.locator(".me-move select").select_option(index=1)  # another day
    upcoming.first.locator(".me-move .choices button").first.click()
    page.get_by_text("Timen er flyttet.").wait_for()
    page.locator(".me-move").wait_for(state="detached")
    [row] = bookings()
    assert row["status"] == "active" and upcoming.first.inner_text() != before
    upcoming.first.get_by_role("button", name="Avbestill").click()
    upcoming.first.get_by_role("button", name="Ja, avbestill timen").click()
    page.locator("#me-upcoming li", has_text="Avbestilt").wait_for()
    assert [b["status"] for b in bookings()] == ["cancelled"]

    page.get_by_role("button", name="Logg ut").click()
    page.get_by_text("Du er logget ut.").wait_for()
    assert page.get_by_role("button", name="Logg inn").is_visible()
    assert page.evaluate(f"sessionStorage.getItem('ledig-session:{SLUG}')") is None
    assert errors == []
    assert who["national_id"] not in page.content()


HOST = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Fjordlegene</title>
<h1>Fjordlegene legesenter</h1>
%s
</html>"""


def test_a_framed_page_on_another_origin_logs_in_and_keeps_its_step(
        login_sites, host_page, oidc_provider, tmp_path, page, browser_errors):
    # the host page is served before its snippet is built for the host's origin
    snippet = tmp_path / "_site" / SLUG / "snippets" / "index.html"
    host = host_page(lambda: HOST % snippet.read_text())
    login_sites(embed_origin=host.rstrip("/"))
    sub = oidc_provider.user(f"frame-{uuid.uuid4().hex}",
                             pid=person()["national_id"], acr=ACR, given_name="Kari",
                             family_name="Nordmann")
    errors = browser_errors(page)
    page.goto(host)
    frame = page.frame_locator(f"#ledig-{SLUG}-index")
    frame.get_by_role("button", name="Kari Hansen").click()
    frame.get_by_role("button", name="Konsultasjon").first.click()
    frame.locator("#days button").nth(1).click()
    frame.locator("#slots button").first.click()
    frame.locator("#national_id").wait_for()  # the details step, identity asked for
    with page.expect_popup() as opened:
        frame.get_by_role("button", name="Logg inn").click()
    popup = opened.value
    popup.wait_for_url(oidc_provider.issuer + "/**")  # top level: the provider is not framed
    log_in_at_the_provider(popup, sub)
    frame.get_by_text("Logget inn som Kari Nordmann").wait_for()
    # the same step, now without the identity fields
    assert frame.locator("#step-details .body").is_visible()
    assert not frame.locator("#national_id").is_visible()
    assert page.url == host
    assert errors == []
