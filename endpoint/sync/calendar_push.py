"""Bookings into a calendar's CalDAV collection through the outbox (docs/sync.md `sync.push`).

Inside a booking's, move's or cancellation's transaction, `enqueue` writes an
outbox row (kind `calendar_push`, channel `caldav`) for the calendar's push
target: `put` with the event's text at the booking's SEQUENCE, or `delete`. The
outbox worker delivers it with `CalDavPusher` and retries with back-off like
any message, so a server that is down delays the event and never the booking.
A `put` that a later change superseded (the booking moved again or was cancelled)
is dropped at delivery (`superseded`), so retries never bring back an old time.
"""

from __future__ import annotations

import json
import os
from datetime import datetime

from booking import Clinic
from booking.model import PushTarget
from common.words.staff import PUSH_BUSY
from endpoint.notify.delivery import DeliveryError, Outgoing, PermanentError
from endpoint.storage.db import Booking, Outbox, from_db, to_db
from endpoint.sync.errors import SourceError
from endpoint.sync.push import delete_event, event_ics, put_event

KIND = "calendar_push"
CHANNEL = "caldav"


def uid_of(clinic_slug: str, booking: Booking) -> str:
    """The event's UID: the staff feed's, which the refresher never reads back as busy."""
    return f"{booking.public_id}@{clinic_slug}.ledig"


def _row(booking: Booking, target: PushTarget, action: str, now: datetime,
         ics: str = "") -> dict[str, object]:
    return {"booking": booking.id, "clinic": booking.clinic, "kind": KIND, "channel": CHANNEL,
            "recipient": target.url, "subject": action,
            "body": json.dumps({"public_id": booking.public_id, "sequence": booking.sequence,
                                "username": target.username,
                                "password_env": target.password_env}),
            "attachment": ics, "due_at": to_db(now), "created_at": to_db(now)}


def event_text(clinic: Clinic, booking: Booking, target: PushTarget) -> tuple[str, str]:
    """(summary, description) at the target's `detail`: least by default."""
    busy = PUSH_BUSY.get(clinic.language, PUSH_BUSY["nb"])
    if target.detail != "full":
        return busy, ""
    kind = clinic.type(booking.type)
    name = f"{booking.first_name} {booking.last_name}".strip()
    what = kind.name if kind else booking.type
    return f"{name}: {what}" if name else what, what


def enqueue(clinic: Clinic, booking: Booking, now: datetime, *,
            previous_calendar: str | None = None) -> None:
    """Inside the transaction that changed `booking`: queue its event's new state.

    An active booking is put into its calendar's collection (and, when it moved from
    another calendar, deleted from that one's); a cancelled one is deleted."""
    rows = []
    if previous_calendar and previous_calendar != booking.calendar:
        old = clinic.calendar(previous_calendar)
        if old is not None and old.push is not None:
            rows.append(_row(booking, old.push, "delete", now))
    cal = clinic.calendar(booking.calendar)
    if cal is not None and cal.push is not None:
        if booking.status == "active":
            summary, description = event_text(clinic, booking, cal.push)
            ics = event_ics(uid=uid_of(clinic.slug, booking), sequence=booking.sequence,
                            start=from_db(booking.start), end=from_db(booking.end),
                            stamp=now, summary=summary, description=description,
                            location=cal.name if cal.push.detail == "full" else "")
            rows.append(_row(booking, cal.push, "put", now, ics))
        else:
            rows.append(_row(booking, cal.push, "delete", now))
    if rows:
        Outbox.insert_many(rows).execute()


def superseded(row: Outbox) -> str | None:
    """Why a queued `put` is no longer the booking's state (then it is not sent)."""
    if row.subject != "put":
        return None
    booking_id = row.booking_id  # type: ignore[attr-defined]  # peewee's foreign-key column
    booking = Booking.get_or_none(Booking.id == booking_id) if booking_id else None
    if booking is None:
        return "the booking is gone"
    if booking.status != "active":
        return "the booking was cancelled"
    if json.loads(row.body or "{}").get("sequence") != booking.sequence:
        return "the booking changed again"
    return None


class CalDavPusher:
    """The outbox's channel `caldav`: PUT or DELETE a booking's event."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = os.environ if env is None else env

    def send(self, message: Outgoing) -> None:
        facts = json.loads(message.body or "{}")
        password = ""
        if facts.get("password_env"):
            password = self.env.get(facts["password_env"], "")
            if not password:
                raise DeliveryError(f"password_missing: {facts['password_env']} is not set",
                                    code="password_missing")
        try:
            if message.subject == "delete":
                delete_event(message.recipient, facts.get("username", ""), password,
                             facts["public_id"])
            else:
                put_event(message.recipient, facts.get("username", ""), password,
                          facts["public_id"], message.attachment)
        except SourceError as exc:
            if exc.code in ("http_400", "http_412", "http_415"):
                raise PermanentError(str(exc), code=exc.code) from exc
            raise DeliveryError(str(exc), code=exc.code,
                                channel_down=exc.code in ("unreachable", "timeout")) from exc

    def superseded(self, row: Outbox) -> str | None:
        return superseded(row)

    def close(self) -> None:
        pass
