"""Claiming a wait-list offer (docs/patients.md): booking a freed time for the entry's patient.

The claim is a booking like any other (`services.bookings.create_booking`: every
online rule, `max_self_booked` included, re-checked under the calendar's and the
patient's locks), made with the entry's stored patient, and under the entry's own
lock as well: inside the booking's transaction the entry must still be waiting,
and it is marked booked there, so two claims of one entry book once.
"""

from __future__ import annotations

from datetime import datetime

from booking import Clinic
from booking.restrictions import zone
from endpoint.problems import Problem, validation
from endpoint.services.bookings import BookingRequest, Patient, create_booking
from endpoint.services.work import Hooks
from endpoint.storage.db import Booking, WaitlistEntry, to_db
from endpoint.waitlist import entries as waitlist


def _ended() -> Problem:
    return Problem("waitlist_ended", "This wait-list entry is no longer waiting: it was "
                   "booked, cancelled or has passed its dates.")


def claim(clinic: Clinic, public_id: str, token: str, calendar: str, start: datetime,
          now: datetime, secret_key: str, *, hooks: Hooks) -> tuple[Booking, str]:
    """Book `start` in `calendar` for the entry's patient; the booking and its cancel token."""
    entry = waitlist.find_entry(clinic, public_id, token)
    if waitlist.status(clinic, entry, now) != waitlist.WAITING:
        raise _ended()
    day = start.astimezone(zone(clinic.timezone)).date()
    if (entry.calendar and entry.calendar != calendar) \
            or not entry.first_day <= day <= entry.last_day:
        raise validation([("start", "waitlist_outside")], clinic.language)
    patient = Patient(entry.id_type, entry.national_id, entry.first_name, entry.last_name,
                      entry.phone, entry.email)

    def still_waiting(booking: Booking) -> None:
        """Inside the booking's transaction, under the entry's lock."""
        updated = (WaitlistEntry.update(status=waitlist.BOOKED, booking=booking.public_id,
                                        ended_at=to_db(now))
                   .where((WaitlistEntry.id == entry.id)
                          & (WaitlistEntry.status == waitlist.WAITING))
                   .execute())
        if not updated:
            raise _ended()

    request = BookingRequest(calendar, entry.type, start, patient)
    return create_booking(clinic, request, now, secret_key, hooks=hooks, via="waitlist",
                          extra_locks=[waitlist.entry_lock(clinic, entry)],
                          inside=still_waiting)


__all__ = ["claim"]
