"""SMS providers' HTTP APIs: the request each documents, and what its answers mean.

`LEDIG_SMS_URL`'s scheme picks the provider; its user info holds the credentials,
which never appear in a log line or an error:

* `https://TOKEN@host/path`: ledig's own JSON gateway (docs/notifications.md): `POST` JSON
  `{to, from, text}` with a bearer token;
* `sveve://USER:PASSWORD@sveve.no`: Sveve, `POST /SMS/SendMessage` with the form
  fields `user, passwd, to, from, msg, f=json`;
* `linkmobility://USER:PASSWORD@wsx.sp247.net?platform_id=…&platform_partner_id=…`:
  LINK Mobility, `POST /sms/send` with JSON `{source, sourceTON, destination,
  userData, platformId, platformPartnerId, refId}` and basic auth;
* `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com`: Twilio, `POST
  /2010-04-01/Accounts/SID/Messages.json` with the form fields `To, From, Body` and
  basic auth.

`sveve+http://…`, `linkmobility+http://…` and `twilio+http://…` speak the same
over plain http (a local test server). Every provider's answer becomes sent (with the
provider's id of the message, which its delivery report names), a
`PermanentError` (the message will never be accepted as it is: a wrong credential,
a refused number or sender) or a transient `DeliveryError` (5xx, 429, timeouts:
retried), whatever HTTP status carries it — Sveve reports errors with HTTP 200.

Delivery reports (`endpoint.notify.reports`): Twilio is given a `StatusCallback`
per message when `LEDIG_SMS_REPORT_URL` is set; Sveve gets `ref=ledig-outbox-<id>`
and reports to the address configured on the account; LINK Mobility gets `refId`
and, with `gate=ID` in `LEDIG_SMS_URL`, `deliveryReportGates: [ID]`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from booking.sms import valid_sms_sender
from endpoint.notify.delivery import DeliveryError, Outgoing, PermanentError

#: where the providers' delivery reports arrive (`endpoint.reports.routes`)
REPORTS_PATH = "/api/v1/sms-reports"
#: the reference ledig gives each message: outbox row `n` is `ledig-outbox-n`, which the
#: providers' delivery reports (`endpoint.notify.reports.REF`) name again
REF_PREFIX = "ledig-outbox-"

#: can an SMS carry this as its sender (alphanumeric ≤ 11, or an E.164 number)?
valid_sender = valid_sms_sender


@dataclass(frozen=True)
class Request:
    url: str
    headers: dict[str, str]
    body: bytes


class Provider:
    """One provider's request and the meaning of its answers."""

    name = "the SMS gateway"

    def request(self, msg: Outgoing, sender: str) -> Request:
        raise NotImplementedError

    def outcome(self, status: int, body: bytes) -> str:
        """The provider's id of the message ("" if it gives none) when it took the message;
        a `DeliveryError` otherwise."""
        raise NotImplementedError

    def transient(self, status: int, detail: str, code: str = "") -> DeliveryError:
        return DeliveryError(f"{self.name} answered {status}: {detail}",
                             code=code or f"http_{status}",
                             channel_down=status >= 500 or status == 429)


def _numbered(prefix: str, value: object) -> str:
    """`<prefix>_<n>` for a provider's numeric error code, else `<prefix>_refused`: a word
    for the log that quotes nothing else of the answer."""
    text = str(value)
    return f"{prefix}_{text}" if text.isascii() and text.isdigit() and len(text) <= 9 \
        else f"{prefix}_refused"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body.decode("utf-8", "replace") or "null")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _short(body: bytes) -> str:
    return body[:300].decode("utf-8", "replace").strip()


