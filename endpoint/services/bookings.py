"""Booking and cancellation: the endpoint's use cases.

Each write re-checks the core's rules inside one unit of work (`services.work.Work`:
the calendar's and the patient's locks, one transaction), so the
invariants of README.md#storage-and-safety hold across threads, processes and hosts. The
messages a booking sends are rendered before the locks are taken and stored
in the same transaction.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking import Clinic, Refusal, check_booking, check_cancellation
from booking.restrictions import zone
from endpoint.notify import compose
from endpoint.problems import Problem, refused
from endpoint.services import audit
from endpoint.services.keys import new_cancel_token, patient_key, token_hash, token_matches
from endpoint.services.patients import index_booking
from endpoint.services.work import Hooks, Work
from endpoint.storage.db import Booking, from_db, to_db
from endpoint.storage.queries import (
    busy_between,
    count_self_booked,
    lookup,
    lookup_by_token,
)
from endpoint.storage.sync import closed_calendars


@dataclass(frozen=True)
class Patient:
    id_type: str
    national_id: str
    first_name: str
    last_name: str
    phone: str
    email: str


@dataclass(frozen=True)
class BookingRequest:
    calendar: str
    type: str
    start: datetime
    patient: Patient
    note: str = ""
    #: the token of the patient's hold on this time (docs/patients.md), which the booking consumes
    hold_token: str | None = None


def create_booking(clinic: Clinic, req: BookingRequest, now: datetime,
                   secret_key: str, *, hooks: Hooks, via: str = "online",
                   extra_locks: Sequence[str] = (),
                   inside: Callable[[Booking], None] | None = None) -> tuple[Booking, str]:
    """Book a slot for a patient; the stored booking and its one-time cancel token.

    `inside` runs in the booking's transaction after the booking is saved, under
    `extra_locks` as well (a wait-list claim marks its entry booked there; raising
    undoes the booking)."""
    key = patient_key(secret_key, req.patient.national_id)
    token = new_cancel_token()
    day = req.start.astimezone(zone(clinic.timezone)).date()
    kind = clinic.type(req.type)
    duration = timedelta(minutes=kind.duration if kind else 0)
    p = req.patient
    booking = Booking(  # saved only if the checks below pass
        public_id=uuid.uuid4().hex,
        clinic=clinic.slug, calendar=req.calendar, type=req.type,
        start=to_db(req.start), end=to_db(req.start) + duration,
        status="active", self_booked=True, patient_key=key,
        id_type=p.id_type, national_id=p.national_id,
        first_name=p.first_name, last_name=p.last_name, phone=p.phone,
        email=p.email, note=req.note, cancel_token_hash=token_hash(token),
        config_version=clinic.version, created_at=to_db(now),
    )
    # rendered before the locks are taken: the texts, the .ics and the clinic's dialog
    messages = compose.booked_messages(clinic, booking, now, token)
    work = Work(clinic, now, hooks)
    with work.write(calendars=[req.calendar], patients=[key], extra_locks=extra_locks):
        if req.calendar in closed_calendars(clinic, now):
            # fail closed (docs/sync.md): a busy source not read lately may hide a busy time
            raise _closed()
        hold = work.find_hold(req.hold_token, req.calendar, req.type, req.start)
        busy = busy_between(clinic, day, day, req.calendar, now=now, exclude_hold=hold)
        decision = check_booking(clinic, req.calendar, req.type, req.start, now, busy,
                                 count_self_booked(clinic, key, now))
        if isinstance(decision, Refusal):
            raise refused(decision)
        work.consume_hold(hold)
        booking.save(force_insert=True)
        index_booking(booking, secret_key)
        if inside is not None:
            inside(booking)
        compose.store(booking, messages)
        audit.record(booking, now, audit.PATIENT, audit.CREATED, via=via,
                     **placement(clinic, booking))
        work.changed(booking)
    return booking, token


def _closed() -> Problem:
    return Problem("slot_unavailable", "This time cannot be booked online right now; please "
                   "call the clinic.")


def find_booking(clinic: Clinic, public_id: str, token: str) -> Booking:
    """The booking whose id and cancel token match; one 404 for every kind of miss."""
    booking = lookup(clinic, public_id)
    expected = booking.cancel_token_hash if booking is not None else "0" * 64
    matches = token_matches(token, expected)
    if booking is None or not matches or not booking.cancel_token_hash:
        raise Problem("not_found", "No booking with that id and token.")
    return booking


def find_own_booking(clinic: Clinic, public_id: str, key: str) -> Booking:
    """A logged-in patient's own booking (`key`: their `patient_key`); the same 404 as
    `find_booking` for another patient's booking and for none."""
    booking = lookup(clinic, public_id)
    expected = booking.patient_key if booking is not None else ""
    matches = hmac.compare_digest(key.encode(), (expected or "-").encode())
    if booking is None or not matches or not booking.patient_key:
        raise Problem("not_found", "No booking with that id and token.")
    return booking


