"""The wait list (docs/patients.md): patients waiting for an earlier time, and the offers of freed
times to them.

An entry waits for one appointment type, in one calendar or any, between two dates.
Whenever a time becomes visible again (a cancellation, a move, a staff block
removed), the transaction that freed it calls `offer_freed`, which — still under
that calendar's lock, with the change already made — finds the first
`online.waitlist_offers` waiting entries (sign-up order) that a visible slot in the
freed time fits, and queues an offer to each through the outbox, with a link to the
wait list's page that carries the entry's id and a fresh offer token in its
fragment. The claim (booking an offer) lives in `waitlist.claims`, beside the
booking it makes.

What is kept: what the claim needs to book for the patient (identity, name,
contact), never returned; tokens only as their SHA-256. The purge deletes entries
once they have ended.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from booking import Clinic, Refusal, check_booking, last_bookable_day, local_today
from booking.restrictions import visible_slots, zone
from booking.urls import waitlist_url
from endpoint.notify import compose
from endpoint.problems import Problem
from endpoint.services.keys import new_token, patient_key, token_hash, token_matches
from endpoint.services.patients import mask_national_id
from endpoint.storage.db import WaitlistEntry, WaitlistOffer, from_db, to_db, write_transaction
from endpoint.storage.queries import BOOKING_ID, busy_between

#: statuses as stored; `expired` is computed (the entry's `to` date has passed)
WAITING, BOOKED, CANCELLED, EXPIRED = "waiting", "booked", "cancelled", "expired"


@dataclass(frozen=True)
class Joining:
    """A patient joining the wait list, checked (`api.parsing.waitlist_request`)."""

    type: str
    calendar: str | None  # None: any online calendar
    first: date
    last: date
    id_type: str
    national_id: str
    first_name: str
    last_name: str
    phone: str
    email: str


def waitlist_on(clinic: Clinic) -> None:
    """404 when the clinic has the wait list switched off (`online.waitlist: false`)."""
    if not clinic.features.waitlist:
        raise Problem("not_found", "This clinic has no wait list.")


def status(clinic: Clinic, entry: WaitlistEntry, now: datetime) -> str:
    """The entry's status now: a waiting entry past its `to` date has expired."""
    if entry.status == WAITING and entry.last_day < local_today(clinic, now):
        return EXPIRED
    return str(entry.status)


def join(clinic: Clinic, req: Joining, now: datetime, secret_key: str
         ) -> tuple[WaitlistEntry, str]:
    """Put a patient on the wait list; the entry and its token (returned only here)."""
    waitlist_on(clinic)
    token = new_token()
    entry = WaitlistEntry(
        public_id=uuid.uuid4().hex, clinic=clinic.slug, type=req.type,
        calendar=req.calendar or "", first_day=req.first, last_day=req.last, status=WAITING,
        token_hash=token_hash(token), patient_key=patient_key(secret_key, req.national_id),
        id_type=req.id_type, national_id=req.national_id, first_name=req.first_name,
        last_name=req.last_name, phone=req.phone, email=req.email, created_at=to_db(now))
    with write_transaction():
        entry.save(force_insert=True)
        compose.store_rows(compose.waitlist_messages(
            clinic, entry, "waitlist_joined", waitlist_url(clinic, entry.public_id, token),
            now))
    return entry, token


def find_entry(clinic: Clinic, public_id: str, token: str) -> WaitlistEntry:
    """The entry whose id matches and whose token, or one of its offers' tokens, is
    `token`; one 404 for every kind of miss. Compared in constant time."""
    waitlist_on(clinic)
    entry = (WaitlistEntry.get_or_none((WaitlistEntry.public_id == public_id)
                                       & (WaitlistEntry.clinic == clinic.slug))
             if BOOKING_ID.fullmatch(public_id or "") else None)
    hashes = [entry.token_hash] if entry is not None else ["0" * 64]
    if entry is not None:
        hashes += [o.token_hash for o in WaitlistOffer.select(WaitlistOffer.token_hash)
                   .where(WaitlistOffer.entry == entry.id)]
    matches = [token_matches(token, h) for h in hashes]  # every one, not the first match
    if entry is None or not any(matches):
        raise Problem("not_found", "No wait-list entry with that id and token.")
    found: WaitlistEntry = entry
    return found


def leave(clinic: Clinic, public_id: str, token: str, now: datetime) -> WaitlistEntry:
    """The patient leaves the wait list; again (or after booking) changes nothing."""
    entry = find_entry(clinic, public_id, token)
    with write_transaction([entry_lock(clinic, entry)]):
        (WaitlistEntry.update(status=CANCELLED, ended_at=to_db(now))
         .where((WaitlistEntry.id == entry.id) & (WaitlistEntry.status == WAITING))
         .execute())
    return WaitlistEntry.get_by_id(entry.id)


def entry_lock(clinic: Clinic, entry: WaitlistEntry) -> str:
    """The lock a claim and a leave take, so that one entry books at most once."""
    return f"waitlist:{clinic.slug}:{entry.public_id}"


