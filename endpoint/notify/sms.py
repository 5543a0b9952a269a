"""SMS through a provider's HTTP API, or JSON files in `var/sms/` when unset.

`LEDIG_SMS_URL` names the provider by its scheme (`endpoint.notify.providers`):
ledig's own JSON gateway of docs/notifications.md (`https://TOKEN@sms.example/v1/messages`),
Sveve, LINK Mobility or Twilio, with the credentials in the user info. Each
message is one request; the provider's answer is sent, a permanent failure (the
row is `failed`, with a log line that says why: a wrong credential, a refused
number or sender) or a transient one (5xx, 429, timeouts, refused connections:
retried with back-off).

The sender is the clinic's `sms_sender` when the message carries one that an SMS
can carry (alphanumeric, at most 11 characters, or an E.164 number), else
`LEDIG_SMS_FROM`.

`send` returns the provider's id of the message, which the outbox keeps so that the
provider's delivery report (`endpoint.notify.reports`) can be checked against it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from endpoint.clock import SYSTEM, Clock
from endpoint.notify.delivery import DeliveryError, Outgoing, write_atomically
from endpoint.notify.providers import Provider, provider, valid_sender


def gateway(url: str) -> tuple[str, str]:
    """(url without user info, bearer token) of an http(s) `LEDIG_SMS_URL`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"LEDIG_SMS_URL must be an http:// or https:// URL (got the scheme "
                         f"'{parts.scheme}')")
    token = unquote(parts.password or parts.username or "")
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), token


class SmsSender:
    def __init__(self, url: str | None, sender: str, var: Path, clock: Clock = SYSTEM,
                 timeout: float = 10, reports: str | None = None):
        self.sender = sender
        self.clock = clock
        self.folder = Path(var) / "sms"
        self.timeout = timeout
        self.provider: Provider | None = provider(url, reports or "") if url else None

    def sender_of(self, msg: Outgoing) -> str:
        """The clinic's sender when an SMS can carry it, else LEDIG_SMS_FROM."""
        return msg.sender if msg.sender and valid_sender(msg.sender) else self.sender

    def send(self, msg: Outgoing) -> str:
        """Send one SMS; the provider's id of it ("" for files and the JSON gateway)."""
        sender = self.sender_of(msg)
        if self.provider is None:
            payload = {"to": msg.recipient, "from": sender, "text": msg.body}
            stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
            write_atomically(self.folder / f"{stamp}-{msg.id}-{msg.kind}.json",
                             json.dumps(payload, ensure_ascii=False).encode("utf-8"))
            return ""
        req = self.provider.request(msg, sender)
        request = urllib.request.Request(req.url, data=req.body, headers=req.headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, body = response.status, response.read(65536)
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read(65536)
            exc.close()
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            raise DeliveryError(f"{self.provider.name} unreachable: {exc}",
                                code="unreachable", channel_down=True) from exc
        return self.provider.outcome(status, body)

    def close(self) -> None:
        pass
