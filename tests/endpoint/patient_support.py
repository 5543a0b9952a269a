"""Helpers for the tests of docs/patients.md (move, hold, wait list) on the clinic `grenda`.

`grenda` (see `endpoint_support`) with its online type `time` notifying by e-mail and
SMS, so that moves and wait-list offers leave messages in the outbox; `features`
adds keys to its `online:` section and `type_rules` gives `time` its `online_rules`.
"""

from __future__ import annotations

from endpoint_support import SLUG, grenda_yaml

API = f"/api/v1/clinics/{SLUG}"


def patient_yaml(*, features: str = "", type_rules: str = "", **kw) -> str:
    text = grenda_yaml(**kw).replace(
        "    info: Kom i god tid.\n    notify: []",
        "    info: Kom i god tid.\n    notify: [email, sms]"
        + (f"\n    online_rules: {{{type_rules}}}" if type_rules else ""))
    if features:
        text = text.replace("  closed_on_public_holidays: false\n",
                            "  closed_on_public_holidays: false\n"
                            + "".join(f"  {line.strip()}\n" for line in features.split(";")))
    return text


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["code"] == code, body
    return body
