"""The booking flow in Chromium: a whole booking from an iframe on another origin,
the cancellation page, preselection by link and query, and the way forward when
the endpoint refuses a slot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from booking_support import SLUG, allow_embedding, fill_details, person, wait_until

pytestmark = pytest.mark.browser

HOST = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Fjordlegene</title>
<h1>Fjordlegene legesenter</h1><p>Our own page with the booking embedded:</p>
<script>window.__msgs = []; window.addEventListener("message", function (e) {
  window.__msgs.push({origin: e.origin, data: e.data}); });</script>
%s
<p>Footer of the clinic's own site.</p></html>"""


def bookings():
    from endpoint.storage.db import Booking, db

    with db.connection_context():
        return list(Booking.select().order_by(Booking.id).dicts())


def choose_slot(frame, calendar: str = "Kari Hansen", kind: str = "Konsultasjon",
                day: int = 2) -> None:
    frame.get_by_role("button", name=calendar).click()
    frame.get_by_role("button", name=kind).first.click()
    frame.locator("#days button").nth(day).click()
    frame.locator("#slots button").first.click()


def test_booking_in_an_iframe_on_another_origin(booking_site, host_page, page, browser_errors,
                                                artifacts_dir: Path):
    site = booking_site()
    snippet = (site.site / SLUG / "snippets" / "index.html").read_text()
    # the host's origin must be one of the clinic's embed_origins (frame-ancestors)
    host = host_page(HOST % snippet)
    allow_embedding(site, host)
    errors = browser_errors(page)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(host)
    frame = page.frame_locator(f"#ledig-{SLUG}-index")
    choose_slot(frame)
    heading = frame.get_by_role("heading", name="Dine opplysninger")
    assert heading.evaluate("h => document.activeElement === h"), "focus moves to the step"
    fill_details(frame)
    frame.get_by_role("button", name="Gå videre").click()
    frame.get_by_role("button", name="Bekreft bestilling").click()
    frame.get_by_role("heading", name="Timen er bestilt").wait_for()
    receipt = frame.locator("#step-receipt").inner_text()
    assert "Kari Hansen" in receipt and "Strandkaien 2, 5013 Bergen" in receipt
    assert re.search(r"desember 2026 \d\d:\d\d", receipt)
    page.screenshot(path=str(artifacts_dir / "booking-iframe-receipt.png"), full_page=True)

    [row] = bookings()
    assert (row["calendar"], row["type"], row["status"]) == ("hansen", "konsultasjon", "active")
    assert row["national_id"] == person()["national_id"] and row["phone"] == "+4740612345"

    # the page told its parent about each step, and its height
    page.wait_for_function("window.__msgs.some(m => m.data.type === 'ledig:booking_confirmed')")
    msgs = page.evaluate("window.__msgs")
    kinds = [m["data"]["type"] for m in msgs]
    for step in ("booking_init", "select_calendar", "select_type", "select_date",
                 "select_slot", "submit_details", "submit_booking", "booking_confirmed"):
        assert f"ledig:{step}" in kinds
    assert {m["origin"] for m in msgs} == {site.url}
    assert "Nordmann" not in str(msgs) and person()["national_id"] not in str(msgs)
    last = [m["data"]["height"] for m in msgs if m["data"]["type"] == "ledig:resize"][-1]
    page.wait_for_function(
        f"document.getElementById('ledig-{SLUG}-index').style.height === '{last}px'")
    inner = frame.locator("html").evaluate("h => Math.ceil(h.getBoundingClientRect().height)")
    assert inner == last
    assert errors == []

    # the cancellation link works, with the token only in the fragment
    link = frame.locator("#cancel-link").get_attribute("href")
    assert link.startswith(f"{site.url}/{SLUG}/avbestill/#")
    cancel = page.context.new_page()
    requested = []
    cancel.on("request", lambda r: requested.append(r.url))
    cancel.goto(link)
    cancel.get_by_role("button", name="Avbestill timen").click()
    cancel.get_by_role("button", name="Ja, avbestill timen").click()
    cancel.get_by_text("Timen er avbestilt.").wait_for()
    assert bookings()[0]["status"] == "cancelled"
    token = link.split(".")[-1]
    assert not any(token in url for url in requested), "the token never goes in a URL"
    cancel.goto(link)  # the token left the address bar: the link again
    cancel.get_by_text("Denne timen er allerede avbestilt.").wait_for()


def test_two_embeds_of_one_clinic_on_one_page_both_resize(booking_site, host_page, page):
    site = booking_site()
    snippets = [(site.site / SLUG / "snippets" / f"{name}.html").read_text()
                for name in ("index", "influensa")]
    host = host_page(HOST % "\n".join(snippets))
    allow_embedding(site, host)
    page.goto(host)
    for name in ("index", "influensa"):
        page.wait_for_function(f"document.getElementById('ledig-{SLUG}-{name}').style.height"
                               " !== ''")
    # the admin's page makes a distinct id for each preset too
    page.goto(site.page("lenker/"))
    page.select_option("#make-calendar", "berg")
    page.select_option("#make-type", "kort")
    code = page.locator("#make-iframe").input_value()
    assert f'<iframe id="ledig-{SLUG}-index-berg-kort" ' in code
    assert f'getElementById("ledig-{SLUG}-index-berg-kort")' in code
    assert "\x00" not in code


