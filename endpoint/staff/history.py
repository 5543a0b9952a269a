"""A booking's audit log as staff read it: when, who, what (docs/staff.md).

The services write entries with codes and ids (`services.audit`); this turns each into
a line of bokmål: "Flyttet fra Kari Hansen 08:00 til Ole Berg 09:20".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking import Clinic
from booking.restrictions import zone
from common.words import staff as words
from common.words.dates import numeric_when
from endpoint.services.audit import Entry
from endpoint.staff.calendar import calendar_name, type_name


@dataclass(frozen=True)
class Line:
    at: str  # "01.12.2026 kl. 10:47"
    iso: str  # "2026-12-01T10:47:05+01:00", for <time datetime>
    actor: str
    action: str
    text: str


def actor_label(actor: str) -> str:
    if actor.startswith("staff:"):
        return actor[len("staff:"):]
    return words.ACTORS.get(actor, actor or words.UNKNOWN_ACTOR)


def _hm(value: object) -> str:
    try:
        return numeric_when(datetime.fromisoformat(str(value)), year=False)
    except ValueError:
        return str(value)


def _place(clinic: Clinic, where: object) -> str:
    if not isinstance(where, dict):
        return ""
    return f"{calendar_name(clinic, str(where.get('calendar', '')))} {_hm(where.get('start'))}"


def describe(clinic: Clinic, entry: Entry) -> str:
    """What happened, in words."""
    d = entry.details
    action = entry.action
    if action == "created":
        return words.booked(d.get("via") != "staff",
                            _place(clinic, d) if d.get("start") else "",
                            bool(d.get("outside_schedule")), bool(d.get("notified", True)))
    if action == "moved":
        return words.moved(_place(clinic, d.get("from")), _place(clinic, d.get("to")),
                           bool(d.get("notified")))
    if action == "type_changed":
        return words.type_changed(type_name(clinic, str(d.get("from", ""))),
                                  type_name(clinic, str(d.get("to", ""))))
    if action == "attendance":
        to = words.ATTENDANCE.get(str(d.get("to") or ""), str(d.get("to")))
        return words.attendance_changed(to if d.get("to") else "")
    if action == "note":
        return words.note_changed(bool(d.get("length")))
    if action == "cancelled":
        who = words.INITIATED_BY.get(str(d.get("initiated_by", "")), "")
        return words.cancelled(d.get("via") == "online", who, bool(d.get("notified", True)))
    if action == "national_id_revealed":
        return words.NATIONAL_ID_SHOWN
    if action == "blocked":
        return words.BLOCKED_BY_STAFF
    if action in ("sms_delivered", "sms_undelivered"):  # an SMS provider's delivery report
        return words.sms_report(action.removeprefix("sms_"), str(d.get("kind", "")),
                                str(d.get("reason", "")), str(d.get("code", "")))
    return words.ACTIONS.get(action, action)


def lines(clinic: Clinic, entries: list[Entry]) -> list[Line]:
    tz = zone(clinic.timezone)
    out = []
    for e in entries:
        at = e.at.astimezone(tz)
        # HTML's <time datetime> takes seconds (and at most 3 digits of a fraction): no
        # microseconds
        out.append(Line(numeric_when(at), at.isoformat(timespec="seconds"),
                        actor_label(e.actor), e.action, describe(clinic, e)))
    return out
