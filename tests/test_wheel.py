"""A wheel built from the repository works on its own: installed into a folder outside the
checkout, its `sitegen build`, `sitegen check` and `endpoint serve` run on a content folder
elsewhere, with the templates, assets and staff pages the wheel holds as package data.

The wheel is built offline (`--no-build-isolation`: the test interpreter's setuptools) and
installed with `pip install --target`; the commands run with PYTHONPATH at that folder, their
dependencies from the test interpreter's site-packages, and their own import log (`python -v`)
shows that every package of ours came from the installed copy, none from the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from support import clocked

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("booking", "common", "sitegen", "endpoint")
SLUG = "fjordlegene"
#: `python -v` names the file each module was loaded from
LOADED = re.compile(r"(/\S*?)/(?:booking|common|sitegen|endpoint)/__init__\.py\b")


def need(component: str, reason: str) -> None:
    """tests/conftest.py's rule: skip for a missing component, except under CI (fail)."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is required under CI: {reason}")
    pytest.skip(f"{component} not available: {reason}")


def setuptools_for_the_build() -> None:
    try:
        found = version("setuptools")
    except PackageNotFoundError:
        found = ""
    if not found or int(found.split(".")[0]) < 77:
        need("setuptools>=77", f"found {found or 'none'}; the test extras bring it "
             "(pip install -e '.[test]')")


def source_copy(target: Path) -> Path:
    """What the wheel is built from, copied: nothing left in the checkout (build/,
    *.egg-info), and no stale build/lib of an earlier build in the wheel."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    return target


def ours(root: Path) -> set[str]:
    """Every file of our packages under `root`, relative to it."""
    return {str(p.relative_to(root)) for package in PACKAGES for p in (root / package).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check",
                           "--no-input", "--quiet", *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def loaded_from(log: str) -> set[str]:
    """The folders our packages were imported from, read from a `python -v` log (a folder
    that is a package itself, as authlib/ of authlib.common, holds another project's)."""
    return {root for root in LOADED.findall(log) if not Path(root, "__init__.py").exists()}


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory) -> tuple[Path, Path]:
    """The wheel built from a copy of the repository, and the folder it is installed in."""
    setuptools_for_the_build()
    tmp = tmp_path_factory.mktemp("wheel")
    dist, site = tmp / "dist", tmp / "site"
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist),
        str(source_copy(tmp / "src")))
    [wheel] = dist.glob("ledig-*.whl")
    pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel))
    return wheel, site


def test_the_wheel_runs_outside_the_checkout(tmp_path: Path, content_dir: Path, clock,
                                             live_server, installed_wheel):
    wheel, site = installed_wheel
    work = tmp_path / "work"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sitegen/templates/assets/ledig.css" in names
    assert "endpoint/staff/templates/staff.css" in names
    assert not any(n.startswith(("templates/", "content/", "tests/")) for n in names)
    # every file of our packages is installed: modules, templates, assets, staff pages
    assert ours(site) == ours(ROOT)

    # a content folder and a build folder that are no checkout's
    work.mkdir()
    content = content_dir.rename(work / "content")
    installed = {"PYTHONPATH": str(site), "PYTHONVERBOSE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(clocked(clock.now(), *args), cwd=work,
                              env={**os.environ, **installed},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert loaded_from(done.stderr) == {str(site)}
        return done

    run("sitegen", "build", "--content", "content", "--out", "_site")
    assert (work / "_site" / SLUG / "index.html").is_file()
    assert len(list((work / "_site" / "assets").glob("ledig.*.css"))) == 1
    assert len(list((work / "_site" / "assets").glob("flow.*.js"))) == 1
    checked = run("sitegen", "check", "--content", "content")
    assert re.search(r"^\s+ok\s+Kari Hansen / Konsultasjon: \d+ slots", checked.stdout, re.M)

    server = live_server(content=content, site=work / "_site", env=installed)
    assert loaded_from(server.log.read_text()) == {str(site)}
    with urllib.request.urlopen(f"{server.url}/api/v1/clinics/{SLUG}/slots?type=konsultasjon",
                                timeout=10) as answer:
        assert answer.status == 200
        assert any(day["slots"] for day in json.load(answer)["days"])
    with urllib.request.urlopen(f"{server.url}/{SLUG}/", timeout=10) as page:
        assert b'id="ledig-config"' in page.read()
    with urllib.request.urlopen(f"{server.url}/staff/{SLUG}/login", timeout=10) as login:
        assert b'name="password"' in login.read()  # rendered from the staff templates


#: the features' libraries (docs/features.md): `pip install ledig` installs none of them
FEATURE_LIBRARIES = ("authlib", "joserfc", "requests", "caldav", "recurring_ical_events",
                     "pyotp")

#: a `sitecustomize` that makes them impossible to import, as in a venv without the extras
NOT_INSTALLED = f"""
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {FEATURE_LIBRARIES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
"""


def test_the_wheel_requires_no_features_library(installed_wheel):
    wheel, _ = installed_wheel
    with zipfile.ZipFile(wheel) as archive:
        [meta] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        required = [line.split(":", 1)[1].strip() for line in
                    archive.read(meta).decode().splitlines() if line.startswith("Requires-Dist:")]
    unconditional = {re.split(r"[<>=!~ ;\[]", r)[0].lower().replace("-", "_")
                     for r in required if "extra ==" not in r}
    assert unconditional == {"flask", "jinja2", "pyyaml", "peewee", "python_stdnum",
                             "phonenumbers", "icalendar", "holidays", "waitress", "tzdata",
                             "cryptography"}


def test_the_core_books_without_the_features_libraries(tmp_path: Path, content_dir: Path,
                                                        clock, live_server, installed_wheel,
                                                        database_url):
    """The installed wheel with none of the features' libraries importable: pages, slots and
    a booking work, on SQLite and on PostgreSQL (`ledig[postgres]`: its driver), and a
    timebok route answers 404."""
    _, site = installed_wheel
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(NOT_INSTALLED)
    work = tmp_path / "work"
    work.mkdir()
    content = content_dir.rename(work / "content")
    bare = {"PYTHONPATH": f"{blocker}{os.pathsep}{site}"}
    built = subprocess.run(clocked(clock.now(), "sitegen", "build", "--content", "content",
                                   "--out", "_site"), cwd=work, env={**os.environ, **bare},
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr[-3000:]

    server = live_server(database_url, content=content, site=work / "_site", env=bare)
    base = f"{server.url}/api/v1/clinics/{SLUG}"
    with urllib.request.urlopen(f"{base}/slots?type=konsultasjon", timeout=10) as answer:
        day = next(d for d in json.load(answer)["days"] if d["slots"])
    slot = day["slots"][0]
    body = json.dumps({"calendar": slot["calendar"], "type": "konsultasjon",
                       "start": slot["start"], "patient": {
                           "id_type": "fnr", "national_id": "12098510042",
                           "first_name": "Kari", "last_name": "Nordmann",
                           "phone": "+4791234567", "email": "kari@example.org"}}).encode()
    booked = urllib.request.Request(f"{base}/bookings", data=body, method="POST",
                                    headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(booked, timeout=10) as answer:
        assert answer.status == 201
    with pytest.raises(urllib.error.HTTPError) as staff:
        urllib.request.urlopen(f"{server.url}/staff/{SLUG}/login", timeout=10)
    staff.value.close()
    assert staff.value.code == 404
