"""Compiled plans (booking/plans.py) answer exactly what the straightforward engine answers.

The slot route computes its misses from plans compiled once per configuration
version; `visible_slots` without plans walks the schedule block by block
(booking/slots.py) and is the reference. Both run here over ranges that cross
Christmas (public holidays and closed exceptions), Easter 2027 and the spring
clock change (2027-03-28), and the autumn one (2026-10-25), for every type and
calendar of the demo clinic and of a night clinic whose blocks sit in the hours
the clocks skip and repeat, with bookings strewn over the range. The slots are
compared as the API prints them (calendar, ISO start and end with offset).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from booking import Busy, visible_slots
from booking.plans import Compile
from common.content import load_clinic_bytes

DEMO = Path(__file__).resolve().parents[2] / "content" / "clinics" / "fjordlegene.yaml"

# Sunday blocks over the night: 2026-10-25 repeats 02:00-03:00, 2027-03-28 skips it
NIGHT = """
    name: Nattklinikken
    online: {booking_deadline_hours: 0, days_ahead: 400, closed_on_public_holidays: false}
    calendars:
      - id: natt
        name: Natt
        online: true
        week:
          sun:
            - {start: "02:00", end: "03:00", types: [kort], smart: true, step_minutes: 10}
            - {start: "00:30", end: "02:00", types: [kort, lang]}
            - {start: "03:00", end: "05:00", types: [kort, lang], slot_minutes: 45}
            - {start: "05:00", end: "07:00", types: [kort, lang], smart: true}
          mon:
            - {start: "08:00", end: "12:00", types: [kort, lang], slot_minutes: 50}
      - id: dag
        name: Dag
        online: true
        week:
          sun:
            - {start: "01:10", end: "04:50", types: [lang], smart: true}
          mon:
            - {start: "08:00", end: "10:00", types: [kort]}
    appointment_types:
      - {id: kort, name: Kort, duration: 15, online: true}
      - {id: lang, name: Lang, duration: 40, online: true}
    """

#: (first day, last day, now): Christmas; Easter and the spring change; the autumn change
RANGES = [
    (date(2026, 12, 20), date(2027, 1, 3), datetime(2026, 12, 20, 7, 30, tzinfo=UTC)),
    (date(2027, 3, 22), date(2027, 4, 2), datetime(2027, 3, 21, 12, 0, tzinfo=UTC)),
    (date(2026, 10, 19), date(2026, 10, 27), datetime(2026, 10, 19, 6, 0, tzinfo=UTC)),
]


def _clinic(data: bytes, slug: str):
    clinic, issues = load_clinic_bytes(data, slug=slug, file=f"{slug}.yaml")
    assert clinic is not None, "\n".join(str(i) for i in issues)
    return clinic


DEMO_CLINIC = _clinic(DEMO.read_bytes(), "fjordlegene")
NIGHT_CLINIC = _clinic(
    "\n".join(line[4:] for line in NIGHT.splitlines()).lstrip("\n").encode(), "natt")


def _bookings(calendars: list[str], first: date, last: date, seed: int) -> dict[str, Busy]:
    """Bookings on the 5-minute grid, some off it, some long (a staff block), per calendar."""
    rng = random.Random(seed)
    lo = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp() - 86400
    hi = datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp() + 2 * 86400
    out = {}
    for cal in calendars:
        pairs = []
        for _ in range(int((hi - lo) / 86400) * 6):
            start = lo + rng.randrange(0, int(hi - lo) // 300) * 300 + rng.choice([0, 0, 0, 90])
            length = rng.choice([600, 900, 1200, 1800, 2400, 3600, 3 * 3600])
            pairs.append((start, start + length))
        out[cal] = Busy.from_epochs(pairs)
    return out


def _printed(days) -> list[tuple[str, list[tuple[str, str, str]]]]:
    return [(d.date.isoformat(), [(s.calendar, s.start.isoformat(), s.end.isoformat())
                                  for s in d.slots]) for d in days]


CASES = [(clinic, kind.id, calendar, rng)
         for clinic in (DEMO_CLINIC, NIGHT_CLINIC)
         for kind in clinic.online_types
         for calendar in (None, *(c.id for c in clinic.online_calendars))
         for rng in RANGES]


@pytest.mark.parametrize(("clinic", "type_id", "calendar", "window"), CASES, ids=[
    f"{c.slug}-{t}-{cal or 'first-available'}-{w[0]}" for c, t, cal, w in CASES])
def test_compiled_plans_give_the_slots_of_the_straightforward_engine(
        clinic, type_id, calendar, window):
    first, last, now = window
    busy = _bookings([c.id for c in clinic.calendars], first, last, seed=len(CASES))
    for bookings in ({}, busy):
        expected = visible_slots(clinic, type_id, now, bookings, calendar_id=calendar,
                                 first_day=first, last_day=last)
        compiled = visible_slots(clinic, type_id, now, bookings, calendar_id=calendar,
                                 first_day=first, last_day=last, plans=Compile())
        assert _printed(compiled) == _printed(expected)


def test_a_night_the_clock_repeats_is_sorted_as_the_engine_sorts_it():
    """A booking from 02:40 summer time to 02:10 winter time: the smart block offers 02:20
    before it and 02:10 (again) after it, which the engine sorts by wall clock."""
    day = date(2026, 10, 25)
    booking = (datetime(2026, 10, 25, 0, 40, tzinfo=UTC).timestamp(),
               datetime(2026, 10, 25, 1, 10, tzinfo=UTC).timestamp())
    busy = {"natt": Busy.from_epochs([booking])}
    now = datetime(2026, 10, 20, tzinfo=UTC)
    expected = visible_slots(NIGHT_CLINIC, "kort", now, busy, calendar_id="natt",
                             first_day=day, last_day=day)
    compiled = visible_slots(NIGHT_CLINIC, "kort", now, busy, calendar_id="natt",
                             first_day=day, last_day=day, plans=Compile())
    assert [s.start.isoformat() for s in expected[0].slots][2:5] == [
        "2026-10-25T02:00:00+02:00", "2026-10-25T02:10:00+01:00", "2026-10-25T02:20:00+02:00"]
    assert _printed(compiled) == _printed(expected)


def test_the_comparison_sees_slots_on_both_clock_change_nights():
    """The night clinic offers slots on the change days, so the cases above compare some."""
    for day in (date(2026, 10, 25), date(2027, 3, 28)):
        days = visible_slots(NIGHT_CLINIC, "kort", datetime(2026, 10, 1, tzinfo=UTC), {},
                             first_day=day, last_day=day, plans=Compile())
        assert [d.date for d in days] == [day]


def test_the_comparison_sees_bookings_take_slots():
    """The strewn bookings hide some slots, so the cases above compare the merge too."""
    first, last, now = RANGES[0]
    free = visible_slots(DEMO_CLINIC, "konsultasjon", now, {}, first_day=first,
                         last_day=last, plans=Compile())
    busy = _bookings(["hansen", "berg", "sykepleier"], first, last, seed=1)
    taken = visible_slots(DEMO_CLINIC, "konsultasjon", now, busy, first_day=first,
                          last_day=last, plans=Compile())
    count = sum(len(d.slots) for d in taken)
    assert 0 < count < sum(len(d.slots) for d in free)


def test_a_plan_covers_its_range_day_by_day():
    first, last = date(2027, 3, 22), date(2027, 4, 2)
    kind = DEMO_CLINIC.type("konsultasjon")
    plan = Compile().plan(DEMO_CLINIC, DEMO_CLINIC.calendar("hansen"), kind, first, last)
    assert len(plan.days) == (last - first).days + 1 == 12
    assert plan.first + timedelta(days=len(plan.days) - 1) == last
