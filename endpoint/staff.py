"""Staff routes (SPEC §8): filled in by the staff-calendar work."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