def book_by_api(site, who: dict | None = None) -> dict:
    slots = requests.get(f"{site.url}/api/v1/clinics/{SLUG}/slots",
                         params={"type": "konsultasjon", "calendar": "hansen"}, timeout=10).json()
    body = {"calendar": "hansen", "type": "konsultasjon",
            "start": slots["days"][2]["slots"][0]["start"],
            "patient": {"id_type": "fnr", **(who or person())}}
    made = requests.post(f"{site.url}/api/v1/clinics/{SLUG}/bookings", json=body, timeout=10)
    assert made.status_code == 201, made.text
    return made.json()


def test_cancellation_token_leaves_the_address_bar(booking_site, page, browser_errors):
    site = booking_site()
    made = book_by_api(site)
    token = made["cancel_token"]
    errors = browser_errors(page)
    page.goto(site.page(f"avbestill/?utm=x#{made['booking']['id']}.{token}"))
    page.get_by_role("button", name="Avbestill timen").wait_for()
    assert page.evaluate("location.hash") == ""
    assert page.evaluate("location.href") == site.page("avbestill/?utm=x")
    assert token not in page.evaluate("history.state + location.href")
    page.get_by_role("button", name="Avbestill timen").click()
    page.get_by_role("button", name="Ja, avbestill timen").click()
    page.get_by_text("Timen er avbestilt.").wait_for()
    assert bookings()[0]["status"] == "cancelled"
    assert errors == []


def test_query_naming_an_object_property_shows_the_first_step(booking_site, page,
                                                              browser_errors):
    site = booking_site()
    errors = browser_errors(page)
    for query in ("?calendar=constructor&type=toString", "?calendar=__proto__&type=valueOf",
                  "?type=hasOwnProperty"):
        page.goto(site.page(query))
        page.get_by_role("heading", name="Hvem vil du ha time hos?").wait_for()
        assert page.locator("#step-calendar").is_visible()
        assert page.locator("#step-calendar [data-value]:visible").count() >= 3
        page.get_by_role("button", name="Kari Hansen").click()
        page.get_by_role("heading", name="Hva gjelder timen?").wait_for()
    assert errors == []


def test_phone_check_refuses_landlines_and_shows_the_endpoints_answer(booking_site, page):
    site = booking_site()
    page.goto(site.page())
    choose_slot(page)
    phone, msg = page.locator("#phone"), page.locator("#phone-msg")
    for number, ok in (("22 33 44 55", False), ("+47 22 33 44 55", False),
                       ("0047 22 33 44 55", False), ("+47 406 12 345", True),
                       ("0047 406 12 345", True), ("906 12 345", True), ("+46 70 12", False),
                       ("+46 70 123 45 67", True), ("+1 415 555 0100 1234 5", False)):
        phone.fill(number)
        phone.blur()
        assert (msg.inner_text() == "") is ok, (number, msg.inner_text())
    # a foreign landline passes the page's check; the endpoint's 422 shows at the field
    fill_details(page, {**person(), "phone": "+46 8 123 456 78"})
    page.get_by_role("button", name="Gå videre").click()
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Dine opplysninger").wait_for()
    # (a locator, not wait_for_function: the page's CSP forbids the eval that polling needs)
    msg.filter(has_text="fasttelefonnummer").wait_for()
    assert phone.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "phone"
    assert bookings() == []


def test_cancellation_page_without_a_token_explains(booking_site, page):
    site = booking_site()
    page.goto(site.page("avbestill/"))
    page.get_by_text("Lenken mangler koden").wait_for()
    page.goto(site.page("avbestill/#abc.wrong"))
    page.get_by_text("Vi fant ikke timen").wait_for()


def test_a_taken_slot_offers_another(booking_site, content_dir, page, browser_errors):
    # holds off (online.hold_minutes: 0): with them, no one else could take the time
    # picked (test_patient_pages.py), and the page must work without them too
    clinic = content_dir / "clinics" / f"{SLUG}.yaml"
    text = clinic.read_text()
    clinic.write_text(text.replace("\nonline:\n", "\nonline:\n  hold_minutes: 0\n", 1))
    site = booking_site()
    errors = browser_errors(page)
    page.goto(site.page())
    choose_slot(page)
    fill_details(page)
    page.get_by_role("button", name="Gå videre").click()
    first = page.evaluate("document.querySelector('#summary dd').textContent")
    # someone else takes the slot meanwhile
    slots = requests.get(f"{site.url}/api/v1/clinics/{SLUG}/slots",
                         params={"type": "konsultasjon", "calendar": "hansen"}, timeout=10).json()
    start = slots["days"][2]["slots"][0]["start"]
    other = {**person(), "national_id": "13097248022", "first_name": "Per"}
    body = {"calendar": "hansen", "type": "konsultasjon", "start": start,
            "patient": {"id_type": "fnr", **other}}
    taken = requests.post(f"{site.url}/api/v1/clinics/{SLUG}/bookings", json=body, timeout=10)
    assert taken.status_code == 201, taken.text
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_text("Noen andre rakk å bestille denne tiden").wait_for()
    page.get_by_role("button", name="Velg en annen tid").click()
    page.get_by_role("heading", name="Velg tid").wait_for()
    page.locator("#slots button").first.click()
    # the details are kept: straight to confirmation with the new time
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    assert first not in page.locator("#receipt-summary").inner_text()
    assert len(bookings()) == 2
    assert [e for e in errors if "409" not in e] == []


