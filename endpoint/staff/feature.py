"""How the timebok plugs into the endpoint (docs/features.md, docs/staff.md): the staff
pages and the staff API, and the `endpoint staff-user` command."""

from __future__ import annotations

from endpoint.features import Feature
from endpoint.staff.api import bp as api_bp
from endpoint.staff.commands import add_commands
from endpoint.staff.routes import bp as pages_bp
from endpoint.staff.users import dummy_hash


def _start(state: object) -> None:
    dummy_hash()  # made once per process, before the first login (not by every command)


FEATURE = Feature(name="timebok", blueprints=(pages_bp, api_bp), start=_start,
                  commands=add_commands)
