"""SMS delivery reports: what each provider's report says, in ledig's terms.

A provider that reports on a message calls the endpoint back
(`endpoint.reports.routes`); this reads the report's documented fields into a
`Report`: which outbox row, the provider's message id, and one of ledig's statuses —

* `sent`: still on its way (Twilio's `queued`, `sending`, `sent`; LINK Mobility's
  1000, 1005, 1008, 1011, 1012, 1013), which changes nothing;
* `delivered`: on the phone (Twilio's `delivered`, `read`; Sveve's `status=true`;
  LINK Mobility's 1001 and 1007);
* `undelivered`: the provider gave up (Twilio's `undelivered`, `failed`, `canceled`;
  Sveve's `status=false`; every other LINK Mobility code), with the provider's error
  code and a `reason` code that the staff pages put into words
  (`common.words.staff.DELIVERY_REASONS`).

A report carries the patient's number (Twilio's `To`, Sveve's `number`, LINK
Mobility's `customParameters`): it is read past, never kept or logged.

How a report is known to be the provider's: Twilio signs each request
(`X-Twilio-Signature`, `twilio_signature`); Sveve and LINK Mobility sign nothing, so
the address they are given carries a secret token (`report_token`) made from
`LEDIG_SECRET_KEY`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from endpoint.notify.providers import REF_PREFIX, REPORTS_PATH, LinkMobility

SENT, DELIVERED, UNDELIVERED = "sent", "delivered", "undelivered"

#: the outbox statuses in their order: a report never moves a message back
RANK = MappingProxyType({"pending": 0, SENT: 1, DELIVERED: 2, UNDELIVERED: 2})

#: the `refId` (LINK Mobility) and `ref` (Sveve) ledig sends with each message
REF = re.compile(re.escape(REF_PREFIX) + r"(\d{1,18})")

#: why a message was not delivered, as a code the staff pages have words for
UNKNOWN_NUMBER, UNREACHABLE, BLOCKED, REFUSED, OTHER = (
    "unknown_number", "unreachable", "blocked", "refused", "other")

#: Twilio's error codes of undelivered messages (its documented 30xxx list)
TWILIO_REASONS = MappingProxyType({
    "30003": UNREACHABLE,  # unreachable destination handset (off, out of coverage)
    "30004": BLOCKED,  # message blocked (by the recipient or their carrier)
    "30005": UNKNOWN_NUMBER,  # unknown destination handset
    "30006": UNKNOWN_NUMBER,  # landline or unreachable carrier
    "30007": REFUSED,  # filtered by the carrier
    "21610": BLOCKED,  # the recipient answered STOP
    "21211": UNKNOWN_NUMBER,  # invalid 'To' number
})

TWILIO_STATUSES = MappingProxyType({
    "accepted": SENT, "scheduled": SENT, "queued": SENT, "sending": SENT, "sent": SENT,
    "delivered": DELIVERED, "read": DELIVERED,
    "undelivered": UNDELIVERED, "failed": UNDELIVERED, "canceled": UNDELIVERED})

#: LINK Mobility's result codes (its "Result Codes SMS" table): still on the way, delivered
LINK_ON_THE_WAY, LINK_DELIVERED = LinkMobility.ON_THE_WAY, LinkMobility.DELIVERED
LINK_REASONS = MappingProxyType({1002: UNREACHABLE, 1004: UNREACHABLE, 1010: UNREACHABLE,
                                 2104: UNKNOWN_NUMBER, 2106: UNKNOWN_NUMBER,
                                 2105: BLOCKED, 2107: BLOCKED})

#: the status and reason words a provider's own report may carry into the log, checked
SAFE_TEXT = re.compile(r"[^\w .,:;()'/-]")


class ReportError(ValueError):
    """The request is not a report of this provider's documented shape."""


@dataclass(frozen=True)
class Report:
    outbox_id: int
    provider_id: str
    status: str  # sent | delivered | undelivered
    code: str = ""  # the provider's error code, "" when delivered
    reason: str = ""  # UNKNOWN_NUMBER | UNREACHABLE | BLOCKED | REFUSED | OTHER, or ""
    detail: str = ""  # the provider's own words for the error, with no run of digits


def report_token(secret_key: str, provider: str) -> str:
    """The secret in the report address of a provider that does not sign (Sveve, LINK)."""
    mac = hmac.new(secret_key.encode(), f"ledig sms reports {provider}".encode(),
                   hashlib.sha256)
    return mac.hexdigest()[:32]


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token, of the
    URL Twilio called followed by each POST parameter's name and value, sorted by name."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _clean(text: object) -> str:
    """A provider's words about an error, short, without any run of digits that could be
    a phone number."""
    words = SAFE_TEXT.sub("", re.sub(r"\+?\d[\d ]{5,}\d", "", str(text or "")))
    return re.sub(r"\s+", " ", words)[:120].strip()


