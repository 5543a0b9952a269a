"""What a patient may see, book and cancel online (README.md#the-rules-in-plain-words), rule by
rule.

Visibility: calendar, type and block online, type allowed in the block, slot
free, booking deadline (exact boundary), days_ahead window (exact boundary,
in the clinic's time), first_available_only, per-type online_rules.
`check_booking` answers with the slot or a Refusal code (booking_deadline,
outside_booking_window, slot_unavailable, max_self_booked);
`check_cancellation` allows cancelling at exactly the deadline and not a
minute later. Deadlines are real hours, also across a DST change, whatever
timezone `now` is given in.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from booking import Refusal, Slot, can_cancel, check_booking, check_cancellation
from booking.restrictions import calendar_day_slots, last_bookable_day, local_today
from booking.slots import NO_BUSY

# 2026-03-02 is a Monday. Clinic rules: 2 h booking deadline, 3 days ahead, 24 h to cancel.
CLINIC = """
    name: Testklinikken
    online:
      booking_deadline_hours: 2
      days_ahead: 3
      cancellation_deadline_hours: 24
      max_self_booked: 2
      closed_on_public_holidays: false
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon: &lege
            - {start: "08:00", end: "09:00", types: [kons, vaksine, resept]}
            - {start: "10:00", end: "11:00", types: [kons, intern], online: false}
          tue: *lege
          wed: *lege
          thu: *lege
          fri: *lege
          sun: *lege
      - id: vikar
        name: Vikar
        online: false
        week: {mon: *lege, tue: *lege}
      - id: berg
        name: Berg
        online: true
        week:
          mon: &berg
            - {start: "09:00", end: "10:00", types: [kons, vaksine, samtale]}
          tue: *berg
          wed: *berg
          thu: *berg
          fri: *berg
          sat: *berg
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 20, online: true}
      - {id: resept, name: Resept, duration: 10}
      - {id: intern, name: Kun personale, duration: 20, online: true}
      - id: vaksine
        name: Vaksine
        duration: 10
        online: true
        online_rules: {first_available_only: true, max_self_booked: 1}
      - id: samtale
        name: Samtale
        duration: 20
        online: true
        online_rules: {days_ahead: 10, booking_deadline_hours: 24, cancellation_deadline_hours: 48}
    """

MON = "2026-03-02"
NOW = "2026-03-02 06:00"   # exactly 2 hours before the first slot
LEGE = ["08:00", "08:20", "08:40"]
BERG = ["09:00", "09:20", "09:40"]


@pytest.fixture(scope="module")
def clinic(make_clinic):
    return make_clinic(CLINIC)


def pairs(cal: str, times: list[str]) -> list[tuple[str, str]]:
    return [(cal, t) for t in times]


@pytest.mark.parametrize("type_id, calendar, now, bookings, want", [
    # every online calendar with the type; the staff-only block 10–11 never shows
    ("kons", None, NOW, {}, pairs("lege", LEGE) + pairs("berg", BERG)),
    ("kons", "lege", NOW, {}, pairs("lege", LEGE)),
    ("kons", "berg", NOW, {}, pairs("berg", BERG)),
    # an offline calendar shows nothing, asked for or not
    ("kons", "vikar", NOW, {}, []),
    ("kons", "ukjent", NOW, {}, []),
    # an offline type, an unknown type
    ("resept", None, NOW, {}, []),
    ("ukjent", None, NOW, {}, []),
    # a type only in a staff-only block
    ("intern", None, NOW, {}, []),
    # a type that the calendar's blocks do not allow
    ("samtale", "lege", "2026-03-01 06:00", {}, []),
    # a booked slot disappears, in its calendar only
    ("kons", None, NOW, {"lege": [(f"{MON} 08:20", "08:40")]},
     pairs("lege", ["08:00", "08:40"]) + pairs("berg", BERG)),
    ("kons", None, NOW, {"vikar": [(f"{MON} 08:00", "11:00")]},
     pairs("lege", LEGE) + pairs("berg", BERG)),
    # booking deadline: exactly now + 2 h is visible; a minute later it is not
    ("kons", "lege", "2026-03-02 06:01", {}, pairs("lege", ["08:20", "08:40"])),
    ("kons", "lege", "2026-03-02 06:20", {}, pairs("lege", ["08:20", "08:40"])),
    ("kons", "lege", "2026-03-02 06:21", {}, pairs("lege", ["08:40"])),
    ("kons", "lege", "2026-03-02 08:00", {}, []),
    # first_available_only: the earliest visible slot per calendar per day …
    ("vaksine", None, NOW, {}, [("lege", "08:00"), ("berg", "09:00")]),
    # … after the deadline …
    ("vaksine", None, "2026-03-02 06:30", {}, [("lege", "08:40"), ("berg", "09:00")]),
    # … and when it is booked, the next one appears
    ("vaksine", None, NOW, {"lege": [(f"{MON} 08:00", "08:10")]},
     [("lege", "08:20"), ("berg", "09:00")]),
    ("vaksine", None, NOW, {"lege": [(f"{MON} 08:00", "08:40")], "berg": [(f"{MON} 09:00",
                                                                          "09:20")]},
     [("lege", "08:40"), ("berg", "09:20")]),
    ("vaksine", "berg", NOW, {"berg": [(f"{MON} 09:00", "10:00")]}, []),
    # per-type rules: samtale has a 24 h deadline, so nothing on Monday
    ("samtale", None, NOW, {}, []),
])
def test_visible_on_monday(clinic, starts, at, type_id, calendar, now, bookings, want):
    got = starts(clinic, type_id, at(now), bookings, day=MON, calendar=calendar,
                 with_calendar=True)
    assert got == want


def test_staff_only_and_disallowed_slots_exist_offline(clinic):
    """The blocks behind the empty cases above really have slots; only the rules hide them."""
    lege, kons, intern = clinic.calendar("lege"), clinic.type("kons"), clinic.type("intern")
    day = date(2026, 3, 2)
    everything = calendar_day_slots(clinic, lege, intern, day, NO_BUSY, online_only=False)
    assert [f"{s.start:%H:%M}" for s in everything] == ["10:00", "10:20", "10:40"]
    assert calendar_day_slots(clinic, lege, intern, day, NO_BUSY) == []
    with_staff = calendar_day_slots(clinic, lege, kons, day, NO_BUSY, online_only=False)
    assert len(with_staff) == 6


@pytest.mark.parametrize("type_id, now, first, last", [
    # today + days_ahead in the clinic's time: 00:30 in Oslo is still Sunday in UTC
    ("kons", "2026-03-02 00:30", "2026-03-02", "2026-03-05"),
    ("kons", "2026-03-01 23:59", "2026-03-02", "2026-03-04"),
    ("samtale", "2026-03-02 00:30", "2026-03-03", "2026-03-12"),  # its own days_ahead: 10
])
def test_days_ahead_window(clinic, starts, at, type_id, now, first, last):
    now_utc = at(now).astimezone(UTC)  # the day must be the clinic's, not UTC's
    got = starts(clinic, type_id, now_utc)
    days = sorted({s[:10] for s in got})
    assert days[0] == first
    assert days[-1] == last
    rules = clinic.type(type_id).rules
    assert last_bookable_day(clinic, rules, now_utc) == date.fromisoformat(last)
    assert local_today(clinic, now_utc) == date.fromisoformat(now[:10])


def test_window_last_day_yes_next_day_no(clinic, starts, at):
    now = at("2026-03-02 00:30")
    assert starts(clinic, "kons", now, day="2026-03-05") == ["08:00", "08:20", "08:40",
                                                             "09:00", "09:20", "09:40"]
    assert starts(clinic, "kons", now, day="2026-03-06") == []
    # a day before today is never shown
    assert starts(clinic, "kons", now, day="2026-03-01") == []


def test_per_type_deadline(clinic, starts, at):
    # samtale: 24 h deadline. Monday 09:00 + 24 h = Tuesday 09:00, bookable exactly then
    assert starts(clinic, "samtale", at("2026-03-02 09:00"), day="2026-03-03") == BERG
    assert starts(clinic, "samtale", at("2026-03-02 09:01"), day="2026-03-03") == [
        "09:20", "09:40"]


def ok(start: str, end: str, calendar: str = "lege"):
    return ("ok", calendar, start, end)


@pytest.mark.parametrize("calendar, type_id, start, now, bookings, self_booked, want", [
    ("lege", "kons", "2026-03-02 08:00", NOW, {}, 0, ok("08:00", "08:20")),
    ("berg", "kons", "2026-03-02 09:40", NOW, {}, 1, ok("09:40", "10:00", "berg")),
    # booking deadline, exactly and a minute past
    ("lege", "kons", "2026-03-02 08:00", "2026-03-02 06:01", {}, 0, "booking_deadline"),
    ("lege", "kons", "2026-03-02 08:20", "2026-03-02 06:01", {}, 0, ok("08:20", "08:40")),
    ("lege", "kons", "2026-03-01 08:00", NOW, {}, 0, "booking_deadline"),   # in the past
    ("berg", "samtale", "2026-03-03 09:00", "2026-03-02 09:01", {}, 0, "booking_deadline"),
    ("berg", "samtale", "2026-03-03 09:00", "2026-03-02 09:00", {}, 0,
     ok("09:00", "09:20", "berg")),
    # the window: Thursday is the last day, Friday is outside
    ("lege", "kons", "2026-03-05 08:00", NOW, {}, 0, ok("08:00", "08:20")),
    ("lege", "kons", "2026-03-06 08:00", NOW, {}, 0, "outside_booking_window"),
    ("berg", "samtale", "2026-03-12 09:00", NOW, {}, 0, ok("09:00", "09:20", "berg")),
    ("berg", "samtale", "2026-03-13 09:00", NOW, {}, 0, "outside_booking_window"),
    # the slot itself
    ("lege", "kons", "2026-03-02 08:00", NOW, {"lege": [(f"{MON} 08:10", "08:20")]}, 0,
     "slot_unavailable"),
    ("lege", "kons", "2026-03-02 08:10", NOW, {}, 0, "slot_unavailable"),      # off the grid
    ("lege", "kons", "2026-03-02 10:00", NOW, {}, 0, "slot_unavailable"),      # staff-only
    ("lege", "kons", "2026-03-02 12:00", NOW, {}, 0, "slot_unavailable"),      # no block
    ("lege", "kons", "2026-03-02 09:00", NOW, {}, 0, "slot_unavailable"),      # berg's time
    ("vikar", "kons", "2026-03-02 08:00", NOW, {}, 0, "slot_unavailable"),     # offline cal
    # offline is said first: not a deadline or a window the patient could wait for
    ("vikar", "kons", "2026-03-01 08:00", NOW, {}, 0, "slot_unavailable"),
    ("lege", "resept", "2026-03-06 08:00", NOW, {}, 0, "slot_unavailable"),
    ("ukjent", "kons", "2026-03-02 08:00", NOW, {}, 0, "slot_unavailable"),
    ("lege", "resept", "2026-03-02 08:00", NOW, {}, 0, "slot_unavailable"),    # offline type
    ("lege", "samtale", "2026-03-03 08:00", NOW, {}, 0, "slot_unavailable"),   # not allowed
    ("lege", "vaksine", "2026-03-02 08:20", NOW, {}, 0, "slot_unavailable"),   # not the first
    ("lege", "vaksine", "2026-03-02 08:20", NOW, {"lege": [(f"{MON} 08:00", "08:10")]}, 0,
     ok("08:20", "08:30")),
    # the patient's limit
    ("lege", "kons", "2026-03-02 08:00", NOW, {}, 1, ok("08:00", "08:20")),
    ("lege", "kons", "2026-03-02 08:00", NOW, {}, 2, "max_self_booked"),
    ("lege", "kons", "2026-03-02 08:00", NOW, {}, 5, "max_self_booked"),
    ("lege", "vaksine", "2026-03-02 08:00", NOW, {}, 1, "max_self_booked"),     # its own max
    ("lege", "vaksine", "2026-03-02 08:00", NOW, {}, 0, ok("08:00", "08:10")),
])
def test_check_booking(clinic, at, busy, calendar, type_id, start, now, bookings,
                       self_booked, want):
    got = check_booking(clinic, calendar, type_id, at(start), at(now), busy(bookings),
                        self_booked)
    if isinstance(want, tuple):
        assert isinstance(got, Slot), got
        assert ("ok", got.calendar, f"{got.start:%H:%M}", f"{got.end:%H:%M}") == want
        assert got.start == at(start)
    else:
        assert isinstance(got, Refusal), got
        assert got.code == want


@pytest.mark.parametrize("type_id, hours", [("kons", 24), ("samtale", 48), ("ukjent", 24)])
def test_cancellation_deadline(clinic, at, type_id, hours):
    start = at("2026-03-10 09:00")
    exactly = start - timedelta(hours=hours)
    assert check_cancellation(clinic, type_id, start, exactly) is None
    assert can_cancel(clinic, type_id, start, exactly)
    assert check_cancellation(clinic, type_id, start, exactly - timedelta(days=3)) is None
    late = check_cancellation(clinic, type_id, start, exactly + timedelta(minutes=1))
    assert isinstance(late, Refusal) and late.code == "cancellation_deadline"
    assert not can_cancel(clinic, type_id, start, exactly + timedelta(minutes=1))
    assert check_cancellation(clinic, type_id, start, start).code == "cancellation_deadline"


@pytest.mark.parametrize("as_utc", [False, True], ids=["now in Oslo", "now in UTC"])
def test_deadlines_are_real_hours_across_dst(clinic, at, busy, as_utc):
    def when(text):
        return at(text).astimezone(UTC) if as_utc else at(text)

    # Sunday 2026-03-29: the clocks skip 02:00–03:00. From Saturday 09:00 (+01:00) to
    # Sunday 09:00 (+02:00) is 23 real hours: too late to cancel a 24-hour appointment.
    start = at("2026-03-29 09:00")
    assert check_cancellation(clinic, "kons", start, when("2026-03-28 09:00")) is not None
    assert check_cancellation(clinic, "kons", start, when("2026-03-28 08:00")) is None
    # After the change, wall-clock and real hours agree again: 06:00 to 08:00 is 2 hours.
    got = check_booking(clinic, "lege", "kons", at("2026-03-29 08:00"), when("2026-03-29 06:00"),
                        busy({}), 0)
    assert isinstance(got, Slot)
    got = check_booking(clinic, "lege", "kons", at("2026-03-29 08:00"), when("2026-03-29 06:01"),
                        busy({}), 0)
    assert isinstance(got, Refusal) and got.code == "booking_deadline"


@pytest.mark.parametrize("as_utc", [False, True], ids=["now in Oslo", "now in UTC"])
def test_booking_deadline_through_the_missing_hour(make_clinic, starts, at, as_utc):
    clinic = make_clinic("""
        name: Natt
        online: {booking_deadline_hours: 2, closed_on_public_holidays: false}
        calendars:
          - id: lege
            name: Lege
            online: true
            week: {sun: [{start: "03:00", end: "05:00", types: [kons]}]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 30, online: true}
        """)
    # at 00:30 (+01:00) the next two real hours end at 03:30 (+02:00)
    now = at("2026-03-29 00:30")
    now = now.astimezone(UTC) if as_utc else now
    assert starts(clinic, "kons", now, day="2026-03-29") == ["03:30", "04:00", "04:30"]


def test_an_offline_block_does_not_hide_the_online_blocks_after_it(make_clinic, starts, at):
    clinic = make_clinic("""
        name: Rekkefolge
        online: {booking_deadline_hours: 0, closed_on_public_holidays: false}
        calendars:
          - id: lege
            name: Lege
            online: true
            week:
              mon:
                - {start: "08:00", end: "09:00", types: [kons], online: false}
                - {start: "09:00", end: "10:00", types: [kons]}
        appointment_types:
          - {id: kons, name: Konsultasjon, duration: 30, online: true}
        """)
    assert starts(clinic, "kons", at("2026-03-01 12:00"), day=MON) == ["09:00", "09:30"]


NIGHT = """
    name: Natt
    online: {booking_deadline_hours: 2, days_ahead: 1, closed_on_public_holidays: false}
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          tue: &natt [{start: "00:00", end: "01:00", types: [kons]}]
          wed: *natt
    appointment_types:
      - {id: kons, name: Konsultasjon, duration: 30, online: true}
    """


def test_the_booking_day_is_the_clinics_not_utcs(make_clinic, at, busy):
    """00:30 on Tuesday in Oslo is 23:30 on Monday in UTC: the clinic's Tuesday decides."""
    clinic = make_clinic(NIGHT)
    now = at("2026-03-02 12:00")  # Monday; the window ends on Tuesday
    got = check_booking(clinic, "lege", "kons", at("2026-03-03 00:30"), now, busy({}), 0)
    assert isinstance(got, Slot) and got.start == at("2026-03-03 00:30"), got
    late = check_booking(clinic, "lege", "kons", at("2026-03-04 00:30"), now, busy({}), 0)
    assert isinstance(late, Refusal) and late.code == "outside_booking_window", late