class JsonGateway(Provider):
    """docs/notifications.md's gateway: any 2xx is sent, 400 and 422 permanent, the rest retried."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def request(self, msg: Outgoing, sender: str) -> Request:
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Idempotency-Key": f"{REF_PREFIX}{msg.id}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = {"to": msg.recipient, "from": sender, "text": msg.body}
        return Request(self.url, headers, json.dumps(payload, ensure_ascii=False).encode())

    def outcome(self, status: int, body: bytes) -> str:
        if 200 <= status < 300:
            return ""
        if status in (400, 422):
            raise PermanentError(f"{self.name} answered {status}: {_short(body)}",
                                 code=f"http_{status}")
        raise self.transient(status, _short(body))


class Sveve(Provider):
    """Sveve's HTTP API: HTTP 200 for nearly everything; the JSON says what happened.

    `{"response": {"msgOkCount": 1, "stdSMSCount": 1, "ids": [...]}}` is sent;
    `{"response": {"fatalError": "…"}}` refuses the whole request (a wrong user or
    password, an invalid sender, an empty message: permanent; too few SMS left on
    the account: retried until it is topped up); an `errors` list names the numbers
    it refused (permanent)."""

    name = "Sveve"

    def __init__(self, base: str, user: str, password: str):
        self.url, self.user, self.password = base + "/SMS/SendMessage", user, password

    def request(self, msg: Outgoing, sender: str) -> Request:
        form = {"user": self.user, "passwd": self.password, "to": msg.recipient,
                "from": sender, "msg": msg.body, "ref": f"{REF_PREFIX}{msg.id}", "f": "json"}
        return Request(self.url, {"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/json"}, urlencode(form).encode())

    def outcome(self, status: int, body: bytes) -> str:
        if status >= 500 or status == 429 or not 200 <= status < 300:
            raise self.transient(status, _short(body))
        answer = _json(body).get("response")
        if not isinstance(answer, dict):
            raise self.transient(status, "an answer that is not Sveve's JSON",
                                 "sveve_malformed")
        fatal = str(answer.get("fatalError") or "")
        if fatal:
            if re.search(r"(?i)nok sms|kreditt|saldo|credit|balance", fatal):
                raise DeliveryError(f"Sveve: {fatal} (the account needs more SMS)",
                                    code="sveve_credit")
            if re.search(r"(?i)passord|brukernavn|password|user", fatal):
                raise PermanentError(f"Sveve refused the credentials: {fatal}; check the "
                                     "user and password in LEDIG_SMS_URL",
                                     code="sveve_credentials")
            raise PermanentError(f"Sveve refused the message: {fatal}", code="sveve_refused")
        errors = answer.get("errors") or []
        if errors or not answer.get("msgOkCount"):
            said = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                             for e in errors) or "no message accepted"
            raise PermanentError(f"Sveve refused the number: {said}", code="sveve_number")
        ids = answer.get("ids") or [""]
        return str(ids[0] if isinstance(ids, list) else "")[:64]


class LinkMobility(Provider):
    """LINK Mobility's SMS REST API (`/sms/send`, basic auth).

    200 with a `resultCode` of 1005 (queued) or 1000 (sent to operator) is sent;
    401/403 is a wrong credential and 400 a refused message (both permanent, with
    its `description`); 5xx, 429 and the temporary result codes are retried."""

    name = "LINK Mobility"
    #: result codes of a message on its way and of one delivered (its "Result Codes SMS"
    #: table); the send's answer and the delivery report (`reports`) read them both
    ON_THE_WAY = frozenset({1000, 1005, 1008, 1011, 1012, 1013})
    DELIVERED = frozenset({1001, 1007})
    SENT = ON_THE_WAY | DELIVERED
    TEMPORARY = {0, 1, 3, 4, 105}

    def __init__(self, base: str, user: str, password: str, platform: str, partner: str,
                 gate: str = ""):
        self.url, self.auth = base + "/sms/send", _basic(user, password)
        self.platform, self.partner, self.gate = platform, partner, gate

    def request(self, msg: Outgoing, sender: str) -> Request:
        payload: dict[str, object] = {
            "source": sender,
            "sourceTON": "MSISDN" if sender.startswith("+") else "ALPHANUMERIC",
            "destination": msg.recipient, "userData": msg.body,
            "platformId": self.platform, "platformPartnerId": self.partner,
            "refId": f"{REF_PREFIX}{msg.id}", "useDeliveryReport": bool(self.gate)}
        if self.gate:  # the gate LINK Mobility set up to post reports to ledig's address
            payload["deliveryReportGates"] = [self.gate]
        return Request(self.url, {"Content-Type": "application/json", "Accept":
                                  "application/json", "Authorization": self.auth},
                       json.dumps(payload, ensure_ascii=False).encode())

    def outcome(self, status: int, body: bytes) -> str:
        answer = _json(body)
        said = str(answer.get("description") or _short(body))
        try:
            code = int(answer.get("resultCode", -1))
        except (TypeError, ValueError):
            code = -1
        if status in (401, 403):
            raise PermanentError(f"LINK Mobility refused the credentials ({status}: {said}); "
                                 "check the user, password and platform ids in LEDIG_SMS_URL",
                                 code=f"http_{status}")
        if status == 204 or (status == 200 and (code in self.SENT or code == -1)):
            return str(answer.get("messageId") or "")[:64]
        if status >= 500 or status == 429 or code in self.TEMPORARY:
            raise self.transient(status, f"{said} (resultCode {code})",
                                 "" if status >= 300 else _numbered("linkmobility", code))
        raise PermanentError(f"LINK Mobility refused the message ({status}, resultCode "
                             f"{code}): {said}", code=_numbered("linkmobility", code))


class Twilio(Provider):
    """Twilio's Messages resource (form-encoded, basic auth with the account SID).

    201 is sent; 401 (code 20003) a wrong credential and 400 a refused message
    (21211 an invalid number, 21606/21212 an invalid sender …): permanent with
    Twilio's code and message; 429 and 5xx retried."""

    name = "Twilio"

    def __init__(self, base: str, account: str, token: str, reports: str = ""):
        self.url = f"{base}/2010-04-01/Accounts/{account}/Messages.json"
        self.auth = _basic(account, token)
        self.token = token  # the key of the signature on Twilio's status callbacks
        self.reports = reports.rstrip("/")

    def status_callback(self, outbox_id: int) -> str:
        """Where Twilio reports on a message: the outbox id, nothing about the patient."""
        return f"{self.reports}{REPORTS_PATH}/twilio/{outbox_id}"

    def request(self, msg: Outgoing, sender: str) -> Request:
        form = {"To": msg.recipient, "From": sender, "Body": msg.body}
        if self.reports:
            form["StatusCallback"] = self.status_callback(msg.id)
        return Request(self.url, {"Content-Type": "application/x-www-form-urlencoded",
                                  "Accept": "application/json", "Authorization": self.auth},
                       urlencode(form).encode())

    def outcome(self, status: int, body: bytes) -> str:
        answer = _json(body)
        if 200 <= status < 300:
            return str(answer.get("sid") or "")[:64]
        said = f"code {answer.get('code', '?')}: {answer.get('message') or _short(body)}"
        if status in (401, 403):
            raise PermanentError(f"Twilio refused the credentials ({status}, {said}); check "
                                 "the account SID and auth token in LEDIG_SMS_URL",
                                 code=f"http_{status}")
        if status >= 500 or status == 429:
            raise self.transient(status, said)
        raise PermanentError(f"Twilio refused the message ({status}, {said})",
                             code=_numbered("twilio", answer.get("code")))


