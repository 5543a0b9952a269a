"""Staff blocks (docs/staff.md): the form that blocks a calendar's time, its confirmation over
existing bookings, a block's page and its removal.

Blocking over active bookings lists them and needs an explicit tick; those bookings
then stand out as conflicts until someone moves or cancels them. The services do
the work (`services.blocks`).

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from booking import Clinic
from booking.restrictions import zone
from common.words import staff as words
from common.words.dates import format_span, numeric_when
from endpoint.problems import Problem
from endpoint.services import audit
from endpoint.services.blocks import MAX_BLOCK_DAYS, BlockRequest, add_block, remove_block
from endpoint.staff.auth import staff_for_page
from endpoint.staff.calendar import calendar_name, find_booking, patient_name, type_name
from endpoint.staff.errors import not_found
from endpoint.staff.forms import clean_text, local_datetime, parse_date, parse_time
from endpoint.staff.history import actor_label
from endpoint.staff.render import page
from endpoint.state import hooks, now
from endpoint.storage.db import from_db
from endpoint.storage.timebok import find_block

FIELDS = ("calendar", "date", "start", "end", "end_date", "reason")


def new(slug: str) -> Response:
    clinic, _ = staff_for_page(slug)
    values = {k: clean_text(request.args.get(k), 100) for k in FIELDS}
    values.setdefault("calendar", "")
    return _form(clinic, values)


def create(slug: str) -> Response:
    clinic, user = staff_for_page(slug)
    values = {k: clean_text(request.form.get(k), 500 if k == "reason" else 40) for k in FIELDS}
    errors: dict[str, str] = {}
    cal = clinic.calendar(values["calendar"])
    day = parse_date(values["date"])
    last = parse_date(values["end_date"]) if values["end_date"] else day
    start_at, end_at = parse_time(values["start"]), parse_time(values["end"])
    if cal is None:
        errors["calendar"] = words.field("calendar")
    if day is None:
        errors["date"] = words.field("date")
    if values["end_date"] and last is None:
        errors["end_date"] = words.field("date")
    if start_at is None:
        errors["start"] = words.field("time")
    if end_at is None:
        errors["end"] = words.field("time")
    if errors or cal is None or day is None or last is None or start_at is None \
            or end_at is None:
        return _form(clinic, values, errors=errors, status=422)
    start, end = local_datetime(clinic, day, start_at), local_datetime(clinic, last, end_at)
    if end <= start:
        return _form(clinic, values, errors={"end": words.field("end_order")}, status=422)
    if end - start > timedelta(days=MAX_BLOCK_DAYS):
        return _form(clinic, values, status=422,
                     errors={"end_date": words.field("too_long_block", days=MAX_BLOCK_DAYS)})
    req = BlockRequest(cal.id, start, end, values["reason"],
                       allow_conflicts=bool(request.form.get("allow_conflicts")))
    try:
        add_block(clinic, req, audit.staff_actor(user.username), now(), hooks=hooks())
    except Problem as problem:
        extra = getattr(problem, "extra", None) or {}
        under = [b for i in extra.get("bookings", []) if (b := find_booking(clinic, i))]
        return _form(clinic, values, notice=words.problem(problem.code), status=409,
                     under=[_under(clinic, b) for b in under],
                     confirm=problem.code == "conflicts")
    return redirect(url_for("staff.calendar", slug=clinic.slug, date=day.isoformat(),
                            cal=cal.id, done="blocked"), 303)


def show(slug: str, block_id: str) -> Response:
    clinic, _ = staff_for_page(slug)
    block = _block(clinic, block_id)
    tz = zone(clinic.timezone)
    start, end = from_db(block.start).astimezone(tz), from_db(block.end).astimezone(tz)
    when = format_span(start, end)
    details = {"id": block.public_id, "calendar": calendar_name(clinic, block.calendar),
               "calendar_id": block.calendar, "when": when, "day": start.date().isoformat(),
               "reason": block.reason, "by": actor_label(block.created_by)}
    return page("block_page.html", clinic=clinic, block=details, section="block")


def delete(slug: str, block_id: str) -> Response:
    clinic, _ = staff_for_page(slug)
    block = _block(clinic, block_id)
    day = from_db(block.start).astimezone(zone(clinic.timezone)).date()
    try:
        remove_block(clinic, block.public_id, now(), hooks=hooks())
    except Problem as exc:
        raise not_found() from exc
    return redirect(url_for("staff.calendar", slug=clinic.slug, date=day.isoformat(),
                            cal=block.calendar, done="unblocked"), 303)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/blocks/new", "new_block", new, methods=["GET"])
    bp.add_url_rule("/<slug>/blocks/new", "create_block", create, methods=["POST"])
    bp.add_url_rule("/<slug>/blocks/<block_id>", "block_page", show, methods=["GET"])
    bp.add_url_rule("/<slug>/blocks/<block_id>/delete", "delete_block", delete,
                    methods=["POST"])


# -- helpers ----------------------------------------------------------------------------------

def _block(clinic: Clinic, block_id: str):
    block = find_block(clinic, block_id)
    if block is None:
        raise not_found()
    return block


def _under(clinic: Clinic, booking) -> dict[str, str]:
    start = from_db(booking.start).astimezone(zone(clinic.timezone))
    return {"id": booking.public_id, "name": patient_name(booking),
            "when": numeric_when(start, year=False), "type": type_name(clinic, booking.type)}


def _form(clinic: Clinic, values: dict[str, str], *, errors: dict[str, str] | None = None,
          notice: str = "", under: list[dict[str, str]] | None = None, confirm: bool = False,
          status: int = 200) -> Response:
    return page("block.html", status=status, clinic=clinic, v=values, errors=errors or {},
                notice=notice, under=under or [], confirm=confirm, section="block")
