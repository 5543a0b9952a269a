"""Booking and cancellation: the endpoint's use cases.

Each write re-checks the core's rules inside one transaction that holds the
calendar's and the patient's locks (`storage.db.write_transaction`), so the
invariants of SPEC §6 hold across threads, processes and hosts. The
messages a booking sends are rendered before the locks are taken and stored
in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import IntegrityError

from booking import Clinic, Refusal, check_booking, check_cancellation
from booking.restrictions import zone
from endpoint.notify import compose
from endpoint.problems import Problem
from endpoint.services import audit
from endpoint.services.keys import new_token, patient_key, token_hash, token_matches
from endpoint.services.patients import index_booking
from endpoint.storage.db import Booking, from_db, to_db, write_transaction
from endpoint.storage.queries import bump, busy_between, count_self_booked, lookup


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


def create_booking(clinic: Clinic, req: BookingRequest, now: datetime,
                   secret_key: str) -> tuple[Booking, str]:
    """Book a slot for a patient; the stored booking and its one-time cancel token."""
    key = patient_key(secret_key, req.patient.national_id)
    token = new_token()
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
    locks = [f"calendar:{clinic.slug}:{req.calendar}", f"patient:{clinic.slug}:{key}"]
    try:
        with write_transaction(locks):
            busy = busy_between(clinic, day, day, req.calendar)
            decision = check_booking(clinic, req.calendar, req.type, req.start, now, busy,
                                     count_self_booked(clinic, key, now))
            if isinstance(decision, Refusal):
                raise Problem(decision.code, decision.message)
            booking.save(force_insert=True)
            index_booking(booking, secret_key)
            compose.store(booking, messages)
            audit.record(booking, now, audit.PATIENT, audit.CREATED, via="online",
                         **placement(clinic, booking))
            bump(clinic.slug, req.calendar)
    except IntegrityError as exc:
        # the database's own constraint caught a race the checks did not see
        raise Problem("slot_unavailable", "This time was just booked; please pick another.") \
            from exc
    return booking, token


def find_booking(clinic: Clinic, public_id: str, token: str) -> Booking:
    """The booking whose id and cancel token match; one 404 for every kind of miss."""
    booking = lookup(clinic, public_id)
    expected = booking.cancel_token_hash if booking is not None else "0" * 64
    matches = token_matches(token, expected)
    if booking is None or not matches or not booking.cancel_token_hash:
        raise Problem("not_found", "No booking with that id and token.")
    return booking


def cancel_booking(clinic: Clinic, public_id: str, token: str, now: datetime) -> Booking:
    """Cancel as the patient; cancelling again changes nothing."""
    booking = find_booking(clinic, public_id, token)
    if booking.status == "cancelled":
        return booking
    refusal = check_cancellation(clinic, booking.type, from_db(booking.start), now)
    if refusal is not None:
        raise Problem(refusal.code, refusal.message)
    return _cancel(clinic, booking, now, by="patient", actor=audit.PATIENT, via="online")


def cancel_by_staff(clinic: Clinic, booking: Booking, reason: str, now: datetime, *,
                    actor: str = "staff", initiated_by: str = "clinic",
                    channels: tuple[str, ...] | None = None) -> Booking:
    """Cancel on the clinic's side (no deadline). `initiated_by` says who wanted it: the
    clinic (the patient is told so, with `reason`) or the patient (who phoned, say);
    `channels` where the patient is told (None: the type's `notify`, (): not at all)."""
    by = "staff" if initiated_by == "clinic" else "patient"
    return _cancel(clinic, booking, now, by=by, reason=reason, actor=actor,
                   channels=channels, via="staff")


def _cancel(clinic: Clinic, booking: Booking, now: datetime, *, by: str, actor: str,
            via: str, reason: str = "", channels: tuple[str, ...] | None = None) -> Booking:
    """Mark an active booking cancelled (kept, never deleted), tell the patient, free the slot.

    The booking's SEQUENCE goes up, so that the patient's calendar replaces the event."""
    with write_transaction([f"calendar:{clinic.slug}:{booking.calendar}"]):
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
            bump(clinic.slug, booking.calendar)
    return booking


def placement(clinic: Clinic, booking: Booking) -> dict[str, object]:
    """Where and when a booking is, for its log: calendar, type, start and end."""
    tz = zone(clinic.timezone)
    return {"calendar": booking.calendar, "type": booking.type,
            "start": from_db(booking.start).astimezone(tz).isoformat(),
            "end": from_db(booking.end).astimezone(tz).isoformat()}


__all__ = ["BookingRequest", "Patient", "cancel_booking", "cancel_by_staff", "create_booking",
           "find_booking", "placement"]
