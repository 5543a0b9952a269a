"""Errors of the domain core: one small hierarchy, each with a stable code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in a clinic file: where it is and how to fix it."""

    file: str
    line: int
    key: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {self.key}: {kind}{self.message}"


class LedigError(Exception):
    """Base of the core's errors; never raised itself."""

    code = "error"
    message = "Something went wrong."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message


class ConfigError(LedigError):
    """A clinic's configuration does not validate; carries every issue found."""

    code = "config"
    message = "The configuration is not valid."

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues) or self.message)
