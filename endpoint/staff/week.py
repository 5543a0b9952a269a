"""The staff week (docs/staff.md): calendars × seven days, each cell how many bookings and
how many free slots, a link to that day, and the day's appointments (time, short name,
type), each a link to its booking.

The free slots are the day view's (`calendar.free_slots`, the core's slot
engine), so the week and the day never disagree. A day that is over has no free
slots to offer, so its cell counts none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking import Clinic
from booking.model import Calendar
from booking.restrictions import local_today, zone
from booking.schedule import day_blocks, day_closed
from common.words.dates import long_date, short_date
from common.words.staff import NO_NAME, WHOLE_DAY, week_title
from endpoint.staff.calendar import Span, free_slots, type_name
from endpoint.storage.db import from_db
from endpoint.storage.queries import bookings_between


@dataclass(frozen=True)
class Entry:
    """An appointment in a week's cell: "08:00 Kari N. Konsultasjon", a link to it."""

    public_id: str
    time: str
    name: str  # first name and the last name's initial: enough to tell them apart
    type_name: str
    conflict: bool


@dataclass(frozen=True)
class Cell:
    day: date
    bookings: int
    free: int
    conflicts: int
    closed: str  # why the day is closed, or ""
    open: bool  # the calendar works that day
    busy: str = ""  # the day's imported busy times (docs/sync.md): "09:00–10:00 EPJ", …
    past: bool = False  # the day is over: no free slots are counted
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Row:
    calendar: Calendar
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class WeekGrid:
    clinic: Clinic
    monday: date
    today: date
    days: tuple[date, ...]
    rows: tuple[Row, ...]

    @property
    def prev_week(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def title(self) -> str:
        sunday = self.monday + timedelta(days=6)
        return week_title(self.number, long_date(self.monday), long_date(sunday))

    def label(self, day: date) -> str:
        return short_date(day)

    def is_past(self, day: date) -> bool:
        return day < self.today

    def totals(self, day: date) -> tuple[int, int]:
        """(bookings, free) of all calendars on `day`."""
        cells = [c for r in self.rows for c in r.cells if c.day == day]
        return sum(c.bookings for c in cells), sum(c.free for c in cells)


def week_grid(clinic: Clinic, day: date, now: datetime, *, spans: Iterable[Span] = (),
              busy: Iterable[Span] = (), conflicts: Iterable[str] = ()) -> WeekGrid:
    """The week (Monday to Sunday) around `day`."""
    tz = zone(clinic.timezone)
    monday = day - timedelta(days=day.weekday())
    days = tuple(monday + timedelta(days=i) for i in range(7))
    rows = bookings_between(clinic, monday, days[-1], active_only=True)
    conflicting = set(conflicts)
    taken: dict[tuple[str, date], list[tuple[datetime, datetime]]] = defaultdict(list)
    counts: dict[tuple[str, date], int] = defaultdict(int)
    misfits: dict[tuple[str, date], int] = defaultdict(int)
    entries: dict[tuple[str, date], list[Entry]] = defaultdict(list)
    for b in sorted(rows, key=lambda b: from_db(b.start)):
        start, end = from_db(b.start), from_db(b.end)
        key = (b.calendar, start.astimezone(tz).date())
        taken[key].append((start, end))
        counts[key] += 1
        misfits[key] += b.public_id in conflicting
        entries[key].append(Entry(b.public_id, f"{start.astimezone(tz):%H:%M}", short_name(b),
                                  type_name(clinic, b.type), b.public_id in conflicting))
    for s in spans:
        taken[(s.calendar, s.start.astimezone(tz).date())].append((s.start, s.end))
    imported: dict[tuple[str, date], list[str]] = defaultdict(list)
    for s in busy:  # an imported busy time may cover several days (an all-day event)
        for d in days:
            lo, hi = s.start.astimezone(tz), s.end.astimezone(tz)
            if lo.date() <= d and (d < hi.date() or (d == hi.date() and hi.time() > time())):
                taken[(s.calendar, d)].append((s.start, s.end))
                when = (f"{lo:%H:%M}–{hi:%H:%M}" if lo.date() == hi.date() == d
                        else WHOLE_DAY)
                imported[(s.calendar, d)].append(f"{when} {s.label}")
    today = local_today(clinic, now)
    out = []
    for cal in clinic.calendars:
        cells = []
        for d in days:
            key = (cal.id, d)
            free = 0 if d < today else len(free_slots(clinic, cal, d, taken[key]))
            cells.append(Cell(d, counts[key], free, misfits[key],
                              day_closed(clinic, cal, d) or "",
                              bool(day_blocks(clinic, cal, d)),
                              ", ".join(imported[key]), d < today, tuple(entries[key])))
        out.append(Row(cal, tuple(cells)))
    return WeekGrid(clinic, monday, today, days, tuple(out))


def short_name(booking) -> str:
    """'Kari N.': the week shows many names at once, on a screen others may see."""
    first, last = booking.first_name.strip(), booking.last_name.strip()
    return f"{first} {last[:1]}.".strip() if last else (first or NO_NAME)
