"""Reading values out of a parsed clinic file while collecting every problem.

`Checker` converts and checks one value at a time — text, flags, numbers,
times, dates, ids, mappings with their allowed keys — and records a
`ConfigIssue` (file, line, key, how to fix it) instead of stopping at the
first. `booking.config` walks a clinic file with it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import date, datetime, time
from typing import Literal, TypeVar, overload

from booking.errors import ConfigIssue
from booking.tree import Mapping, Sequence

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: an unquoted number YAML 1.1 reads as octal: 012 is 10
OCTAL_RE = re.compile(r"^[-+]?0[0-7_]+$")

#: what a value falls back to when it is missing or wrong (often None)
D = TypeVar("D")


class Checker:
    """Collects issues for one file while values are converted."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ConfigIssue] = []
        #: each word YAML misread -> (index of its one issue, the other lines it is on)
        self._misread: dict[str, tuple[int, list[int]]] = {}

    def error(self, line: int, key: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, key, message))

    def warn(self, line: int, key: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.file, line, key, message, warning=True))

    def misread(self, line: int, key: str, written: str, value: object) -> None:
        """One error per word YAML 1.1 read as something else; its other places join it.

        The caller goes on with the text as written, so that an id misread as false
        causes no second error where a block or link names it.
        """
        if written in self._misread:
            index, lines = self._misread[written]
            if line not in lines and line != self.issues[index].line:
                lines.append(line)
                first = self.issues[index]
                self.issues[index] = replace(first, message=_misread_message(
                    written, value, lines))
            return
        self._misread[written] = (len(self.issues), [])
        self.error(line, key, _misread_message(written, value, []))

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
        written = m.raw.get(k) if isinstance(m, Mapping) else None
        if written is not None and not isinstance(v, str):
            if isinstance(v, bool) or str(v) != written:
                self.misread(m.line_of(k), join(key, k), written, v)
            v = written
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
        written = m.raw.get(k, "") if isinstance(m, Mapping) else ""
        if OCTAL_RE.match(written):
            self.error(m.line_of(k), join(key, k),
                       f"YAML 1.1 reads {written} with its leading 0 as an octal number, {v}; "
                       f"write it without the leading zero ({written.lstrip('+-0_') or 0}).")
        if v < minimum or (maximum is not None and v > maximum):
            rng = (f"between {minimum} and {maximum}" if maximum is not None
                   else f"at least {minimum}")
            self.error(m.line_of(k), join(key, k), f"must be {rng} (it is {v}).")
            return default
        return v

    def item_text(self, seq: Sequence, j: int, key: str) -> object:
        """A list item, as the text the file wrote when YAML 1.1 read it as something else."""
        v = seq[j]
        written = seq.raw.get(j) if isinstance(seq, Sequence) else None
        if written is None or isinstance(v, str):
            return v
        if isinstance(v, bool) or str(v) != written:
            self.misread(seq.line_of(j), key, written, v)
        return written

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


def _misread_message(written: str, value: object, elsewhere: list[int]) -> str:
    if isinstance(value, bool):
        made = f"the boolean {str(value).lower()} (yes, no, on and off are booleans to it)"
    elif isinstance(value, datetime):
        made = f"a date and time ({value.isoformat(sep=' ')})"
    elif isinstance(value, date):
        made = f"the date {value.isoformat()}"
    elif isinstance(value, int | float):
        made = f"the number {value}"
    else:
        made = f"a {type(value).__name__}"
    more = ""
    if elsewhere:
        where = ", ".join(str(n) for n in elsewhere)
        lines = "lines" if len(elsewhere) > 1 else "line"
        more = f" It is unquoted on {lines} {where} too: quote it there as well."
    return (f"YAML 1.1 reads the unquoted {written} as {made}, not as the text; "
            f'put it in quotes: "{written}".{more}')


def join(prefix: str, k: object) -> str:
    return f"{prefix}.{k}" if prefix else str(k)


def closest(word: str, choices: set[str]) -> str | None:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return found[0] if found else None
