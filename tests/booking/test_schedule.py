"""The work schedule (README.md#the-rules-in-plain-words): week template, exceptions and public
holidays.

`blocks_on` decides which blocks a calendar has on a date: the narrowest
exception covering the date wins (later wins ties), then Norwegian public
holidays when `closed_on_public_holidays`, then the week template. The
per-type `online_rules` override is checked through `visible_slots`.
"""

from __future__ import annotations

from datetime import date

import pytest

from booking import blocks_on, public_holidays
from booking.schedule import closed_reason

CLINIC = """
    name: Testklinikken
    online: {{closed_on_public_holidays: {holidays}, booking_deadline_hours: 0, days_ahead: 400}}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon: [{{start: "08:00", end: "12:00", types: [kons]}}]
          tue: [{{start: "09:00", end: "11:00", types: [kons]}}]
          wed:
            - {{start: "08:00", end: "09:00", types: [kons]}}
            - {{start: "13:00", end: "15:00", types: [kons]}}
          thu: [{{start: "10:00", end: "14:00", types: [kons]}}]
          fri: [{{start: "08:00", end: "10:00", types: [kons, helg]}}]
        exceptions:
          - {{date: 2026-03-04, closed: true, reason: Kurs}}
          - {{from: 2026-03-09, to: 2026-03-13, closed: true, reason: Vinterferie}}
          - date: 2026-03-11
            blocks: [{{start: "10:00", end: "11:00", types: [kons]}}]
          - date: 2026-03-07
            blocks: [{{start: "10:00", end: "12:00", types: [kons]}}]
          - {{from: 2026-03-16, to: 2026-03-20, closed: true, reason: Ferie}}
          - date: 2026-03-17
            blocks: [{{start: "08:00", end: "08:30", types: [kons]}}]
          - {{date: 2026-03-17, closed: true, reason: Syk}}
          - date: 2026-04-06
            blocks: [{{start: "09:00", end: "10:00", types: [kons]}}]
          - {{from: 2026-04-20, to: 2026-04-24, closed: true, reason: Kurs}}
          - {{date: 2026-06-02, closed: true}}
          - {{from: 2026-04-22, to: 2026-04-30, closed: true, reason: Ferie}}
          - from: 2026-04-21
            to: 2026-04-23
            blocks: [{{start: "07:00", end: "08:00", types: [kons]}}]
    appointment_types:
      - {{id: kons, name: Konsultasjon, duration: 20, online: true}}
      - id: helg
        name: Helgetime
        duration: 20
        online: true
        online_rules:
          closed_on_public_holidays: {type_holidays}
          days_ahead: 400
          booking_deadline_hours: 0
    """


def clinic_text(holidays: bool = True, type_holidays: bool | None = None) -> str:
    th = holidays if type_holidays is None else type_holidays
    return CLINIC.format(holidays=str(holidays).lower(), type_holidays=str(th).lower())


def hours(blocks) -> list[str]:
    return [f"{b.start:%H:%M}-{b.end:%H:%M}" for b in blocks]


@pytest.fixture(scope="module")
def calendar(make_clinic):
    return make_clinic(clinic_text()).calendar("lege")


