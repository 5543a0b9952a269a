"""Shared helpers for the booking tests: clinics from small YAML strings, times, bookings.

Tests build clinics the way an admin writes them — a YAML clinic file —
through `sitegen.content.load_clinic_bytes`, so every rule is exercised
through the same loader the product uses.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from booking import Busy, Clinic, ConfigIssue, visible_slots
from common.content import load_clinic_bytes

OSLO = ZoneInfo("Europe/Oslo")


def _yaml(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode("utf-8")


def _clinic(text: str, slug: str = "test") -> Clinic:
    clinic, issues = load_clinic_bytes(_yaml(text), slug=slug, file=f"{slug}.yaml")
    errors = [i for i in issues if not i.warning]
    assert clinic is not None and not errors, "\n".join(str(i) for i in issues)
    return clinic


def _issues(text: str | bytes, slug: str = "test") -> list[ConfigIssue]:
    data = text if isinstance(text, bytes) else _yaml(text)
    clinic, issues = load_clinic_bytes(data, slug=slug, file=f"{slug}.yaml")
    if any(not i.warning for i in issues):
        assert clinic is None, "a clinic with errors must not load"
    return issues


def _at(text: str) -> datetime:
    """'2026-03-02 08:00' as an aware datetime in Europe/Oslo."""
    return datetime.fromisoformat(text).replace(tzinfo=OSLO)


def _busy(bookings: dict[str, Iterable[tuple[str, str]]]) -> dict[str, Busy]:
    """{'lege': [('2026-03-02 08:20', '08:40')]}: an end without a date shares the start's."""
    out = {}
    for cal, pairs in bookings.items():
        intervals = []
        for start, end in pairs:
            s = _at(start)
            e = _at(end) if len(end) > 5 else _at(f"{start[:10]} {end}")
            intervals.append((s, e))
        out[cal] = Busy(intervals)
    return out


def _starts(
    clinic: Clinic, type_id: str, now: datetime, bookings: dict | None = None,
    *, day: str | None = None, calendar: str | None = None, with_calendar: bool = False,
) -> list:
    """Visible slot starts as 'HH:MM' (one day) or 'YYYY-MM-DD HH:MM' (whole window)."""
    d = date.fromisoformat(day) if day else None
    days = visible_slots(clinic, type_id, now, _busy(bookings or {}), calendar_id=calendar,
                         first_day=d, last_day=d)
    fmt = "%H:%M" if day else "%Y-%m-%d %H:%M"
    out = []
    for ds in days:
        for s in ds.slots:
            text = s.start.astimezone(OSLO).strftime(fmt)
            out.append((s.calendar, text) if with_calendar else text)
    return out


@pytest.fixture(scope="session")
def make_clinic() -> Callable[..., Clinic]:
    """Build a valid clinic from a YAML string (fails the test on any error)."""
    return _clinic


@pytest.fixture(scope="session")
def issues_of() -> Callable[..., list[ConfigIssue]]:
    """Every issue (errors and warnings) of a clinic file given as text or bytes."""
    return _issues


@pytest.fixture(scope="session")
def at() -> Callable[[str], datetime]:
    return _at


@pytest.fixture(scope="session")
def busy() -> Callable[..., dict[str, Busy]]:
    return _busy


@pytest.fixture(scope="session")
def starts() -> Callable[..., list]:
    return _starts
