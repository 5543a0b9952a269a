"""How SMS delivery reports plug into the endpoint (docs/features.md)."""

from __future__ import annotations

from endpoint.features import Feature
from endpoint.reports.routes import bp

FEATURE = Feature(name="sms_reports", blueprints=(bp,))
