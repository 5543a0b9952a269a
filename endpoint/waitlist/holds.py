"""Holding a picked time for the patient while they fill in the form (docs/patients.md).

A hold is busy time for everyone else until it expires, is released or is
booked (`storage.queries.busy_between` counts it when given the clock). It is
written under the calendar's lock that bookings take, after the calendar's
expired holds are deleted in the same transaction, and re-checked there against
bookings, staff blocks and other holds, so holds never overlap each other or a
booking. No worker ends a hold: one with `expires_at <= now` is simply not busy.
A client address may hold at most `MAX_PER_CLIENT` times at once (counted under
a lock of its own, through a keyed hash of the address).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import uuid
from datetime import datetime, timedelta

from booking import Clinic, Refusal, check_booking
from booking.restrictions import zone
from endpoint.problems import Problem, refused
from endpoint.services.keys import new_token, token_hash, token_matches
from endpoint.services.work import CORE, Work
from endpoint.storage.db import Hold, from_db, to_db
from endpoint.storage.queries import busy_between, holds_count
from endpoint.storage.sync import closed_calendars

#: active holds one client address may have at once
MAX_PER_CLIENT = 3

HOLD_ID_LENGTH = 32


def client_key(secret_key: str, address: str) -> str:
    """A keyed hash of the client's address: the cap counts it, nobody can read it back."""
    return hmac.new(secret_key.encode(), b"client:" + address.encode(),
                    hashlib.sha256).hexdigest()


def holds_on(clinic: Clinic) -> None:
    """404 when the clinic has holds switched off (`online.hold_minutes: 0`)."""
    if not holds_count(clinic):
        raise Problem("not_found", "This clinic does not hold times.")


def create_hold(clinic: Clinic, calendar: str, type_id: str, start: datetime, now: datetime,
                secret_key: str, address: str) -> tuple[Hold, str]:
    """Hold a visible time for `hold_minutes`; the stored hold and its token."""
    holds_on(clinic)
    token = new_token()
    client = client_key(secret_key, address)
    day = start.astimezone(zone(clinic.timezone)).date()
    work = Work(clinic, now, CORE)
    with work.write(calendars=[calendar], extra_locks=[f"holds:{clinic.slug}:{client}"]):
        # ended holds of the calendar go first, so that they can never block a new one
        Hold.delete().where((Hold.clinic == clinic.slug) & (Hold.calendar == calendar)
                            & (Hold.expires_at <= to_db(now))).execute()
        mine = list(Hold.select(Hold.expires_at).where(
            (Hold.client_key == client) & (Hold.expires_at > to_db(now))))
        if len(mine) >= MAX_PER_CLIENT:
            first_end = min(from_db(h.expires_at) for h in mine)
            wait = max(1, math.ceil((first_end - now).total_seconds()))
            raise Problem("rate_limited", f"At most {MAX_PER_CLIENT} times can be held "
                          "at once; book or release one first.",
                          headers={"Retry-After": str(wait)})
        if calendar in closed_calendars(clinic, now):
            # fail closed (docs/sync.md): an unread busy source may hide a busy time here
            raise Problem("slot_unavailable", "This time cannot be held online right "
                          "now; please call the clinic.")
        busy = busy_between(clinic, day, day, calendar, now=now)
        decision = check_booking(clinic, calendar, type_id, start, now, busy, 0)
        if isinstance(decision, Refusal):
            raise refused(decision)
        # (the unique index is the last line against a racing hold the check did not see)
        hold = Hold.create(
            public_id=uuid.uuid4().hex, clinic=clinic.slug, calendar=calendar,
            type=type_id, start=to_db(decision.start), end=to_db(decision.end),
            expires_at=to_db(now + timedelta(minutes=clinic.features.hold_minutes)),
            token_hash=token_hash(token), client_key=client, created_at=to_db(now))
        work.touched(calendar)
    return hold, token


def release_hold(clinic: Clinic, public_id: str, token: str, now: datetime) -> None:
    """Release a hold with its token; unknown ids and wrong tokens are one 404."""
    holds_on(clinic)
    found = (Hold.get_or_none((Hold.public_id == public_id) & (Hold.clinic == clinic.slug))
             if len(public_id) == HOLD_ID_LENGTH and public_id.isalnum() else None)
    matches = token_matches(token, found.token_hash if found is not None else "0" * 64)
    if found is None or not matches:
        raise Problem("not_found", "No hold with that id and token.")
    work = Work(clinic, now, CORE)
    with work.write(calendars=[found.calendar]):
        if Hold.delete().where(Hold.id == found.id).execute():
            work.touched(found.calendar)


def matching_hold(clinic: Clinic, token: str | None, calendar: str, type_id: str,
                  start: datetime, now: datetime) -> Hold | None:
    """Inside a booking's (or move's) transaction: the hold its `hold_token` names, which
    must be this clinic's and for this very calendar, type and start, and not run out.

    None when no token was sent or the clinic has holds off (then no hold is busy)."""
    if not token or not holds_count(clinic):
        return None
    found = Hold.get_or_none(Hold.token_hash == token_hash(token))
    if found is None or not token_matches(token, found.token_hash) \
            or found.clinic != clinic.slug:
        raise Problem("hold_invalid", "The hold token is unknown or already used; pick the "
                      "time again.")
    if (found.calendar, found.type) != (calendar, type_id) or from_db(found.start) != start:
        raise Problem("hold_invalid", "The hold is for another time; book the time you held "
                      "or pick this one again.")
    if from_db(found.expires_at) <= now:
        raise Problem("hold_expired", "The hold on this time has run out; pick the time "
                      "again.")
    hold: Hold = found
    return hold


def consume(hold: int | None) -> None:
    """Inside the booking's transaction: the held time (the hold's row id) is now the
    booking's."""
    if hold is not None:
        Hold.delete().where(Hold.id == hold).execute()


__all__ = ["MAX_PER_CLIENT", "client_key", "consume", "create_hold", "holds_on",
           "matching_hold", "release_hold"]
