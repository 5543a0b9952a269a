"""How the API shows stored things: a booking as JSON, never the patient's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from booking import Clinic, check_cancellation
from booking.restrictions import zone
from endpoint.storage.db import Booking, from_db


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


