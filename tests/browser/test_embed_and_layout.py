"""The snippet on a site that may not frame the pages shows a plain link instead of a
broken frame; on a site that may, the frame stays (and the page said `ledig:ready`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from booking_support import SLUG, embedding_port

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
    page.goto(host_page(HOST % snippet))
    link = page.locator("p > a", has_text="Bestill time – Fjordlegene legesenter")
    link.wait_for(timeout=15_000)
    assert link.get_attribute("href") == site.page()
    assert page.locator("iframe").count() == 0
    page.screenshot(path=str(artifacts_dir / "embed-refused-fallback.png"), full_page=True)
    link.click()
    page.wait_for_url(site.page())
    page.get_by_role("button", name="Kari Hansen").wait_for()


def test_an_allowed_frame_says_ready_and_stays(booking_site, host_page, page):
    site = booking_site()
    snippet = (site.site / SLUG / "snippets" / "index.html").read_text()
    host_port = embedding_port(site)
    page.clock.install()  # a clock the test can move on, the snippet's timer with it
    page.goto(host_page(HOST % snippet, port=host_port))
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
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) window.__shifts.push({value: e.value, at: e.startTime,
      nodes: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className
              || s.node.nodeName) : "")});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_booking_page_does_not_shift_while_it_loads_and_is_used(booking_site, page,
                                                                     width, artifacts_dir):
    """CLS (the sum of layout shifts not caused by the patient's own input) stays under
    0.1 from the first paint through the day and slot lists loading."""
    from booking_support import wait_until

    site = booking_site()
    page.set_viewport_size({"width": width, "height": 800})
    page.add_init_script(CLS_OBSERVER)
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").first.wait_for()
    page.wait_for_timeout(700)  # past the 500 ms in which a shift counts as the click's
    page.locator("#days button").nth(2).click()
    page.locator("#slots button").first.wait_for()
    page.wait_for_timeout(700)
    wait_until(page, "document.readyState === 'complete'")
    shifts = page.evaluate("window.__shifts")
    cls = sum(s["value"] for s in shifts)
    page.screenshot(path=str(artifacts_dir / f"booking-slots-{width}.png"), full_page=True)
    assert cls < 0.1, shifts
