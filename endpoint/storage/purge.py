"""Retention: erase patients' personal data once their appointments are long over.

`purge(days, now)` blanks, for every booking that ended more than `days` days
before `now`, what identifies the patient — names, phone, email, national id
and its type, note, the keyed patient hash, the cancel token's hash and a
staff member's cancellation reason — and stamps `purged_at`. Its outbox rows
lose recipient, subject, body, attachment and last error (which may quote an
address); a message still pending for such a booking is cancelled, since it
could no longer be delivered. What stays is anonymous: clinic, calendar, type,
start, end, status, who cancelled, when it was booked — enough to count. Staff
searches for patients older than `days` lose the name or phone searched for
(who searched, when and how stay); a booking's audit log holds no personal
data to erase.

The wait list and holds (docs/patients.md) keep nothing once they are over, whatever
`days` says: a wait-list entry that has ended (booked, cancelled, or its `to`
date over in every time zone) is deleted with its offers, and so
is every hold that has expired. Wait-list messages (which belong to no booking)
older than `days` that are no longer pending lose their recipient and text like
a booking's.

On SQLite the purge zeroes the erased bytes in the file (`secure_delete`) and
cuts the write-ahead log, so the data is gone from disk, not just from
queries; on PostgreSQL old row versions remain until (auto)vacuum reuses
their space (docs/security.md).

It is idempotent (a second run finds nothing to do), runs in batches so a
large backlog never holds the write lock for long, and is available as
`endpoint purge --older-than DAYS` and, with `LEDIG_PURGE_AFTER_DAYS`, as a
daily thread of `endpoint serve` (`start_daily_purge`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from endpoint.clock import Clock
from endpoint.storage.db import (
    Booking,
    Hold,
    Outbox,
    PatientSearch,
    WaitlistEntry,
    db,
    is_postgres,
    to_db,
    write_transaction,
)
from endpoint.storage.timebok import forget_unbooked_patients

log = logging.getLogger("ledig.purge")

BATCH = 500
DAY = 24 * 3600.0
ERASED_NOTE = "personal data erased by the retention purge"

#: the booking's columns that can identify a patient, and what they become
BOOKING_ERASED = MappingProxyType({"first_name": "", "last_name": "", "phone": "", "email": "",
                                   "national_id": "", "id_type": "", "note": "", "patient_key": "",
                                   "cancel_token_hash": "", "cancel_reason": ""})
#: the same for a message
OUTBOX_ERASED = MappingProxyType({"recipient": "", "subject": "", "body": "", "attachment": ""})


@dataclass(frozen=True)
class Purged:
    bookings: int
    messages: int
    waitlist: int = 0  # ended wait-list entries deleted
    holds: int = 0  # expired holds deleted

    def __str__(self) -> str:
        return (f"purged {self.bookings} bookings and {self.messages} messages; deleted "
                f"{self.waitlist} ended wait-list entries and {self.holds} expired holds")


def purge(days: int, now: datetime) -> Purged:
    """Erase personal data of bookings that ended more than `days` days before `now`."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cutoff = to_db(now - timedelta(days=days))
    stamp = to_db(now)
    bookings = messages = 0
    secure_delete()
    while True:
        with write_transaction():
            ids = [b.id for b in Booking.select(Booking.id)
                   .where((Booking.end < cutoff) & Booking.purged_at.is_null())
                   .order_by(Booking.id).limit(BATCH)]
            if not ids:
                break
            b, m = erase_bookings(ids, stamp)
            bookings, messages = bookings + b, messages + m
    with write_transaction():
        forget_unbooked_patients()
        (PatientSearch.update(query="")
         .where((PatientSearch.at < cutoff) & (PatientSearch.query != "")).execute())
        entries, holds, waitlist_messages = _purge_waitlist(now, cutoff)
    messages += waitlist_messages
    if bookings or entries:
        cut_the_log()
    if bookings:
        log.info("retention: erased personal data of %d bookings and %d messages that ended "
                 "more than %d days ago", bookings, messages, days)
    return Purged(bookings, messages, entries, holds)


#: the outbox kinds of the wait list: rows of no booking
WAITLIST_KINDS = ("waitlist_joined", "waitlist_offer")


def _purge_waitlist(now: datetime, cutoff: datetime) -> tuple[int, int, int]:
    """Inside a write transaction: delete ended wait-list entries (their offers go with
    them) and expired holds; erase old wait-list messages. (entries, holds, messages)."""
    # the date that has begun everywhere (UTC-12 is the last zone): any `to` before it is over
    past = (now.astimezone(UTC) - timedelta(hours=12)).date()
    ended = ((WaitlistEntry.status != "waiting") | (WaitlistEntry.last_day < past))
    entries = WaitlistEntry.delete().where(ended).execute()
    holds = Hold.delete().where(Hold.expires_at <= to_db(now)).execute()
    old = (Outbox.kind.in_(WAITLIST_KINDS) & (Outbox.created_at < cutoff)
           & (Outbox.status != "pending") & (Outbox.recipient != ""))
    messages = Outbox.update(**OUTBOX_ERASED, last_error=ERASED_NOTE).where(old).execute()
    return int(entries), int(holds), int(messages)


def erase_bookings(ids: list[int], stamp: datetime,
                   note: str = ERASED_NOTE) -> tuple[int, int]:
    """Inside a write transaction: erase these bookings' personal data and their messages';
    (bookings, messages) erased. Pending messages are cancelled: nobody is left to send to."""
    mine = Outbox.booking.in_(ids)
    (Outbox.update(status="cancelled", claimed_by="", claimed_until=None)
     .where(mine & (Outbox.status == "pending")).execute())
    messages = Outbox.update(**OUTBOX_ERASED, last_error=note).where(mine).execute()
    bookings = (Booking.update(**BOOKING_ERASED, purged_at=stamp)
                .where(Booking.id.in_(ids)).execute())
    return bookings, messages


def secure_delete() -> None:
    """SQLite keeps an updated row's old bytes in free space unless told to zero them."""
    if not is_postgres():
        db.execute_sql("PRAGMA secure_delete = ON")


def cut_the_log() -> None:
    """SQLite's write-ahead log keeps old page images until it is checkpointed and cut."""
    if not is_postgres():
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# -- the daily thread of `endpoint serve` ---------------------------------------------

class DailyPurge(threading.Thread):
    """Runs `purge(days, now)` at start and then every `interval` seconds until `stop()`."""

    def __init__(self, days: int, clock: Clock, interval: float = DAY):
        super().__init__(name="ledig-purge", daemon=True)
        self.days, self.clock, self.interval = days, clock, interval
        self._stop_event = threading.Event()
        self.runs = 0

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                with db.connection_context():
                    purge(self.days, self.clock.now())
                self.runs += 1
            except Exception:  # e.g. the database is down; try again later
                log.exception("retention purge failed; trying again in %ss", self.interval)
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float = 10) -> None:
        self._stop_event.set()
        self.join(timeout)


def start_daily_purge(days: int | None, clock: Clock,
                      interval: float = DAY) -> DailyPurge | None:
    """Start the daily purge when `LEDIG_PURGE_AFTER_DAYS` is set; None when it is not."""
    if days is None:
        return None
    thread = DailyPurge(days, clock, interval)
    thread.start()
    log.info("retention purge runs daily: personal data is erased %d days after the "
             "appointment", days)
    return thread
