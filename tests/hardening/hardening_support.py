"""Helpers of the hardening tests: the endpoint tests' clinic `grenda`, with messages.

`grenda_notifying` is the endpoint tests' clinic whose bookable type sends
email and SMS confirmations, a reminder and a dialog, so that a booking
leaves rows in the outbox.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "endpoint"))

from endpoint_support import (
    OSLO,
    SLUG,
    active_rows,
    booking_body,
    booking_ids,
    first_slot_after,
    fnr,
    grenda_yaml,
    local,
    overlaps,
    patient,
)

API = f"/api/v1/clinics/{SLUG}"
PROBLEM = "application/problem+json"


def grenda_notifying(dialog: str = "Hei {{ patient.first_name }}, velkommen {{ "
                                   "booking.start|date }}.", **kw) -> str:
    """`grenda` whose `time` type confirms by email and SMS, reminds and sends a dialog."""
    text = grenda_yaml(**kw).replace(
        "    info: Kom i god tid.\n    notify: []\n",
        "    info: Kom i god tid.\n    notify: [email, sms]\n    reminder_hours: 24\n"
        "    dialog: hei\n", 1)
    indented = "\n".join("    " + line for line in dialog.splitlines())
    return text + f"dialogs:\n  hei: |\n{indented}\n"


def problem(response, status: int, code: str) -> dict:
    """The problem+json body of a Flask test response, after checking its shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["code"] == code and body["status"] == status
    return body


__all__ = ["API", "OSLO", "PROBLEM", "SLUG", "active_rows", "booking_body", "booking_ids",
           "first_slot_after", "fnr", "grenda_notifying", "grenda_yaml", "local", "overlaps",
           "patient", "problem"]
