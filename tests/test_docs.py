"""The README documents every content key, command, route and setting (and its links work)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.config import CONTENT_KEYS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _documented_anywhere() -> str:
    """The README plus the docs it links to."""
    texts = [README]
    for link in re.findall(r"\]\((docs/[^)#]+)\)", README):
        path = ROOT / link
        if path.exists():
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


#: where in the README each section of the content format is documented
SECTION_HEADINGS = {
    "clinic": "### The clinic",
    "tracking": "### `tracking`",
    "online": "### `online` (restrictions)",
    "calendars": "### `calendars`",
    "week blocks": "### `calendars`",
    "exceptions": "### `calendars`",
    "appointment_types": "### `appointment_types`",
    "booking_links": "### `booking_links`",
    "sync": "### `sync` (calendar sync)",
    "calendars.sync": "### `sync` (calendar sync)",
    "calendars.sync.busy": "### `sync` (calendar sync)",
    "calendars.sync.push": "### `sync` (calendar sync)",
    "patient_login": "### `patient_login`",
}


def _section(heading: str) -> str:
    """The README text under a heading, up to the next heading."""
    start = README.index(heading + "\n")
    following = re.search(r"^#{2,3} ", README[start + len(heading):], re.M)
    end = start + len(heading) + following.start() if following else len(README)
    return README[start:end]


def test_every_section_has_its_heading():
    assert set(SECTION_HEADINGS) == set(CONTENT_KEYS)
    for heading in SECTION_HEADINGS.values():
        assert heading + "\n" in README, heading


@pytest.mark.parametrize("section,key", sorted(
    (section, key) for section, keys in CONTENT_KEYS.items() for key in keys))
def test_every_content_key_is_documented_in_its_section(section, key):
    text = _section(SECTION_HEADINGS[section])
    assert f"`{key}`" in text, (
        f"content key {section}.{key} is not documented under "
        f"'{SECTION_HEADINGS[section]}' in README.md")


def _subcommands(parser) -> list[str]:
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return sorted(action.choices)
    return []


@pytest.mark.parametrize("program", ["sitegen", "endpoint"])
def test_every_command_is_in_the_readme(program):
    module = __import__(f"{program}.cli", fromlist=["parser"])
    commands = _subcommands(module.parser())
    assert commands
    for command in commands:
        assert f"`{program} {command}" in README, f"`{program} {command}` is not in README.md"


def _normalise(route: str) -> str:
    return re.sub(r"<[^>]+>", "<>", route)


def test_every_route_is_documented(make_app):
    app = make_app()
    docs = _normalise(_documented_anywhere())
    routes = {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert "/api/v1/clinics/<slug>/slots" in routes
    for route in sorted(routes):
        assert _normalise(route) in docs, f"route {route} is not documented"


def test_every_setting_is_in_the_readme():
    source = (ROOT / "endpoint" / "settings.py").read_text()
    names = set(re.findall(r"LEDIG_[A-Z_]+", source))
    assert "LEDIG_DATABASE_URL" in names
    for name in sorted(names):
        assert f"`{name}`" in README, f"setting {name} is not in README.md"


def test_readme_links_resolve():
    for link in re.findall(r"\]\(((?!https?:)[^)#]+)\)", README):
        assert (ROOT / link).exists(), f"README links to {link}, which does not exist"


def test_quick_start_is_the_two_commands():
    assert "make demo" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M), ".ci/run must run the README's test command"


def test_the_code_and_docs_point_to_the_projects_own_docs():
    """The project's docs are the contract: nothing refers to the specification the project
    started from (a file outside the repository) by its section numbers."""
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".js", ".html", ".css", ".toml"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{name}: {m}" for m in re.findall("SPEC" + r" §\d+|shared/" + "SPEC", text)]
    assert found == []
