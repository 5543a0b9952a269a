"""The clinic's waiting list (SPEC §11): a placeholder until §11 is built.

`GET /api/v1/staff/<slug>/waitlist` exists so that the staff API is complete
and its clients can be written now; until patients can sign up (SPEC §11:
`POST /api/v1/clinics/<slug>/waitlist`, with its own table), nobody is waiting
and the list is empty.
"""

from __future__ import annotations

from datetime import datetime

from booking import Clinic


def offer_freed(clinic: Clinic, calendar: str, start: datetime, end: datetime,
                now: datetime) -> int:
    """Inside the transaction that freed a time: offer it to the wait list (not yet)."""
    return 0


def waiting(clinic: Clinic) -> list[dict[str, object]]:
    """The clinic's waiting patients, in sign-up order: none yet (SPEC §11 is not built)."""
    return []


__all__ = ["waiting"]
