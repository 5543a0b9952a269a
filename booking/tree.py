"""Parsed content that remembers where each value came from.

A reader (the YAML one lives in `sitegen.content`) builds these from a file;
`booking.config` walks them and can then name the line of every error.
"""

from __future__ import annotations


class Mapping(dict):
    """A mapping with the line of the mapping and of each key (1-based)."""

    def __init__(self, items=(), *, line: int = 0, key_lines: dict | None = None):
        super().__init__(items)
        self.line = line
        self.key_lines = key_lines or {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    """A list with the line of the list and of each item (1-based)."""

    def __init__(self, items=(), *, line: int = 0, item_lines: list | None = None):
        super().__init__(items)
        self.line = line
        self.item_lines = item_lines or []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line
