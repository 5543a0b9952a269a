"""What the timebok's pages read beside the day's bookings: staff blocks, imported busy
times, the times patients hold on the booking page, conflicts, a returning patient, the
free starts of a type and the waiting list, in the shapes the view models and templates
take.

Staff blocks, conflicts and patients come from the staff services and their
storage; imported busy times (docs/sync.md) from calendar sync's tables; the waiting
list (docs/patients.md) from the wait-list service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking import Busy, Clinic
from booking.restrictions import calendar_day_slots, zone
from booking.schedule import day_blocks
from booking.slots import block_slots
from common.words.conflicts import reason_words
from common.words.dates import format_span, format_when
from common.words.staff import ANY_CALENDAR, APPOINTMENT_STATES, held_until, sync_warning
from endpoint.services.conflicts import clinic_conflicts
from endpoint.staff.calendar import Span, calendar_name, mask_national_id, patient_name, type_name
from endpoint.storage.db import from_db
from endpoint.storage.queries import busy_between
from endpoint.storage.sync import busy_times, health
from endpoint.storage.timebok import (
    blocks_between,
    bookings_of_patient_key,
    holds_between,
    patient_counts,
)
from endpoint.waitlist import entries as waitlist


@dataclass(frozen=True)
class ConflictItem:
    """A booking that no longer fits, as the conflicts page lists it."""

    public_id: str
    day: date
    when: str  # "tirsdag 1. desember 2026 kl. 08:00–08:20"
    name: str
    phone: str
    calendar: str
    type_name: str
    reason: str  # in words


@dataclass(frozen=True)
class Returning:
    """A returning patient picked for the booking form: the newest booking's details."""

    key: str
    id_type: str
    national_id: str
    first_name: str
    last_name: str
    phone: str
    email: str
    bookings: int
    no_shows: int

    @property
    def masked_id(self) -> str:
        return mask_national_id(self.national_id)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Appointment:
    """One of a patient's appointments, as the patient search lists it (a link to its page)."""

    public_id: str
    when: str  # "torsdag 3. desember 2026 kl. 08:00"
    type_name: str
    calendar: str
    state: str  # "", or in words: cancelled, arrived, no-show


#: how many of a patient's past (and cancelled) appointments the search shows
RECENT_APPOINTMENTS = 5


def appointments_of(clinic: Clinic, key: str, now: datetime
                    ) -> tuple[list[Appointment], list[Appointment]]:
    """A patient's upcoming appointments (active, not ended; soonest first) and the most
    recent others (ended or cancelled; newest first, at most `RECENT_APPOINTMENTS`): what
    a receptionist needs when the patient calls to move or cancel one."""
    tz = zone(clinic.timezone)
    rows = sorted(bookings_of_patient_key(clinic, key), key=lambda b: from_db(b.start))
    ahead = [b for b in rows if b.status == "active" and from_db(b.end) > now]
    upcoming = {b.id for b in ahead}
    behind = [b for b in reversed(rows) if b.id not in upcoming][:RECENT_APPOINTMENTS]

    def shown(b) -> Appointment:
        state = "cancelled" if b.status == "cancelled" else (b.attendance or "")
        return Appointment(b.public_id, format_when(from_db(b.start).astimezone(tz)),
                           type_name(clinic, b.type), calendar_name(clinic, b.calendar),
                           APPOINTMENT_STATES.get(state, ""))

    return [shown(b) for b in ahead], [shown(b) for b in behind]


def day_extras(clinic: Clinic, day: date, now: datetime, days: int = 1
               ) -> tuple[list[Span], list[Span], dict[str, str]]:
    """The staff blocks and busy times of `days` days from `day`, and the conflicts among
    the clinic's future bookings (booking id -> why, in words)."""
    last = day + timedelta(days=days - 1)
    spans = [Span(b.public_id, b.calendar, from_db(b.start), from_db(b.end), b.reason)
             for b in blocks_between(clinic, day, last)]
    busy = [Span("", t.calendar, t.start, t.end, t.source)
            for t in busy_times(clinic, day, last)]
    tz = zone(clinic.timezone)
    busy += [Span("", h.calendar, h.start, h.end,
                  held_until(f"{h.expires_at.astimezone(tz):%H:%M}"), "hold")
             for h in holds_between(clinic, day, last, now)]
    return spans, busy, conflict_reasons(clinic, now)


