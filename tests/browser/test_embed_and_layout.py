"""The snippet on a site that may not frame the pages shows a plain link instead of a
broken frame; on a site that may, the frame stays (and the page said `ledig:ready`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from booking_support import SLUG, free_port

pytestmark = pytest.mark.browser

HOST = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Klinikken</title>
<h1>Our own site</h1>
<script>window.__msgs = []; window.addEventListener("message", function (e) {
  window.__msgs.push(e.data); });</script>
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
    host_port = free_port()
    clinic = site.content / "clinics" / f"{SLUG}.yaml"
    clinic.write_text(clinic.read_text().replace(
        'embed_origins: ["', f'embed_origins: ["http://localhost:{host_port}", "'))
    page.goto(host_page(HOST % snippet, port=host_port))
    frame = page.frame_locator(f"#ledig-{SLUG}-index")
    frame.get_by_role("button", name="Kari Hansen").wait_for()
    page.wait_for_function("window.__msgs.some(m => m.type === 'ledig:ready')")
    page.wait_for_timeout(4500)  # past the snippet's wait for ledig:ready
    assert page.locator(f"iframe#ledig-{SLUG}-index").count() == 1
    assert page.locator("p > a").count() == 0