def offers(clinic: Clinic, entry: WaitlistEntry, now: datetime) -> list[dict[str, object]]:
    """The times offered to the entry that are still ahead, each with whether it can
    still be booked now (read without locks: the claim re-checks)."""
    tz = zone(clinic.timezone)
    out = []
    for offer in (WaitlistOffer.select().where(WaitlistOffer.entry == entry.id)
                  .order_by(WaitlistOffer.start)):
        start = from_db(offer.start)
        if start <= now:
            continue
        day = start.astimezone(tz).date()
        busy = busy_between(clinic, day, day, offer.calendar, now=now)
        decision = check_booking(clinic, offer.calendar, entry.type, start, now, busy, 0)
        out.append({"calendar": offer.calendar, "start": start.astimezone(tz).isoformat(),
                    "end": from_db(offer.end).astimezone(tz).isoformat(),
                    "available": not isinstance(decision, Refusal)})
    return out


def offer_freed(clinic: Clinic, calendar: str, start: datetime, end: datetime,
                now: datetime) -> int:
    """Inside the transaction that freed `start`..`end` in `calendar` (its lock held, the
    change made): offer a visible slot there to the first `waitlist_offers` waiting
    entries it fits, through the outbox. The number of offers queued."""
    cal = clinic.calendar(calendar)
    if not clinic.features.waitlist or cal is None or not cal.online or end <= now:
        return 0
    tz = zone(clinic.timezone)
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    first = max(first, local_today(clinic, now))
    if first > last:
        return 0
    entries = list(WaitlistEntry.select().where(
        (WaitlistEntry.clinic == clinic.slug) & (WaitlistEntry.status == WAITING)
        & (WaitlistEntry.calendar.in_(["", calendar]))
        & (WaitlistEntry.first_day <= last) & (WaitlistEntry.last_day >= first))
        .order_by(WaitlistEntry.id))
    if not entries:
        return 0
    busy = busy_between(clinic, first, last, calendar, now=now)
    fitting: dict[tuple[str, date, date], list] = {}
    made = 0
    for entry in entries:
        kind = clinic.type(entry.type)
        if kind is None or not kind.online:
            continue
        lo = max(first, entry.first_day)
        hi = min(last, entry.last_day, last_bookable_day(clinic, kind.rules, now))
        if lo > hi:
            continue
        key = (entry.type, lo, hi)
        if key not in fitting:  # visible now: deadline, window, first-available applied
            fitting[key] = [s for d in visible_slots(clinic, entry.type, now, busy,
                                                     calendar_id=calendar, first_day=lo,
                                                     last_day=hi)
                            for s in d.slots if s.start < end and s.end > start]
        slot = next((s for s in fitting[key] if not _offered(entry, calendar, s.start)), None)
        if slot is None:
            continue
        token = new_token()
        WaitlistOffer.create(entry=entry.id, calendar=calendar, start=to_db(slot.start),
                             end=to_db(slot.end), token_hash=token_hash(token),
                             created_at=to_db(now))
        compose.store_rows(compose.waitlist_messages(
            clinic, entry, "waitlist_offer", waitlist_url(clinic, entry.public_id, token),
            now, start=slot.start, calendar=calendar))
        made += 1
        if made >= clinic.features.waitlist_offers:
            break
    return made


def _offered(entry: WaitlistEntry, calendar: str, start: datetime) -> bool:
    return WaitlistOffer.select().where(
        (WaitlistOffer.entry == entry.id) & (WaitlistOffer.calendar == calendar)
        & (WaitlistOffer.start == to_db(start))).exists()


def waiting(clinic: Clinic, now: datetime) -> list[dict[str, object]]:
    """The clinic's waiting entries in sign-up order, for staff: never the national id."""
    today = local_today(clinic, now)
    tz = zone(clinic.timezone)
    entries = (WaitlistEntry.select().where(
        (WaitlistEntry.clinic == clinic.slug) & (WaitlistEntry.status == WAITING)
        & (WaitlistEntry.last_day >= today)).order_by(WaitlistEntry.id))
    out: list[dict[str, object]] = []
    for e in entries:
        count = WaitlistOffer.select().where(WaitlistOffer.entry == e.id).count()
        out.append({"id": e.public_id, "type": e.type, "calendar": e.calendar or None,
                    "from": e.first_day.isoformat(), "to": e.last_day.isoformat(),
                    "created_at": from_db(e.created_at).astimezone(tz).isoformat(),
                    "first_name": e.first_name, "last_name": e.last_name, "phone": e.phone,
                    "masked_id": mask_national_id(e.national_id), "offers": count})
    return out


__all__ = ["BOOKED", "CANCELLED", "EXPIRED", "WAITING", "Joining", "entry_lock", "find_entry",
           "join", "leave", "offer_freed", "offers", "status", "waiting", "waitlist_on"]
