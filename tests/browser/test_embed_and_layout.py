"""The snippet on a site that may not frame the pages shows a plain link instead of a
broken frame; on a site that may, the frame stays (and the page said `ledig:ready`)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from booking_support import SLUG, allow_embedding, wait_until

pytestmark = pytest.mark.browser

HOST = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Klinikken</title>
<h1>Our own site</h1>
<script>window.__msgs = []; window.addEventListener("message", function (e) {
  window.__msgs.push(e.data); });
window.__frameLoads = 0; document.addEventListener("load", function (e) {
  if (e.target.tagName === "IFRAME") window.__frameLoads++; }, true);</script>
%s
<footer>Footer of the clinic's own site.</footer></html>"""


def test_a_refused_frame_becomes_a_plain_link(booking_site, host_page, page,
                                              artifacts_dir: Path):
    site = booking_site()
    snippet = (site.site / SLUG / "snippets" / "index.html").read_text()
    # localhost:<port> is not in the clinic's embed_origins: frame-ancestors refuses it
    page.clock.install()  # the snippet's wait for ledig:ready (6 s) on a clock we move
    page.goto(host_page(HOST % snippet))
    # the snippet starts its wait when the (refused) frame has loaded
    wait_until(page, "window.__frameLoads === 1")
    page.clock.fast_forward("00:07")  # past the wait: no ledig:ready came
    link = page.locator("p > a", has_text="Bestill time – Fjordlegene legesenter")
    link.wait_for()
    assert link.get_attribute("href") == site.page()
    assert page.locator("iframe").count() == 0
    page.screenshot(path=str(artifacts_dir / "embed-refused-fallback.png"), full_page=True)
    link.click()
    page.wait_for_url(site.page())
    page.get_by_role("button", name="Kari Hansen").wait_for()


def test_an_allowed_frame_says_ready_and_stays(booking_site, host_page, page):
    site = booking_site()
    snippet = (site.site / SLUG / "snippets" / "index.html").read_text()
    host = host_page(HOST % snippet)
    allow_embedding(site, host)
    page.clock.install()  # a clock the test can move on, the snippet's timer with it
    page.goto(host)
    frame = page.frame_locator(f"#ledig-{SLUG}-index")
    frame.get_by_role("button", name="Kari Hansen").wait_for()
    page.wait_for_function("window.__msgs.some(m => m.type === 'ledig:ready')")
    # the snippet starts its wait for ledig:ready (6 s) when the frame has loaded
    page.wait_for_function("window.__frameLoads === 1")
    page.clock.fast_forward("01:00")  # a minute: far past that wait, its timer fired
    assert page.locator(f"iframe#ledig-{SLUG}-index").count() == 1
    assert page.locator("p > a").count() == 0


CLS_OBSERVER = """
window.__shifts = [];
const keep = (entries) => {
  for (const e of entries) {
    if (!e.hadRecentInput) window.__shifts.push({value: e.value, at: e.startTime,
      nodes: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className
              || s.node.nodeName) : "")});
  }
};
const observer = new PerformanceObserver((list) => keep(list.getEntries()));
observer.observe({type: "layout-shift", buffered: true});
// with the shifts of frames drawn but not yet handed to the callback
window.__takeShifts = () => { keep(observer.takeRecords()); return window.__shifts; };
"""
TWO_FRAMES = "new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn)))"


def settle(page, in_flight: set, timeout: float = 15) -> None:
    """Wait until the page has no request in flight and has drawn two frames since: what
    its requests brought is on screen, and a shift that caused is measured."""
    deadline = time.monotonic() + timeout
    while True:
        while in_flight:  # page.evaluate hands Playwright's events over meanwhile
            if time.monotonic() > deadline:
                raise AssertionError(f"requests still open: {[r.url for r in in_flight]}")
            time.sleep(0.05)
            page.evaluate("0")
        page.evaluate(TWO_FRAMES)
        if not in_flight:  # else what came drew or asked anew
            return


@pytest.mark.parametrize("width", [360, 1280])
def test_the_booking_page_does_not_shift_while_it_loads_and_is_used(booking_site, page,
                                                                     width, artifacts_dir):
    """CLS (the sum of layout shifts not caused by the patient's own input) stays under
    0.1 from the first paint through the day and slot lists loading.

    Before each click and at the end the page settles (its requests answered and drawn),
    so that no shift of its loading comes within the 500 ms in which Chromium counts a
    shift as the click's, unless the click itself asked for what shifted."""
    site = booking_site()
    in_flight: set = set()
    page.on("request", lambda r: in_flight.add(r))
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(CLS_OBSERVER)
    page.goto(site.page())
    settle(page, in_flight)
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").first.wait_for()
    settle(page, in_flight)
    page.locator("#days button").nth(2).click()
    page.locator("#slots button").first.wait_for()
    settle(page, in_flight)
    wait_until(page, "document.readyState === 'complete'")
    shifts = page.evaluate("window.__takeShifts()")
    cls = sum(s["value"] for s in shifts)
    page.screenshot(path=str(artifacts_dir / f"booking-slots-{width}.png"), full_page=True)
    assert cls < 0.1, shifts
