"""How calendar sync plugs into the endpoint (docs/features.md, docs/sync.md): the refresher
thread of `endpoint serve`, `endpoint sync`, the busy sources on /healthz, bookings pushed
to CalDAV through the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from peewee import InterfaceError, OperationalError

from booking import Clinic
from endpoint.features import Feature
from endpoint.services.work import Hooks
from endpoint.storage import sync as store
from endpoint.sync import calendar_push, refresh
from endpoint.sync.commands import add_commands


def _changed(clinic: Clinic, booking: object, now: datetime,
             previous_calendar: str | None) -> None:
    """Inside the write: queue the booking's event for its calendar's push target."""
    calendar_push.enqueue(clinic, booking, now,  # type: ignore[arg-type]  # a Booking
                          previous_calendar=previous_calendar)


def _refresher(state) -> object | None:
    if not state.settings.sync_worker:
        return None
    return refresh.start_worker(state.registry, state.clock, state.settings.sync_interval)


def _health(state, clinics: dict) -> Mapping[str, object]:
    """Every clinic's busy sources, and whether any is failing or stale (degraded)."""
    now = state.clock.now()
    try:
        sources = [h.as_json() for slug in sorted(clinics)
                   for h in store.health(clinics[slug], now)]
    except (OperationalError, InterfaceError):
        sources = []
    return {"sync": sources, "degraded": any(not s["ok"] for s in sources)}


FEATURE = Feature(
    name="sync",
    hooks=Hooks(changed=(_changed,)),
    workers=MappingProxyType({"sync": _refresher}),
    commands=add_commands,
    health=_health,
    senders=MappingProxyType({calendar_push.CHANNEL: calendar_push.CalDavPusher}),
)
