"""How the API shows stored things: a booking as JSON, never the patient's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking import Clinic, check_cancellation
from booking.restrictions import zone
from endpoint.services.waitlist import status
from endpoint.storage.db import Booking, Hold, WaitlistEntry, from_db


def booking_json(clinic: Clinic, booking: Booking,
                 now: datetime | None = None) -> dict[str, Any]:
    """A booking as the API shows it; never the national id or the patient's data."""
    tz = zone(clinic.timezone)
    cal, kind = clinic.calendar(booking.calendar), clinic.type(booking.type)
    start = from_db(booking.start).astimezone(tz)
    out: dict[str, Any] = {
        "id": booking.public_id,
        "calendar": booking.calendar,
        "type": booking.type,
        "start": start.isoformat(),
        "end": from_db(booking.end).astimezone(tz).isoformat(),
        "status": booking.status,
        "calendar_name": cal.name if cal else booking.calendar,
        "type_name": kind.name if kind else booking.type,
        "address": (kind.address if kind and kind.address else clinic.address),
    }
    if now is not None:
        out["cancellable"] = (booking.status == "active"
                              and check_cancellation(clinic, booking.type, start, now) is None)
        # docs/patients.md: the patient may move it (the type allows it, and it could be cancelled)
        out["can_move"] = (out["cancellable"] and kind is not None and kind.online
                           and kind.rules.allow_move)
    return out


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
