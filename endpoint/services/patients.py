"""Finding a clinic's returning patients (docs/staff.md), for staff who book for them.

A query of 11 digits (spaces allowed) is a national id: it is found exactly, by
its keyed hash (`keys.patient_key`), never by reading the stored numbers. Other
queries of digits (at least 5) match the end of a stored mobile number; the
rest match the beginnings of names' words ("kar han" finds Kari Hansen). Names
and numbers are sealed at rest, so both go through a blind index
(`patient_token`: keyed hashes of each name word's prefixes and each ending of
the phone number, written with every booking): the query's tokens find the
patients' keys through an index, and only their newest bookings are opened. A
patient is one keyed hash: the newest of their bookings gives the name, phone
and e-mail shown. Bookings whose personal data the retention purge erased are
not found.

Every search is logged (`patient_search`: who, when, how, how many found), with
the query's text for a name or phone search and never for a national id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from endpoint.problems import validation
from endpoint.services import access
from endpoint.services.keys import name_words, patient_key, query_tokens, search_tokens
from endpoint.storage.db import Booking, WaitlistEntry, write_transaction
from endpoint.storage.timebok import (
    bookings_of_patient_key,
    index_patient,
    log_search,
    newest_first,
    patient_counts,
    patients_by_tokens,
    unindexed_patients,
)

log = logging.getLogger("ledig.staff")

MAX_PATIENTS = 20
MIN_QUERY = 2
MIN_PHONE_DIGITS = 5
MAX_QUERY = 100


@dataclass(frozen=True)
class PatientMatch:
    key: str
    first_name: str
    last_name: str
    phone: str
    email: str
    masked_id: str
    bookings: int  # not cancelled, past and future
    no_shows: int
    newest: datetime | None = None  # when their newest booking was made


def mask_national_id(number: str) -> str:
    """'15108695088' -> '151086 *****': the birth date part, never the personal number."""
    return f"{number[:6]} *****" if len(number) == 11 else "*" * len(number)


def query_kind(query: str) -> tuple[str, str]:
    """(national_id | phone | name, the normalised query)."""
    compact = "".join(query.split())
    if len(compact) == 11 and compact.isascii() and compact.isdigit():
        return "national_id", compact
    digits = compact.replace("-", "").removeprefix("+").removeprefix("00")
    if digits.isascii() and digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS:
        return "phone", digits
    return "name", " ".join(query.split())


def search_patients(clinic: Clinic, query: str, actor: str, now: datetime,
                    secret_key: str) -> list[PatientMatch]:
    """The clinic's returning patients that match `query`, newest first; the search is logged."""
    if not isinstance(query, str) or len(query.strip()) < MIN_QUERY:
        raise validation([("q", "query_short", {"min": MIN_QUERY})], clinic.language)
    if len(query) > MAX_QUERY or any(ord(ch) < 32 for ch in query):
        raise validation([("q", "too_long" if len(query) > MAX_QUERY else "control_chars",
                           {"limit": MAX_QUERY})], clinic.language)
    kind, text = query_kind(query)
    if kind == "national_id":
        keys = [patient_key(secret_key, text)]
        found = _patients(clinic, keys)
    else:
        keys = newest_first(clinic, patients_by_tokens(clinic, query_tokens(secret_key, kind,
                                                                            text)))
        found = []
        for at in range(0, len(keys), 2 * MAX_PATIENTS):  # open only as many as are shown
            found += [p for p in _patients(clinic, keys[at:at + 2 * MAX_PATIENTS])
                      if _matches(p, kind, text)]
            if len(found) >= MAX_PATIENTS:
                break
        found = found[:MAX_PATIENTS]
    with write_transaction():  # one commit for both logs
        log_search(clinic, actor, now, kind, "" if kind == "national_id" else text, len(found))
        access.record(clinic, actor, access.FOUND_IN_SEARCH, [p.key for p in found], now)
    log.info("%s of %s searched patients by %s: %d found", actor, clinic.slug,
             kind.replace("_", " "), len(found))
    return found


def _matches(p: PatientMatch, kind: str, text: str) -> bool:
    """The shown (newest) details still match: a token names a prefix of at most 12
    letters, and a patient keeps the tokens of an older name or number."""
    if kind == "phone":
        return "".join(ch for ch in p.phone if ch.isdigit()).endswith(text)
    words = name_words(f"{p.first_name} {p.last_name}")
    return all(any(w.startswith(q) for w in words) for q in name_words(text))


def is_patient(clinic: Clinic, key: str) -> bool:
    """Whether `key` is the keyed hash of a patient with a booking or a wait-list entry at
    `clinic`."""
    return bool(key) and (bool(bookings_of_patient_key(clinic, key)) or WaitlistEntry.select()
                          .where((WaitlistEntry.clinic == clinic.slug)
                                 & (WaitlistEntry.patient_key == key)).exists())


def index_booking(booking: Booking, secret_key: str) -> None:
    """Put a new booking's patient in the search index (in the booking's transaction)."""
    index_patient(booking.clinic, booking.patient_key,
                  search_tokens(secret_key, booking.first_name, booking.last_name,
                                booking.phone))


def index_unindexed(secret_key: str, batch: int = 500) -> int:
    """Index the patients booked before the search index existed; the number indexed."""
    done = 0
    while rows := unindexed_patients(batch):
        for booking in rows:
            index_booking(booking, secret_key)
        done += len(rows)
    return done


def _patients(clinic: Clinic, keys: list[str]) -> list[PatientMatch]:
    counts = patient_counts(clinic, keys)
    out = []
    for key in keys:
        rows = bookings_of_patient_key(clinic, key)
        if not rows:
            continue
        newest = rows[0]
        number = next((b.national_id for b in rows if b.national_id), "")
        n, no_shows = counts.get(key, (0, 0))
        out.append(PatientMatch(key, newest.first_name, newest.last_name, newest.phone,
                                newest.email, mask_national_id(number), n, no_shows,
                                newest.created_at))
    return out


__all__ = ["PatientMatch", "index_booking", "index_unindexed", "is_patient", "mask_national_id",
           "query_kind", "search_patients"]
