"""Queueing notifications in the booking's own transaction (filled in by the outbox work)."""

from __future__ import annotations

from datetime import datetime

from booking import Clinic
from endpoint.db import Booking


def enqueue_booked(clinic: Clinic, booking: Booking, now: datetime) -> None:
    """Queue the confirmation, reminder and dialog messages of a new booking."""


def enqueue_cancelled(clinic: Clinic, booking: Booking, now: datetime) -> None:
    """Queue the cancellation messages of a cancelled booking."""
