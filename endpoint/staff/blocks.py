"""Staff blocks (SPEC §10): the form that blocks a calendar's time, its confirmation over
existing bookings, a block's page and its removal.

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from endpoint.staff.auth import staff_for_page
from endpoint.staff.render import page


def new(slug: str) -> Response:
    clinic, _ = staff_for_page(slug)
    return page("block.html", clinic=clinic, section="block")


def show(slug: str, block_id: str) -> Response:
    clinic, _ = staff_for_page(slug)
    return page("block.html", clinic=clinic, section="block")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/blocks/new", "new_block", new, methods=["GET"])
    bp.add_url_rule("/<slug>/blocks/<block_id>", "block_page", show, methods=["GET"])
