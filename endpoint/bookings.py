"""Booking and cancellation: the endpoint's services.

Each write re-checks the rules inside one transaction that holds the
calendar's and the patient's locks (`endpoint.db.write_transaction`), so the
invariants of SPEC §6 hold across threads, processes and hosts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from peewee import IntegrityError

from booking import Busy, Clinic, Refusal, check_booking, check_cancellation
from booking.restrictions import zone
from endpoint import notify, slotcache
from endpoint.db import (
    Booking,
    db,
    db_time,
    from_db,
    raw_sql,
    to_db,
    write_transaction,
)
from endpoint.problems import Problem

if TYPE_CHECKING:  # parsing builds on this module
    from endpoint.parsing import SlotQuery


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


def patient_key(secret_key: str, national_id: str) -> str:
    """A keyed hash that counts a patient's bookings without exposing the number."""
    return hmac.new(secret_key.encode(), b"patient:" + national_id.encode(),
                    hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _day_bounds(clinic: Clinic, first, last) -> tuple[datetime, datetime]:
    tz = zone(clinic.timezone)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start, end


# the two queries of every booking, written out (see endpoint.db.raw_sql); the literal
# 'active' lets both databases use the partial indexes on active bookings
_BUSY_SQL = ('SELECT calendar, start, "end" FROM booking WHERE clinic = ? '
             "AND status = 'active' AND start >= ? AND start < ? AND \"end\" > ?")
_COUNT_SQL = ("SELECT COUNT(*) FROM booking WHERE clinic = ? AND patient_key = ? "
              "AND status = 'active' AND self_booked AND start > ?")

#: no appointment is longer (config validation caps durations at 8 hours)
LONGEST_BOOKING = timedelta(hours=8)


def _epoch(value) -> float:
    if not isinstance(value, datetime):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC).timestamp()


def busy_between(clinic: Clinic, first, last, calendar: str | None = None) -> dict[str, Busy]:
    """Active bookings per calendar that overlap the days first..last (clinic time).

    The query walks an index on (clinic, start) over the range only, and its
    rows skip the ORM's per-row conversion: this is the slot route's hot path.
    """
    lo, hi = _day_bounds(clinic, first, last)
    sql = _BUSY_SQL + (" AND calendar = ?" if calendar is not None else "")
    params = [clinic.slug, db_time(lo - LONGEST_BOOKING), db_time(hi), db_time(lo)]
    if calendar is not None:
        params.append(calendar)
    intervals: dict[str, list] = defaultdict(list)
    for cal, start, end in db.execute_sql(raw_sql(sql), params):
        intervals[cal].append((_epoch(start), _epoch(end)))
    return {cal: Busy.from_epochs(items) for cal, items in intervals.items()}


def slots_body(cache: slotcache.SlotCache, clinic: Clinic, query: SlotQuery,
               now: datetime) -> str:
    """The slot route's JSON body; its `days` from the cache when no booking changed."""
    if query.first > query.last:
        days = "[]"
    else:
        cached = slotcache.cached_days(
            cache, clinic, query.kind, query.calendar, query.first, query.last, now,
            lambda: busy_between(clinic, query.first, query.last, query.calendar))
        days = slotcache.slots_json(cached, query.kind, now)
    head = json.dumps({"clinic": clinic.slug, "type": query.kind.id, "timezone": clinic.timezone,
                       "version": clinic.version}, ensure_ascii=False)
    return head[:-1] + ', "days": ' + days + "}"


def count_self_booked(clinic: Clinic, key: str, now: datetime) -> int:
    """The patient's future, active, self-booked appointments at the clinic."""
    row = db.execute_sql(raw_sql(_COUNT_SQL), (clinic.slug, key, db_time(now))).fetchone()
    return row[0]


def create_booking(clinic: Clinic, req: BookingRequest, now: datetime,
                   secret_key: str) -> tuple[Booking, str]:
    """Book a slot for a patient; the stored booking and its one-time cancel token."""
    key = patient_key(secret_key, req.patient.national_id)
    token = secrets.token_urlsafe(32)
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
    messages = notify.booked_messages(clinic, booking, now, token)
    locks = [f"calendar:{clinic.slug}:{req.calendar}", f"patient:{clinic.slug}:{key}"]
    try:
        with write_transaction(locks):
            busy = busy_between(clinic, day, day, req.calendar)
            decision = check_booking(clinic, req.calendar, req.type, req.start, now, busy,
                                     count_self_booked(clinic, key, now))
            if isinstance(decision, Refusal):
                raise Problem(decision.code, decision.message)
            booking.save(force_insert=True)
            notify.store(booking, messages)
            slotcache.bump(clinic.slug, req.calendar)
    except IntegrityError as exc:
        # the database's own constraint caught a race the checks did not see
        raise Problem("slot_unavailable", "This time was just booked; please pick another.") \
            from exc
    return booking, token


BOOKING_ID = re.compile(r"[0-9a-f]{32}")


def lookup(clinic: Clinic, public_id: str) -> Booking | None:
    """The clinic's booking with this public id; None for anything that is not one."""
    if not BOOKING_ID.fullmatch(public_id or ""):
        return None  # also keeps NUL and other junk away from the database driver
    return Booking.get_or_none((Booking.public_id == public_id)
                               & (Booking.clinic == clinic.slug))


def find_booking(clinic: Clinic, public_id: str, token: str) -> Booking:
    """The booking whose id and cancel token match; one 404 for every kind of miss."""
    booking = lookup(clinic, public_id)
    expected = booking.cancel_token_hash if booking is not None else "0" * 64
    matches = hmac.compare_digest(token_hash(token), expected)
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
    return _cancel(clinic, booking, now, by="patient")


def cancel_by_staff(clinic: Clinic, booking: Booking, reason: str, now: datetime) -> Booking:
    """Cancel on the clinic's side (no deadline); the patient is told."""
    return _cancel(clinic, booking, now, by="staff", reason=reason)


def _cancel(clinic: Clinic, booking: Booking, now: datetime, *, by: str,
            reason: str = "") -> Booking:
    """Mark an active booking cancelled (kept, never deleted), tell the patient, free the slot."""
    with write_transaction([f"calendar:{clinic.slug}:{booking.calendar}"]):
        updated = (Booking.update(status="cancelled", cancelled_at=to_db(now),
                                  cancelled_by=by, cancel_reason=reason)
                   .where((Booking.id == booking.id) & (Booking.status == "active"))
                   .execute())
        booking = Booking.get_by_id(booking.id)
        if updated:
            notify.enqueue_cancelled(clinic, booking, now)
            slotcache.bump(clinic.slug, booking.calendar)
    return booking


def booking_json(clinic: Clinic, booking: Booking, now: datetime | None = None) -> dict:
    """A booking as the API shows it; never the national id or the patient's data."""
    tz = zone(clinic.timezone)
    cal, kind = clinic.calendar(booking.calendar), clinic.type(booking.type)
    start = from_db(booking.start).astimezone(tz)
    out = {
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
    return out


__all__ = ["BookingRequest", "Patient", "booking_json", "busy_between", "cancel_booking",
           "cancel_by_staff", "count_self_booked", "create_booking", "find_booking",
           "lookup", "patient_key", "slots_body"]
