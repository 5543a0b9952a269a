"""How a feature plugs into the endpoint (docs/features.md, docs/architecture.md#features).

A feature is a package of the endpoint whose `feature` module holds a `FEATURE`:
its blueprints, the hooks it adds to the core's writes, the background workers
of `endpoint serve`, its `endpoint` commands, what it adds to `/healthz`, and
what it sends through the outbox. `create_app`, `serve` and the command line
load the features the deployment runs (`Settings.features`, from LEDIG_FEATURES)
from the one list in `booking.features` by name: the core never imports a feature.

A route of a feature that a clinic does not use (its `features:` list leaves it
out) answers 404, as an unknown route does; a feature the deployment does not
run has no routes at all.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from flask import Blueprint

from booking.features import FEATURES, info
from endpoint.services.work import Hooks

#: (subparsers) -> None: adds a feature's commands, each with `handler(args, clock)`
Commands = Callable[[Any], None]
#: (state) -> a started worker, or None when its setting keeps it off
Worker = Callable[[Any], object | None]
#: (state, clinics) -> keys to add to /healthz's body
Health = Callable[[Any, dict], Mapping[str, object]]


@dataclass(frozen=True)
class Feature:
    name: str
    blueprints: tuple[Blueprint, ...] = ()
    hooks: Hooks = field(default_factory=Hooks)
    #: run once by `create_app` (a cost the feature's first request should not pay)
    start: Callable[[Any], None] | None = None
    workers: Mapping[str, Worker] = field(default_factory=lambda: MappingProxyType({}))
    commands: Commands | None = None
    health: Health | None = None
    #: outbox channels it delivers: channel -> a factory of its sender
    senders: Mapping[str, Callable[[], Any]] = field(
        default_factory=lambda: MappingProxyType({}))


def load(names: frozenset[str]) -> tuple[Feature, ...]:
    """The running features, in the order of `booking.features.FEATURES`."""
    out = []
    for known in FEATURES:
        if known.name in names:
            module = importlib.import_module(f"{info(known.name).package}.feature")
            feature = module.FEATURE
            assert isinstance(feature, Feature) and feature.name == known.name
            out.append(feature)
    return tuple(out)


def senders_of(features: tuple[Feature, ...]) -> Mapping[str, Callable[[], Any]]:
    """The outbox channels the features deliver (calendar sync's `caldav`)."""
    return MappingProxyType({channel: make for feature in features
                             for channel, make in feature.senders.items()})


def add_commands(subparsers: argparse._SubParsersAction, names: frozenset[str]) -> None:
    """Every running feature's `endpoint` commands."""
    for feature in load(names):
        if feature.commands is not None:
            feature.commands(subparsers)


__all__ = ["Feature", "add_commands", "load", "senders_of"]
