"""`make demo PORT=…`: the pages are built to call the port the endpoint serves on.

`sitegen build --preview-url URL` and `endpoint serve --preview-url URL` make one local
preview: the pages' API address, their CSP, the endpoint's CORS and frame-ancestors and
the links in messages all say URL; the clinic file keeps the clinic's own addresses. A
later build without the flag keeps the preview's address and says so, `--preview-url
none` goes back to the clinic's; `sitegen link` and `endpoint staff-user add` print the
address the built pages call.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from support import run_main

from endpoint import cli as endpoint_cli
from sitegen import cli as sitegen_cli
from sitegen.build import build
from tests.conftest import LiveServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SLUG = "fjordlegene"


def config_of(page: Path) -> dict:
    html = page.read_text()
    block = re.search(r'<script type="application/json" id="ledig-config">(.*?)</script>',
                      html, re.S)
    assert block, "the page has no configuration block"
    return json.loads(block[1])


def make_demo_lines(*variables: str) -> list[str]:
    out = subprocess.run(["make", "-n", "demo", *variables], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    return [line for line in out.splitlines() if "sitegen build" in line
            or "endpoint serve" in line]


@pytest.mark.parametrize("variables, url", [
    ((), "http://127.0.0.1:8000/"),
    (("PORT=8123",), "http://127.0.0.1:8123/"),
    (("HOST=localhost", "PORT=9001"), "http://localhost:9001/"),
    (("HOST=0.0.0.0", "PORT=8123"), "http://127.0.0.1:8123/"),  # listens everywhere
])
def test_make_demo_builds_and_serves_one_address(variables, url):
    build_line, serve_line = make_demo_lines(*variables)
    assert f"--preview-url {url}" in build_line
    assert f"--preview-url {url}" in serve_line
    port = url.rsplit(":", 1)[1].strip("/")
    assert f"--port {port}" in serve_line


def test_a_preview_build_calls_the_preview_address_and_a_plain_build_the_clinics(
        tmp_path: Path, content_dir: Path):
    assert build(content_dir, tmp_path / "preview", preview_url="http://127.0.0.1:8123/") == 0
    page = tmp_path / "preview" / SLUG / "index.html"
    cfg = config_of(page)
    assert cfg["api"] == f"http://127.0.0.1:8123/api/v1/clinics/{SLUG}"
    assert cfg["cancel_url"] == f"http://127.0.0.1:8123/{SLUG}/avbestill/"
    assert "connect-src http://127.0.0.1:8123" in page.read_text()


DEMO = "http://127.0.0.1:8471/"  # make demo PORT=8471


def sitegen(*argv: str):
    return run_main(sitegen_cli.main, list(argv))


@pytest.fixture
def demo_site(tmp_path: Path, content_dir: Path) -> Path:
    """The pages as `make demo PORT=8471` builds them."""
    site = tmp_path / "_site"
    built = sitegen("build", "--content", str(content_dir), "--out", str(site),
                    "--preview-url", DEMO)
    assert built.returncode == 0, built.stderr
    return site


def test_a_plain_rebuild_keeps_the_preview_address_and_says_so(demo_site, content_dir):
    again = sitegen("build", "--content", str(content_dir), "--out", str(demo_site))
    assert again.returncode == 0, again.stderr
    assert config_of(demo_site / SLUG / "index.html")["api"] == f"{DEMO}api/v1/clinics/{SLUG}"
    assert (f"the pages in {demo_site} were built as a local preview at {DEMO}; built for it "
            "again (--preview-url none builds the clinics' own addresses)") in again.stderr


def test_preview_url_none_builds_the_clinics_own_addresses_again(demo_site, content_dir):
    own = f"http://127.0.0.1:8000/api/v1/clinics/{SLUG}"  # fjordlegene.yaml's
    back = sitegen("build", "--content", str(content_dir), "--out", str(demo_site),
                   "--preview-url", "none")
    assert back.returncode == 0, back.stderr
    assert config_of(demo_site / SLUG / "index.html")["api"] == own
    later = sitegen("build", "--content", str(content_dir), "--out", str(demo_site))
    assert config_of(demo_site / SLUG / "index.html")["api"] == own
    assert "local preview" not in later.stderr


def test_link_prints_the_address_of_the_preview_the_pages_were_built_for(demo_site,
                                                                         content_dir):
    linked = sitegen("link", "--clinic", SLUG, "--content", str(content_dir), "--site",
                     str(demo_site))
    assert linked.returncode == 0, linked.stderr
    assert linked.stdout.splitlines()[0] == f"{DEMO}{SLUG}/"
    assert f"the pages in {demo_site} are a local preview at {DEMO}" in linked.stderr


def test_check_of_a_preview_site_prints_the_preview_links(demo_site, content_dir):
    checked = sitegen("check", "--content", str(content_dir), "--site", str(demo_site),
                      "--database", "none")
    assert checked.returncode == 0, checked.stderr
    assert f"link influensa ({DEMO}{SLUG}/influensa/)" in checked.stdout
    assert f"the pages in {demo_site}/{SLUG}/ are built from this clinic file" in \
        checked.stdout


def test_make_demo_checks_at_the_address_it_builds_for():
    out = subprocess.run(["make", "-n", "demo", "PORT=8471"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert any("sitegen check --preview-url http://127.0.0.1:8471/" in line
               for line in out.splitlines())


def test_staff_user_add_prints_the_address_of_the_preview(demo_site, content_dir, sqlite_url,
                                                          clock):
    added = run_main(endpoint_cli.main, [
        "staff-user", "add", "--clinic", SLUG, "--username", "kari", "--site", str(demo_site),
        "--content", str(content_dir), "--database", sqlite_url],
        stdin="et langt nok passord\n", env={"LEDIG_SECRET_KEY": "k"}, clock=clock)
    assert added.returncode == 0, added.stderr
    assert f"the calendar is at {DEMO}staff/{SLUG}/calendar" in added.stdout


def test_the_preview_endpoint_answers_the_preview_pages(tmp_path: Path, content_dir: Path,
                                                        clock):
    # the address must be known before the build and the start: a port free now, and
    # another if something took it before the server bound it
    for _ in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        site = tmp_path / "site"
        assert build(content_dir, site, preview_url=url) == 0
        server = LiveServer(content=content_dir, clock=clock, site=site, port=port,
                            database_url=f"sqlite:///{tmp_path}/db.sqlite3",
                            var=tmp_path / "var")
        server.args += ["--preview-url", url]
        try:
            server.start()
            break
        except RuntimeError as exc:
            server.stop()
            if "address already in use" not in str(exc).lower():
                raise
    try:
        origin = url.rstrip("/")
        page = urllib.request.urlopen(f"{url}{SLUG}/", timeout=10)
        assert origin in page.headers["Content-Security-Policy"]  # frame-ancestors
        api = config_of_text(page.read().decode())["api"]
        assert api.startswith(origin)
        request = urllib.request.Request(f"{api}/slots?type=konsultasjon",
                                         headers={"Origin": origin})
        answer = urllib.request.urlopen(request, timeout=10)
        assert answer.status == 200
        assert answer.headers["Access-Control-Allow-Origin"] == origin
    finally:
        server.stop()


def config_of_text(html: str) -> dict:
    block = re.search(r'id="ledig-config">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block[1])


def test_a_preview_url_that_is_no_url_is_a_usage_error(tmp_path: Path):
    for command in (["sitegen", "build"], ["endpoint", "serve"]):
        done = subprocess.run([sys.executable, "-m", *command,
                               "--preview-url", "127.0.0.1:8123"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert "must be an http(s) URL like http://127.0.0.1:8123/" in done.stderr
