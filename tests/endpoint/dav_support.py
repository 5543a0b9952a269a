"""Real CalDAV servers for the sync tests (docs/sync.md): Radicale and Xandikos from PyPI,
each started on loopback with a fresh store and HTTP Basic logins (`USER`/`PASSWORD`).

`DavServer.new_calendar()` makes a fresh collection per test; `stop()` and `start()`
take the server down and bring it back (the same store, the same port).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

USER = "kari"
PASSWORD = "dav-passord-7"
SERVERS = ("radicale", "xandikos")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available(kind: str) -> bool:
    return importlib.util.find_spec(kind) is not None


class DavServer:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.dir = Path(tempfile.mkdtemp(prefix=f"ledig-{kind}-"))
        self.proc: subprocess.Popen | None = None
        self.started = False
        self._use(_free_port())

    def _use(self, port: int) -> None:
        """The port to serve on (neither server reports a port it picked itself, so one
        free now is given; `start` takes another if it was taken meanwhile)."""
        kind, self.port = self.kind, port
        self.url = f"http://127.0.0.1:{self.port}"
        store = self.dir / "store"
        if kind == "radicale":
            (self.dir / "users").write_text(f"{USER}:{PASSWORD}\n")
            self.args = [sys.executable, "-m", "radicale", "--config", "",
                         "--server-hosts", f"127.0.0.1:{self.port}",
                         "--storage-filesystem-folder", str(store),
                         "--auth-type", "htpasswd",
                         "--auth-htpasswd-filename", str(self.dir / "users"),
                         "--auth-htpasswd-encryption", "plain",
                         "--rights-type", "owner_only", "--logging-level", "warning",
                         # no delay after a refused login (the default 1 s: the caldav
                         # client asks without credentials first)
                         "--auth-delay", "0"]
            self.home = f"{self.url}/{USER}/"
        else:
            # Xandikos serves Basic auth only over TLS (--autocert, self-signed), so on
            # loopback it runs without logins; the wrong-credentials case is Radicale's
            self.args = [sys.executable, "-m", "xandikos", "serve", "-d", str(store),
                         "-l", "127.0.0.1", "-p", str(self.port), "--defaults",
                         "--current-user-principal", "/user/", "--no-detect-systemd"]
            self.home = f"{self.url}/user/calendars/"

    def start(self, timeout: float = 30) -> DavServer:
        # a first start may take another port if its own was taken; a restart keeps its URL
        for attempt in range(1 if self.started else 3):
            try:
                self._start(timeout)
                self.started = True
                return self
            except RuntimeError as exc:
                self.stop()
                if "in use" not in str(exc) or attempt == 2:
                    raise
                self._use(_free_port())
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> None:
        self._log = open(self.dir / "server.log", "ab")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONWARNINGS": "ignore"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        if self.proc.poll() is None:  # ours, not another that took the port
                            return
                except OSError:
                    time.sleep(0.1)
                    continue
            raise RuntimeError(f"{self.kind} exited: "
                               f"{(self.dir / 'server.log').read_text()[-2000:]}")
        raise RuntimeError(f"{self.kind} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, password: str = PASSWORD):
        from caldav.davclient import DAVClient

        return DAVClient(url=self.url, username=USER, password=password, timeout=10,
                         enable_rfc6764=False, require_tls=False)

    @property
    def checks_passwords(self) -> bool:
        return self.kind == "radicale"

    def new_calendar(self) -> str:
        """A fresh, empty calendar collection; its URL."""
        name = f"t{uuid.uuid4().hex[:10]}"
        with self.client() as c:
            cal = c.principal().make_calendar(name=name, cal_id=name)  # MKCALENDAR
            return str(cal.url)

    def put(self, url: str, ics: bytes) -> None:
        with self.client() as c:
            c.calendar(url=url).save_event(ics.decode())

    def delete(self, url: str, uid: str) -> None:
        with self.client() as c:
            c.calendar(url=url).event_by_uid(uid).delete()

    def events(self, url: str) -> list[str]:
        """The collection's objects as iCalendar text."""
        with self.client() as c:
            return [o.data for o in c.calendar(url=url).events()]
