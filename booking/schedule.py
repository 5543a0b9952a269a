"""The work schedule (arbeidsplan): which blocks a calendar has on a date.

Computed from the week template, the calendar's exceptions and, when the
rules say so, Norwegian public holidays. Never stored.

`day_blocks` and `day_closed` are the one rule every caller uses — the
patients' slots, the staff's day and week, the day status, the conflicts
check: on a public holiday a block offers only the types whose online rules
keep holidays open (`closed_on_public_holidays: false`, else the clinic's
rule), so a type that patients may book on a holiday is open that day for
staff too, and a booking of it is no conflict.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

import holidays

from booking.model import Block, Calendar, Clinic, ScheduleException


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


def closed_on_holidays(clinic: Clinic, type_id: str) -> bool:
    """Whether `type_id` is closed on public holidays (its online rules, else the clinic's)."""
    kind = clinic.type(type_id)
    return (kind.rules if kind is not None else clinic.online).closed_on_public_holidays


def day_blocks(clinic: Clinic, calendar: Calendar, day: date) -> tuple[Block, ...]:
    """The blocks `calendar` holds on `day`, each with the types it offers that day.

    An exception decides its days. Otherwise the week's blocks; on a public holiday
    each keeps only the types open on holidays, and one left with none is gone.
    """
    exc = exception_on(calendar, day)
    if exc is not None:
        return () if exc.closed else exc.blocks
    week = calendar.week[day.weekday()]
    if day not in public_holidays(day.year):
        return week
    out = []
    for block in week:
        kept = tuple(t for t in block.types if not closed_on_holidays(clinic, t))
        if kept:
            out.append(block if kept == block.types else replace(block, types=kept))
    return tuple(out)


def day_closed(clinic: Clinic, calendar: Calendar, day: date,
               type_id: str | None = None) -> str | None:
    """Why `calendar` is closed on `day` (for `type_id`, or for every type), in words: a
    closed exception's reason or the holiday's name; None when it is not closed."""
    exc = exception_on(calendar, day)
    if exc is not None:
        return (exc.reason or "stengt") if exc.closed else None
    name = public_holidays(day.year).get(day)
    if name is None:
        return None
    if type_id is not None:
        return name if closed_on_holidays(clinic, type_id) else None
    return None if day_blocks(clinic, calendar, day) else name
