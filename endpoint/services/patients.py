"""Finding a clinic's returning patients (SPEC §10), for staff who book for them.

A query of 11 digits (spaces allowed) is a national id: it is found exactly, by
its keyed hash (`keys.patient_key`), never by reading the stored numbers. Other
queries of digits (at least 5) match the end of a stored mobile number; the
rest match names, word by word. A patient is one keyed hash: the newest of
their bookings gives the name, phone and e-mail shown. Bookings whose personal
data the retention purge erased are not found.

Every search is logged (`patient_search`: who, when, how, how many found), with
the query's text for a name or phone search and never for a national id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from endpoint.problems import validation
from endpoint.services.keys import patient_key
from endpoint.storage.db import Booking
from endpoint.storage.timebok import (
    bookings_by_name,
    bookings_by_phone,
    bookings_of_patient_key,
    log_search,
    patient_counts,
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
    else:
        rows = (bookings_by_phone(clinic, text, 200) if kind == "phone"
                else _by_name(clinic, text))
        keys = list(dict.fromkeys(b.patient_key for b in rows))[:MAX_PATIENTS]
    found = _patients(clinic, keys)
    log_search(clinic, actor, now, kind, "" if kind == "national_id" else text, len(found))
    log.info("%s of %s searched patients by %s: %d found", actor, clinic.slug,
             kind.replace("_", " "), len(found))
    return found


def _by_name(clinic: Clinic, text: str) -> list[Booking]:
    words = [w.casefold() for w in text.split()]
    rows = bookings_by_name(clinic, text.split(), 500)

    def matches(b: Booking) -> bool:
        name = f"{b.first_name} {b.last_name}".casefold()
        return all(w in name for w in words)

    return [b for b in rows if matches(b)]


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
                                newest.email, mask_national_id(number), n, no_shows))
    return out


__all__ = ["PatientMatch", "mask_national_id", "query_kind", "search_patients"]
