"""Staff booking on behalf of a patient, and changing a booking (docs/staff.md).

Staff are not bound by the online rules (switches, deadlines, days ahead, max
self-booked) and may book in staff-only blocks; a time outside every block of
the day needs `outside_schedule`. What holds for everyone: never two active
bookings, or a booking and a staff block, overlapping in one calendar. Each
write takes the calendar's lock (both calendars' for a move) through
`storage.db.write_transaction`, re-checks against `storage.queries.busy_between`
inside it, and on PostgreSQL the exclusion constraint is the last line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from booking import Clinic
from booking.fit import schedule_misfit
from booking.restrictions import zone
from endpoint.notify import compose
from endpoint.problems import Problem
from endpoint.services import audit
from endpoint.services.bookings import Patient, cancel_by_staff, freed, placement
from endpoint.services.keys import new_cancel_token, patient_key, token_hash
from endpoint.services.patients import index_booking
from endpoint.services.work import Hooks, Work
from endpoint.storage.db import Booking, from_db, to_db
from endpoint.storage.queries import busy_between, lookup

ATTENDANCE = ("arrived", "no_show")
#: a patient may be marked arrived this long before the appointment starts (in the
#: waiting room early); a no-show only from the start (docs/staff.md#a-booking)
ARRIVAL_EARLY = timedelta(minutes=15)


@dataclass(frozen=True)
class StaffBookingRequest:
    calendar: str
    type: str
    start: datetime
    patient: Patient
    note: str = ""
    #: where the patient is told: None for the type's `notify`, () for nowhere
    channels: tuple[str, ...] | None = None
    outside_schedule: bool = False


@dataclass(frozen=True)
class BookingChange:
    """What a PATCH changes; None leaves a field as it is."""

    start: datetime | None = None
    calendar: str | None = None
    type: str | None = None
    note: str | None = None
    attendance: str | None = None  # arrived | no_show | "" (cleared)
    channels: tuple[str, ...] | None = None
    outside_schedule: bool = False


def _end(start: datetime, minutes: int) -> datetime:
    return (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(start.tzinfo)


def _outside(clinic: Clinic, calendar: str, type_id: str, start: datetime, end: datetime,
             allowed: bool) -> bool:
    """Whether the time lies outside the schedule; 409 unless staff said it may."""
    cal = clinic.calendar(calendar)
    assert cal is not None  # the parser checked it
    if schedule_misfit(clinic, cal, type_id, start, end) is None:
        return False
    if not allowed:
        raise Problem("outside_schedule", "The time lies outside the calendar's blocks for "
                      "this type; send \"outside_schedule\": true to book it anyway.")
    return True


def _check_free(clinic: Clinic, calendar: str, start: datetime, end: datetime, now: datetime,
                exclude: int | None = None) -> None:
    """Inside the calendar's lock: 409 when a booking, a staff block or a patient's hold
    (docs/patients.md: minutes at most) is in the way."""
    tz = zone(clinic.timezone)
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    busy = busy_between(clinic, first, last, calendar, exclude, now=now).get(calendar)
    if busy is not None and busy.overlaps(start.timestamp(), end.timestamp()):
        raise Problem("slot_unavailable", "Another booking, a staff block or a patient's "
                      "hold (a few minutes at most) is in the way; pick another time.")


def create_by_staff(clinic: Clinic, req: StaffBookingRequest, actor: str, now: datetime,
                    secret_key: str, *, hooks: Hooks) -> Booking:
    """Book for a patient as staff (`actor`); the stored booking, `self_booked` false.

    The confirmation carries a cancel link of its own, so the patient may still
    cancel online under the clinic's deadline.
    """
    kind = clinic.type(req.type)
    assert kind is not None  # the parser checked it
    end = _end(req.start, kind.duration)
    outside = _outside(clinic, req.calendar, req.type, req.start, end, req.outside_schedule)
    p = req.patient
    token = new_cancel_token()
    booking = Booking(
        public_id=uuid.uuid4().hex, clinic=clinic.slug, calendar=req.calendar,
        type=req.type, start=to_db(req.start), end=to_db(end), status="active",
        self_booked=False, booked_by=actor, outside_schedule=outside,
        patient_key=patient_key(secret_key, p.national_id), id_type=p.id_type,
        national_id=p.national_id, first_name=p.first_name, last_name=p.last_name,
        phone=p.phone, email=p.email, note=req.note, cancel_token_hash=token_hash(token),
        config_version=clinic.version, created_at=to_db(now))
    messages = compose.booked_messages(clinic, booking, now, token, req.channels)
    work = Work(clinic, now, hooks)
    with work.write(calendars=[req.calendar]):
        _check_free(clinic, req.calendar, req.start, end, now)
        booking.save(force_insert=True)
        index_booking(booking, secret_key)
        compose.store(booking, messages)
        audit.record(booking, now, actor, audit.CREATED, via="staff",
                     outside_schedule=outside, notified=req.channels != (),
                     **placement(clinic, booking))
        work.changed(booking)
    return booking


def attendance_opens(start: datetime, attendance: str) -> datetime:
    """When `attendance` (arrived | no_show) may first be recorded for an appointment that
    starts at `start`: a no-show counts against the patient, so not before the time."""
    return start - ARRIVAL_EARLY if attendance == "arrived" else start


def _check_attendance_time(clinic: Clinic, start: datetime, attendance: str | None,
                           now: datetime) -> None:
    """409 `attendance_too_early` (with `from`, in the clinic's time) for arrived or no-show
    before its time; clearing it is always allowed."""
    if attendance and now < (opens := attendance_opens(start, attendance)):
        raise Problem("attendance_too_early", "Attendance can be recorded from the "
                      "appointment's start (arrived: up to 15 minutes before it), not before.",
                      extra={"from": opens.astimezone(zone(clinic.timezone)).isoformat()})


def find(clinic: Clinic, public_id: str) -> Booking:
    booking = lookup(clinic, public_id)
    if booking is None:
        raise Problem("not_found", "The clinic has no booking with that id.")
    return booking


def change_booking(clinic: Clinic, public_id: str, change: BookingChange, actor: str,
                   now: datetime, *, hooks: Hooks) -> Booking:
    """Move (start, calendar), retype, annotate or record attendance; the id stays.

    A move re-checks the target under both calendars' locks, raises the booking's
    SEQUENCE, tells the patient (unless `channels` is ()) and bumps both calendars'
    generations. Only an active booking can be moved or marked, and only from its start
    (arrived: `ARRIVAL_EARLY` before it); a note may be written on any.
    """
    booking = find(clinic, public_id)
    calendar = change.calendar if change.calendar is not None else booking.calendar
    type_id = change.type if change.type is not None else booking.type
    start = change.start if change.start is not None else from_db(booking.start)
    if change.type is not None and change.type != booking.type:
        kind = clinic.type(type_id)
        assert kind is not None  # the parser checked it
        end = _end(start, kind.duration)
    else:  # the booked length stays, whatever the type's duration says today
        end = start + (from_db(booking.end) - from_db(booking.start))
    moving = (calendar != booking.calendar or type_id != booking.type
              or start != from_db(booking.start))
    if (moving or change.attendance is not None) and booking.status != "active":
        raise Problem("booking_cancelled", "The booking is cancelled; book a new time instead.")
    _check_attendance_time(clinic, start, change.attendance, now)
    outside = (_outside(clinic, calendar, type_id, start, end, change.outside_schedule)
               if moving else booking.outside_schedule)
    work = Work(clinic, now, hooks)
    with work.write(calendars=[booking.calendar, calendar]):
        current = Booking.get_by_id(booking.id)
        if (moving or change.attendance is not None) and current.status != "active":
            raise Problem("booking_cancelled", "The booking was cancelled just now.")
        if moving:
            _check_free(clinic, calendar, start, end, now, exclude=current.id)
        fields: dict[str, object] = {}
        if moving:
            fields.update(calendar=calendar, type=type_id, start=to_db(start),
                          end=to_db(end), outside_schedule=outside,
                          sequence=current.sequence + 1)
        if change.note is not None and change.note != current.note:
            fields["note"] = change.note
        if change.attendance is not None and change.attendance != current.attendance:
            fields["attendance"] = change.attendance
        if fields:
            Booking.update(**fields).where(Booking.id == current.id).execute()
        updated = Booking.get_by_id(current.id)
        _log_change(clinic, current, updated, actor, now, change)
        if moving:
            compose.enqueue_moved(clinic, updated, now, change.channels)
            work.changed(updated, previous_calendar=current.calendar)
            freed(work, current)  # the old time, to the wait list (docs/patients.md)
    return updated


def _log_change(clinic: Clinic, before: Booking, after: Booking, actor: str, now: datetime,
                change: BookingChange) -> None:
    old, new = placement(clinic, before), placement(clinic, after)
    if (old["calendar"], old["start"]) != (new["calendar"], new["start"]):
        audit.record(after, now, actor, audit.MOVED, notified=change.channels != (),
                     outside_schedule=bool(after.outside_schedule),
                     **{"from": {k: old[k] for k in ("calendar", "start", "end")},
                        "to": {k: new[k] for k in ("calendar", "start", "end")}})
    if before.type != after.type:
        audit.record(after, now, actor, audit.TYPE_CHANGED, notified=change.channels != (),
                     **{"from": before.type, "to": after.type, "end": new["end"]})
    if before.note != after.note:
        audit.record(after, now, actor, audit.NOTE, length=len(after.note))
    if before.attendance != after.attendance:
        audit.record(after, now, actor, audit.ATTENDANCE,
                     **{"from": before.attendance or None, "to": after.attendance or None})


def cancel_as_staff(clinic: Clinic, public_id: str, reason: str, initiated_by: str,
                    channels: tuple[str, ...] | None, actor: str, now: datetime, *,
                    hooks: Hooks) -> Booking:
    """Cancel for the clinic or on the patient's word; again on a cancelled one: unchanged.

    An appointment that is over cannot be cancelled (409 `booking_ended`)."""
    booking = find(clinic, public_id)
    if booking.status == "cancelled":
        return booking
    if from_db(booking.end) <= now:
        raise Problem("booking_ended", "The appointment is over; it can no longer be "
                      "cancelled. Record a no-show instead.")
    return cancel_by_staff(clinic, booking, reason, now, hooks=hooks, actor=actor,
                           initiated_by=initiated_by, channels=channels)


__all__ = ["ARRIVAL_EARLY", "ATTENDANCE", "BookingChange", "StaffBookingRequest",
           "attendance_opens", "cancel_as_staff", "change_booking", "create_by_staff", "find"]
