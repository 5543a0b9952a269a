"""Plain helpers for tests (import as `from support import …`; `conftest` names clash)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_clinic(content: Path, slug: str, text: str) -> Path:
    """Write (or replace) a clinic file in a content folder."""
    path = content / "clinics" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def free_port_url() -> str:
    """A PostgreSQL URL on a loopback port where nothing listens (an unreachable database)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/ledig"


#: the instant every test's clock starts at (`conftest.clock`), and every process a test
#: starts with it (`clocked`): Tuesday 2026-12-01, 07:00 in Oslo
TEST_START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)

#: `serve_forever`'s keyword arguments for the tests' thread servers: `shutdown()` waits up
#: to one poll interval, 0.5 s by default, at the end of every test that starts one
POLL = {"poll_interval": 0.02}

#: the data key tests seal patients' data under (base64 of 32 bytes; docs/security.md)
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1vZi0zMi1ieXRlcy1sZWRpZyE="


class Clock:
    """A clock the test moves: the app's one time source (`create_app(settings, clock)`).

    `at` is the current instant; set it, or `advance()` it. Its monotonic reading moves
    with it, so reload intervals and retry windows pass when the test says so.
    """

    def __init__(self, at: datetime):
        self.at = at
        self._monotonic = 1000.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.at += step
        self._monotonic += step.total_seconds()


def clocked(at: datetime, program: str, *args: str) -> list[str]:
    """The argument list that runs `endpoint` or `sitegen` (`program`) with `args` in a child
    process whose clock starts at `at` (tests/clocked.py)."""
    import sys

    return [sys.executable, str(Path(__file__).with_name("clocked.py")), at.isoformat(),
            program, *args]


@dataclass
class Done:
    """What a command did, as `subprocess.run(..., capture_output=True, text=True)` says."""

    returncode: int
    stdout: str
    stderr: str


def run_main(main: Callable[..., int], argv: list[str], *, stdin: str = "",
             env: dict[str, str] | None = None, **kwargs) -> Done:
    """Run a command's `main(argv, **kwargs)` in this process as a child process would run
    it: `stdin` is its input (not a terminal), `env` is added to its environment, its
    output is captured, and a usage error's `SystemExit` is its exit code. Much cheaper
    than a process: a test starts one only where the process itself is tested."""
    import contextlib
    import io
    import os
    import sys

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_stdin = dict(os.environ), sys.stdin
    os.environ.update(env or {})
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv, **kwargs)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
    return Done(code, out.getvalue(), err.getvalue())


def in_one_window(period: int, body: Callable[[], T], *servers) -> T:
    """Run `body` (requests to live servers) so that all of it falls in their first fixed
    rate-limit window of `period` seconds. Each server's clock starts at `TEST_START`, on
    a window's edge, when its process starts (after `server.started`, this process's
    monotonic reading just before): while less than `period` seconds have passed since
    the first server was started, every server is still in its first window."""
    began = min(server.started for server in servers)
    result = body()
    took = time.monotonic() - began
    assert took < period, f"the servers left their first {period}-second window ({took:.0f} s)"
    return result


def form_field(response, name: str) -> str:
    """The value of the (first) form field `name` in an HTML response."""
    import html as html_module
    import re

    html = response.get_data(as_text=True)
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*\bvalue="([^"]*)"', html)
    assert match, f"no field {name!r} in the page ({response.status_code})"
    return html_module.unescape(match.group(1))


def staff_login(client, slug: str, username: str, password: str, totp: str | None = None,
                next: str = ""):
    """Log a Flask test client in as a staff user through the login form (and the TOTP code
    form, when `totp` is given); the last response: a 303 to the page asked for when the
    login worked. The session cookie stays in the client."""
    form = client.get(f"/staff/{slug}/login")
    response = client.post(f"/staff/{slug}/login",
                           data={"csrf": form_field(form, "csrf"), "username": username,
                                 "password": password, "next": next})
    if totp is not None and response.status_code == 303 and \
            "/login/totp" in response.headers["Location"]:
        code_form = client.get(response.headers["Location"])
        response = client.post(f"/staff/{slug}/login/totp",
                               data={"csrf": form_field(code_form, "csrf"), "code": totp,
                                     "next": form_field(code_form, "next")})
    return response


def staff_csrf(client, slug: str) -> str:
    """The CSRF token of the client's staff session (from the calendar's logout form)."""
    return form_field(client.get(f"/staff/{slug}/calendar"), "csrf")
