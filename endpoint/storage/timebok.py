"""The staff timebok's tables and reads (docs/staff.md): what overlaps a time in a calendar,
staff blocks, a booking's audit log, returning patients, and every calendar's generation.

The writes that must keep a calendar free of overlaps run inside
`db.write_transaction` with the calendar's lock, in `endpoint.services`; these
functions only read (and append to the logs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from booking import Clinic
from endpoint.storage.db import (
    Booking,
    BookingLog,
    Hold,
    PatientSearch,
    PatientToken,
    StaffBlock,
    db,
    from_db,
    raw_sql,
    to_db,
)
from endpoint.storage.queries import BOOKING_ID, day_bounds


def bookings_overlapping(clinic: Clinic, calendar: str, start: datetime, end: datetime,
                         exclude: int | None = None) -> list[Booking]:
    """The calendar's active bookings that overlap [start, end), but `exclude` (a row id)."""
    query = Booking.select().where(
        (Booking.clinic == clinic.slug) & (Booking.calendar == calendar)
        & (Booking.status == "active") & (Booking.start < to_db(end))
        & (Booking.end > to_db(start)))
    if exclude is not None:
        query = query.where(Booking.id != exclude)
    return list(query.order_by(Booking.start))


def blocks_overlapping(clinic: Clinic, calendar: str, start: datetime,
                       end: datetime) -> list[StaffBlock]:
    """The calendar's staff blocks that overlap [start, end)."""
    return list(StaffBlock.select().where(
        (StaffBlock.clinic == clinic.slug) & (StaffBlock.calendar == calendar)
        & (StaffBlock.start < to_db(end)) & (StaffBlock.end > to_db(start)))
        .order_by(StaffBlock.start))


def blocks_between(clinic: Clinic, first: date, last: date) -> list[StaffBlock]:
    """The clinic's staff blocks that overlap the days first..last (clinic time)."""
    lo, hi = day_bounds(clinic, first, last)
    return list(StaffBlock.select().where(
        (StaffBlock.clinic == clinic.slug) & (StaffBlock.start < to_db(hi))
        & (StaffBlock.end > to_db(lo))).order_by(StaffBlock.start))


@dataclass(frozen=True)
class HeldTime:
    """A time a patient holds on the booking page (aware times; no token, no address)."""

    calendar: str
    start: datetime
    end: datetime
    expires_at: datetime


def holds_between(clinic: Clinic, first: date, last: date, now: datetime) -> list[HeldTime]:
    """The clinic's unexpired holds that overlap the days first..last, by start."""
    lo, hi = day_bounds(clinic, first, last)
    rows = Hold.select(Hold.calendar, Hold.start, Hold.end, Hold.expires_at).where(
        (Hold.clinic == clinic.slug) & (Hold.start < to_db(hi)) & (Hold.end > to_db(lo))
        & (Hold.expires_at > to_db(now))).order_by(Hold.start)
    return [HeldTime(h.calendar, from_db(h.start), from_db(h.end), from_db(h.expires_at))
            for h in rows]


def future_blocks(clinic: Clinic, now: datetime) -> list[StaffBlock]:
    """The clinic's staff blocks that have not ended."""
    return list(StaffBlock.select().where(
        (StaffBlock.clinic == clinic.slug) & (StaffBlock.end > to_db(now))))


def future_bookings(clinic: Clinic, now: datetime) -> list[Booking]:
    """The clinic's active bookings that start after `now`, soonest first."""
    return list(Booking.select().where(
        (Booking.clinic == clinic.slug) & (Booking.status == "active")
        & (Booking.start > to_db(now))).order_by(Booking.start))


def find_block(clinic: Clinic, public_id: str) -> StaffBlock | None:
    if not BOOKING_ID.fullmatch(public_id or ""):
        return None
    found: StaffBlock | None = StaffBlock.get_or_none(
        (StaffBlock.public_id == public_id) & (StaffBlock.clinic == clinic.slug))
    return found


def all_generations() -> dict[str, tuple[tuple[str, int], ...]]:
    """Every clinic's calendar generations, in one query (for the conflicts' cache)."""
    out: dict[str, list[tuple[str, int]]] = {}
    rows = db.execute_sql(raw_sql("SELECT clinic, calendar, generation FROM calendar_state"))
    for clinic, calendar, generation in rows:
        out.setdefault(clinic, []).append((calendar, generation))
    return {clinic: tuple(sorted(items)) for clinic, items in out.items()}


# -- the audit log -------------------------------------------------------------------------

def append_log(booking: Booking, at: datetime, actor: str, action: str,
               details: dict[str, object]) -> None:
    """Add an entry to the booking's log (inside the action's own transaction)."""
    BookingLog.insert(booking=booking.id, at=to_db(at), actor=actor, action=action,
                      details=json.dumps(details, ensure_ascii=False,
                                         sort_keys=True)).execute()


def read_log(booking: Booking) -> list[tuple[datetime, str, str, dict[str, object]]]:
    """The booking's log, oldest first: (at, actor, action, details)."""
    rows = (BookingLog.select().where(BookingLog.booking == booking.id)
            .order_by(BookingLog.at, BookingLog.id))
    return [(from_db(r.at), r.actor, r.action, json.loads(r.details or "{}")) for r in rows]


