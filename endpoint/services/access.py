"""The access log (issue #18): every staff read of a patient's details is recorded —
who, when, what, which patient (by keyed hash) and which booking, never the data.

Recorded: a booking's page opened (`booking_viewed`) and its log, a national id
shown (`national_id_revealed`), each patient a search found (`found_in_search`),
an export (`exported`) and an erasure (`erased`). Not recorded: the day and week
views, whose names are the calendar itself (every staff user sees them all day).
Staff with the `admin` role read it per patient (`GET …/patients/<key>/access`,
or `endpoint patient access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from endpoint.storage.db import AccessLog, db, from_db, to_db

BOOKING_VIEWED = "booking_viewed"
NATIONAL_ID_REVEALED = "national_id_revealed"
FOUND_IN_SEARCH = "found_in_search"
EXPORTED = "exported"
ERASED = "erased"
#: the command line: the operator, not a staff user
OPERATOR = "operator"


@dataclass(frozen=True)
class Access:
    at: datetime
    actor: str
    action: str
    booking: str


def record(clinic: Clinic | str, actor: str, action: str, patient_keys: list[str],
           at: datetime, booking: str = "") -> None:
    """Record that `actor` read these patients' details (one row each)."""
    slug = clinic if isinstance(clinic, str) else clinic.slug
    rows = [{"clinic": slug, "at": to_db(at), "actor": actor, "action": action,
             "patient_key": key, "booking": booking} for key in dict.fromkeys(patient_keys)
            if key]
    if rows:
        with db.atomic():  # its own transaction, or a savepoint inside the caller's
            AccessLog.insert_many(rows).execute()


def accesses(clinic: Clinic | str, patient_key: str) -> list[Access]:
    """Who read this patient's details, oldest first."""
    slug = clinic if isinstance(clinic, str) else clinic.slug
    query = (AccessLog.select().where((AccessLog.clinic == slug)
                                      & (AccessLog.patient_key == patient_key))
             .order_by(AccessLog.at, AccessLog.id))
    return [Access(from_db(r.at), r.actor, r.action, r.booking) for r in query]


__all__ = ["BOOKING_VIEWED", "ERASED", "EXPORTED", "FOUND_IN_SEARCH", "NATIONAL_ID_REVEALED",
           "OPERATOR", "Access", "accesses", "record"]
