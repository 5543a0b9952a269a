"""The outbox worker: delivers queued messages, retries, never loses one (docs/notifications.md).

A round (`run_once`) claims due rows with a lease, so that several workers —
threads, `endpoint serve` processes, hosts — never hold the same row:
PostgreSQL picks rows with `FOR UPDATE SKIP LOCKED`, SQLite claims them with
one `UPDATE … WHERE claimed_until < now` inside a `BEGIN IMMEDIATE`
transaction. Each claimed row is then delivered outside any transaction and
marked:

* delivered → `sent`, with `sent_at` (and an SMS provider's id of the message, which
  its delivery report names: `services/sms_reports.py` then makes it `delivered` or
  `undelivered`; a report that came before this mark is kept);
* a transient failure (server down, timeout, 4xx SMTP, 5xx gateway) → stays
  `pending`, due again after a back-off of 30 s doubling per attempt up to
  1 h, for as long as it takes: a message is never dropped;
* a permanent failure (recipient refused with 5xx, gateway 400/422) → `failed`;
* a reminder of a cancelled booking, or one whose appointment has begun →
  `cancelled`.

`attempts` and `last_error` are kept on every row; `last_error` (sealed, since a
server's answer may quote the address) holds the whole text, while the log names
only the outbox id and the failure's code (`smtp_550`, `http_400`, …) and class.

Delivery is at least once: a worker that dies between sending and marking leaves
the row to be sent again when its lease (5 min) runs out; in normal operation
each message goes out once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from peewee import Case

from endpoint.clock import SYSTEM, Clock
from endpoint.notify.delivery import DeliveryError, Outgoing
from endpoint.notify.mailer import Mailer
from endpoint.notify.sms import SmsSender
from endpoint.settings import Settings, SettingsError
from endpoint.storage.db import (
    Booking,
    Outbox,
    db,
    from_db,
    is_postgres,
    to_db,
    write_transaction,
)

log = logging.getLogger("ledig.outbox")

#: the statuses a provider's delivery report sets (endpoint/services/sms_reports.py)
REPORTED = ("delivered", "undelivered")

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 30 s, 1 min, 2 min … 1 h."""
    return min(BASE_DELAY * 2 ** min(max(attempts - 1, 0), 20), MAX_DELAY)


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def claim(claimant: str, now: datetime, limit: int = BATCH) -> list[Outbox]:
    """Lease up to `limit` due rows to `claimant` (unique per round); the rows."""
    stamp = to_db(now)
    due = ((Outbox.status == "pending") & (Outbox.due_at <= stamp)
           & (Outbox.claimed_until.is_null() | (Outbox.claimed_until < stamp)))
    picked = Outbox.select(Outbox.id).where(due).order_by(Outbox.due_at, Outbox.id).limit(limit)
    lease = dict(claimed_by=claimant, claimed_until=to_db(now + LEASE))
    if is_postgres():
        with db.atomic():
            # the stub allows only a bool; peewee takes the clause itself
            locked = picked.for_update("FOR UPDATE SKIP LOCKED")  # type: ignore[arg-type]
            ids = [row.id for row in locked]
            if ids:
                Outbox.update(**lease).where(Outbox.id.in_(ids)).execute()
    else:
        with write_transaction():
            Outbox.update(**lease).where(Outbox.id.in_(picked) & due).execute()
    return list(Outbox.select()
                .where((Outbox.claimed_by == claimant) & (Outbox.status == "pending"))
                .order_by(Outbox.due_at, Outbox.id))


#: channel -> a factory of its sender: what the running features deliver beside e-mail and
#: SMS (calendar sync's `caldav`, docs/features.md); a sender may have `superseded(row)`
Senders = Mapping[str, Callable[[], Any]]
NO_SENDERS: Senders = MappingProxyType({})


def run_once(settings: Settings, clock: Clock = SYSTEM, *, worker: str | None = None,
             limit: int = BATCH, senders: Senders = NO_SENDERS) -> Counter:
    """One round: claim due messages and deliver them; counts by outcome.

    The clock decides what is due; tests move it to see reminders. A row of a channel no
    running feature delivers waits, retried with back-off (docs/features.md).
    """
    now = clock.now()
    claimant = f"{worker or worker_name()}:{uuid.uuid4().hex[:8]}"
    opened = db.is_closed()
    if opened:
        db.connect()
    channels: dict[str, Any] = {
        "email": Mailer(settings.smtp_url, settings.var, clock),
        "sms": SmsSender(settings.sms_url, settings.sms_from, settings.var, clock,
                         reports=settings.sms_report_url),
        **{channel: make() for channel, make in senders.items()}}
    outcomes: Counter = Counter()
    try:
        rows = claim(claimant, now, limit)
        stop_at = clock.monotonic() + (LEASE - timedelta(minutes=1)).total_seconds()
        down: dict[str, DeliveryError] = {}
        for row in rows:
            if clock.monotonic() > stop_at:  # the lease is running out: leave the rest
                _finish(row, claimant)
                outcomes["released"] += 1
                continue
            outcomes[_deliver(row, claimant, now, channels, down)] += 1
    finally:
        for sender in channels.values():
            sender.close()
        if opened:
            db.close()
    return outcomes