@pytest.mark.parametrize("day, want", [
    # the week template
    ("2026-03-02", ["08:00-12:00"]),                      # Monday
    ("2026-03-03", ["09:00-11:00"]),                      # Tuesday
    ("2026-03-05", ["10:00-14:00"]),                      # Thursday
    ("2026-03-06", ["08:00-10:00"]),                      # Friday
    ("2026-03-08", []),                                   # Sunday: not in the week
    ("2026-03-25", ["08:00-09:00", "13:00-15:00"]),       # Wednesday with two blocks
    # a closed day
    ("2026-03-04", []),
    # a closed range: first day, a middle day, last day; the day after is open again
    ("2026-03-09", []),
    ("2026-03-10", []),
    ("2026-03-13", []),
    ("2026-03-14", []),                                   # Saturday: not in the week
    ("2026-03-23", ["08:00-12:00"]),
    # a replacement day inside the range: the narrower exception wins
    ("2026-03-11", ["10:00-11:00"]),
    # a replacement day on a Saturday the week leaves empty
    ("2026-03-07", ["10:00-12:00"]),
    # two one-day exceptions on one date: the later one wins
    ("2026-03-17", []),
    ("2026-03-18", []),
    # overlapping ranges: the narrowest covering range wins, the wider applies elsewhere
    ("2026-04-21", ["07:00-08:00"]),                      # only the 21–23 range and 20–24
    ("2026-04-22", ["07:00-08:00"]),                      # 21–23 is narrower than both
    ("2026-04-24", []),                                   # 20–24 (5 days) beats 22–30
    ("2026-04-27", []),                                   # only 22–30
    # the first day of a week after all ranges: week again
    ("2026-05-04", ["08:00-12:00"]),
])
def test_week_and_exceptions(calendar, day: str, want: list[str]):
    got = blocks_on(calendar, date.fromisoformat(day), closed_on_public_holidays=True)
    assert hours(got) == want


HOLIDAYS = [
    ("2026-04-02", "Skjærtorsdag", ["10:00-14:00"]),      # Thursday
    ("2026-04-03", "Langfredag", ["08:00-10:00"]),        # Friday
    ("2027-03-29", "Andre påskedag", ["08:00-12:00"]),    # Easter Monday 2027
    ("2026-05-01", "Arbeidernes dag", ["08:00-10:00"]),   # Friday
    ("2026-05-14", "Kristi himmelfartsdag", ["10:00-14:00"]),
    ("2027-05-17", "Grunnlovsdag", ["08:00-12:00"]),      # 17 May on a Monday
    ("2026-05-25", "Andre pinsedag", ["08:00-12:00"]),
    ("2026-12-25", "Første juledag", ["08:00-10:00"]),    # Christmas Day, a Friday
    ("2028-12-26", "Andre juledag", ["09:00-11:00"]),     # a Tuesday
    ("2027-01-01", "Første nyttårsdag", ["08:00-10:00"]),
]


@pytest.mark.parametrize("day, name, week", HOLIDAYS, ids=[h[1] for h in HOLIDAYS])
def test_public_holidays_close_the_day(calendar, day: str, name: str, week: list[str]):
    d = date.fromisoformat(day)
    assert name in public_holidays(d.year)[d].split("; ")  # 17 May 2027 is Whit Monday too
    assert blocks_on(calendar, d, closed_on_public_holidays=True) == ()
    assert name in closed_reason(calendar, d, closed_on_public_holidays=True)


@pytest.mark.parametrize("day, name, week", HOLIDAYS, ids=[h[1] for h in HOLIDAYS])
def test_public_holidays_stay_open_when_not_closed(calendar, day: str, name: str,
                                                   week: list[str]):
    d = date.fromisoformat(day)
    assert hours(blocks_on(calendar, d, closed_on_public_holidays=False)) == week
    assert closed_reason(calendar, d, closed_on_public_holidays=False) is None


@pytest.mark.parametrize("day", ["2026-03-02", "2026-12-23", "2026-12-24", "2026-12-31",
                                 "2026-05-16", "2026-05-18"])
def test_ordinary_days_are_not_holidays(day: str):
    d = date.fromisoformat(day)
    assert d not in public_holidays(d.year)


def test_sunday_is_not_a_public_holiday_by_itself():
    # the holidays library can count every Sunday as a holiday; Norway's list must not
    assert date(2026, 3, 8) not in public_holidays(2026)
    assert date(2026, 4, 5) in public_holidays(2026)  # but Easter Sunday is one


@pytest.mark.parametrize("flag", [True, False])
def test_a_replacement_day_on_a_holiday_opens_it(calendar, flag: bool):
    easter_monday = date(2026, 4, 6)
    assert easter_monday in public_holidays(2026)
    assert hours(blocks_on(calendar, easter_monday, closed_on_public_holidays=flag)) == [
        "09:00-10:00"]
    assert closed_reason(calendar, easter_monday, closed_on_public_holidays=flag) is None


