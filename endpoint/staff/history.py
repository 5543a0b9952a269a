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
    return {"patient": "pasienten", "staff": "personalet"}.get(actor, actor or "ukjent")


def _hm(value: object) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%d.%m. kl. %H:%M")
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
        how = "på nett av pasienten" if d.get("via") != "staff" else "av klinikken"
        extra = " utenfor arbeidsplanen" if d.get("outside_schedule") else ""
        told = "" if d.get("notified", True) else "; ingen bekreftelse sendt"
        start = f" til {_place(clinic, d)}" if d.get("start") else ""
        return f"Bestilt {how}{start}{extra}{told}"
    if action == "moved":
        told = "pasienten fikk beskjed" if d.get("notified") else "uten beskjed til pasienten"
        return f"Flyttet fra {_place(clinic, d.get('from'))} til {_place(clinic, d.get('to'))}" \
               f" ({told})"
    if action == "type_changed":
        return (f"Timetype endret fra {type_name(clinic, str(d.get('from', '')))} til "
                f"{type_name(clinic, str(d.get('to', '')))}")
    if action == "attendance":
        to = words.ATTENDANCE.get(str(d.get("to") or ""), str(d.get("to")))
        return f"Oppmøte: {to}" if d.get("to") else "Oppmøte fjernet"
    if action == "note":
        return "Notat endret" if d.get("length") else "Notat fjernet"
    if action == "cancelled":
        who = words.INITIATED_BY.get(str(d.get("initiated_by", "")), "")
        told = "" if d.get("notified", True) else ", uten beskjed til pasienten"
        via = " på nett" if d.get("via") == "online" else ""
        return f"Avbestilt{via}{': ' + who if who else ''}{told}"
    if action == "national_id_revealed":
        return "Fødselsnummeret ble vist"
    if action == "blocked":
        return "Tiden ble blokkert av personalet"
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
        out.append(Line(f"{at:%d.%m.%Y} kl. {at:%H:%M}", at.isoformat(timespec="seconds"),
                        actor_label(e.actor), e.action, describe(clinic, e)))
    return out
