"""The domain core stays pure: no I/O or framework imports, and no reading the clock.

Every module in `booking/` (including ones added later, such as identity.py
and phone.py) is parsed with `ast`; the scanner itself is tested on small
snippets so that a broken scanner cannot pass silently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOOKING = Path(__file__).resolve().parents[2] / "booking"

FORBIDDEN_IMPORTS = {
    "flask", "peewee", "jinja2", "yaml", "os", "pathlib", "socket", "subprocess", "requests",
}
#: `x.now()`, `x.utcnow()`, `x.today()` read the clock whatever `x` is
CLOCK_METHODS = {"now", "utcnow", "today"}
#: functions of the `time` module that read a clock
TIME_CLOCKS = {
    "time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns",
    "process_time", "process_time_ns", "thread_time", "thread_time_ns", "clock_gettime",
    "clock_gettime_ns",
}
#: `time` functions that read the clock only when called without an argument
TIME_CLOCKS_NO_ARGS = {"localtime", "gmtime", "ctime", "asctime", "strftime"}


def _root(name: str) -> str:
    return name.split(".")[0]


def violations(source: str) -> list[str]:
    """What in `source` breaks the purity rule, as 'line: what' strings."""
    tree = ast.parse(source)
    found = []
    time_aliases = set()   # names bound to the time module
    clock_names = set()    # bare names bound to a clock function
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _root(alias.name) in FORBIDDEN_IMPORTS:
                    found.append(f"{node.lineno}: import {alias.name}")
                if alias.name == "time":
                    time_aliases.add(alias.asname or "time")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _root(node.module) in FORBIDDEN_IMPORTS:
                found.append(f"{node.lineno}: from {node.module} import ...")
            if node.level == 0 and node.module == "time":
                for alias in node.names:
                    if alias.name in TIME_CLOCKS | TIME_CLOCKS_NO_ARGS:
                        clock_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in CLOCK_METHODS:
                    found.append(f"{node.lineno}: .{func.attr}() reads the clock")
                elif isinstance(func.value, ast.Name) and func.value.id in time_aliases | {"time"}:
                    if func.attr in TIME_CLOCKS or (
                        func.attr in TIME_CLOCKS_NO_ARGS and not node.args
                    ):
                        found.append(f"{node.lineno}: time.{func.attr}() reads the clock")
            elif isinstance(func, ast.Name):
                if func.id in clock_names and (func.id not in TIME_CLOCKS_NO_ARGS or not node.args):
                    found.append(f"{node.lineno}: {func.id}() reads the clock")
                if func.id == "__import__" and node.args:
                    arg = node.args[0]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and (
                        _root(arg.value) in FORBIDDEN_IMPORTS
                    ):
                        found.append(f"{node.lineno}: __import__({arg.value!r})")
    # importlib.import_module("os") and friends
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "import_module" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and _root(node.args[0].value) in FORBIDDEN_IMPORTS):
            found.append(f"{node.lineno}: import_module({node.args[0].value!r})")
    return found


def booking_modules() -> list[Path]:
    return sorted(BOOKING.rglob("*.py"))


def test_the_core_modules_are_found():
    names = {p.name for p in booking_modules()}
    assert {"__init__.py", "config.py", "model.py", "schedule.py", "slots.py",
            "restrictions.py", "report.py", "tree.py"} <= names


@pytest.mark.parametrize("path", booking_modules(), ids=lambda p: p.name)
def test_booking_module_is_pure(path: Path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    "import flask",
    "import peewee as pw",
    "from jinja2 import Environment",
    "from jinja2.sandbox import SandboxedEnvironment",
    "import yaml",
    "import os",
    "import os.path",
    "from os import environ",
    "from os.path import join",
    "import pathlib",
    "from pathlib import Path",
    "import socket",
    "import subprocess",
    "import requests",
    "import json, subprocess",
    "def f():\n    import os\n    return os.getcwd()",
    "__import__('os')",
    "import importlib\nimportlib.import_module('yaml')",
    "from datetime import datetime\nx = datetime.now()",
    "import datetime\nx = datetime.datetime.now(datetime.UTC)",
    "from datetime import datetime as dt\nx = dt.utcnow()",
    "from datetime import date\nx = date.today()",
    "import datetime\nx = datetime.date.today()",
    "import time\nx = time.time()",
    "import time\nx = time.monotonic()",
    "import time\nx = time.perf_counter_ns()",
    "import time as t\nx = t.time_ns()",
    "import time\nx = time.localtime()",
    "from time import monotonic\nx = monotonic()",
    "from time import time as clock\nx = clock()",
])
def test_scanner_catches(source: str):
    assert violations(source), f"the scanner missed: {source!r}"


@pytest.mark.parametrize("source", [
    "import holidays",
    "from datetime import date, datetime, timedelta",
    "from zoneinfo import ZoneInfo",
    "from .model import Clinic",
    "from booking.tree import Mapping",
    "import ossify",
    "from yamlish import x",
    "def f(now):\n    return now.date()",
    "import time\nx = time.localtime(0)",
    "def local_today(clinic, now):\n    return now.astimezone(clinic.tz).date()",
])
def test_scanner_allows(source: str):
    assert violations(source) == []
