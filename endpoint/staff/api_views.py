"""How the staff API shows things (docs/staff.md): bookings with the patient's name and phone
for the clinic's own staff, blocks, the day, log entries, patients, conflicts.

Never the national id: a patient shows at most its masked form (`151086 *****`).
Times are ISO 8601 in the clinic's time zone, with the offset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from booking import Clinic
from booking.model import Block
from booking.restrictions import zone
from endpoint.services.access import Access
from endpoint.services.audit import Entry
from endpoint.services.days import CalendarDay
from endpoint.services.patients import PatientMatch, mask_national_id
from endpoint.storage.db import Booking, StaffBlock, from_db


def _iso(clinic: Clinic, value: datetime) -> str:
    return from_db(value).astimezone(zone(clinic.timezone)).isoformat()


def staff_booking_json(clinic: Clinic, b: Booking) -> dict[str, Any]:
    """A booking as staff see it."""
    return {
        "id": b.public_id, "calendar": b.calendar, "type": b.type,
        "start": _iso(clinic, b.start), "end": _iso(clinic, b.end), "status": b.status,
        "self_booked": bool(b.self_booked), "attendance": b.attendance or None,
        "outside_schedule": bool(b.outside_schedule), "note": b.note,
        "booked_by": b.booked_by.removeprefix("staff:") or None,
        "patient": {"first_name": b.first_name, "last_name": b.last_name, "phone": b.phone,
                    "email": b.email, "masked_id": mask_national_id(b.national_id)},
    }


def block_json(clinic: Clinic, b: StaffBlock) -> dict[str, Any]:
    return {"id": b.public_id, "calendar": b.calendar, "start": _iso(clinic, b.start),
            "end": _iso(clinic, b.end), "reason": b.reason,
            "created_by": b.created_by.removeprefix("staff:") or None}


def _block_times(clinic: Clinic, day: date, block: Block) -> tuple[str, str]:
    tz = zone(clinic.timezone)
    return (datetime.combine(day, block.start, tz).isoformat(),
            datetime.combine(day, block.end, tz).isoformat())


def day_json(clinic: Clinic, day: date, calendars: list[CalendarDay]) -> dict[str, Any]:
    """`GET …/day`: per calendar its schedule's blocks, bookings, staff blocks and what is
    busy (bookings, staff blocks, imported busy times and holds: what hides a slot)."""
    out = []
    for c in calendars:
        busy = [{"start": _iso(clinic, b.start), "end": _iso(clinic, b.end),
                 "source": "booking"} for b in c.bookings if b.status == "active"]
        busy += [{"start": _iso(clinic, s.start), "end": _iso(clinic, s.end),
                  "source": "staff_block"} for s in c.staff_blocks]
        # imported busy times (docs/sync.md): the source's name (its `name`, or its host)
        busy += [{"start": t.start.astimezone(zone(clinic.timezone)).isoformat(),
                  "end": t.end.astimezone(zone(clinic.timezone)).isoformat(),
                  "source": t.source} for t in c.busy]
        # a time a patient holds while filling in the form (docs/patients.md): no name yet
        busy += [{"start": h.start.astimezone(zone(clinic.timezone)).isoformat(),
                  "end": h.end.astimezone(zone(clinic.timezone)).isoformat(),
                  "source": "hold",
                  "until": h.expires_at.astimezone(zone(clinic.timezone)).isoformat()}
                 for h in c.holds]
        busy.sort(key=lambda item: (item["start"], item["end"]))
        out.append({
            "id": c.calendar.id, "name": c.calendar.name, "online": c.calendar.online,
            "closed": c.closed,
            "blocks": [dict(zip(("start", "end"), _block_times(clinic, day, b), strict=True),
                            online=b.online and c.calendar.online, smart=b.smart,
                            types=list(b.types)) for b in c.blocks],
            "bookings": [{**staff_booking_json(clinic, b),
                          "conflict": c.conflicts.get(b.public_id)} for b in c.bookings],
            "staff_blocks": [block_json(clinic, s) for s in c.staff_blocks],
            "busy": busy,
        })
    return {"clinic": clinic.slug, "date": day.isoformat(), "timezone": clinic.timezone,
            "calendars": out}


def log_json(clinic: Clinic, entries: list[Entry]) -> dict[str, Any]:
    tz = zone(clinic.timezone)
    return {"entries": [{"at": e.at.astimezone(tz).isoformat(), "actor": e.actor,
                         "action": e.action, "details": e.details} for e in entries]}


def patients_json(found: list[PatientMatch]) -> dict[str, Any]:
    return {"patients": [{"key": p.key, "first_name": p.first_name, "last_name": p.last_name,
                          "phone": p.phone, "email": p.email, "masked_id": p.masked_id,
                          "bookings": p.bookings, "no_shows": p.no_shows} for p in found]}


def access_json(found: list[Access]) -> dict[str, Any]:
    return {"entries": [{"at": a.at.isoformat(), "actor": a.actor, "action": a.action,
                         "booking": a.booking or None} for a in found]}


def conflicts_json(clinic: Clinic, found: list[tuple[Booking, str]],
                   words: dict[str, str]) -> dict[str, Any]:
    return {"conflicts": [{"booking": staff_booking_json(clinic, b), "reason": reason,
                           "message": words.get(reason, reason)} for b, reason in found]}