def provider(url: str, reports: str = "") -> Provider:
    """The provider an `LEDIG_SMS_URL` names; ValueError (without its secrets) if none.

    `reports` is `LEDIG_SMS_REPORT_URL`, the endpoint's public address that Twilio is
    told to report to ("": no reports asked for)."""
    parts = urlsplit(url)
    scheme, _, plain = parts.scheme.partition("+")
    if plain not in ("", "http"):
        raise ValueError(f"LEDIG_SMS_URL's scheme '{parts.scheme}' is not one ledig knows")
    web = "http" if plain else "https"
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    if scheme in ("http", "https") and not plain:
        path = parts.path or "/"
        return JsonGateway(urlunsplit((scheme, netloc, path, parts.query, "")),
                           password or user)
    base = f"{web}://{netloc}" + parts.path.rstrip("/")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if scheme == "sveve":
        _need(scheme, user and password, "user:password@")
        return Sveve(base, user, password)
    if scheme == "linkmobility":
        _need(scheme, user and password and query.get("platform_id")
              and query.get("platform_partner_id"),
              "user:password@host?platform_id=…&platform_partner_id=…")
        return LinkMobility(base, user, password, query["platform_id"],
                            query["platform_partner_id"], query.get("gate", ""))
    if scheme == "twilio":
        _need(scheme, user and password, "ACCOUNT_SID:AUTH_TOKEN@api.twilio.com")
        return Twilio(base, user, password, reports)
    raise ValueError("LEDIG_SMS_URL must be an http(s):// gateway or sveve://, "
                     f"linkmobility:// or twilio:// (got the scheme '{parts.scheme}')")


def _need(scheme: str, ok: object, shape: str) -> None:
    if not ok:
        raise ValueError(f"LEDIG_SMS_URL for {scheme} needs {scheme}://{shape}")
