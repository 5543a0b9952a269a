"""What the timebok's pages read beside the bookings: staff blocks, imported busy times,
conflicts and the waiting list, in the shapes the view models take.

Staff blocks and conflicts come from the staff services; imported busy times
(SPEC §12) and the waiting list (§11) are empty until those exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from booking import Clinic
from endpoint.staff.calendar import Span


@dataclass(frozen=True)
class ConflictItem:
    """A booking that no longer fits, as the conflicts page lists it."""

    public_id: str
    day: date
    when: str  # "tirsdag 1. desember 2026 kl. 08:00–08:20"
    name: str
    phone: str
    calendar: str
    type_name: str
    reason: str  # in words


@dataclass(frozen=True)
class Waiting:
    """A patient on the waiting list (SPEC §11)."""

    name: str
    phone: str
    type_name: str
    calendar: str
    since: str


def day_extras(clinic: Clinic, day: date, now: datetime, days: int = 1
               ) -> tuple[list[Span], list[Span], dict[str, str]]:
    """The staff blocks and busy times of `days` days from `day`, and the conflicts among
    the clinic's bookings (booking id -> why, in words)."""
    return [], [], {}


def conflict_list(clinic: Clinic, now: datetime) -> list[ConflictItem]:
    return []


def waiting(clinic: Clinic, now: datetime) -> list[Waiting]:
    return []
