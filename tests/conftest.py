"""Fixtures shared by every test package: content, apps on SQLite and PostgreSQL,
a live server process, a fixed clock, and headless Chromium.

Components a test needs (PostgreSQL, Chromium) make it skip only when they are
missing and `CI` is not set; under CI a missing component fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import (
    TEST_DATA_KEY,
    TEST_START,
    Clock,
    clocked,
    write_clinic,  # noqa: F401 - re-exported for older imports
)

ROOT = Path(__file__).resolve().parent.parent
# commands the tests run (in this process or as children) seal patients' data under the
# same key as the apps the tests build
os.environ.setdefault("LEDIG_DATA_KEY", TEST_DATA_KEY)

# Staff passwords are scrypt hashes at werkzeug's cost (n = 2**15): 0.13 s each time a test
# adds a user or logs one in, about 100 s of the suite. In the test processes a user is
# hashed at n = 2**10; a hash names its cost, so checking it is the same code. The
# commands and servers the tests start hash at full cost, and test_staff.py checks that.
import endpoint.staff.users as _users  # noqa: E402 - after LEDIG_DATA_KEY, like the tests

_users.HASH_METHOD = "scrypt:1024:8:1"
DEMO_CONTENT = ROOT / "content"
POSTGRES_ADMIN_URL = os.environ.get("LEDIG_TEST_POSTGRES_URL",
                                    "postgresql://postgres@127.0.0.1:5432/postgres")
CHROMIUM = os.environ.get("LEDIG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def need(component: str, reason: str) -> None:
    """Skip for a missing component, except under CI where it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is required under CI: {reason}")
    pytest.skip(f"{component} not available: {reason}")


# -- mutation testing (`make mutate`) ------------------------------------------------

# mutmut runs pytest several times in one process. pytest (8.4) keeps the ids it made for a
# parametrize mark on the mark and, on the next run, escapes them again, so an id such as
# `['151086\u221295088']` gets a second backslash and mutmut can no longer select the test.
# Under mutmut, let each run make its ids afresh; and let Hypothesis report a failing
# example without shrinking it, which only costs time when any failure kills the mutant.
MUTATION_RUN = "MUTANT_UNDER_TEST" in os.environ

if MUTATION_RUN:
    from hypothesis import Phase
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile(
        "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None)
    hypothesis_settings.load_profile("mutation")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc) -> None:
    if MUTATION_RUN:
        for mark in metafunc.definition.iter_markers("parametrize"):
            if getattr(mark, "_param_ids_from", None) is not None:
                object.__setattr__(mark._param_ids_from, "_param_ids_generated", None)


# -- content ------------------------------------------------------------------

@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the demo content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, target)
    return target




# -- clock ----------------------------------------------------------------------

@pytest.fixture
def clock() -> Clock:
    return Clock(TEST_START)  # a Tuesday, 07:00 in Oslo


# -- databases ------------------------------------------------------------------

@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'ledig.sqlite3'}"


def _postgres_admin():
    try:
        import psycopg2
        admin = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3)
    except Exception as exc:
        need("PostgreSQL", f"{POSTGRES_ADMIN_URL}: {exc}")
    admin.autocommit = True
    return admin


def _drop_database(admin, name: str) -> None:
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A database of this test process migrated to the current schema once, with no data
    key recorded: each test's database is a copy of it (`CREATE DATABASE … TEMPLATE`),
    which costs what creating an empty one does, instead of running every migration."""
    from endpoint.storage.crypto import Keyring
    from endpoint.storage.db import DataKey, db
    from endpoint.storage.migrations import open_and_migrate

    admin = _postgres_admin()
    name = f"ledig_template_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        open_and_migrate(f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}",
                         Keyring.from_text(TEST_DATA_KEY))
        with db.connection_context():
            DataKey.delete().execute()  # as a fresh database: the first key to open it is kept
        db.close()
        db.obj.close_all()
        with admin.cursor() as cur:  # a template is copied only while nobody is connected
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s", (name,))
        yield name
    finally:
        _drop_database(admin, name)
        admin.close()


@pytest.fixture
def postgres_url(request) -> Iterator[str]:
    """A PostgreSQL database for one test, dropped afterwards: migrated to the current
    schema and holding no rows, or quite empty with `@pytest.mark.empty_database` (for
    tests that build an older schema themselves)."""
    admin = _postgres_admin()
    name = f"ledig_test_{uuid.uuid4().hex[:12]}"
    template = ("" if request.node.get_closest_marker("empty_database")
                else f' TEMPLATE "{request.getfixturevalue("postgres_template")}"')
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"{template}')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from endpoint.storage.db import db
        if db.obj is not None and not db.obj.is_closed():
            db.obj.close()
        _drop_database(admin, name)
        admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """Run a test on both databases."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


# -- the app ----------------------------------------------------------------------

