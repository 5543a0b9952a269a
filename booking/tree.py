"""Parsed content that remembers where each value came from.

A reader (the YAML one lives in `sitegen.content`) builds these from a file;
`booking.config` walks them and can then name the line of every error.
Values are `object`: what a file holds is only known once it is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping as AnyMapping


class Mapping(dict[str, object]):
    """A mapping with the line of the mapping and of each key (1-based).

    `raw` holds, for a value the file wrote as a plain (unquoted) word that YAML 1.1
    read as something else (`no` as false, `012` as 10, `2026-12-01` as a date),
    the text as written, so that a check can say what YAML made of it.
    """

    def __init__(
        self,
        items: AnyMapping[str, object] | Iterable[tuple[str, object]] = (),
        *,
        line: int = 0,
        key_lines: dict[str, int] | None = None,
        raw: dict[str, str] | None = None,
    ) -> None:
        super().__init__(items)
        self.line = line
        self.key_lines = key_lines or {}
        self.raw = raw or {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list[object]):
    """A list with the line of the list and of each item (1-based); `raw` as in `Mapping`."""

    def __init__(
        self, items: Iterable[object] = (), *, line: int = 0, item_lines: list[int] | None = None,
        raw: dict[int, str] | None = None,
    ) -> None:
        super().__init__(items)
        self.line = line
        self.item_lines = item_lines or []
        self.raw = raw or {}

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line
