"""Reading values out of a parsed clinic file while collecting every problem.

`Checker` converts and checks one value at a time — text, flags, numbers,
times, dates, ids, mappings with their allowed keys — and records a
`ConfigIssue` (file, line, key, how to fix it) instead of stopping at the
first. `booking.config` walks a clinic file with it.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from typing import Literal, TypeVar, overload

from booking.errors import ConfigIssue
from booking.tree import Mapping, Sequence

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

#: what a value falls back to when it is missing or wrong (often None)
D = TypeVar("D")


class Checker:
    """Collects issues for one file while values are converted."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ConfigIssue] = []

    def error(self, line: int, key: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, key, message))

    def warn(self, line: int, key: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, key, message, warning=True))

    # -- shapes -------------------------------------------------------------

    def mapping(self, value: object, key: str, line: int, allowed: set[str]) -> Mapping:
        if value is None:
            return Mapping(line=line)
        if not isinstance(value, dict):
            self.error(line, key, f"must be a mapping of keys ({', '.join(sorted(allowed))}).")
            return Mapping(line=line)
        if not isinstance(value, Mapping):
            value = Mapping(value, line=line)
        for k in value:
            if k not in allowed:
                hint = closest(str(k), allowed)
                more = f" Did you mean '{hint}'?" if hint else ""
                self.error(
                    value.line_of(k), join(key, k),
                    f"unknown key.{more} Allowed here: {', '.join(sorted(allowed))}.",
                )
        return value

    def sequence(self, value: object, key: str, line: int) -> Sequence:
        if value is None:
            return Sequence(line=line)
        if not isinstance(value, list):
            self.error(line, key, "must be a list (items starting with '- ').")
            return Sequence(line=line)
        if not isinstance(value, Sequence):
            value = Sequence(value, line=line)
        return value

    # -- scalars ------------------------------------------------------------

    @overload
    def text(self, m: Mapping, k: str, key: str, *, required: bool = False) -> str | None: ...

    @overload
    def text(self, m: Mapping, k: str, key: str, *, required: bool = False,
             default: D) -> str | D: ...

    def text(self, m: Mapping, k: str, key: str, *, required: bool = False,
             default: object = None) -> object:
        v = m.get(k)
        if v is None:
            if required:
                self.error(m.line, join(key, k), "is required: add it.")
            return default
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            self.error(m.line_of(k), join(key, k), "must be text.")
            return default
        v = str(v).strip()
        if required and not v:
            self.error(m.line_of(k), join(key, k), "must not be empty.")
        return v

    def flag(self, m: Mapping, k: str, key: str, default: bool) -> bool:
        v = m.get(k)
        if v is None:
            return default
        if not isinstance(v, bool):
            self.error(m.line_of(k), join(key, k), "must be true or false.")
            return default
        return v

    @overload
    def number(self, m: Mapping, k: str, key: str, *, default: D, minimum: float = 0,
               maximum: float | None = None, integer: Literal[True] = True) -> int | D: ...

    @overload
    def number(self, m: Mapping, k: str, key: str, *, default: D, minimum: float = 0,
               maximum: float | None = None, integer: Literal[False]) -> float | D: ...

    def number(self, m: Mapping, k: str, key: str, *, default: object, minimum: float = 0,
               maximum: float | None = None, integer: bool = True) -> object:
        v = m.get(k)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, int | float) or (
                integer and not isinstance(v, int)):
            kind = "a whole number" if integer else "a number"
            self.error(m.line_of(k), join(key, k), f"must be {kind}, like {default or 1}.")
            return default
        if v < minimum or (maximum is not None and v > maximum):
            rng = (f"between {minimum} and {maximum}" if maximum is not None
                   else f"at least {minimum}")
            self.error(m.line_of(k), join(key, k), f"must be {rng} (it is {v}).")
            return default
        return v

    def clock(self, m: Mapping, k: str, key: str) -> time | None:
        if k not in m or m[k] is None:
            self.error(m.line, join(key, k), 'is required: a time like "08:00".')
            return None
        v = m[k]
        if isinstance(v, str) and (match := TIME_RE.match(v.strip())):
            return time(int(match[1]), int(match[2]))
        self.error(m.line_of(k), join(key, k), f'must be a time like "08:00" (got {v!r}).')
        return None

    def day(self, m: Mapping, k: str, key: str) -> date | None:
        v = m.get(k)
        if isinstance(v, date) and not isinstance(v, datetime):
            return v
        if isinstance(v, str):
            try:
                return date.fromisoformat(v.strip())
            except ValueError:
                pass
        self.error(m.line_of(k), join(key, k), f"must be a date like 2026-12-24 (got {v!r}).")
        return None

    def ident(self, m: Mapping, key: str, seen: dict[str, int]) -> str | None:
        v = self.text(m, "id", key, required=True)
        if v is None:
            return None
        if not ID_RE.match(v):
            self.error(
                m.line_of("id"), join(key, "id"),
                f"'{v}' must use lower-case letters, digits, '-' and '_' (it appears in URLs).",
            )
        if v in seen:
            self.error(
                m.line_of("id"), join(key, "id"),
                f"'{v}' is used twice (first on line {seen[v]}); ids must be unique.",
            )
        else:
            seen[v] = m.line_of("id")
        return v


def join(prefix: str, k: object) -> str:
    return f"{prefix}.{k}" if prefix else str(k)


def closest(word: str, choices: set[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return found[0] if found else None
