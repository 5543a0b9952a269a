"""The work schedule (arbeidsplan): which blocks a calendar has on a date.

Computed from the week template, the calendar's exceptions and, when the
rules say so, Norwegian public holidays. Never stored.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from booking.model import Block, Calendar, ScheduleException


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """Norway's public holidays (helligdager) of one year, with their names."""
    return dict(holidays.country_holidays("NO", years=year, language="no").items())


def exception_on(calendar: Calendar, day: date) -> ScheduleException | None:
    """The exception that decides the day: the narrowest one covering it, later wins ties."""
    found: ScheduleException | None = None
    for exc in calendar.exceptions:
        if exc.covers(day) and (
            found is None or (exc.last - exc.first) <= (found.last - found.first)
        ):
            found = exc
    return found


def blocks_on(
    calendar: Calendar, day: date, *, closed_on_public_holidays: bool
) -> tuple[Block, ...]:
    """The calendar's blocks on `day`: an exception wins, then holidays, then the week."""
    exc = exception_on(calendar, day)
    if exc is not None:
        return () if exc.closed else exc.blocks
    if closed_on_public_holidays and day in public_holidays(day.year):
        return ()
    return calendar.week[day.weekday()]


def closed_reason(calendar: Calendar, day: date, *, closed_on_public_holidays: bool) -> str | None:
    """Why the calendar has no blocks on `day`, in words, or None when it is not closed."""
    exc = exception_on(calendar, day)
    if exc is not None:
        return (exc.reason or "stengt") if exc.closed else None
    if closed_on_public_holidays and (name := public_holidays(day.year).get(day)):
        return name
    return None
