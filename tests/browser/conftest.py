"""Fixtures for the booking pages in a real browser.

`booking_site(tracking=...)` copies the demo clinic, points its `pages_url`
and `endpoint_url` at a free loopback port, builds the pages, and serves pages
and API together from the app (fixed clock: Tuesday 1 December 2026, 07:00 in
Oslo) in a thread. `host_page(html)` serves a page on `http://localhost:<port>`
— another origin than `127.0.0.1` — to embed the booking page in an iframe.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from booking_support import SLUG, ThreadServer, configure_clinic


@dataclass
class Site:
    url: str
    port: int
    site: Path
    content: Path
    app: object = None  # the Flask app: its settings, for the outbox

    def page(self, path: str = "") -> str:
        return f"{self.url}/{SLUG}/{path}"


@pytest.fixture
def booking_site(make_app, content_dir: Path, tmp_path: Path):
    """`booking_site(tracking=None)` → a served `Site`; stopped after the test."""
    from sitegen.build import build

    servers: list[ThreadServer] = []

    def start(tracking: str | None = None) -> Site:
        server = ThreadServer()  # its port first: the pages are built to call it
        servers.append(server)
        port = server.port
        configure_clinic(content_dir, port, tracking)
        out = tmp_path / "_site"
        assert build(content_dir, out) == 0
        server.app = make_app(site=out)
        return Site(f"http://127.0.0.1:{port}", port, out, content_dir, server.app)

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def host_page():
    """`host_page(html)` → `http://localhost:<port>/`, a page of another origin. `html` may
    be a function, called at each request: a page whose snippet is built for its own
    origin (`allow_embedding`) is known only after the server has its port."""
    servers: list[ThreadServer] = []

    def start(html) -> str:
        def app(environ, start_response):
            body = (html() if callable(html) else html).encode()
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
            return [body]

        server = ThreadServer(app)
        servers.append(server)
        return f"http://localhost:{server.port}/"

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def browser_errors():
    """Collect console errors and uncaught exceptions of a page: `watch(page)` → list."""

    def watch(page) -> list[str]:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return errors

    return watch


