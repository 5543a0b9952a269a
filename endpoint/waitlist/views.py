"""Holds and wait-list entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking import Clinic
from booking.restrictions import zone
from endpoint.storage.db import Hold, WaitlistEntry, from_db
from endpoint.waitlist.entries import status


def hold_json(clinic: Clinic, hold: Hold) -> dict[str, Any]:
    """A hold as the API shows it: where, when, and until when."""
    tz = zone(clinic.timezone)
    return {"id": hold.public_id, "calendar": hold.calendar, "type": hold.type,
            "start": from_db(hold.start).astimezone(tz).isoformat(),
            "end": from_db(hold.end).astimezone(tz).isoformat(),
            "expires_at": from_db(hold.expires_at).astimezone(tz).isoformat()}


def entry_json(clinic: Clinic, entry: WaitlistEntry, now: datetime) -> dict[str, Any]:
    """A wait-list entry as the API shows it: what it waits for, never who."""
    return {"id": entry.public_id, "status": status(clinic, entry, now), "type": entry.type,
            "calendar": entry.calendar or None, "from": entry.first_day.isoformat(),
            "to": entry.last_day.isoformat()}
