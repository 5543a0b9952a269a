"""Back, Forward and reload on the booking page in Chromium: each step is a history entry,
Back and Forward keep every choice and typed field, a reload keeps the place, a time
taken meanwhile lands on the times saying so, the receipt is no way back into a booking
made, the national id is never in sessionStorage or history.state, and the embedded page
walks its own frame's history."""

from __future__ import annotations

import re

import pytest
import requests
from booking_support import SLUG, allow_embedding, axe, fill_details, person, wait_until
from test_booking_flow import HOST, bookings

pytestmark = pytest.mark.browser

ID = person()["national_id"]
# everything the page keeps outside the DOM: sessionStorage and this entry's history.state
KEPT = "JSON.stringify(Object.entries(sessionStorage)) + JSON.stringify(history.state)"


def focused(page, step: str) -> None:
    """The step is open, its heading has the focus (and the live region says it)."""
    wait_until(page, f"document.activeElement && document.activeElement.id === 'h-{step}'")
    assert page.locator(f"#step-{step} .body").is_visible()


def no_id_kept(page) -> None:
    kept = page.evaluate(KEPT)
    for digits in (ID, ID[:6], ID[6:]):
        assert digits not in kept, kept


def done_text(page, step: str) -> str:
    return page.locator(f"#step-{step} .done-text").inner_text()


def to_confirm(page) -> dict[str, str]:
    """Through every step by clicking, as a patient: → what was chosen."""
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button.day").nth(2).click()
    time = page.locator("#slots button").nth(1)
    chosen = {"time": time.inner_text().strip()}
    time.click()
    focused(page, "details")
    chosen["day"] = done_text(page, "day")
    fill_details(page)
    no_id_kept(page)  # typed, not yet sent
    page.get_by_role("button", name="Gå videre").click()
    focused(page, "confirm")
    return chosen


@pytest.mark.parametrize("width", (360, 1280))
def test_back_and_forward_walk_every_step_and_keep_it(booking_site, chromium, axe_source,
                                                      artifacts_dir, browser_errors, width):
    site = booking_site()
    context = chromium.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors = browser_errors(page)
    page.goto(site.page("lenker/"))  # where the patient came from
    page.goto(site.page())
    length = page.evaluate("history.length")
    chosen = to_confirm(page)
    assert page.evaluate("history.length") == length + 5, "an entry for each step reached"
    no_id_kept(page)

    # Back, step by step: every choice and field as it was
    page.go_back()
    focused(page, "details")
    assert page.locator("#national_id").input_value() == ID, "kept in the page, not stored"
    assert page.locator("#last_name").input_value() == "Nordmann"
    assert done_text(page, "slot").startswith(chosen["time"])
    assert page.locator("#hold").is_visible(), "the time is still held"
    page.go_back()
    focused(page, "slot")
    assert done_text(page, "day") == chosen["day"]
    page.screenshot(path=str(artifacts_dir / f"history-{width}-back-slot.png"), full_page=True)
    page.go_back()
    focused(page, "day")
    assert done_text(page, "type").startswith("Konsultasjon")
    assert page.locator("#days button.day").count() > 3
    page.go_back()
    focused(page, "type")
    assert done_text(page, "calendar").startswith("Kari Hansen")
    no_id_kept(page)
    page.go_back()
    focused(page, "calendar")
    assert page.locator("#step-type").is_hidden()
    page.go_back()  # from the first step: off the page, as always
    page.wait_for_url(site.page("lenker/"))

    # Forward, step by step, back to the confirm step with the same time held again
    page.go_forward()
    page.locator("#h-calendar").wait_for()
    assert page.locator("#first_name").input_value() == "Kari", "kept across leaving"
    assert page.locator("#national_id").input_value() == "", "the id is never kept"
    for step in ("type", "day", "slot", "details"):
        page.go_forward()
        focused(page, step)
    assert done_text(page, "slot").startswith(chosen["time"])
    page.locator("#hold").wait_for()
    page.locator("#national_id").fill(ID)
    page.go_back()
    focused(page, "slot")
    page.go_forward()
    focused(page, "details")
    page.go_forward()
    focused(page, "confirm")
    summary = page.locator("#summary").inner_text()
    assert "Kari Nordmann" in summary and chosen["time"] in summary and "151086 *****" in summary
    assert axe(page, axe_source) == []
    page.screenshot(path=str(artifacts_dir / f"history-{width}-forward-confirm.png"),
                    full_page=True)
    no_id_kept(page)

    # booked: Back shows the receipt (never the confirm step again), one Back more leaves
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('ledig-place'))"
                         ) == [], "nothing kept after the booking"
    page.go_back()
    page.locator("#receipt-again").wait_for()
    focused(page, "receipt")
    assert page.locator("#step-confirm").is_hidden()
    assert page.locator("#receipt-again").inner_text().startswith("Timen er allerede bestilt")
    wait_until(page, "document.getElementById('live').textContent.startsWith('Timen er allerede')")
    page.screenshot(path=str(artifacts_dir / f"history-{width}-receipt-back.png"),
                    full_page=True)
    assert axe(page, axe_source) == []
    page.go_back()
    page.wait_for_url(site.page("lenker/"))
    assert len(bookings()) == 1
    assert errors == []
    context.close()