def twilio(form: Mapping[str, str], outbox_id: int) -> Report:
    """A Twilio status callback: `MessageSid`, `MessageStatus`, `ErrorCode` (form fields)."""
    sid, said = form.get("MessageSid") or form.get("SmsSid") or "", form.get("MessageStatus", "")
    if not re.fullmatch(r"[A-Z]{2}[0-9a-f]{32}", sid) or said not in TWILIO_STATUSES:
        raise ReportError("a Twilio status callback has MessageSid and MessageStatus")
    status = TWILIO_STATUSES[said]
    if status != UNDELIVERED:
        return Report(outbox_id, sid, status)
    code = re.sub(r"\D", "", form.get("ErrorCode") or "")[:8]
    return Report(outbox_id, sid, status, code, TWILIO_REASONS.get(code, OTHER),
                  _clean(form.get("ErrorMessage") or said))


def sveve(fields: Mapping[str, str]) -> Report:
    """A Sveve delivery report: `id`, `ref`, `status` (true/false), `errorCode`, `errorDesc`
    (and `number`, which is not read)."""
    ref = REF.fullmatch(fields.get("ref") or "")
    said = (fields.get("status") or "").lower()
    if ref is None or said not in ("true", "false"):
        raise ReportError("a Sveve delivery report has ref=ledig-outbox-<id> and status")
    provider_id = re.sub(r"\D", "", fields.get("id") or "")[:20]
    if said == "true":
        return Report(int(ref[1]), provider_id, DELIVERED)
    code = _clean(fields.get("errorCode"))[:16]
    detail = _clean(fields.get("errorDesc"))
    reason = UNKNOWN_NUMBER if re.search(r"(?i)ugyldig|ukjent|invalid|unknown", detail) \
        else OTHER
    return Report(int(ref[1]), provider_id, UNDELIVERED, code, reason, detail)


def link_mobility(body: object) -> Report:
    """A LINK Mobility delivery report (JSON): `refId`, `id`, `resultCode` (and
    `operator`, timestamps, `customParameters` with the number, which are not read)."""
    if not isinstance(body, dict):
        raise ReportError("a LINK Mobility delivery report is a JSON object")
    ref = REF.fullmatch(str(body.get("refId") or ""))
    try:
        code = int(body.get("resultCode"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        code = None
    if ref is None or code is None:
        raise ReportError("a LINK Mobility delivery report has refId=ledig-outbox-<id> and "
                          "resultCode")
    # a message of several parts reports each as "<id>$<n>"
    provider_id = str(body.get("id") or "").split("$", 1)[0][:64]
    if code in LINK_DELIVERED:
        return Report(int(ref[1]), provider_id, DELIVERED)
    if code in LINK_ON_THE_WAY:
        return Report(int(ref[1]), provider_id, SENT)
    reason = LINK_REASONS.get(code) or (REFUSED if 2000 <= code < 5000 else OTHER)
    return Report(int(ref[1]), provider_id, UNDELIVERED, str(code), reason)


def report_address(sms_url: str, base: str, secret_key: str) -> str:
    """What to tell the provider of `sms_url` (LEDIG_SMS_URL) about its delivery reports,
    for `endpoint sms-report-urls`; the address holds the secret token."""
    scheme = sms_url.split(":", 1)[0].split("+", 1)[0]
    root = base.rstrip("/") + REPORTS_PATH
    if scheme == "twilio":
        return (f"Twilio: nothing to set up; each SMS asks for reports at "
                f"{root}/twilio/<outbox id>, signed with the auth token")
    if scheme in ("sveve", "linkmobility"):
        address = f"{root}/{scheme}/{report_token(secret_key, scheme)}"
        if scheme == "sveve":
            return (f"Sveve: ask Sveve to send delivery reports by POST to\n{address}\n"
                    "(keep it secret: the token is its only protection)")
        return (f"LINK Mobility: ask LINK to set up a delivery-report gate (JSON, POST) to\n"
                f"{address}\nand add gate=<the gate's id> to LEDIG_SMS_URL (keep the address "
                "secret: the token is its only protection)")
    return "LEDIG_SMS_URL names no provider that sends delivery reports (Sveve, LINK " \
           "Mobility, Twilio)"
