"""Patient login in Chromium (SPEC §13), against the real OpenID provider on loopback:
from the clinic page at top level the patient logs in (the provider's form in a window of
its own), books without typing an identity, sees the booking under "Mine timer", cancels
it there and logs out; the page passes axe while logged in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from booking_support import SLUG, ThreadServer, axe, configure_clinic, free_port, person
from oidc_support import ACR, patient_login_yaml
from support import Clock

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> Clock:
    # the provider stamps its tokens with the real time, so the app's clock starts there
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def login_site(make_app, content_dir: Path, tmp_path: Path, oidc_provider):
    """The demo clinic with patient_login at the test provider, pages and API together."""
    from sitegen.build import build

    port = free_port()
    configure_clinic(content_dir, port)
    clinic = content_dir / "clinics" / f"{SLUG}.yaml"
    clinic.write_text(clinic.read_text() + patient_login_yaml(oidc_provider.issuer))
    out = tmp_path / "_site"
    assert build(content_dir, out) == 0
    server = ThreadServer(make_app(site=out), port)
    yield f"http://127.0.0.1:{port}"
    server.stop()


def bookings():
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return list(Booking.select().order_by(Booking.id).dicts())


def test_log_in_book_without_identity_see_cancel_and_log_out(
        login_site, oidc_provider, page, browser_errors, axe_source, artifacts_dir: Path):
    who = person()
    sub = oidc_provider.user(f"browser-{datetime.now().timestamp()}", pid=who["national_id"],
                             acr=ACR, given_name="Kari", family_name="Nordmann")
    errors = browser_errors(page)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{login_site}/{SLUG}/")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Logg inn").click()
    popup = opened.value
    popup.locator("input[name=sub]").fill(sub)
    popup.get_by_role("button", name="Authorize").click()
    popup.wait_for_event("close")
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
