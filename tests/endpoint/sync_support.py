"""Helpers for the calendar-sync tests (docs/sync.md): a real HTTP server that serves .ics bytes
with ETags, the staff-API clinic with busy sources on `lege`, and iCalendar text.

The clinic is `staff_api_support`'s `timebok` (lege online 08:00–12:00 every day, 10 days
ahead; vikar offline) with `sync.busy` on lege; the test clock starts Tuesday 2026-12-01
07:00 in Oslo.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from staff_api_support import CLINIC_YAML, clinic_yaml
from support import POLL


class IcsServer:
    """A real HTTP server on loopback serving `files` (path → bytes) with ETag and 304.

    `mode` makes it fail: "500" answers 500, "hang" holds the request until `release` is
    set or `hang_seconds` have passed (the client's timeout ends it first), "redirect" sends
    a redirect to `redirect_to`. `answers` counts (path, status)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.release = threading.Event()
        self.redirect_to = ""
        self.answers: list[tuple[str, int]] = []
        self.auth: dict[str, str] = {}  # path → expected Authorization header
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                try:
                    status = self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    status = 0  # the client gave up (a timeout the test provoked)
                server.answers.append((self.path, status))

            def _answer(self) -> int:
                if server.mode == "500":
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return 500
                if server.mode == "hang":
                    server.release.wait(server.hang_seconds)
                if server.mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return 302
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return 404
                want = server.auth.get(self.path)
                if want and self.headers.get("Authorization") != want:
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return 401
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return 304
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return 200

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs=POLL, daemon=True)
        self.thread.start()

    def statuses(self, path: str) -> list[int]:
        return [s for p, s in self.answers if p == path]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def synced_clinic(*sources: str, clinic_sync: str = "",
                  push: str = "") -> str:
    """The clinic file with lege's `sync.busy` (each source one YAML flow mapping)."""
    lines = ["    sync:"]
    if sources:
        lines.append("      busy:")
        lines += [f"        - {s}" for s in sources]
    if push:
        lines.append(f"      push: {push}")
    text = clinic_yaml().replace("    name: Dr. Lege\n    online: true\n",
                                 "    name: Dr. Lege\n    online: true\n"
                                 + "\n".join(lines) + "\n")
    assert text != CLINIC_YAML
    if clinic_sync:
        text += f"sync: {clinic_sync}\n"
    return text


def vcalendar(*events: str, extra: str = "") -> bytes:
    """A VCALENDAR around VEVENT bodies (each the lines between BEGIN and END:VEVENT)."""
    parts = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//sync//EN"]
    if extra:
        parts.append(extra.strip())
    for e in events:
        parts += ["BEGIN:VEVENT", e.strip(), "END:VEVENT"]
    parts.append("END:VCALENDAR")
    return ("\r\n".join(parts) + "\r\n").encode()


def event(uid: str, start: str, end: str, *more: str) -> str:
    """A VEVENT body; `start`/`end` are property values with their parameters, like
    ';TZID=Europe/Oslo:20261202T090000' or ':20261202T080000Z'."""
    return "\r\n".join([f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"DTSTART{start}",
                        f"DTEND{end}", *more])
