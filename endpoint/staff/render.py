"""Rendering staff pages: the templates in `endpoint/staff/templates/`, the style sheet, and the
per-page positioning style allowed by its hash in the CSP (`routes` sets the headers)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Response, g, url_for
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from booking import Clinic
from common.words import plural
from common.words.staff import refused_file
from endpoint import state
from endpoint.staff.auth import csrf_token
from endpoint.staff.calendar import csp_hash
from endpoint.state import now

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = (TEMPLATES / "staff.css").read_bytes()
CSS_VERSION = hashlib.sha256(CSS).hexdigest()[:12]

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
env.globals["plural"] = plural.form


def conflict_count(clinic: Clinic) -> int:
    """How many future bookings no longer fit (the bar's "Konflikter" says it on every
    page); the app's counter keeps it until the clinic's file, bookings or blocks change."""
    return state.current().conflicts.count({clinic.slug: clinic}, now())


def refused(clinic: Clinic) -> tuple[str, list[str]]:
    """The banner when the last change of the clinic's file was refused (docs/staff.md): its
    sentence and the errors, as `file:line: key: message` (("", []) when it was not)."""
    issues = [issue for issue in state.current().registry.errors()
              if Path(issue.file).stem == clinic.slug]
    if not issues:
        return "", []
    name = Path(issues[0].file).name  # the file's name, not where the server keeps it
    return refused_file(name, len(issues)), [f"{name}:{i.line}: {i.key}: {i.message}"
                                             for i in issues]


def page(template: str, style: str = "", status: int = 200, **context) -> Response:
    """Render a staff page; `style` is the page's positioning CSS, allowed by its hash.

    A page of a logged-in user gets `user`, its session's `csrf` token (the forms'
    hidden field), the logout button and the clinic's number of conflicts. A page that
    shows a day passes it as `viewing` (ISO date), which the bar's "Blokker tid" takes."""
    g.style_hash = csp_hash(style) if style else ""
    user = g.get("staff_user")
    clinic = context.get("clinic")
    banner, refusals = refused(clinic) if user and clinic else ("", [])
    html = env.get_template(template).render(
        style=Markup(style), css_url=url_for("staff.stylesheet", v=CSS_VERSION),
        url_for=url_for, csrf=csrf_token(), user=user,
        conflict_count=conflict_count(clinic) if user and clinic else 0,
        refused_banner=banner, refusals=refusals, **context)
    return Response(html, status=status, mimetype="text/html")


__all__ = ["CSS", "CSS_VERSION", "env", "page"]
