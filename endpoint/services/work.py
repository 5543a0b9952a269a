"""One write path: the unit of work every change to a calendar's busy time goes through.

Booking, moving and cancelling (patient and staff), staff blocks, holds and wait-list
claims open a `Work` (Cosmic Python's unit of work, docs/architecture.md#one-write-path):

* it takes the calendars' and the patient's locks (`storage.db.calendar_lock`,
  `patient_lock`) and opens the write transaction (`storage.db.write_transaction`);
* inside it the use case checks and saves, and tells the work what happened:
  `changed(booking)` (the features push it to other calendars), `freed(...)` (the
  wait list offers the time), `touched(calendar)`;
* when the block ends, the touched calendars' generations are bumped (so every slot
  cache sees the change) in the same transaction;
* a database constraint that caught a race the checks did not see (`IntegrityError`)
  becomes the one answer `slot_unavailable`.

`Hooks` is what the features add to a write: the core names no feature, the app
passes the running features' hooks in (`AppState.hooks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from peewee import IntegrityError

from booking import Clinic
from endpoint.problems import Problem
from endpoint.storage.db import calendar_lock, patient_lock, write_transaction
from endpoint.storage.queries import bump

#: (clinic, token, calendar, type, start, now) -> the hold's row id, or None
FindHold = Callable[[Clinic, str | None, str, str, datetime, datetime], int | None]


def _no_hold(clinic: Clinic, token: str | None, calendar: str, type_id: str,
             start: datetime, now: datetime) -> int | None:
    return None


def _nothing(hold: int | None) -> None:
    return None


@dataclass(frozen=True)
class Hooks:
    """What running features add to the core's writes; each runs inside the write."""

    #: the patient's hold on the time being booked (holds are the wait-list feature's)
    find_hold: FindHold = _no_hold
    #: the hold is used up by the booking
    consume_hold: Callable[[int | None], None] = _nothing
    #: (clinic, booking, now, previous_calendar): a booking was made, moved or cancelled
    changed: tuple[Callable[[Clinic, Any, datetime, str | None], None], ...] = ()
    #: (clinic, calendar, start, end, now): a time was freed
    freed: tuple[Callable[[Clinic, str, datetime, datetime, datetime], None], ...] = ()

    def __add__(self, other: Hooks) -> Hooks:
        """Both features' hooks (one feature may hold the patient's times)."""
        holds = other if other.find_hold is not _no_hold else self
        return replace(self, find_hold=holds.find_hold, consume_hold=holds.consume_hold,
                       changed=self.changed + other.changed, freed=self.freed + other.freed)

    @staticmethod
    def of(all_hooks: Iterable[Hooks]) -> Hooks:
        joined = Hooks()
        for hooks in all_hooks:
            joined = joined + hooks
        return joined


#: a write with no features: tests of the core, and commands that need none
CORE = Hooks()


@dataclass
class Work:
    """One write to `clinic` at `now` (see the module's docstring)."""

    clinic: Clinic
    now: datetime
    hooks: Hooks = CORE
    _touched: dict[str, None] = field(default_factory=dict)

    def touched(self, calendar: str) -> None:
        """`calendar`'s busy time changed: its generation goes up when the work ends."""
        self._touched[calendar] = None

    def changed(self, booking: Any, previous_calendar: str | None = None) -> None:
        """A booking was made, moved or cancelled: its calendars changed, and the
        features hear of it (calendar push)."""
        self.touched(booking.calendar)
        if previous_calendar is not None:
            self.touched(previous_calendar)
        for hook in self.hooks.changed:
            hook(self.clinic, booking, self.now, previous_calendar)

    def freed(self, calendar: str, start: datetime, end: datetime) -> None:
        """A time in `calendar` was freed (cancelled, moved away, a block removed)."""
        self.touched(calendar)
        for hook in self.hooks.freed:
            hook(self.clinic, calendar, start, end, self.now)

    def find_hold(self, token: str | None, calendar: str, type_id: str,
                  start: datetime) -> int | None:
        return self.hooks.find_hold(self.clinic, token, calendar, type_id, start, self.now)

    def consume_hold(self, hold: int | None) -> None:
        self.hooks.consume_hold(hold)

    @contextmanager
    def write(self, *, calendars: Sequence[str] = (), patients: Sequence[str] = (),
              extra_locks: Sequence[str] = (), race: Problem | None = None) -> Iterator[Work]:
        """The locked transaction of this work; a racing write (`IntegrityError`) gets
        `race`, by default `slot_unavailable`."""
        slug = self.clinic.slug
        locks = [*(calendar_lock(slug, c) for c in calendars),
                 *(patient_lock(slug, p) for p in patients), *extra_locks]
        try:
            with write_transaction(locks):
                yield self
                for calendar in self._touched:
                    bump(slug, calendar)
                self._touched.clear()
        except IntegrityError as exc:
            # the database's own constraint caught a race the checks did not see
            raise race or Problem("slot_unavailable", "This time was just taken; please "
                                  "pick another.") from exc


__all__ = ["CORE", "Hooks", "Work"]
