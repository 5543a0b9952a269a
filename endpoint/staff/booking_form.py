"""Booking on behalf of a patient (SPEC §10): the form a receptionist fills in on the
phone, the patient search that prefills it, and the stale-page answer.

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from endpoint.staff.auth import staff_for_page
from endpoint.staff.render import page


def new(slug: str) -> Response:
    clinic, _ = staff_for_page(slug)
    return page("book.html", clinic=clinic, section="book", args=request.args)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/bookings/new", "new_booking", new, methods=["GET"])
