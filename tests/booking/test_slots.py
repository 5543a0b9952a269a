"""Free slots (README.md#the-rules-in-plain-words): plain blocks cut into cells, smart blocks kept
compact, DST days.

Plain blocks are cut from their start into back-to-back cells of the longest
type the block allows (online or not) or `slot_minutes`; a booking fills the
cells it touches. Smart blocks offer a start only at the block's start, after
a booking's end, or ending exactly at the block's end or a booking's start,
on the `step_minutes` grid. On Europe/Oslo's DST days slots are wall-clock:
the missing hour has none, the repeated hour is not doubled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from booking import visible_slots

# 2026-03-02 is a Monday; the clinic has no booking deadline so the rules here are
# only those of the blocks.
PLAIN = """
    name: Testklinikken
    online: {booking_deadline_hours: 0, days_ahead: 60}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {start: "08:00", end: "09:00", types: [kort, kons]}
            - {start: "09:00", end: "10:10", types: [kons]}
            - {start: "11:00", end: "12:00", types: [kort], slot_minutes: 15}
            - {start: "12:00", end: "13:00", types: [kort, resept]}
            - {start: "13:00", end: "14:00", types: [samtale, kort]}
    appointment_types:
      - {id: kort, name: Kort, duration: 10, online: true}
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
      - {id: samtale, name: Samtale, duration: 40, online: true}
      - {id: resept, name: Resept, duration: 30}
    """
DAY = "2026-03-02"
NOW = "2026-03-01 12:00"


@pytest.fixture(scope="module")
def plain(make_clinic):
    return make_clinic(PLAIN)


@pytest.mark.parametrize("type_id, bookings, want", [
    # cells of the longest allowed type: 20 minutes in 08–09 and 09–10:10 (09:40 ends
    # 10:00; 10:00 would end 10:20, past the block)
    ("kons", [], ["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"]),
    # a shorter type gets the same cells; slot_minutes gives 15-minute cells; the
    # offline 30-minute 'resept' sets the cells of 12–13; 13–14 has 40-minute cells
    ("kort", [], ["08:00", "08:20", "08:40", "11:00", "11:15", "11:30", "11:45",
                  "12:00", "12:30", "13:00"]),
    ("samtale", [], ["13:00"]),
    # a booking fills its cell
    ("kons", [("2026-03-02 08:20", "08:40")], ["08:00", "08:40", "09:00", "09:20", "09:40"]),
    # a short booking in a long cell fills the whole cell, for every type
    ("kons", [("2026-03-02 08:20", "08:30")], ["08:00", "08:40", "09:00", "09:20", "09:40"]),
    ("kort", [("2026-03-02 08:20", "08:30")], ["08:00", "08:40", "11:00", "11:15", "11:30",
                                               "11:45", "12:00", "12:30", "13:00"]),
    ("kort", [("2026-03-02 08:30", "08:40")], ["08:00", "08:40", "11:00", "11:15", "11:30",
                                               "11:45", "12:00", "12:30", "13:00"]),
    # a booking off the grid fills every cell it touches
    ("kons", [("2026-03-02 08:35", "08:45")], ["08:00", "09:00", "09:20", "09:40"]),
    # touching is not overlapping
    ("kons", [("2026-03-02 07:40", "08:00"), ("2026-03-02 09:00", "09:20")],
     ["08:00", "08:20", "08:40", "09:20", "09:40"]),
    # a booking across two blocks
    ("kons", [("2026-03-02 08:50", "09:10")], ["08:00", "08:20", "09:20", "09:40"]),
    ("samtale", [("2026-03-02 13:30", "13:31")], []),
])
def test_plain_blocks(plain, starts, at, type_id, bookings, want):
    assert starts(plain, type_id, at(NOW), {"lege": bookings}, day=DAY) == want


@pytest.mark.parametrize("type_id, minutes", [("kort", 10), ("kons", 20), ("samtale", 40)])
def test_a_slot_ends_after_its_type_duration(plain, at, type_id, minutes):
    days = visible_slots(plain, type_id, at(NOW), {})
    slots = [s for d in days for s in d.slots]
    assert slots
    assert all(s.end - s.start == timedelta(minutes=minutes) for s in slots)
    assert all(s.calendar == "lege" for s in slots)


SMART = """
    name: Testklinikken
    online: {{booking_deadline_hours: 0, days_ahead: 60}}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {{start: "12:00", end: "14:00", types: [kort, kons], smart: true{step}}}
    appointment_types:
      - {{id: kort, name: Kort, duration: 10, online: true}}
      - {{id: kons, name: Konsultasjon, duration: 20, online: true}}
    """


@pytest.mark.parametrize("step, type_id, bookings, want", [
    # an empty block: its start, and the start that ends exactly at its end
    (5, "kons", [], ["12:00", "13:40"]),
    (5, "kort", [], ["12:00", "13:50"]),
    # around a booking: before it (ending at its start) and right after its end
    (5, "kons", [("12:50", "13:10")], ["12:00", "12:30", "13:10", "13:40"]),
    # a booking at the block's start: the day continues from its end
    (5, "kons", [("12:00", "12:20")], ["12:20", "13:40"]),
    # a booking at the block's end
    (5, "kons", [("13:40", "14:00")], ["12:00", "13:20"]),
    # two bookings with a gap that fits exactly one appointment
    (5, "kons", [("12:20", "12:40"), ("13:00", "13:20")], ["12:00", "12:40", "13:20", "13:40"]),
    # a gap too small for the type
    (5, "kons", [("12:15", "12:30"), ("12:45", "14:00")], []),
    (5, "kort", [("12:15", "12:30"), ("12:45", "14:00")], ["12:00", "12:05", "12:30", "12:35"]),
    # off-grid bookings move the anchors inward to the grid
    (5, "kons", [("12:03", "12:17")], ["12:20", "13:40"]),
    (15, "kons", [("12:50", "13:05")], ["12:00", "12:30", "13:15", "13:30"]),
    (15, "kort", [], ["12:00", "13:45"]),
    (10, "kons", [("12:31", "12:52")], ["12:00", "12:10", "13:00", "13:40"]),
    # a booking over the whole block
    (5, "kort", [("11:00", "15:00")], []),
    # bookings just outside the block do not stop it
    (5, "kons", [("11:40", "12:00"), ("14:00", "14:20")], ["12:00", "13:40"]),
])
def test_smart_blocks(make_clinic, starts, at, step, type_id, bookings, want):
    clinic = make_clinic(SMART.format(step="" if step == 5 else f", step_minutes: {step}"))
    taken = [(f"{DAY} {a}", b) for a, b in bookings]
    assert starts(clinic, type_id, at(NOW), {"lege": taken}, day=DAY) == want


def test_smart_slots_respect_the_bookings_of_their_own_calendar_only(make_clinic, starts, at):
    clinic = make_clinic(SMART.format(step=""))
    other = {"annen": [(f"{DAY} 12:00", "14:00")]}
    assert starts(clinic, "kons", at(NOW), other, day=DAY) == ["12:00", "13:40"]


# -- DST in Europe/Oslo -------------------------------------------------------------------

DST = """
    name: Testklinikken
    online: {booking_deadline_hours: 0, days_ahead: 60, closed_on_public_holidays: false}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          sun:
            - {start: "01:00", end: "04:00", types: [halv]}
            - {start: "05:00", end: "06:00", types: [kort], smart: true}
    appointment_types:
      - {id: halv, name: Halvtime, duration: 30, online: true}
      - {id: kort, name: Kort, duration: 10, online: true}
    """


def _iso(clinic, type_id, now, day):
    d = date.fromisoformat(day)
    days = visible_slots(clinic, type_id, now, {}, first_day=d, last_day=d)
    return [(s.start.isoformat(), s.end.isoformat()) for ds in days for s in ds.slots]


def test_spring_forward_loses_only_the_missing_hour(make_clinic, at):
    clinic = make_clinic(DST)
    got = _iso(clinic, "halv", at("2026-03-27 12:00"), "2026-03-29")
    assert got == [
        ("2026-03-29T01:00:00+01:00", "2026-03-29T01:30:00+01:00"),
        ("2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00"),
        ("2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"),
        ("2026-03-29T03:30:00+02:00", "2026-03-29T04:00:00+02:00"),
    ]


def test_fall_back_loses_and_doubles_nothing(make_clinic, at):
    clinic = make_clinic(DST)
    got = _iso(clinic, "halv", at("2026-10-23 12:00"), "2026-10-25")
    assert got == [
        ("2026-10-25T01:00:00+02:00", "2026-10-25T01:30:00+02:00"),
        ("2026-10-25T01:30:00+02:00", "2026-10-25T02:00:00+02:00"),
        ("2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00"),
        ("2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00"),  # 30 real minutes
        ("2026-10-25T03:00:00+01:00", "2026-10-25T03:30:00+01:00"),
        ("2026-10-25T03:30:00+01:00", "2026-10-25T04:00:00+01:00"),
    ]


@pytest.mark.parametrize("day, now", [("2026-03-29", "2026-03-27 12:00"),
                                      ("2026-10-25", "2026-10-23 12:00"),
                                      ("2026-03-22", "2026-03-20 12:00")])
def test_slots_last_their_duration_in_real_time_on_dst_days(make_clinic, at, day, now):
    clinic = make_clinic(DST)
    for type_id, minutes in (("halv", 30), ("kort", 10)):
        for start, end in _iso(clinic, type_id, at(now), day):
            real = datetime.fromisoformat(end).astimezone(UTC) - datetime.fromisoformat(
                start).astimezone(UTC)
            assert real == timedelta(minutes=minutes), (start, end)


def test_an_ordinary_sunday_has_every_cell(make_clinic, at):
    clinic = make_clinic(DST)
    got = _iso(clinic, "halv", at("2026-03-20 12:00"), "2026-03-22")
    assert [s[11:16] for s, _ in got] == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert all(s.endswith("+01:00") for s, _ in got)


@pytest.mark.parametrize("day, now, offset", [("2026-03-29", "2026-03-27 12:00", "+02:00"),
                                              ("2026-10-25", "2026-10-23 12:00", "+01:00")])
def test_smart_blocks_after_the_change(make_clinic, at, day, now, offset):
    clinic = make_clinic(DST)
    got = _iso(clinic, "kort", at(now), day)
    assert got == [(f"{day}T05:00:00{offset}", f"{day}T05:10:00{offset}"),
                   (f"{day}T05:50:00{offset}", f"{day}T06:00:00{offset}")]


DST_EDGES = """
    name: Klokka
    online: {booking_deadline_hours: 0, closed_on_public_holidays: false}
    calendars:
      - id: natt
        name: Natt
        online: true
        week:
          sun:
            - {start: "00:30", end: "02:20", types: [halv], smart: true}
            - {start: "02:30", end: "05:00", types: [halv], smart: true}
    appointment_types:
      - {id: halv, name: Halvtime, duration: 30, online: true}
    """


def test_a_smart_block_with_an_edge_in_the_skipped_hour_keeps_the_rest(make_clinic, at):
    """Spring forward: an edge in 02:00-03:00 moves to the change; nothing else is lost."""
    clinic = make_clinic(DST_EDGES)
    assert _iso(clinic, "halv", at("2026-03-27 12:00"), "2026-03-29") == [
        ("2026-03-29T00:30:00+01:00", "2026-03-29T01:00:00+01:00"),  # touches the start
        ("2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00"),  # ends at the change
        ("2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"),  # starts at the change
        ("2026-03-29T04:30:00+02:00", "2026-03-29T05:00:00+02:00"),  # ends at the block's end
    ]


def _smart_sunday(make_clinic, start: str, end: str):
    return make_clinic(f"""
        name: Klokka
        online: {{booking_deadline_hours: 0, closed_on_public_holidays: false}}
        calendars:
          - id: natt
            name: Natt
            online: true
            week:
              sun: [{{start: "{start}", end: "{end}", types: [halv], smart: true}}]
        appointment_types:
          - {{id: halv, name: Halvtime, duration: 30, online: true}}
        """)


@pytest.mark.parametrize("start", ["02:00", "02:15", "02:30", "02:59"])
def test_a_smart_block_starting_in_the_skipped_hour_starts_at_the_change(make_clinic, at,
                                                                          start):
    """Wherever in 02:00–03:00 the block starts, it starts at the change (03:00 +02:00)."""
    clinic = _smart_sunday(make_clinic, start, "04:00")
    assert _iso(clinic, "halv", at("2026-03-27 12:00"), "2026-03-29") == [
        ("2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"),
        ("2026-03-29T03:30:00+02:00", "2026-03-29T04:00:00+02:00"),
    ]


def test_a_smart_block_from_three_on_the_fall_day_starts_after_the_repeated_hour(
        make_clinic, at):
    """Fall back: 03:00 comes once, an hour after the first 02:00 (02:00 UTC)."""
    clinic = _smart_sunday(make_clinic, "03:00", "04:00")
    assert _iso(clinic, "halv", at("2026-10-23 12:00"), "2026-10-25") == [
        ("2026-10-25T03:00:00+01:00", "2026-10-25T03:30:00+01:00"),
        ("2026-10-25T03:30:00+01:00", "2026-10-25T04:00:00+01:00"),
    ]