def last_log_times(booking_ids: list[int], actions: tuple[str, ...]) -> dict[int, datetime]:
    """For each booking (by row id) with an entry of one of `actions`, its latest one's time."""
    out: dict[int, datetime] = {}
    for i in range(0, len(booking_ids), 500):  # bounded IN lists, whatever the database
        rows = (BookingLog.select(BookingLog.booking, fn.MAX(BookingLog.at).alias("last"))
                .where(BookingLog.booking.in_(booking_ids[i:i + 500])
                       & BookingLog.action.in_(actions))
                .group_by(BookingLog.booking).tuples())
        for row in rows:
            values: tuple = tuple(row)  # type: ignore[arg-type]  # tuples() rows
            booking_id, last = values
            # an aggregate comes back as the driver gives it: text on SQLite
            out[int(booking_id)] = from_db(last if isinstance(last, datetime)
                                           else datetime.fromisoformat(str(last)))
    return out


# -- returning patients ----------------------------------------------------------------------

def bookings_of_patient_key(clinic: Clinic, key: str) -> list[Booking]:
    return list(Booking.select().where((Booking.clinic == clinic.slug)
                                       & (Booking.patient_key == key) & (Booking.patient_key != ""))
                .order_by(Booking.created_at.desc(), Booking.id.desc()))


def index_patient(clinic: str, key: str, tokens: set[str]) -> None:
    """Record the search tokens a patient is found by (inside the booking's transaction)."""
    if key and tokens:
        (PatientToken.insert_many([{"clinic": clinic, "token": t, "patient_key": key}
                                   for t in sorted(tokens)])
         .on_conflict_ignore().execute())


def patients_by_tokens(clinic: Clinic, tokens: set[str]) -> list[str]:
    """Keys of patients that have every token. The rows come through the index on (clinic,
    token) and are counted here: a GROUP BY in SQL let SQLite walk the index on patient
    keys instead, the clinic's every token."""
    if not tokens:
        return []
    placeholders = ", ".join("?" for _ in tokens)
    sql = raw_sql(f"SELECT token, patient_key FROM patient_token WHERE clinic = ? "
                  f"AND token IN ({placeholders})")
    found: dict[str, set[str]] = {}
    for token, key in db.execute_sql(sql, [clinic.slug, *sorted(tokens)]):
        found.setdefault(key, set()).add(token)
    return [key for key, have in found.items() if len(have) == len(tokens)]


NEWEST_BATCH = 500  # keys per query: well under SQLite's limit of bound parameters


def newest_first(clinic: Clinic, keys: list[str]) -> list[str]:
    """`keys` ordered by when each patient's newest booking was made, newest first (a
    common name prefix matches thousands: the 20 shown are the 20 booked most recently)."""
    newest: dict[str, tuple[object, int]] = {}
    for at in range(0, len(keys), NEWEST_BATCH):
        chunk = keys[at:at + NEWEST_BATCH]
        placeholders = ", ".join("?" for _ in chunk)
        sql = raw_sql("SELECT patient_key, MAX(created_at), MAX(id) FROM booking "
                      f"WHERE clinic = ? AND patient_key IN ({placeholders}) "
                      "GROUP BY patient_key")
        for key, created, last_id in db.execute_sql(sql, [clinic.slug, *chunk]):
            newest[key] = (str(created), int(last_id))
    return sorted((k for k in keys if k in newest), key=lambda k: newest[k], reverse=True)


def unindexed_patients(limit: int) -> list[Booking]:
    """The newest booking of patients not in the search index yet (from before it)."""
    indexed = PatientToken.select(PatientToken.patient_key).where(
        (PatientToken.clinic == Booking.clinic) & (PatientToken.patient_key == Booking.patient_key))
    return list(Booking.select().where((Booking.patient_key != "") & ~fn.EXISTS(indexed))
                .order_by(Booking.id.desc()).limit(limit))


def forget_unbooked_patients() -> int:
    """Drop the search tokens of patients none of whose bookings keep their key (purged)."""
    kept = Booking.select(Booking.id).where((Booking.clinic == PatientToken.clinic)
                                            & (Booking.patient_key == PatientToken.patient_key))
    return PatientToken.delete().where(~fn.EXISTS(kept)).execute()


def patient_counts(clinic: Clinic, keys: list[str]) -> dict[str, tuple[int, int]]:
    """Per patient key: (bookings not cancelled, no-shows)."""
    if not keys:
        return {}
    placeholders = ", ".join("?" for _ in keys)
    sql = raw_sql(
        "SELECT patient_key, "
        "SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN attendance = 'no_show' THEN 1 ELSE 0 END) "
        f"FROM booking WHERE clinic = ? AND patient_key IN ({placeholders}) "
        "GROUP BY patient_key")
    return {key: (int(n or 0), int(no or 0))
            for key, n, no in db.execute_sql(sql, [clinic.slug, *keys])}


def log_search(clinic: Clinic, actor: str, at: datetime, kind: str, query: str,
               results: int) -> None:
    PatientSearch.insert(clinic=clinic.slug, actor=actor, at=to_db(at), kind=kind,
                         query=query, results=results).execute()
