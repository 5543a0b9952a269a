"""One state (docs/architecture.md#rules-the-suite-keeps): no module of `endpoint/` keeps
mutable state of its own beside the database proxy.

The test reads every module's source for the names it binds at its top level (assignments,
also inside a top-level `if` or `try`; not imports, functions or classes), imports the
module, and looks at each value. A value is frozen when nothing can change it in place:
numbers, strings, bytes, None, enums, compiled patterns, dates and durations, paths; tuples,
frozensets and `MappingProxyType`s of frozen values; frozen dataclasses of frozen values;
type aliases; objects with no attributes of their own (a `SystemClock`). Anything else must
be allowed (`ALLOWED_KINDS`, `ALLOWED_OBJECTS`: a few kinds of object and one object, each
with its reason). Memoised pure functions (`functools.cache`) are functions, not state.

What the open database holds is its own: a database opened after another starts with
no schema flag and no keys of the other's (broken once each: an `OpenState` that takes
the previous one's flag, or its keyring, fails the two tests at the end).
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import enum
import importlib
import inspect
import logging
import operator
import pkgutil
import re
import types
import typing
from pathlib import PurePath

import pytest
from flask import Blueprint
from jinja2 import Environment

import endpoint

#: kinds of object a module may bind at import, and why
ALLOWED_KINDS: dict[type, str] = {
    logging.Logger: "logging's own registry hands out one logger per name",
    Blueprint: "Flask's way of declaring routes at import; the app copies them when it "
               "registers the blueprint",
    Environment: "the staff pages' templates: the package's own files, compiled on first use, "
                 "the same for every app",
}

#: the one object a module may hold that changes while the endpoint runs
ALLOWED_OBJECTS: dict[str, str] = {
    "endpoint.storage.db.db": "Peewee's database proxy: the models' one way to the open "
                              "database, which holds its own state (`storage.db.OpenState`)",
}

_SCALARS = (type(None), bool, int, float, complex, str, bytes, range, enum.Enum, re.Pattern,
            datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo, PurePath,
            operator.attrgetter, operator.itemgetter, operator.methodcaller)
_ALIASES = (types.GenericAlias, types.UnionType, typing.TypeVar)


def frozen(value: object) -> bool:
    """Whether nothing can change `value` in place (see the module's docstring)."""
    if isinstance(value, _SCALARS) or isinstance(value, _ALIASES):
        return True
    if isinstance(value, tuple(ALLOWED_KINDS)):  # inside a frozen value too: a feature's
        return True  # blueprints (docs/features.md)
    if type(value).__module__ == "typing":  # Callable[...], Optional[...], Literal[...]
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(frozen(item) for item in value)
    if isinstance(value, types.MappingProxyType):
        return all(frozen(k) and frozen(v) for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value.__dataclass_params__.frozen and all(  # type: ignore[attr-defined]
            frozen(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        return True  # a function or class bound under a second name
    slots = getattr(type(value), "__slots__", None)
    return slots is None and hasattr(value, "__dict__") and not vars(value)


def top_level_names(source: str) -> list[str]:
    """The names a module's source binds at its top level by assignment."""
    names: list[str] = []

    def walk(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                for block in ("body", "orelse", "finalbody"):
                    walk(getattr(node, block, []))
                for handler in getattr(node, "handlers", []):
                    walk(handler.body)
                continue
            else:
                continue
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names.append(name.id)

    walk(ast.parse(source).body)
    return names


def endpoint_modules() -> list[types.ModuleType]:
    found = [endpoint]
    for info in pkgutil.walk_packages(endpoint.__path__, "endpoint."):
        if info.name != "endpoint.__main__":  # running it is the command itself
            found.append(importlib.import_module(info.name))
    return found


def mutable_globals() -> dict[str, str]:
    """Every top-level name of `endpoint/` bound to something that is not frozen nor
    allowed, with its type."""
    out = {}
    for module in endpoint_modules():
        for name in top_level_names(inspect.getsource(module)):
            if name.startswith("__") or not hasattr(module, name):
                continue  # __all__ and friends; a name bound only on another branch
            value = getattr(module, name)
            qualified = f"{module.__name__}.{name}"
            if frozen(value) or isinstance(value, tuple(ALLOWED_KINDS)) \
                    or qualified in ALLOWED_OBJECTS:
                continue
            out[qualified] = type(value).__qualname__
    return out


def test_no_module_of_the_endpoint_holds_mutable_state_beside_the_database_proxy():
    assert mutable_globals() == {}


def test_the_walk_sees_every_module_and_the_allowed_proxy():
    # the test above passes vacuously if the walk finds nothing: it must see the proxy
    names = {module.__name__ for module in endpoint_modules()}
    assert {"endpoint.app", "endpoint.storage.crypto", "endpoint.storage.sync",
            "endpoint.patient.oidc", "endpoint.api.openapi"} <= names
    from endpoint.storage import db
    assert "db" in top_level_names(inspect.getsource(db))


def test_frozen_tells_constants_from_state():
    assert frozen(types.MappingProxyType({"a": (1, "b", frozenset({2}))}))
    assert not frozen(types.MappingProxyType({"a": [1]}))  # a list inside can change
    assert not frozen({"a": 1})
    assert not frozen([1])
    assert not frozen((1, {}))
    assert not frozen(object.__new__(type("Cache", (), {"__slots__": ("hits",)})))


# -- what the open database holds is its own (storage.db.OpenState) ------------------------

def test_a_database_opened_after_another_migrates_its_own_schema(tmp_path):
    from support import TEST_DATA_KEY

    from endpoint.storage.crypto import Keyring
    from endpoint.storage.db import db, open_database
    from endpoint.storage.migrations import ensure_schema, open_and_migrate

    keyring = Keyring.from_text(TEST_DATA_KEY)
    open_and_migrate(f"sqlite:///{tmp_path}/first.sqlite3", keyring)
    open_database(f"sqlite:///{tmp_path}/second.sqlite3", keyring)  # opened, not migrated
    ensure_schema()  # as the first request does: the first database's flag is not this one's
    with db.connection_context():
        assert "booking" in db.get_tables()


def test_a_database_opened_without_keys_seals_with_none_left_by_another(tmp_path):
    from support import TEST_DATA_KEY

    from endpoint.storage.crypto import DataKeyError, Keyring
    from endpoint.storage.db import Booking, open_database
    from endpoint.storage.migrations import open_and_migrate

    open_and_migrate(f"sqlite:///{tmp_path}/first.sqlite3", Keyring.from_text(TEST_DATA_KEY))
    assert Booking.first_name.db_value("Kari").startswith("ld1.")
    open_database(f"sqlite:///{tmp_path}/second.sqlite3")
    with pytest.raises(DataKeyError):
        Booking.first_name.db_value("Kari")
