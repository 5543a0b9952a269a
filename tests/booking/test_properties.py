"""Hypothesis properties of the slot engine over random weeks, bookings and clocks.

Random week templates (plain and smart blocks, online or staff-only, random
types, cells and steps) for two calendars, random bookings, random rules and a
random `now` around the spring DST change. Whatever they are:
no visible slot overlaps an active booking; every slot lies inside an online
block that allows its type; none starts before now + booking deadline, before
today or after the window's last day; plain-block slots of one calendar on one
day never overlap; `first_available_only` leaves at most one per calendar per
day. On the DST days a plain block's slots are exactly its wall-clock grid
minus the missing hour, none doubled, each lasting its duration in real time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from booking import Busy, visible_slots

OSLO = ZoneInfo("Europe/Oslo")
DURATIONS = {"kort": 10, "kons": 20, "samtale": 40}
CALENDARS = ("lege", "berg")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SETTINGS = settings(max_examples=60, deadline=None)
# Norway's public holidays that the clocks below can reach (20 March – 15 April 2026): Easter
EASTER_2026 = {date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 5), date(2026, 4, 6)}


@dataclass(frozen=True)
class Drawn:
    """A drawn block as the generator wrote it: the oracle, independent of the loader."""

    start: int  # minutes after midnight, wall clock
    end: int
    types: frozenset[str]
    smart: bool
    online: bool


@dataclass(frozen=True)
class Plan:
    """What a drawn clinic file says: its rules and each calendar's week (Monday first)."""

    text: str
    rules: dict
    week: dict[str, tuple[tuple[Drawn, ...], ...]]


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def day_blocks(draw) -> list[tuple[str, Drawn]]:
    """Non-overlapping blocks of one day between 06:00 and 22:00: YAML flow mappings and
    what each one says."""
    out = []
    cursor = 6 * 60
    for _ in range(draw(st.integers(0, 3))):
        start = cursor + 5 * draw(st.integers(0, 24))
        length = 5 * draw(st.integers(8, 36))
        if start + length > 22 * 60:
            break
        types = draw(st.lists(st.sampled_from(sorted(DURATIONS)), min_size=1, max_size=3,
                              unique=True))
        longest = max(DURATIONS[t] for t in types)
        if longest > length:
            types = [t for t in types if DURATIONS[t] <= length] or ["kort"]
            longest = max(DURATIONS[t] for t in types)
        parts = [f'start: "{hhmm(start)}"', f'end: "{hhmm(start + length)}"',
                 f"types: [{', '.join(types)}]"]
        if draw(st.booleans()):
            parts.append("smart: true")
            parts.append(f"step_minutes: {draw(st.sampled_from([5, 10, 15]))}")
        elif draw(st.booleans()):
            parts.append(f"slot_minutes: {draw(st.sampled_from([longest, 30, 45, 60]))}"
                         if longest <= 30 else f"slot_minutes: {longest}")
        online = draw(st.integers(0, 4)) != 0
        if not online:
            parts.append("online: false")
        smart = "smart: true" in parts
        out.append(("{" + ", ".join(parts) + "}",
                    Drawn(start, start + length, frozenset(types), smart, online)))
        cursor = start + length
    return out


@st.composite
def clinics(draw) -> Plan:
    rules = {
        "booking_deadline_hours": draw(st.sampled_from([0, 0.5, 1, 2, 6, 24, 48])),
        "days_ahead": draw(st.integers(0, 9)),
        "first_available_only": draw(st.booleans()),
        "closed_on_public_holidays": draw(st.booleans()),
    }
    lines = ["name: Egenskaper", "online:"]
    lines += [f"  {k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in rules.items()]
    lines.append("calendars:")
    week = {}
    for cal in CALENDARS:
        lines += [f"  - id: {cal}", f"    name: {cal.title()}", "    online: true", "    week:"]
        days = []
        for day in WEEKDAYS:
            blocks = draw(day_blocks())
            lines.append(f"      {day}: [{', '.join(text for text, _ in blocks)}]")
            days.append(tuple(drawn for _, drawn in blocks))
        week[cal] = tuple(days)
    lines.append("appointment_types:")
    for tid, minutes in DURATIONS.items():
        lines.append(f"  - {{id: {tid}, name: {tid.title()}, duration: {minutes}, online: true}}")
    return Plan("\n".join(lines) + "\n", rules, week)


def wall(day: date, minute: int) -> datetime:
    """A wall-clock minute in Oslo (never one the spring change skips: 02:00–03:00)."""
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=OSLO)


NOWS = st.datetimes(min_value=datetime(2026, 3, 20), max_value=datetime(2026, 4, 6)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))


@st.composite
def bookings(draw, first: date) -> dict[str, list[tuple[datetime, datetime]]]:
    out: dict[str, list] = defaultdict(list)
    for _ in range(draw(st.integers(0, 25))):
        cal = draw(st.sampled_from(CALENDARS))
        day = first + timedelta(days=draw(st.integers(-1, 10)))
        start = wall(day, draw(st.integers(5 * 60, 22 * 60)))
        end = start + timedelta(minutes=draw(st.integers(1, 120)))
        out[cal].append((start, end))
    return dict(out)