def find_by_token(clinic: Clinic, token: str) -> Booking:
    """The booking of a short cancellation link: the one whose token hashes to this.

    The token is 128 random bits or more, so its SHA-256 names one booking; the
    lookup is by that hash, never by the token itself, and a token too short to be
    one of ours is refused before the database is asked."""
    booking = lookup_by_token(clinic, token_hash(token)) if len(token) >= 22 else None
    if booking is None:
        raise Problem("not_found", "No booking with that token.")
    return booking


def cancel_booking(clinic: Clinic, public_id: str, token: str, now: datetime, *,
                   hooks: Hooks) -> Booking:
    """Cancel as the patient; cancelling again changes nothing."""
    return cancel_found(clinic, find_booking(clinic, public_id, token), now, hooks=hooks)


def cancel_found(clinic: Clinic, booking: Booking, now: datetime, *, hooks: Hooks) -> Booking:
    """Cancel a booking the patient has shown to be theirs (token or session)."""
    if booking.status == "cancelled":
        return booking
    refusal = check_cancellation(clinic, booking.type, from_db(booking.start), now)
    if refusal is not None:
        raise refused(refusal)
    return _cancel(Work(clinic, now, hooks), booking, by="patient", actor=audit.PATIENT,
                   via="online")


def cancel_by_staff(clinic: Clinic, booking: Booking, reason: str, now: datetime, *,
                    hooks: Hooks, actor: str = "staff", initiated_by: str = "clinic",
                    channels: tuple[str, ...] | None = None) -> Booking:
    """Cancel on the clinic's side (no deadline). `initiated_by` says who wanted it: the
    clinic (the patient is told so, with `reason`) or the patient (who phoned, say);
    `channels` where the patient is told (None: the type's `notify`, (): not at all)."""
    by = "staff" if initiated_by == "clinic" else "patient"
    return _cancel(Work(clinic, now, hooks), booking, by=by, reason=reason, actor=actor,
                   channels=channels, via="staff")


def _cancel(work: Work, booking: Booking, *, by: str, actor: str, via: str,
            reason: str = "", channels: tuple[str, ...] | None = None) -> Booking:
    """Mark an active booking cancelled (kept, never deleted), tell the patient, free the slot
    and offer it to the wait list.

    The booking's SEQUENCE goes up, so that the patient's calendar replaces the event."""
    clinic, now = work.clinic, work.now
    with work.write(calendars=[booking.calendar]):
        updated = (Booking.update(status="cancelled", cancelled_at=to_db(now),
                                  cancelled_by=by, cancel_reason=reason,
                                  sequence=Booking.sequence + 1)
                   .where((Booking.id == booking.id) & (Booking.status == "active"))
                   .execute())
        booking = Booking.get_by_id(booking.id)
        if updated:
            compose.enqueue_cancelled(clinic, booking, now, channels)
            audit.record(booking, now, actor, audit.CANCELLED, via=via,
                         initiated_by="clinic" if by == "staff" else "patient",
                         notified=channels != ())
            work.changed(booking)
            freed(work, booking)  # the time, to the wait list (docs/patients.md)
    return booking


def check_move(clinic: Clinic, booking: Booking, now: datetime) -> Problem | None:
    """Why the patient may not move this booking online now (None: they may)."""
    if booking.status != "active":
        return Problem("booking_cancelled", "The booking is cancelled; book a new time instead.")
    kind = clinic.type(booking.type)
    if kind is None or not kind.online or not kind.rules.allow_move:
        return Problem("move_not_allowed", "This appointment cannot be moved online; please "
                       "call the clinic.")
    refusal = check_cancellation(clinic, booking.type, from_db(booking.start), now)
    if refusal is not None:
        return refused(refusal)
    return None