@pytest.fixture
def make_app(tmp_path: Path, content_dir: Path, clock: Clock):
    """Build an app: `make_app(database_url=..., **settings)`; rate limit off by default."""
    from endpoint.app import create_app
    from endpoint.settings import Settings

    def factory(database_url: str | None = None, **overrides):
        settings = Settings(
            database_url=database_url or f"sqlite:///{tmp_path / 'var' / 'ledig.sqlite3'}",
            secret_key="test-secret-key",
            data_key=TEST_DATA_KEY,
            content=content_dir,
            var=tmp_path / "var",
            rate_limit="off",
            reload_interval=0.0,
            outbox_worker=False,
        )
        settings = settings.with_(**overrides)
        app = create_app(settings, clock)
        app.config["TESTING"] = True
        return app

    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


# -- a live server process ------------------------------------------------------------

def free_port() -> int:
    """A port free now, for a server that must know its address before it starts (a
    preview URL); anything else starts on port 0 and reads its port back."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`endpoint serve` in a child process on loopback, its clock starting at the test's
    `clock` (and running on from there). On port 0 the server binds a free port itself,
    and `start` reads it back from the server's log: no port is picked, closed and
    reused."""

    LISTENING = re.compile(rb"Serving on http://127\.0\.0\.1:(\d+)")

    def __init__(self, *, content: Path, database_url: str, var: Path, clock: Clock,
                 site: Path | None = None, env: dict[str, str] | None = None,
                 port: int = 0):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.args = clocked(clock.now(), "endpoint", "serve", "--content", str(content),
                            "--database", database_url, "--port", str(port))
        if site is not None:
            self.args += ["--site", str(site)]
        self.env = {**os.environ, "LEDIG_SECRET_KEY": "test-secret-key",
                    "LEDIG_DATA_KEY": TEST_DATA_KEY,
                    "LEDIG_RATE_LIMIT": "off", "LEDIG_VAR": str(var), **(env or {})}
        self.log = var / f"server-{uuid.uuid4().hex[:8]}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> LiveServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log, "ab")
        self.started = time.monotonic()  # the server's clock starts at TEST_START after this
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, cwd=self.log.parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # waitress logs the address once its socket listens
            if found := self.LISTENING.search(self.log.read_bytes()):
                self.port = int(found[1])
                self.url = f"http://127.0.0.1:{self.port}"
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "_log_file", None):
            self._log_file.close()


@pytest.fixture
def live_server(tmp_path: Path, content_dir: Path, clock: Clock):
    """Start servers: `live_server(database_url=..., site=..., env=...)`; all stopped after."""
    started: list[LiveServer] = []

    def start(database_url: str | None = None, **kwargs) -> LiveServer:
        server = LiveServer(content=kwargs.pop("content", content_dir),
                            database_url=database_url
                            or f"sqlite:///{tmp_path / 'var' / 'ledig.sqlite3'}",
                            var=tmp_path / "var", clock=clock, **kwargs)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


# -- the browser --------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Debian Chromium driven by Playwright (no browser downloads)."""
    if not Path(CHROMIUM).exists():
        need("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        need("Playwright", str(exc))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: Each document's `Date` starts at the test's time and runs on with the browser's clock;
#: timers, `performance` and the rest stay the browser's own.
SHIFTED_DATE = """(() => {
  const Real = Date, shift = %d - Real.now();
  class TestDate extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + shift); }
    static now() { return Real.now() + shift; }
  }
  globalThis.Date = TestDate;
})();"""


class ClockedBrowser:
    """The browser as a test sees it: in each context's pages `Date` starts at the test's
    clock, so the pages' "today" agrees with the app whatever the date."""

    def __init__(self, browser, clock: Clock) -> None:
        self.browser, self.clock = browser, clock

    def new_context(self, **kwargs):
        context = self.browser.new_context(**kwargs)
        context.add_init_script(SHIFTED_DATE % (self.clock.now().timestamp() * 1000))
        return context


@pytest.fixture
def chromium(chromium_browser, clock: Clock) -> ClockedBrowser:
    return ClockedBrowser(chromium_browser, clock)


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests save screenshots for a person to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from npm (installed by .ci/run / `npm install`)."""
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        need("axe-core", "run `npm install` in the project root")
    return path.read_text()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- an OpenID Connect provider --------------------------------------------------------

@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on loopback (`oidc-provider-mock`, see oidc_support)."""
    try:
        import oidc_provider_mock  # noqa: F401
    except ImportError as exc:
        need("oidc-provider-mock", f"{exc}; pip install -e '.[test]'")
    from oidc_support import start_provider

    provider, stop = start_provider()
    yield provider
    stop()


@pytest.fixture(autouse=True)
def _provider_at_the_tests_clock(request):
    """The OpenID provider stamps its tokens with the time the test's clock starts at (a
    clock of its own: a test that moves the app's clock moves it away from the
    provider's, as the real time would)."""
    if "oidc_provider" not in request.fixturenames:
        yield
        return
    from oidc_support import PROVIDER_TIME

    PROVIDER_TIME.clock = Clock(request.getfixturevalue("clock").now())
    yield
    PROVIDER_TIME.clock = None
