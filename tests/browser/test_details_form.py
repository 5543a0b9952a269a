"""The details form's sharp edges in Chromium at 360 and 1280 px (docs/site.md): the kind of
number is chosen from the number typed (the list stays, below it); the e-mail field says
whether it is needed, and why, before anything is typed. axe-core on each state."""

from __future__ import annotations

import pytest
from booking_support import axe, fill_details, person
from test_booking_flow import choose_slot

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)
D_NUMBER = "53097248016"  # a valid D-number (navikt/fnrvalidator's, tests/data)


def details(chromium, site, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.page())
    choose_slot(page)
    page.locator("#national_id").wait_for()
    return page


def clean(page, axe_source: str, name: str) -> None:
    assert axe(page, axe_source) == [], name
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), name


@pytest.mark.parametrize("width", WIDTHS)
def test_a_d_number_typed_chooses_d_number(booking_site, chromium, axe_source, width):
    site = booking_site()
    page = details(chromium, site, width)
    assert page.locator("#id_type").input_value() == "fnr"  # the list's first, untouched
    page.locator("#national_id").fill(D_NUMBER)
    assert page.locator("#id_type").input_value() == "dnr"
    assert page.locator("#national_id-msg").inner_text() == "Gyldig D-nummer."
    clean(page, axe_source, "d-number")
    fill_details(page, {**person(), "national_id": D_NUMBER})
    page.get_by_role("button", name="Gå videre").click()
    summary = page.locator("#step-confirm")
    summary.get_by_role("button", name="Bekreft bestilling").wait_for()
    assert "D-nummer" in summary.inner_text()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_email_says_it_is_needed_before_it_is_typed(booking_site, chromium, axe_source, width):
    site = booking_site()
    page = details(chromium, site, width)  # Konsultasjon: confirmed by e-mail and SMS
    email = page.locator("#email")
    assert email.input_value() == ""
    assert email.evaluate("e => e.required") is True
    assert page.locator("#email-hint").inner_text() == (
        "Må fylles ut: vi sender bekreftelsen av timen på e-post.")
    assert "email-hint" in email.get_attribute("aria-describedby").split()
    clean(page, axe_source, "email-needed")
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_email_may_stay_empty_when_the_confirmation_comes_by_sms(booking_site, chromium,
                                                                 axe_source, width):
    site = booking_site()
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.page())
    choose_slot(page, kind="Kort konsultasjon")  # confirmed by SMS only
    email = page.locator("#email")
    email.wait_for()
    assert email.evaluate("e => e.required") is False
    assert page.locator("#email-hint").inner_text() == "Kan stå tom: bekreftelsen kommer på SMS."
    clean(page, axe_source, "email-optional")
    context.close()
