"""SMS through the HTTP gateway of SPEC §7, or JSON files in `var/sms/` when unset.

`LEDIG_SMS_URL` is the gateway's URL with the bearer token as its user info:
`https://TOKEN@sms.example/v1/messages` (or `https://:TOKEN@…`). Each
message is one `POST` of `{"to", "from", "text"}` as JSON with
`Authorization: Bearer TOKEN` and an `Idempotency-Key` naming the outbox row.
Any 2xx is success; 400 and 422 are permanent (the gateway refuses this
message); everything else — other statuses, timeouts, refused connections —
is transient and retried.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from endpoint.clock import SYSTEM, Clock
from endpoint.notify.delivery import DeliveryError, Outgoing, PermanentError, write_atomically

PERMANENT_STATUSES = (400, 422)


def gateway(url: str) -> tuple[str, str]:
    """(url without user info, bearer token) of an `LEDIG_SMS_URL`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"LEDIG_SMS_URL must be an http:// or https:// URL (got {url!r})")
    token = unquote(parts.password or parts.username or "")
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), token


class SmsSender:
    def __init__(self, url: str | None, sender: str, var: Path, clock: Clock = SYSTEM,
                 timeout: float = 10):
        self.sender = sender
        self.clock = clock
        self.folder = Path(var) / "sms"
        self.timeout = timeout
        self.endpoint: str | None
        self.endpoint, self.token = gateway(url) if url else (None, "")

    def send(self, msg: Outgoing) -> None:
        payload = {"to": msg.recipient, "from": self.sender, "text": msg.body}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        if self.endpoint is None:
            stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
            write_atomically(self.folder / f"{stamp}-{msg.id}-{msg.kind}.json", data)
            return
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Idempotency-Key": f"ledig-outbox-{msg.id}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.endpoint, data=data, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            exc.close()
            if exc.code in PERMANENT_STATUSES:
                raise PermanentError(f"SMS gateway answered {exc.code}: {detail}") from exc
            raise DeliveryError(f"SMS gateway answered {exc.code}: {detail}",
                                channel_down=exc.code >= 500 or exc.code == 429) from exc
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            raise DeliveryError(f"SMS gateway unreachable: {exc}", channel_down=True) from exc

    def close(self) -> None:
        pass