def test_a_reload_keeps_the_place_and_lets_a_stale_one_go(booking_site, page, browser_errors):
    site = booking_site()
    errors = browser_errors(page)
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button.day").nth(1).click()
    page.locator("#slots button").first.click()
    focused(page, "details")
    time, day = done_text(page, "slot"), done_text(page, "day")
    fill_details(page)
    page.locator("#email").fill("kari@example.no")
    no_id_kept(page)
    page.reload()
    # the same step, the same time held again (the old hold let go of first), the fields
    # kept but the id
    focused(page, "details")
    assert (done_text(page, "slot"), done_text(page, "day")) == (time, day)
    page.locator("#hold").wait_for()
    assert page.locator("#email").input_value() == "kari@example.no"
    assert page.locator("#national_id").input_value() == ""
    # Back still walks the steps from before the reload
    page.go_back()
    focused(page, "slot")
    assert done_text(page, "day") == day
    # someone else books that time while the patient looks at the times; Forward says so
    slots = requests.get(f"{site.url}/api/v1/clinics/{SLUG}/slots", timeout=10,
                         params={"type": "konsultasjon", "calendar": "hansen"}).json()
    date = page.evaluate("history.state.place.day")
    [free] = [d for d in slots["days"] if d["date"] == date]
    other = {**person(), "national_id": "13097248022", "first_name": "Per"}
    taken = requests.post(f"{site.url}/api/v1/clinics/{SLUG}/bookings", timeout=10, json={
        "calendar": "hansen", "type": "konsultasjon", "start": free["slots"][0]["start"],
        "patient": {"id_type": "fnr", **other}})
    assert taken.status_code == 201, taken.text
    page.go_forward()
    notice = page.locator("#step-slot .notice")
    notice.wait_for()
    assert notice.inner_text().startswith("Noen andre holder av eller har nettopp bestilt")
    assert time not in page.locator("#slots").inner_text()
    # a place whose day has passed (kept from yesterday): the days, saying so
    page.evaluate("""() => {
      const k = Object.keys(sessionStorage).find((k) => k.startsWith('ledig-place:'));
      const o = JSON.parse(sessionStorage.getItem(k));
      o.place = {...o.place, step: 'details', day: '2026-11-30',
                 slot: {calendar: 'hansen', start: '2026-11-30T08:00:00Z'}};
      sessionStorage.setItem(k, JSON.stringify(o));
      history.replaceState({...history.state, place: o.place}, '');
    }""")
    page.reload()
    notice = page.locator("#step-day .notice")
    notice.wait_for()
    assert notice.inner_text().startswith("Tiden du hadde valgt, er ikke ledig lenger")
    # another build of the page: what was kept is let go of
    page.evaluate("""() => {
      const k = Object.keys(sessionStorage).find((k) => k.startsWith('ledig-place:'));
      sessionStorage.setItem(k, JSON.stringify({...JSON.parse(sessionStorage.getItem(k)),
                                                version: 'older'}));
      history.replaceState(null, '');
    }""")
    page.reload()
    page.locator("#h-calendar").wait_for()
    assert page.locator("#first_name").input_value() == ""
    # a new visit (a link, the address typed) starts over; only a reload goes back
    page.get_by_role("button", name="Kari Hansen").click()
    focused(page, "type")
    page.goto(site.page())
    page.locator("#h-calendar").wait_for()
    assert page.locator("#step-type").is_hidden()
    # 409: the hold refused; 404: the kept hold, let go of already as the page was left
    assert [e for e in errors if "409" not in e and "404" not in e] == []


def test_the_embedded_page_walks_its_own_frame(booking_site, host_page, page, browser_errors):
    site = booking_site()
    snippet = (site.site / SLUG / "snippets" / "index.html").read_text()
    host = host_page(HOST % snippet)
    allow_embedding(site, host)
    errors = browser_errors(page)
    page.goto(host)
    frame = page.frame_locator(f"#ledig-{SLUG}-index")
    frame.get_by_role("button", name="Kari Hansen").click()
    frame.get_by_role("heading", name="Hva gjelder timen?").wait_for()
    inner = page.frame(url=re.compile(re.escape(site.page())))
    focused(inner, "type")
    # the frame has pushed the step's entry (else Back would leave the host page)
    wait_until(inner, "history.state && history.state.at === 1")
    # the browser's Back on the host page: the joint history's last entry is the frame's
    page.evaluate("history.back()")
    focused(inner, "calendar")
    assert page.url == host, "the host page stays where it is"
    page.evaluate("history.forward()")
    focused(inner, "type")
    assert done_text(inner, "calendar").startswith("Kari Hansen")
    # the frame still reports its height to the host
    page.wait_for_function("window.__msgs.some(m => m.data.type === 'ledig:resize')")
    assert errors == []
