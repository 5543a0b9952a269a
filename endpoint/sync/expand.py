"""iCalendar into busy intervals, as RFC 5545 says.

Recurrence (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) is expanded here with
`recurring-ical-events`, because servers' own expansion differs. An all-day
event is busy the whole local day (days, for a longer one) in the clinic's time
zone; a floating time is read in the clinic's zone; TRANSPARENT and CANCELLED
events are not busy. Parsing is bounded: too many instances or too much time
is an error for the source, never a hang.
"""

from __future__ import annotations

import time as monotonic
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar as ICalendar

from endpoint.sync.errors import SourceError

Interval = tuple[datetime, datetime]

MAX_INSTANCES = 20_000
PARSE_SECONDS = 10.0


def _aware(value: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return datetime.combine(value, time(), tz)  # an all-day event: the local midnight


def parse(data: bytes | str) -> ICalendar:
    try:
        cal = ICalendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and others on bad input
        raise SourceError("malformed", "not an iCalendar file") from exc
    if not isinstance(cal, ICalendar):
        raise SourceError("malformed", "not an iCalendar file")
    return cal


def busy_intervals(cals: list[ICalendar], tz: ZoneInfo, start: datetime, end: datetime, *,
                   skip_uids: str = "", max_instances: int = MAX_INSTANCES,
                   seconds: float = PARSE_SECONDS) -> list[Interval]:
    """The busy intervals of the calendars' events that overlap [start, end).

    `skip_uids` is a UID suffix of events to leave out (ledig's own pushed events)."""
    out: list[Interval] = []
    ends = monotonic.monotonic() + seconds
    count = 0
    for cal in cals:
        try:
            # in order of start, lazily: the bound below holds while expanding
            for event in recurring_ical_events.of(cal).after(start):
                count += 1
                if count > max_instances:
                    raise SourceError("too_many_events", f"over {max_instances} in the window")
                if count % 256 == 0 and monotonic.monotonic() > ends:
                    raise SourceError("timeout", "reading the events took too long")
                interval = _interval(event, tz, skip_uids)
                if interval is None:
                    continue
                if interval[0] >= end:
                    break
                out.append(interval)
        except SourceError:
            raise
        except Exception as exc:  # a broken rule or date deep in the file
            raise SourceError("malformed", type(exc).__name__) from exc
    return out


def _interval(event: object, tz: ZoneInfo, skip_uids: str) -> Interval | None:
    get = event.get  # type: ignore[attr-defined]
    if skip_uids and str(get("UID", "")).endswith(skip_uids):
        return None  # our own pushed event, never read back as busy
    if str(get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(get("STATUS", "")).upper() == "CANCELLED":
        return None
    dtstart = get("DTSTART")
    if dtstart is None:
        return None
    first = dtstart.dt
    dtend = get("DTEND")
    if dtend is not None:
        last = dtend.dt
    elif get("DURATION") is not None:
        last = first + get("DURATION").dt
    elif isinstance(first, datetime):
        last = first  # RFC 5545: no end and no duration is an instant
    else:
        last = first + timedelta(days=1)  # an all-day event without an end: that day
    s, e = _aware(first, tz), _aware(last, tz)
    if e <= s:
        return None
    return s, e
