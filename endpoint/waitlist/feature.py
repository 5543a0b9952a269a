"""How the wait list plugs into the endpoint (docs/features.md)."""

from __future__ import annotations

from datetime import datetime

from booking import Clinic
from endpoint.features import Feature
from endpoint.services.work import Hooks
from endpoint.waitlist import entries, holds
from endpoint.waitlist.routes import bp


def _find_hold(clinic: Clinic, token: str | None, calendar: str, type_id: str,
               start: datetime, now: datetime) -> int | None:
    hold = holds.matching_hold(clinic, token, calendar, type_id, start, now)
    return hold.id if hold is not None else None


def _freed(clinic: Clinic, calendar: str, start: datetime, end: datetime,
           now: datetime) -> None:
    entries.offer_freed(clinic, calendar, start, end, now)


FEATURE = Feature(
    name="waitlist",
    blueprints=(bp,),
    hooks=Hooks(find_hold=_find_hold, consume_hold=holds.consume, freed=(_freed,)),
)
