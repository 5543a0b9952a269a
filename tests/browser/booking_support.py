"""Helpers for the browser tests: the demo clinic pointed at a port, a WSGI server in a
thread, a gtag.js recorder, a patient to type in, and axe-core's WCAG check."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import requests
from support import POLL
from werkzeug.serving import make_server

SLUG = "fjordlegene"
#: the axe-core rules every page must pass: WCAG 2.1 A and AA
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GTAG = "https://www.googletagmanager.com/gtag/js*"

# Served instead of gtag.js (there is no internet): records what reaches the dataLayer.
RECORDER = r"""
(function () {
  var m = (document.currentScript && document.currentScript.src || "").match(/[?&]id=([^&]+)/);
  (window.__gtagLoads = window.__gtagLoads || []).push(m ? decodeURIComponent(m[1]) : "");
  if (window.__recording) return;
  window.__recording = true;
  window.__events = [];
  var dl = window.dataLayer = window.dataLayer || [];
  function rec(item) {
    var v = item && typeof item.length === "number" ? Array.prototype.slice.call(item) : item;
    try { window.__events.push(JSON.parse(JSON.stringify(v))); }
    catch (e) { window.__events.push(String(v)); }
  }
  dl.forEach(rec);
  var push = dl.push;
  dl.push = function () {
    for (var i = 0; i < arguments.length; i++) rec(arguments[i]);
    return push.apply(dl, arguments);
  };
})();
"""


def allow_embedding(site, host: str) -> None:
    """Let the origin of `host` (a `host_page` URL) frame the clinic's pages, and wait
    until the endpoint has read the changed file: a frame that asked while it was still
    reading it would be answered from the clinic as it was."""
    origin = host.rstrip("/")
    clinic = site.content / "clinics" / f"{SLUG}.yaml"
    clinic.write_text(clinic.read_text().replace(
        'embed_origins: ["', f'embed_origins: ["{origin}", "'))
    assert requests.get(f"{site.url}/api/v1/clinics/{SLUG}", timeout=10).status_code == 200


class ThreadServer:
    """A WSGI app on a loopback port, served from a thread. It binds port 0 (a free port
    the system picks, read back as `port`), so an app that must know its own address
    (pages built for it) is given afterwards: `server.app = …`."""

    def __init__(self, app=None, port: int = 0):
        self.app = app
        self.server = make_server("127.0.0.1", port, self._call, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs=POLL, daemon=True)
        self.thread.start()

    def _call(self, environ, start_response):
        return self.app(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        self.server.server_close()


def configure_clinic(content: Path, port: int, tracking: str | None = None) -> None:
    """Point the demo clinic at `port`; replace its `tracking:` block when given."""
    path = content / "clinics" / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    base = f"http://127.0.0.1:{port}"
    text = re.sub(r"(?m)^pages_url: .*$", f"pages_url: {base}/", text)
    text = re.sub(r"(?m)^endpoint_url: .*$", f"endpoint_url: {base}", text)
    text = re.sub(r"(?m)^embed_origins: .*$", f'embed_origins: ["{base}"]', text)
    if tracking is not None:
        text = re.sub(r"(?ms)^tracking:\n(  .*?\n)+", tracking.rstrip("\n") + "\n", text)
    path.write_text(text, encoding="utf-8")


def wait_until(page, expression: str, timeout: float = 15) -> None:
    """Poll a JS expression from Python until it is true.

    Playwright's `wait_for_function` polls with code the page's CSP (no
    'unsafe-eval') may refuse; `page.evaluate` goes through the DevTools
    protocol, which the CSP does not govern.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.05)


def recorded_events(page) -> list:
    return page.evaluate("window.__events || []")


def person() -> dict[str, str]:
    """A patient for the forms (a valid fødselsnummer from the shared vectors)."""
    return {"national_id": "15108695088", "first_name": "Kari", "last_name": "Nordmann",
            "phone": "406 12 345", "email": "kari.nordmann@example.no"}


def fill_details(frame, who: dict[str, str] | None = None) -> None:
    who = who or person()
    frame.locator("#national_id").fill(who["national_id"])
    frame.locator("#first_name").fill(who["first_name"])
    frame.locator("#last_name").fill(who["last_name"])
    frame.locator("#phone").fill(who["phone"])
    frame.locator("#email").fill(who["email"])


def axe(page, axe_source: str) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page (each rule with the nodes it hit)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # evaluate, not a <script>: the page's CSP forbids those
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]