MESSAGES = """
    name: Ordlyd
    online:
      booking_deadline_hours: {deadline}
      days_ahead: 3
      cancellation_deadline_hours: {cancel}
      max_self_booked: 2
      closed_on_public_holidays: false
    calendars:
      - id: lege
        name: Lege
        online: true
        week:
          mon: [{{start: "08:00", end: "12:00", types: [kons, resept]}}]
    appointment_types:
      - {{id: kons, name: Konsultasjon, duration: 30, online: true}}
      - {{id: resept, name: Resept, duration: 30}}
    """


@pytest.mark.parametrize("deadline, cancel", [("2", "24"), ("0.5", "1.5")])
def test_refusals_carry_their_facts(make_clinic, at, busy, deadline, cancel):
    """A refusal is a code and the facts a sentence about it needs, never the sentence."""
    clinic = make_clinic(MESSAGES.format(deadline=deadline, cancel=cancel))
    now = at("2026-03-02 07:55")

    def refusal(calendar, type_id, start, self_booked=0):
        got = check_booking(clinic, calendar, type_id, at(start), now, busy({}), self_booked)
        assert isinstance(got, Refusal), got
        return got.code, dict(got.facts)

    assert refusal("lege", "kons", "2026-03-02 08:00") == (
        "booking_deadline", {"hours": float(deadline)})
    assert refusal("lege", "kons", "2026-03-09 08:00") == ("outside_booking_window", {"days": 3})
    assert refusal("lege", "kons", "2026-03-05 08:00") == ("slot_unavailable", {"why": "taken"})
    assert refusal("lege", "resept", "2026-03-02 10:00") == (
        "slot_unavailable", {"why": "offline"})
    assert refusal("lege", "kons", "2026-03-02 11:00", self_booked=2) == (
        "max_self_booked", {"limit": 2})
    late = check_cancellation(clinic, "kons", at("2026-03-02 08:00"), now)
    assert (late.code, dict(late.facts)) == ("cancellation_deadline", {"hours": float(cancel)})