def move_booking(clinic: Clinic, public_id: str, token: str, start: datetime,
                 calendar: str | None, now: datetime, hold_token: str | None = None, *,
                 hooks: Hooks) -> Booking:
    """Move as the patient (docs/patients.md): the same booking, id and token, at a new time.

    Allowed while the booking could be cancelled; the new time must be visible
    online (every rule of a new booking except the patient's own count, which a
    move does not change). Under both calendars' locks the booking is re-read
    and the target re-checked, and one UPDATE moves it: the patient holds exactly
    one of the two times at every moment. Told as for a staff move (same UID,
    higher SEQUENCE); the freed time is offered to the wait list. `hold_token`: the
    patient's hold on the new time, consumed by the move.
    """
    return move_found(clinic, find_booking(clinic, public_id, token), start, calendar, now,
                      hold_token, cancel_token=token, hooks=hooks)


def move_found(clinic: Clinic, booking: Booking, start: datetime, calendar: str | None,
               now: datetime, hold_token: str | None = None, cancel_token: str = "", *,
               hooks: Hooks) -> Booking:
    """`move_booking` of a booking the patient has shown to be theirs (cancel token, or a
    logged-in patient's session, docs/patient-login.md). With the cancel token, the
    "moved" message carries the link to move or cancel again."""
    target = calendar or booking.calendar
    if (problem := check_move(clinic, booking, now)) is not None:
        raise problem
    if target == booking.calendar and from_db(booking.start) == start:
        return booking  # already there: a retried request changes nothing
    day = start.astimezone(zone(clinic.timezone)).date()
    work = Work(clinic, now, hooks)
    with work.write(calendars=[booking.calendar, target]):
        current = Booking.get_by_id(booking.id)
        if (problem := check_move(clinic, current, now)) is not None:
            raise problem  # cancelled or moved near its start a moment ago
        if target in closed_calendars(clinic, now):
            raise _closed()  # fail closed (docs/sync.md), as for a new booking
        hold = work.find_hold(hold_token, target, current.type, start)
        busy = busy_between(clinic, day, day, target, exclude=current.id, now=now,
                            exclude_hold=hold)
        decision = check_booking(clinic, target, current.type, start, now, busy, 0)
        if isinstance(decision, Refusal):
            raise refused(decision)
        work.consume_hold(hold)
        Booking.update(calendar=target, start=to_db(decision.start),
                       end=to_db(decision.end), outside_schedule=False,
                       sequence=current.sequence + 1).where(
            (Booking.id == current.id) & (Booking.status == "active")).execute()
        moved = Booking.get_by_id(current.id)
        old, new = placement(clinic, current), placement(clinic, moved)
        audit.record(moved, now, audit.PATIENT, audit.MOVED, via="online", notified=True,
                     **{"from": {k: old[k] for k in ("calendar", "start", "end")},
                        "to": {k: new[k] for k in ("calendar", "start", "end")}})
        compose.enqueue_moved(clinic, moved, now, cancel_token=cancel_token)
        work.changed(moved, previous_calendar=current.calendar)
        freed(work, current)
    return moved


def freed(work: Work, booking: Booking) -> None:
    """Inside the work that freed a booking's old time: offer it to the wait list."""
    work.freed(booking.calendar, from_db(booking.start), from_db(booking.end))


def placement(clinic: Clinic, booking: Booking) -> dict[str, object]:
    """Where and when a booking is, for its log: calendar, type, start and end."""
    tz = zone(clinic.timezone)
    return {"calendar": booking.calendar, "type": booking.type,
            "start": from_db(booking.start).astimezone(tz).isoformat(),
            "end": from_db(booking.end).astimezone(tz).isoformat()}


__all__ = ["BookingRequest", "Patient", "cancel_booking", "cancel_by_staff", "cancel_found",
           "check_move", "create_booking", "find_booking", "find_own_booking", "freed",
           "move_booking", "move_found", "placement"]
