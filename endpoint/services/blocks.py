"""Staff blocks (docs/staff.md): time a calendar's staff keep for a meeting, lunch, a course.

A block is busy time like a booking: `storage.queries.busy_between` reads both,
so a new block hides the online slots under it at once (its calendar's
generation is bumped in the same transaction) and refuses bookings in it.
Under the calendar's lock a block is refused when it overlaps another block of
the calendar (409 `block_overlap`), and when it overlaps active bookings
(409 `conflicts`, with their ids) unless staff allow that — those bookings then
stand out under `…/conflicts` until someone moves or cancels them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from endpoint.problems import Problem
from endpoint.services import audit
from endpoint.services.work import Hooks, Work
from endpoint.storage.db import Hold, StaffBlock, from_db, to_db
from endpoint.storage.timebok import blocks_overlapping, bookings_overlapping, find_block

#: a longer absence belongs in the clinic file's `exceptions`
MAX_BLOCK_DAYS = 31


@dataclass(frozen=True)
class BlockRequest:
    calendar: str
    start: datetime
    end: datetime
    reason: str
    allow_conflicts: bool = False


def _overlapping_block(ids: list[str]) -> Problem:
    return Problem("block_overlap", "Another staff block of the calendar overlaps this time; "
                   "change or delete that one instead.", extra={"blocks": ids})


def add_block(clinic: Clinic, req: BlockRequest, actor: str, now: datetime, *,
              hooks: Hooks) -> StaffBlock:
    """Block time in a calendar (as `actor`); the stored block."""
    block = StaffBlock(public_id=uuid.uuid4().hex, clinic=clinic.slug, calendar=req.calendar,
                       start=to_db(req.start), end=to_db(req.end), reason=req.reason,
                       created_by=actor, created_at=to_db(now))
    work = Work(clinic, now, hooks)
    with work.write(calendars=[req.calendar], race=_overlapping_block([])):
        # (PostgreSQL's exclusion constraint is the last line against a racing block)
        others = blocks_overlapping(clinic, req.calendar, req.start, req.end)
        if others:
            raise _overlapping_block([b.public_id for b in others])
        under = bookings_overlapping(clinic, req.calendar, req.start, req.end)
        if under and not req.allow_conflicts:
            raise Problem("conflicts", "Active bookings lie in this time; move or cancel "
                          "them first, or send \"allow_conflicts\": true.",
                          extra={"bookings": [b.public_id for b in under]})
        block.save(force_insert=True)
        # the clinic's own time wins over a patient's hold (docs/patients.md): the holds under
        # the block end now, so that a hold and a block never overlap
        Hold.delete().where((Hold.clinic == clinic.slug) & (Hold.calendar == req.calendar)
                            & (Hold.start < to_db(req.end))
                            & (Hold.end > to_db(req.start))).execute()
        for booking in under:
            audit.record(booking, now, actor, audit.BLOCKED, block=block.public_id)
        work.touched(req.calendar)
    return block


def remove_block(clinic: Clinic, public_id: str, now: datetime, *, hooks: Hooks) -> StaffBlock:
    """Delete a staff block: its time is free again at once, and offered to the wait list
    in the same transaction (docs/patients.md). The deleted block."""
    block = find_block(clinic, public_id)
    if block is None:
        raise Problem("not_found", "The clinic has no staff block with that id.")
    work = Work(clinic, now, hooks)
    with work.write(calendars=[block.calendar]):
        deleted = StaffBlock.delete().where(StaffBlock.id == block.id).execute()  # type: ignore[misc]  # stub
        if deleted:
            work.freed(block.calendar, from_db(block.start), from_db(block.end))
    return block


__all__ = ["MAX_BLOCK_DAYS", "BlockRequest", "add_block", "remove_block"]