@pytest.mark.parametrize("deadline, cancel, words, cancel_words", [
    ("2", "24", "2 hours", "24 hours"),
    ("1", "1", "1 hour", "1 hour"),
    ("0.5", "1.5", "0.5 hours", "1.5 hours"),
    ("2.0", "48.0", "2 hours", "48 hours"),
])
def test_the_api_says_why_in_words(make_clinic, at, busy, deadline, cancel, words,
                                   cancel_words):
    """The API's detail of each refusal (`endpoint.problems.refused`)."""
    from endpoint.problems import refused

    clinic = make_clinic(MESSAGES.format(deadline=deadline, cancel=cancel))
    now = at("2026-03-02 07:55")

    def refusal(calendar, type_id, start, self_booked=0):
        got = refused(check_booking(clinic, calendar, type_id, at(start), now, busy({}),
                                    self_booked))
        return got.code, got.detail

    assert refusal("lege", "kons", "2026-03-02 08:00") == (
        "booking_deadline", f"Appointments must be booked at least {words} before they start.")
    assert refusal("lege", "kons", "2026-03-09 08:00") == (
        "outside_booking_window", "Appointments can be booked at most 3 days ahead.")
    assert refusal("lege", "kons", "2026-03-05 08:00") == (
        "slot_unavailable", "This time is no longer available; please pick another.")
    assert refusal("lege", "resept", "2026-03-02 10:00") == (
        "slot_unavailable", "This appointment cannot be booked online.")
    assert refusal("lege", "kons", "2026-03-02 11:00", self_booked=2) == (
        "max_self_booked",
        "You already have 2 appointments booked online, the most this clinic allows.")
    late = refused(check_cancellation(clinic, "kons", at("2026-03-02 08:00"), now))
    assert (late.code, late.detail) == (
        "cancellation_deadline", f"Appointments can be cancelled online until {cancel_words} "
        "before they start; please call the clinic.")
