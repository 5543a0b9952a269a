"""How patient login plugs into the endpoint (docs/features.md, docs/patient-login.md)."""

from __future__ import annotations

from endpoint.features import Feature
from endpoint.patient.me import bp as me_bp
from endpoint.patient.routes import bp as login_bp

FEATURE = Feature(name="login", blueprints=(login_bp, me_bp))
