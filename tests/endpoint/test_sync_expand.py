"""iCalendar into busy intervals as RFC 5545 says (docs/sync.md): recurrence with EXDATE and a
moved occurrence, a weekly series across both DST changes, all-day, transparent, floating
and foreign-zone events. Expected instants are written out here, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sync_support import event, vcalendar

from endpoint.sync.errors import SourceError
from endpoint.sync.expand import busy_intervals, parse

OSLO = ZoneInfo("Europe/Oslo")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _busy(data: bytes, start=None, end=None, **kw) -> list[tuple[datetime, datetime]]:
    start = start or datetime(2026, 12, 1, tzinfo=OSLO)
    end = end or datetime(2027, 12, 1, tzinfo=OSLO)
    got = busy_intervals([parse(data)], OSLO, start, end, **kw)
    return sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in got)


def test_a_weekly_series_keeps_its_local_time_across_both_dst_changes():
    data = vcalendar(event("w", ";TZID=Europe/Oslo:20270320T090000",
                           ";TZID=Europe/Oslo:20270320T100000",
                           "RRULE:FREQ=WEEKLY;COUNT=3"),
                     event("autumn", ";TZID=Europe/Oslo:20271023T090000",
                           ";TZID=Europe/Oslo:20271023T100000",
                           "RRULE:FREQ=WEEKLY;COUNT=3"))
    assert _busy(data, end=datetime(2027, 12, 31, tzinfo=OSLO)) == [
        (utc(2027, 3, 20, 8), utc(2027, 3, 20, 9)),  # CET, UTC+1
        (utc(2027, 3, 27, 8), utc(2027, 3, 27, 9)),
        (utc(2027, 4, 3, 7), utc(2027, 4, 3, 8)),  # CEST after 28 March, UTC+2
        (utc(2027, 10, 23, 7), utc(2027, 10, 23, 8)),
        (utc(2027, 10, 30, 7), utc(2027, 10, 30, 8)),
        (utc(2027, 11, 6, 8), utc(2027, 11, 6, 9)),  # CET again after 31 October
    ]


def test_exdate_removes_and_recurrence_id_moves_an_occurrence():
    data = vcalendar(
        event("s", ";TZID=Europe/Oslo:20261207T090000", ";TZID=Europe/Oslo:20261207T100000",
              "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=Europe/Oslo:20261214T090000"),
        event("s", ";TZID=Europe/Oslo:20261221T130000", ";TZID=Europe/Oslo:20261221T140000",
              "RECURRENCE-ID;TZID=Europe/Oslo:20261221T090000"))
    assert _busy(data) == [
        (utc(2026, 12, 7, 8), utc(2026, 12, 7, 9)),
        (utc(2026, 12, 21, 12), utc(2026, 12, 21, 13)),  # moved to 13:00
        (utc(2026, 12, 28, 8), utc(2026, 12, 28, 9)),
    ]


def test_an_all_day_event_is_busy_the_whole_local_day():
    data = vcalendar(event("d", ";VALUE=DATE:20261203", ";VALUE=DATE:20261205"))
    assert _busy(data) == [(utc(2026, 12, 2, 23), utc(2026, 12, 4, 23))]


def test_an_all_day_event_on_the_dst_day_is_that_local_day():
    data = vcalendar(event("d", ";VALUE=DATE:20270328", ";VALUE=DATE:20270329"))
    assert _busy(data) == [(utc(2027, 3, 27, 23), utc(2027, 3, 28, 22))]  # a 23-hour day


def test_transparent_and_cancelled_events_are_not_busy():
    data = vcalendar(
        event("t", ":20261202T080000Z", ":20261202T090000Z", "TRANSP:TRANSPARENT"),
        event("c", ":20261202T100000Z", ":20261202T110000Z", "STATUS:CANCELLED"),
        event("o", ":20261202T120000Z", ":20261202T130000Z", "TRANSP:OPAQUE"))
    assert _busy(data) == [(utc(2026, 12, 2, 12), utc(2026, 12, 2, 13))]


def test_a_floating_time_is_the_clinic_s_local_time():
    data = vcalendar(event("f", ":20261202T090000", ":20261202T093000"))
    assert _busy(data) == [(utc(2026, 12, 2, 8), utc(2026, 12, 2, 8, 30))]


def test_an_event_in_another_zone_with_its_own_vtimezone():
    tz = "\r\n".join([
        "BEGIN:VTIMEZONE", "TZID:Custom/Eastern",
        "BEGIN:STANDARD", "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
        "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
        "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT", "END:VTIMEZONE"])
    data = vcalendar(event("ny", ";TZID=Custom/Eastern:20261202T090000",
                           ";TZID=Custom/Eastern:20261202T100000"),
                     event("ny2", ";TZID=America/New_York:20270601T090000",
                           ";TZID=America/New_York:20270601T100000"), extra=tz)
    assert _busy(data) == [(utc(2026, 12, 2, 14), utc(2026, 12, 2, 15)),
                           (utc(2027, 6, 1, 13), utc(2027, 6, 1, 14))]


def test_duration_instead_of_dtend_and_the_window_bounds():
    data = vcalendar(
        "UID:d\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261202T080000Z\r\nDURATION:PT45M",
        event("before", ":20261101T080000Z", ":20261101T090000Z"),
        event("after", ":20280101T080000Z", ":20280101T090000Z"))
    assert _busy(data) == [(utc(2026, 12, 2, 8), utc(2026, 12, 2, 8, 45))]


def test_ledig_s_own_pushed_events_are_never_busy():
    data = vcalendar(event("abc@timebok.ledig", ":20261202T080000Z", ":20261202T090000Z"),
                     event("other@example", ":20261202T100000Z", ":20261202T110000Z"))
    assert _busy(data, skip_uids="@timebok.ledig") == [
        (utc(2026, 12, 2, 10), utc(2026, 12, 2, 11))]


def test_a_runaway_rule_is_bounded():
    data = vcalendar(event("m", ":20261202T080000Z", ":20261202T080100Z",
                           "RRULE:FREQ=MINUTELY"))
    with pytest.raises(SourceError) as caught:
        _busy(data, max_instances=1000)
    assert caught.value.code == "too_many_events"


@pytest.mark.parametrize("junk", [b"", b"hello", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
                                  "BEGIN:VCALENDAR\r\nX:\udcff".encode("utf-8", "surrogatepass")])
def test_junk_is_malformed(junk):
    with pytest.raises(SourceError) as caught:
        _busy(junk)
    assert caught.value.code == "malformed"
