"""The app's one typed state: settings, the clock, and the long-lived parts built from them.

`create_app` builds it once (Cosmic Python's bootstrap: one place that wires
the dependencies) and keeps it on the Flask app; views reach it through
`current()`, workers and commands get it passed in. Nothing else keeps state:
no module holds a cache, key or flag of its own, and what belongs to the open
database (its keyring, whether its schema is up to date) is kept with it
(`storage.db.OpenState`) — docs/architecture.md#rules-the-suite-keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

from endpoint.clock import Clock
from endpoint.ratelimit import RateLimiter
from endpoint.registry import Registry
from endpoint.services.conflicts import ConflictCounter
from endpoint.services.slots import SlotCache
from endpoint.services.work import CORE, Hooks
from endpoint.settings import Settings

KEY = "ledig"


@dataclass
class AppState:
    settings: Settings
    clock: Clock
    registry: Registry
    limiter: RateLimiter
    slot_cache: SlotCache = field(default_factory=SlotCache)
    #: bookings outside the schedule, counted per clinic for /healthz
    conflicts: ConflictCounter = field(default_factory=ConflictCounter)
    #: after a failed connect, requests get 503 at once until this monotonic instant
    db_down_until: float = 0.0
    #: background threads started for this app (outbox, purge), by name
    workers: dict[str, object] = field(default_factory=dict)
    #: the OpenID providers' documents and keys (`patient.oidc.Providers`), made by the
    #: patient login on first use (`patient.routes.providers`, which types it: the state
    #: sits below the patient package)
    oidc: object = None
    #: the running features (`endpoint.features.Feature`, docs/features.md), in list order
    features: tuple = ()
    #: what the running features add to every write (`services.work.Work`)
    hooks: Hooks = CORE

    def uses(self, clinic, feature: str) -> bool:
        """Whether `clinic` uses `feature` here (the deployment runs it and the clinic's
        `features:` list, if it has one, names it)."""
        return bool(clinic.uses(feature, self.settings.features))


def of(app: Flask) -> AppState:
    state = app.extensions[KEY]
    assert isinstance(state, AppState)
    return state


def current() -> AppState:
    """The state of the app handling this request."""
    return of(current_app)  # type: ignore[arg-type]  # the proxy stands for the app


def hooks() -> Hooks:
    """What the running features add to this request's writes (`services.work`)."""
    return current().hooks


def now() -> datetime:
    """The time of this request, from the app's clock."""
    return current().clock.now()
