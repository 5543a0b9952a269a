"""A patient's rights at one clinic (GDPR articles 15 and 17, issue #18): everything
stored about them (`export`), and erasing it (`erase`).

A patient is their keyed hash (`keys.patient_key`) at a clinic. The export holds
every booking of that hash with its personal data opened, its audit log and the
messages sent or queued for it (with their text), their wait-list entries and the
messages sent to those, and the access log's entries for the patient; `masked`
hides the national id but its birth date (for the staff API; the command line,
given the number, shows it). Erasing blanks the personal data of every one of
those bookings and of their messages, as the retention purge does, deletes their
wait-list entries and erases the messages sent to them, ends a logged-in patient's
sessions, and drops the patient from the search index. What stays is anonymous
(clinic, calendar, type, times, status), so the clinic's counts survive. It refuses
while the patient has active appointments that have not started, unless forced —
then those are cancelled first (without a message: nobody is left to send it to).
Both are written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from endpoint.services import access
from endpoint.services.audit import entries
from endpoint.services.patients import mask_national_id
from endpoint.storage.db import (
    Booking,
    Outbox,
    PatientSession,
    WaitlistEntry,
    from_db,
    to_db,
    write_transaction,
)
from endpoint.storage.purge import (
    OUTBOX_ERASED,
    WAITLIST_KINDS,
    cut_the_log,
    erase_bookings,
    secure_delete,
)
from endpoint.storage.queries import bump
from endpoint.storage.timebok import bookings_of_patient_key, forget_unbooked_patients

ERASED_ON_REQUEST = "personal data erased at the patient's request"


class ErasureRefused(Exception):
    """The patient still has appointments ahead; `bookings` are their public ids."""

    def __init__(self, bookings: list[str]) -> None:
        self.bookings = bookings
        super().__init__(f"the patient has {len(bookings)} active appointment(s) that have "
                         "not started; cancel them first, or force the erasure (which cancels "
                         "them without a message)")


@dataclass(frozen=True)
class Erased:
    bookings: int
    messages: int
    cancelled: int
    waitlist: int = 0


def _entries(clinic: Clinic, key: str) -> list[WaitlistEntry]:
    return list(WaitlistEntry.select().where((WaitlistEntry.clinic == clinic.slug)
                                             & (WaitlistEntry.patient_key == key))
                .order_by(WaitlistEntry.id))


def _waitlist_messages(clinic: Clinic, entries: list[WaitlistEntry]) -> list[Outbox]:
    """The wait list's messages to these entries' addresses (they belong to no booking;
    their addresses are sealed, so the clinic's few are opened and compared)."""
    addresses = {a for e in entries for a in (e.phone, e.email) if a}
    if not addresses:
        return []
    rows = Outbox.select().where((Outbox.clinic == clinic.slug) & Outbox.booking.is_null()
                                 & Outbox.kind.in_(WAITLIST_KINDS) & (Outbox.recipient != ""))
    return [m for m in rows if m.recipient in addresses]


def _iso(value: datetime | None) -> str | None:
    return from_db(value).isoformat() if value is not None else None


def export(clinic: Clinic, key: str, actor: str, now: datetime, *,
           masked: bool = True) -> dict[str, object]:
    """Everything stored about the patient `key` at `clinic`; written to the access log."""
    rows = bookings_of_patient_key(clinic, key)
    bookings = []
    for b in rows:
        messages = Outbox.select().where(Outbox.booking == b.id).order_by(Outbox.id)
        bookings.append({
            "id": b.public_id, "calendar": b.calendar, "type": b.type,
            "start": _iso(b.start), "end": _iso(b.end), "status": b.status,
            "self_booked": b.self_booked, "booked_by": b.booked_by or None,
            "created_at": _iso(b.created_at), "cancelled_at": _iso(b.cancelled_at),
            "cancelled_by": b.cancelled_by or None, "cancel_reason": b.cancel_reason,
            "attendance": b.attendance or None,
            "patient": {"id_type": b.id_type,
                        "national_id": mask_national_id(b.national_id) if masked
                        else b.national_id,
                        "first_name": b.first_name, "last_name": b.last_name,
                        "phone": b.phone, "email": b.email},
            "note": b.note,
            "log": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                     "details": e.details} for e in entries(b)],
            "messages": [{"kind": m.kind, "channel": m.channel, "recipient": m.recipient,
                          "subject": m.subject, "body": m.body, "status": m.status,
                          "created_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
                         for m in messages],
        })
    entries_ = _entries(clinic, key)
    waiting = [{"id": e.public_id, "type": e.type, "calendar": e.calendar or None,
                "from": e.first_day.isoformat(), "to": e.last_day.isoformat(),
                "status": e.status, "created_at": _iso(e.created_at),
                "patient": {"first_name": e.first_name, "last_name": e.last_name,
                            "phone": e.phone, "email": e.email},
                "messages": [{"kind": m.kind, "channel": m.channel, "recipient": m.recipient,
                              "subject": m.subject, "body": m.body, "status": m.status,
                              "created_at": _iso(m.created_at)}
                             for m in _waitlist_messages(clinic, [e])]}
               for e in entries_]
    access.record(clinic, actor, access.EXPORTED, [key], now)
    return {
        "clinic": clinic.slug, "clinic_name": clinic.name, "exported_at": now.isoformat(),
        "patient_key": key, "bookings": bookings, "waitlist": waiting,
        "access_log": [{"at": a.at.isoformat(), "actor": a.actor, "action": a.action,
                        "booking": a.booking or None} for a in access.accesses(clinic, key)],
    }


def erase(clinic: Clinic, key: str, actor: str, now: datetime, *,
          force: bool = False) -> Erased:
    """Erase the patient's personal data at `clinic`; refuses while appointments are ahead."""
    stamp = to_db(now)
    secure_delete()
    with write_transaction():
        rows = [b for b in bookings_of_patient_key(clinic, key) if b.purged_at is None]
        ahead = [b for b in rows if b.status == "active" and b.start > stamp]
        if ahead and not force:
            raise ErasureRefused([b.public_id for b in ahead])
        if ahead:
            (Booking.update(status="cancelled", cancelled_at=stamp, cancelled_by="staff")
             .where(Booking.id.in_([b.id for b in ahead])).execute())
            for calendar in {b.calendar for b in ahead}:
                bump(clinic.slug, calendar)  # their slots are free again
        done = erase_bookings([b.id for b in rows], stamp, ERASED_ON_REQUEST) if rows \
            else (0, 0)
        # the wait list: its messages (found by their address), then the entries themselves
        entries_ = _entries(clinic, key)
        mine = [m.id for m in _waitlist_messages(clinic, entries_)]
        if mine:
            (Outbox.update(status="cancelled").where(Outbox.id.in_(mine)
                                                     & (Outbox.status == "pending")).execute())
            Outbox.update(**OUTBOX_ERASED, last_error=ERASED_ON_REQUEST).where(
                Outbox.id.in_(mine)).execute()
        if entries_:
            WaitlistEntry.delete().where(WaitlistEntry.id.in_([e.id for e in entries_])).execute()
        # and a logged-in patient's sessions end
        PatientSession.delete().where((PatientSession.clinic == clinic.slug)
                                      & (PatientSession.patient_key == key)).execute()
        forget_unbooked_patients()
    cut_the_log()
    access.record(clinic, actor, access.ERASED, [key], now)
    return Erased(done[0], done[1] + len(mine), len(ahead), len(entries_))


__all__ = ["ERASED_ON_REQUEST", "Erased", "ErasureRefused", "erase", "export"]
