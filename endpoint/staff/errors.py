"""The staff pages' errors: a status, a Norwegian sentence and extra headers, rendered as
the staff error page by the blueprint (`endpoint.staff.routes`)."""

from __future__ import annotations

from common.words import staff as words


class StaffError(Exception):
    """An error page for staff: status, a Norwegian sentence, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def not_found() -> StaffError:
    return StaffError(404, words.NOT_FOUND)


def forbidden(message: str) -> StaffError:
    return StaffError(403, message)


__all__ = ["StaffError", "forbidden", "not_found"]