def test_identity_number_is_checked_as_typed(booking_site, page):
    site = booking_site()
    page.goto(site.page("?calendar=berg&type=kort"))
    page.locator("#days button").first.click()
    page.locator("#slots button").first.click()
    field, msg = page.locator("#national_id"), page.locator("#national_id-msg")
    field.fill("151086")
    assert msg.inner_text() == ""  # no nagging while typing
    field.fill("151086 95077")
    assert "Kontrollsifrene" in msg.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    field.fill("151086-95088")
    assert msg.inner_text() == "Gyldig fødselsnummer."
    page.select_option("#id_type", "dnr")
    assert "Velg «Fødselsnummer»" in msg.inner_text()
    page.select_option("#id_type", "fnr")
    page.get_by_role("button", name="Gå videre").click()
    assert page.locator("#details-error").inner_text().startswith("Noen felt")
    assert page.evaluate("document.activeElement.id") == "first_name"


def test_preselection_by_link_and_by_query(booking_site, page):
    site = booking_site()
    # the link preselects the type; only the nurse offers it, so the day comes first
    page.goto(site.page("influensa/"))
    page.locator("#days button").first.wait_for()
    assert page.locator("#step-type .done-text").inner_text().startswith("Influensavaksine")
    assert page.locator("#step-type .change").is_hidden(), "a link's choice is fixed"
    assert page.locator("#step-calendar .done-text").inner_text().startswith("Sykepleier")
    # a calendar link narrows the types to those the calendar offers
    page.goto(site.page("fastlege-hansen/"))
    types = page.locator("#step-type [data-value]:visible")
    assert sorted(types.evaluate_all("bs => bs.map(b => b.dataset.value)")) == [
        "konsultasjon", "kort", "samtale"]
    # a query preselects on any page, and may be changed
    page.goto(site.page("?calendar=berg&type=kort"))
    page.locator("#days button").first.wait_for()
    assert page.locator("#step-calendar .done-text").inner_text().startswith("Ole Berg")
    page.locator("#step-calendar .change").click()
    assert page.evaluate("document.activeElement.id") == "h-calendar"
    assert page.locator("#step-calendar [data-value='']").is_visible(), "first available"
    # another calendar that offers the type keeps it: straight on to the days
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("heading", name="Velg dag").wait_for()
    assert page.locator("#step-type .done-text").inner_text().startswith("Kort konsultasjon")
    assert page.evaluate("document.activeElement.id") == "h-day"


def test_the_page_shows_the_endpoints_price_when_the_clinic_file_changed_since_the_build(
        booking_site, content_dir, page, browser_errors):
    # README.md#http-api: the page compares its baked config version with the API's (issue #14: the
    # page said 279 kr while the API and the e-mail said 299)
    site = booking_site()
    clinic = content_dir / "clinics" / f"{SLUG}.yaml"
    clinic.write_text(clinic.read_text().replace("    price: 279\n", "    price: 299\n", 1)
                      .replace("Ta med liste over faste medisiner.", "Ta med legitimasjon.", 1))
    errors = browser_errors(page)
    page.goto(site.page())
    shown = "document.querySelector('#step-type [data-value=\"konsultasjon\"]').textContent"
    wait_until(page, f"{shown}.includes('299 kr')")  # the page's CSP forbids Playwright's poll
    text = page.evaluate(shown)
    assert "279" not in text and "Ta med legitimasjon." in text
    # an unchanged type keeps the words it was built with
    assert "185 kr" in page.evaluate("document.querySelector('#step-type').textContent")
    assert errors == []


def test_the_pages_see_the_tests_date(booking_site, page, clock):
    """conftest starts each page's `Date` at the test's clock (the app's): both agree on
    which day is today, whatever the date the suite runs on."""
    site = booking_site()
    page.goto(site.page())
    seen = page.evaluate("[new Date().toISOString(), Date.now(), new Date(0).getTime()]")
    assert seen[0][:10] == "2026-12-01" and abs(seen[1] / 1000 - clock.now().timestamp()) < 60
    assert seen[2] == 0  # a given instant is that instant
