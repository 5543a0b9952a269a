"""Why a source could not be read: a stable code and a short reason without personal data."""

from __future__ import annotations


class SourceError(Exception):
    """A source failed; `code` is stable (`http_500`, `timeout`, `malformed`, …)."""

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}" if self.reason else self.code
