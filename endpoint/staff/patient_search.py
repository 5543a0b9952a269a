"""Finding a patient's appointments from the top bar (docs/staff.md#finding-a-patient): "I'm
calling to move my appointment" takes one search.

The bar's search box posts to `…/patients` (POST, so that no name, number or
national id lands in the address bar, the browser's history or a proxy's log;
the page's title carries no name either). The search is the booking form's
(`services.patients.search_patients`: the blind index, the `patient_search`
table and an access-log row per patient found); each patient found comes with
their upcoming and most recent appointments, each a link to its booking's
page, and a button that opens the booking form with the patient picked.

`register` adds the routes to the staff blueprint (`endpoint.staff.routes`).
"""

from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from common.words import staff as words
from endpoint.problems import Problem
from endpoint.services import audit
from endpoint.services.patients import search_patients
from endpoint.staff.auth import staff_for_page
from endpoint.staff.forms import clean_text
from endpoint.staff.render import page
from endpoint.staff.timebok import appointments_of
from endpoint.state import current, now


def form(slug: str) -> Response:
    """The search page with an empty box (the bar's box does the same from any page)."""
    clinic, _ = staff_for_page(slug)
    return page("patients.html", clinic=clinic, q="", found=None, error="",
                section="patients")


def search(slug: str) -> Response:
    """The patients that match `q`, each with their appointments; 422 for a query the
    search refuses (too short, too long), with the reason next to the box."""
    clinic, user = staff_for_page(slug)  # checks the form's CSRF token
    query = clean_text(request.form.get("q"), 200)
    try:
        matches = search_patients(clinic, query, audit.staff_actor(user.username), now(),
                                  current().settings.secret_key)
    except Problem as problem:
        first = (problem.errors or [{"message": words.problem(problem.code)}])[0]
        return page("patients.html", status=422, clinic=clinic, q=query, found=None,
                    error=str(first["message"]), section="patients")
    found = [(p, *appointments_of(clinic, p.key, now())) for p in matches]
    return page("patients.html", clinic=clinic, q=query, found=found, error="",
                section="patients")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/<slug>/patients", "find_patient", form, methods=["GET"])
    bp.add_url_rule("/<slug>/patients", "search_patient", search, methods=["POST"])