def containing_block(plan: Plan, calendar_id: str, slot) -> Drawn | None:
    """The drawn block that holds the slot on its day, from the drawn week and holidays."""
    day = slot.start.astimezone(OSLO).date()
    if plan.rules["closed_on_public_holidays"] and day in EASTER_2026:
        return None
    for block in plan.week[calendar_id][day.weekday()]:
        if wall(day, block.start) <= slot.start and slot.end <= wall(day, block.end):
            return block
    return None


@SETTINGS
@given(data=st.data(), plan=clinics(), now=NOWS)
def test_visible_slots_obey_every_rule(make_clinic, data, plan, now):
    clinic = make_clinic(plan.text)
    rules = plan.rules
    today = now.astimezone(OSLO).date()
    taken = data.draw(bookings(today))
    busy = {cal: Busy(pairs) for cal, pairs in taken.items()}
    for type_id in DURATIONS:
        days = visible_slots(clinic, type_id, now, busy)
        per_cal_day = defaultdict(list)
        for ds in days:
            assert ds.slots, "days without slots are left out"
            for slot in ds.slots:
                local = slot.start.astimezone(OSLO)
                assert local.date() == ds.date
                # the booking deadline and the window
                assert slot.start >= now + timedelta(hours=rules["booking_deadline_hours"])
                assert today <= ds.date <= today + timedelta(days=rules["days_ahead"])
                # the slot lasts its type
                assert slot.end - slot.start == timedelta(minutes=DURATIONS[type_id])
                # free: no active booking of its calendar overlaps it
                for b0, b1 in taken.get(slot.calendar, []):
                    assert not (slot.start < b1 and b0 < slot.end), (slot, b0, b1)
                # inside an online block that allows the type
                block = containing_block(plan, slot.calendar, slot)
                assert block is not None, slot
                assert block.online and type_id in block.types
                per_cal_day[(slot.calendar, ds.date)].append((slot, block))
        for group in per_cal_day.values():
            if rules["first_available_only"]:
                assert len(group) == 1
            plain = sorted((s for s, b in group if not b.smart), key=lambda s: s.start)
            for a, b in zip(plain, plain[1:], strict=False):
                assert a.end <= b.start, (a, b)
            starts = [s.start for s, _ in group]
            assert len(set(starts)) == len(starts), "a slot is offered twice"


@SETTINGS
@given(plan=clinics(), now=NOWS)
def test_without_bookings_every_free_cell_is_shown(make_clinic, plan, now):
    """A booked slot disappears; in plain blocks a booking never makes a new slot appear."""
    clinic = make_clinic(plan.text)
    for type_id in DURATIONS:
        with_none = visible_slots(clinic, type_id, now, {})
        everything = {(s.calendar, s.start) for d in with_none for s in d.slots}
        one_taken = {}
        if everything and not plan.rules["first_available_only"]:
            cal, start = min(everything)
            one_taken = {cal: Busy([(start, start + timedelta(minutes=1))])}
            fewer = visible_slots(clinic, type_id, now, one_taken)
            rest = {(s.calendar, s.start, s) for d in fewer for s in d.slots}
            assert (cal, start) not in {(c, t) for c, t, _ in rest}
            # in plain blocks a booking only takes slots away (smart blocks re-anchor)
            plain = {(c, t) for c, t, s in rest if not containing_block(plan, c, s).smart}
            assert plain <= everything


DST_DAYS = {date(2026, 3, 29): "spring", date(2026, 10, 25): "fall"}


@SETTINGS
@given(
    day=st.sampled_from(sorted(DST_DAYS)),
    start=st.integers(0, 30).map(lambda n: n * 5),           # 00:00 .. 02:30
    end=st.integers(36, 72).map(lambda n: n * 5),            # 03:00 .. 06:00
    cell=st.sampled_from([5, 10, 15, 20, 30, 45, 60]),
    shorter=st.integers(0, 3),
)
def test_dst_days_are_the_wall_clock_grid_minus_the_missing_hour(
    make_clinic, day, start, end, cell, shorter,
):
    duration = max(5, cell - 5 * shorter)
    end = max(end, start + cell)  # the block holds at least one cell
    clinic = make_clinic(f"""
        name: Sommertid
        online: {{booking_deadline_hours: 0, closed_on_public_holidays: false}}
        calendars:
          - id: lege
            name: Lege
            online: true
            week:
              sun:
                - {{start: "{hhmm(start)}", end: "{hhmm(end)}", types: [t], slot_minutes: {cell}}}
        appointment_types:
          - {{id: t, name: Time, duration: {duration}, online: true}}
        """)
    now = datetime(day.year, day.month, day.day - 2, 12, tzinfo=UTC)
    days = visible_slots(clinic, "t", now, {}, first_day=day, last_day=day)
    slots = [s for d in days for s in d.slots]

    grid = range(start, end - cell + 1, cell)
    spring = DST_DAYS[day] == "spring"
    want = [m for m in grid if not (spring and 120 <= m < 180)]
    got = [s.start.astimezone(OSLO) for s in slots]
    assert [g.hour * 60 + g.minute for g in got] == want
    assert len({s.start.astimezone(UTC) for s in slots}) == len(slots)
    for slot, wall in zip(slots, want, strict=True):
        offset = slot.start.utcoffset()
        summer = wall >= 180 if spring else wall < 180
        assert offset == timedelta(hours=2 if summer else 1), (wall, slot.start)
        real = slot.end.astimezone(UTC) - slot.start.astimezone(UTC)
        assert real == timedelta(minutes=duration)
