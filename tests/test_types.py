"""Types are checked: mypy is strict on the core and at its default level on the shells.

`test_mypy_is_clean` runs mypy as configured in pyproject.toml (`[tool.mypy]`:
its `files` say which packages are checked) and fails with mypy's report.
`booking/` is strict through an override that names the flags of `--strict`
one by one; `test_the_core_override_is_strict` keeps that list complete for the
installed mypy.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from mypy import api as mypy_api
from mypy.main import process_options
from mypy.options import PER_MODULE_OPTIONS

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_is_clean(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)  # `files` and the cache are relative to the project
    stdout, stderr, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, f"mypy found problems:\n{stdout}{stderr}"


def test_the_core_and_the_shells_are_checked():
    assert {"booking", "common", "sitegen", "endpoint"} <= set(CONFIG["files"])


def _strict_flags() -> dict[str, object]:
    """The per-module options that `--strict` changes, with the values it gives them."""
    _, plain = process_options(["--config-file", "", "x.py"])
    _, strict = process_options(["--strict", "--config-file", "", "x.py"])
    before, after = plain.snapshot(), strict.snapshot()
    return {k: after[k] for k in PER_MODULE_OPTIONS & after.keys() if after[k] != before[k]}


def test_the_core_override_is_strict():
    flags = _strict_flags()
    assert {"disallow_untyped_defs", "warn_return_any"} <= flags.keys()  # the probe works
    override = next(o for o in CONFIG["overrides"] if "booking" in o["module"])
    assert {"booking", "booking.*"} <= set(override["module"])
    missing = {k: v for k, v in flags.items() if override.get(k) != v}
    assert not missing, f"add to booking's [[tool.mypy.overrides]] in pyproject.toml: {missing}"
