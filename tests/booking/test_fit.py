"""Whether a stored booking still fits the schedule (`booking.fit`, docs/staff.md), reason by
reason: a removed calendar or type, a closed day, a block gone or no longer offering the
type, a staff block over it, a self-booked booking whose calendar or type went offline;
staff bookings outside the schedule on purpose; only future bookings count; DST days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking.fit import Placed, misfit, misfits, schedule_misfit
from booking.slots import Busy

OSLO = ZoneInfo("Europe/Oslo")

# 2026-03-02 is a Monday, 2026-03-03 a Tuesday (closed by an exception), Wednesday is empty
CLINIC = """
    name: Testklinikken
    online: {closed_on_public_holidays: true}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon:
            - {start: "08:00", end: "10:00", types: [kons, kort]}
            - {start: "12:00", end: "13:00", types: [kort], online: false}
          tue:
            - {start: "08:00", end: "10:00", types: [kons]}
          sun:
            - {start: "01:00", end: "05:00", types: [kons]}
        exceptions:
          - {date: 2026-03-03, closed: true, reason: Kurs}
      - id: stengt
        name: Stengt
        online: false
        week:
          mon:
            - {start: "08:00", end: "10:00", types: [kons]}
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
      - {id: kort, name: Kort, duration: 10, online: false}
    """


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=OSLO)


def placed(start: str, minutes: int = 20, *, calendar: str = "lege", type: str = "kons",
           self_booked: bool = False, outside: bool = False, id: str = "b1") -> Placed:
    s = at(start)
    return Placed(id, calendar, type, s, s + timedelta(minutes=minutes), self_booked, outside)


@pytest.mark.parametrize(("booking", "expected"), [
    (placed("2026-03-02 08:00"), None),
    (placed("2026-03-02 09:40"), None),  # ends exactly with the block
    (placed("2026-03-02 08:07"), None),  # staff may book off the grid
    (placed("2026-03-02 12:00", 10, type="kort"), None),  # a staff-only block
    (placed("2026-03-02 09:50"), "block_gone"),  # runs past the block's end
    (placed("2026-03-02 10:00"), "block_gone"),  # between blocks
    (placed("2026-03-02 12:00", type="kons"), "type_not_offered"),
    (placed("2026-03-03 08:00"), "day_closed"),  # an exception closes Tuesday
    (placed("2026-03-04 08:00"), "block_gone"),  # Wednesday has no blocks
    (placed("2026-04-06 08:00"), "day_closed"),  # Easter Monday, a public holiday
    (placed("2026-03-02 08:00", calendar="borte"), "calendar_removed"),
    (placed("2026-03-02 08:00", type="borte"), "type_removed"),
    (placed("2026-03-02 07:00", outside=True), None),  # outside the blocks on purpose
    (placed("2026-03-03 07:00", outside=True), "day_closed"),  # ... but the day closed
    (placed("2026-03-02 08:00", calendar="stengt"), None),  # staff booked an offline calendar
    (placed("2026-03-02 08:00", calendar="stengt", self_booked=True), "calendar_offline"),
    (placed("2026-03-02 12:00", 10, type="kort", self_booked=True), "type_offline"),
])
def test_each_reason(make_clinic, booking, expected):
    assert misfit(make_clinic(CLINIC), booking) == expected


def test_a_staff_block_over_the_booking(make_clinic):
    clinic = make_clinic(CLINIC)
    booking = placed("2026-03-02 08:20")
    touching = Busy([(at("2026-03-02 08:00"), at("2026-03-02 08:20")),
                     (at("2026-03-02 08:40"), at("2026-03-02 09:00"))])
    assert misfit(clinic, booking, touching) is None  # touching is not overlapping
    over = Busy([(at("2026-03-02 08:30"), at("2026-03-02 08:35"))])
    assert misfit(clinic, booking, over) == "staff_block"


def test_the_schedule_reason_comes_before_the_staff_block(make_clinic):
    clinic = make_clinic(CLINIC)
    over = Busy([(at("2026-03-03 07:00"), at("2026-03-03 12:00"))])
    assert misfit(clinic, placed("2026-03-03 08:00"), over) == "day_closed"


def test_misfits_lists_only_future_ones_soonest_first(make_clinic):
    clinic = make_clinic(CLINIC)
    now = at("2026-03-02 09:00")
    bookings = [
        placed("2026-03-04 08:00", id="wed"),
        placed("2026-03-03 08:00", id="tue"),
        placed("2026-03-02 08:40", calendar="borte", id="past"),  # started already
        placed("2026-03-02 09:00", calendar="borte", id="now"),  # starts this instant
        placed("2026-03-02 09:20", id="fine"),
    ]
    blocks = {"lege": Busy([(at("2026-03-02 09:30"), at("2026-03-02 09:35"))])}
    found = [(m.booking.id, m.reason) for m in misfits(clinic, bookings, blocks, now)]
    assert found == [("fine", "staff_block"), ("tue", "day_closed"), ("wed", "block_gone")]


def test_dst_night(make_clinic):
    """2026-03-29 (a Sunday) skips 02:00-03:00 in Oslo; the block is 01:00-05:00."""
    clinic = make_clinic(CLINIC)
    cal = clinic.calendar("lege")
    assert cal is not None
    start = datetime(2026, 3, 29, 1, 40, tzinfo=OSLO)
    end = (start.astimezone(UTC) + timedelta(minutes=40)).astimezone(OSLO)
    assert (end.hour, end.minute) == (3, 20)  # 40 real minutes after 01:40 CET
    assert schedule_misfit(clinic, cal, "kons", start, end) is None
    late = datetime(2026, 3, 29, 4, 50, tzinfo=OSLO)
    assert schedule_misfit(clinic, cal, "kons", late, late + timedelta(minutes=20)) == \
        "block_gone"