@pytest.mark.parametrize("day, reason", [
    ("2026-03-04", "Kurs"), ("2026-03-10", "Vinterferie"), ("2026-03-17", "Syk"),
    ("2026-06-02", "stengt"),  # closed without a reason
    ("2026-03-11", None), ("2026-03-02", None), ("2026-03-08", None),
])
def test_closed_reason(calendar, day: str, reason: str | None):
    day_ = date.fromisoformat(day)
    assert closed_reason(calendar, day_, closed_on_public_holidays=True) == reason


@pytest.mark.parametrize("clinic_flag, type_flag, type_id, open_", [
    (True, None, "kons", False),
    (False, None, "kons", True),
    (True, False, "helg", True),     # the type overrides the clinic: open
    (True, False, "kons", False),    # …only for that type
    (False, True, "helg", False),    # and the other way round
    (False, True, "kons", True),
])
def test_holiday_rule_per_type(make_clinic, starts, at, clinic_flag, type_flag, type_id, open_):
    clinic = make_clinic(clinic_text(clinic_flag, type_flag))
    got = starts(clinic, type_id, at("2026-12-01 00:00"), day="2026-12-25")
    assert got == (["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"] if open_ else [])


def test_the_schedule_feeds_the_slots(make_clinic, starts, at):
    clinic = make_clinic(clinic_text())
    now = at("2026-03-01 00:00")
    assert starts(clinic, "kons", now, day="2026-03-11") == ["10:00", "10:20", "10:40"]
    assert starts(clinic, "kons", now, day="2026-03-10") == []
    assert starts(clinic, "kons", now, day="2026-03-07") == [
        "10:00", "10:20", "10:40", "11:00", "11:20", "11:40"]


@pytest.mark.parametrize("clinic_flag, type_flag, types, closed, kons_closed", [
    # Christmas Day 2026, a Friday: the week's block offers kons and helg
    (True, True, None, "Første juledag", "Første juledag"),    # both closed: no block
    (True, False, ["helg"], None, "Første juledag"),           # open for helg alone
    (False, True, ["kons"], None, None),                       # open for kons alone
    (False, False, ["kons", "helg"], None, None),              # open for both
])
def test_one_rule_for_every_caller_on_a_holiday(make_clinic, clinic_flag, type_flag, types,
                                                closed, kons_closed):
    """`day_blocks`/`day_closed`: the blocks of a holiday offer the types open on it, and a
    type's own rule says whether the day is closed for it (booking.fit, the staff views)."""
    from booking.schedule import day_blocks, day_closed

    clinic = make_clinic(clinic_text(clinic_flag, type_flag))
    lege, christmas = clinic.calendar("lege"), date(2026, 12, 25)
    blocks = day_blocks(clinic, lege, christmas)
    assert [list(b.types) for b in blocks] == ([types] if types else [])
    assert all(b.cell == 20 for b in blocks)  # the grid of the whole block, as on other days
    assert day_closed(clinic, lege, christmas) == closed
    assert day_closed(clinic, lege, christmas, "kons") == kons_closed


def test_one_rule_leaves_ordinary_days_and_exceptions_as_they_are(make_clinic):
    from booking.schedule import day_blocks, day_closed

    clinic = make_clinic(clinic_text())
    lege = clinic.calendar("lege")
    for day in ("2026-03-02", "2026-03-11", "2026-04-06", "2026-03-04"):
        d = date.fromisoformat(day)
        assert day_blocks(clinic, lege, d) == blocks_on(lege, d, closed_on_public_holidays=True)
    assert day_closed(clinic, lege, date(2026, 3, 4)) == "Kurs"
    assert day_closed(clinic, lege, date(2026, 4, 6)) is None  # a replacement day wins