def _deliver(row: Outbox, claimant: str, now: datetime, senders: dict,
             down: dict[str, DeliveryError]) -> str:
    if row.kind == "reminder" and (reason := _stale_reminder(row, now)):
        _finish(row, claimant, status="cancelled", last_error=reason)
        return "cancelled"
    superseded = getattr(senders.get(row.channel), "superseded", None)
    if superseded is not None and (reason := superseded(row)):
        _finish(row, claimant, status="cancelled", last_error=reason)
        return "cancelled"
    message = Outgoing(id=row.id, kind=row.kind, channel=row.channel, recipient=row.recipient,
                       subject=row.subject, body=row.body, attachment=row.attachment,
                       sender=row.sender)
    try:
        if row.channel in down:  # the server was unreachable a moment ago: do not wait again
            raise down[row.channel]
        sender = senders.get(row.channel)
        if sender is None:
            raise DeliveryError(f"no channel '{row.channel}'", code="no_channel")
        said = sender.send(message)
    except DeliveryError as exc:
        attempts = row.attempts + 1
        if exc.permanent:
            _finish(row, claimant, status="failed", attempts=attempts, last_error=str(exc))
            log.warning("outbox %d (%s by %s) failed for good: %s (%s)", row.id, row.kind,
                        row.channel, exc.code, type(exc).__name__)
            return "failed"
        if getattr(exc, "channel_down", False):
            down[row.channel] = exc
        delay = backoff(attempts)
        _finish(row, claimant, attempts=attempts, last_error=str(exc),
                due_at=to_db(now + delay))
        log.warning("outbox %d (%s by %s) not delivered (attempt %d), retry in %ds: %s (%s)",
                    row.id, row.kind, row.channel, attempts, delay.total_seconds(), exc.code,
                    type(exc).__name__)
        return "retry"
    except Exception as exc:  # a bug must delay a message, never lose it
        attempts = row.attempts + 1
        _finish(row, claimant, attempts=attempts, last_error=f"{type(exc).__name__}: {exc}",
                due_at=to_db(now + backoff(attempts)))
        # the class and where, not the text, which may quote the message or its address
        log.error("outbox %d (%s by %s): unexpected %s, retried later; at\n%s", row.id,
                  row.kind, row.channel, type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)).rstrip())
        return "retry"
    # a delivery report may have come between the send and this mark: it stays
    reported = Outbox.status.in_(REPORTED)
    sent: dict[str, object] = dict(status=Case(None, [(reported, Outbox.status)], "sent"),
                last_error=Case(None, [(reported, Outbox.last_error)],
                                Outbox.last_error.db_value("")))  # sealed, like any value
    if isinstance(said, str) and said:
        sent["provider_id"] = said
    _finish(row, claimant, attempts=row.attempts + 1, sent_at=to_db(now), **sent)
    log.info("outbox %d: %s by %s sent", row.id, row.kind, row.channel)
    return "sent"


def _stale_reminder(row: Outbox, now: datetime) -> str | None:
    booking_id = row.booking_id  # type: ignore[attr-defined]  # peewee's foreign-key column
    booking = Booking.get_or_none(Booking.id == booking_id) if booking_id else None
    if booking is None:
        return None
    if booking.status != "active":
        return "the booking was cancelled"
    if from_db(booking.start) <= now:
        return "the appointment had already begun"
    return None


def _finish(row: Outbox, claimant: str, **fields) -> None:
    """Record the outcome and give the lease back (only if it is still ours)."""
    (Outbox.update(claimed_by="", claimed_until=None, **fields)
     .where((Outbox.id == row.id) & (Outbox.claimed_by == claimant))
     .execute())


def drain(settings: Settings, clock: Clock = SYSTEM, senders: Senders = NO_SENDERS) -> Counter:
    """Rounds until nothing due is left (what `endpoint outbox --once` does)."""
    total: Counter = Counter()
    while True:
        outcomes = run_once(settings, clock, senders=senders)
        total += outcomes
        if sum(outcomes.values()) < BATCH:
            return total


# -- the background worker ------------------------------------------------------------

class Worker(threading.Thread):
    """Runs `drain` every `interval` seconds until `stop()`."""

    def __init__(self, settings: Settings, clock: Clock = SYSTEM,
                 interval: float | None = None, senders: Senders = NO_SENDERS):
        super().__init__(name="ledig-outbox", daemon=True)
        self.settings, self.clock, self.senders = settings, clock, senders
        self.interval = settings.outbox_interval if interval is None else interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                drain(self.settings, self.clock, self.senders)
            except Exception:  # e.g. the database is down; try again later
                log.exception("outbox round failed; trying again in %ss", self.interval)
                if not db.is_closed():
                    db.close()
            self._stop_event.wait(self.interval)

    def stop(self, timeout: float = 10) -> None:
        self._stop_event.set()
        self.join(timeout)


def start_worker(settings: Settings, clock: Clock = SYSTEM,
                 senders: Senders = NO_SENDERS) -> Worker:
    """Deliver in a daemon thread of the serving process (`endpoint serve`)."""
    worker = Worker(settings, clock, senders=senders)
    worker.start()
    log.info("outbox worker started (every %ss)", worker.interval)
    return worker


def check_senders(settings: Settings) -> None:
    """Refuse LEDIG_SMTP_URL / LEDIG_SMS_URL values the senders cannot use, before serving:
    a typo found only by the worker would hold every message back."""
    try:
        Mailer(settings.smtp_url, settings.var)
        SmsSender(settings.sms_url, settings.sms_from, settings.var)
        if settings.sms_report_url and not settings.sms_report_url.startswith(
                ("https://", "http://")):
            raise ValueError("LEDIG_SMS_REPORT_URL must be the endpoint's public http(s) "
                             f"address (got '{settings.sms_report_url}')")
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