def sync_warnings(clinic: Clinic, now: datetime) -> list[str]:
    """A sentence for every busy source that fails or is stale (docs/sync.md), in words."""
    tz = zone(clinic.timezone)
    names = {c.id: c.name for c in clinic.calendars}
    out = []
    for h in health(clinic, now):
        if h.ok:
            continue
        since = format_when(h.last_ok_at.astimezone(tz)) if h.last_ok_at else None
        out.append(sync_warning(h.label, names.get(h.calendar, h.calendar), since, h.error,
                                closed=not h.fresh))
    return out


def conflict_reasons(clinic: Clinic, now: datetime) -> dict[str, str]:
    said = reason_words("nb")
    return {b.public_id: said.get(code, code).rstrip(".")
            for b, code in clinic_conflicts(clinic, now)}


def conflict_list(clinic: Clinic, now: datetime) -> list[ConflictItem]:
    tz = zone(clinic.timezone)
    said = reason_words("nb")
    out = []
    for b, code in clinic_conflicts(clinic, now):
        start, end = from_db(b.start).astimezone(tz), from_db(b.end).astimezone(tz)
        out.append(ConflictItem(
            b.public_id, start.date(),
            format_span(start, end).capitalize(),
            patient_name(b), b.phone, calendar_name(clinic, b.calendar),
            type_name(clinic, b.type), said.get(code, code)))
    return out


def patient_by_key(clinic: Clinic, key: str) -> Returning | None:
    """The returning patient of a search result's key, or None."""
    rows = bookings_of_patient_key(clinic, key) if key and len(key) <= 64 else []
    if not rows:
        return None
    newest = rows[0]
    with_id = next((b for b in rows if b.national_id), None)
    if with_id is None:
        return None  # erased by the retention purge: nothing to book with
    n, no_shows = patient_counts(clinic, [key]).get(key, (0, 0))
    return Returning(key, with_id.id_type, with_id.national_id, newest.first_name,
                     newest.last_name, newest.phone, newest.email, n, no_shows)


def free_starts(clinic: Clinic, calendar_id: str, day: date, type_id: str,
                now: datetime, exclude: int | None = None) -> list[str]:
    """The starts ("08:40") where a booking of the type fits in the calendar's blocks that
    day and that have not begun: what to offer when the chosen time was taken, and where
    a booking (`exclude`, its row id: its own time counts as free) may be moved."""
    cal, kind = clinic.calendar(calendar_id), clinic.type(type_id)
    if cal is None or kind is None:
        return []
    tz = zone(clinic.timezone)
    busy = busy_between(clinic, day, day, calendar_id, exclude).get(calendar_id) or Busy()
    # the core's engine, staff-only blocks included: what the calendar would offer
    slots = calendar_day_slots(clinic, cal, kind, day, busy, online_only=False)
    return sorted({s.start.astimezone(tz).strftime("%H:%M") for s in slots if s.start > now})


def off_grid(clinic: Clinic, calendar_id: str, day: date, type_id: str, at: str,
             free: list[str]) -> bool:
    """Whether `at` ("08:10") lies inside a plain block of the calendar that allows the
    type, but on none of its slots' starts, taken or free: a booking there leaves the
    slot around it unused (a 40-minute slot at 08:00 cannot be booked beside one moved to
    08:10). A smart block has no fixed slots (its starts follow the bookings), and a time
    outside every block is the schedule's question, asked by the services."""
    cal, kind = clinic.calendar(calendar_id), clinic.type(type_id)
    if cal is None or kind is None or at in free:
        return False
    hours, minutes = map(int, at.split(":"))
    start = time(hours, minutes)
    end = (datetime.combine(day, start) + timedelta(minutes=kind.duration)).time()
    tz = zone(clinic.timezone)
    for block in day_blocks(clinic, cal, day):
        if block.smart or kind.id not in block.types:
            continue
        if block.start <= start and (end <= block.end and end > start):
            starts = {s.start.astimezone(tz).strftime("%H:%M")
                      for s in block_slots(block, kind, day, tz, Busy(), cal.id)}
            return at not in starts
    return False


def waiting(clinic: Clinic, now: datetime) -> list[dict[str, object]]:
    """The waiting list's rows for the staff page: who, phone, what, with whom, since."""
    rows = []
    for e in waitlist.waiting(clinic, now):
        kind = clinic.type(str(e["type"]))
        cal = clinic.calendar(str(e["calendar"])) if e["calendar"] else None
        rows.append({"name": f"{e['first_name']} {e['last_name']}".strip(),
                     "phone": e["phone"], "type_name": kind.name if kind else e["type"],
                     "calendar": cal.name if cal else ANY_CALENDAR,
                     "since": str(e["created_at"])[:10],
                     "range": f"{e['from']} – {e['to']}", "masked_id": e["masked_id"]})
    return rows
