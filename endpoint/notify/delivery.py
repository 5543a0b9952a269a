"""What the outbox hands to a channel, and how a channel says it failed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


class DeliveryError(Exception):
    """A message could not be delivered now.

    `permanent` failures (a refused recipient, a request the gateway rejects
    as malformed) mark the message failed; every other failure is transient:
    the message stays pending and is retried with back-off. `channel_down`
    says the server itself is unreachable, so the rest of the round does not
    wait for it again.

    The text may quote the recipient or the provider's answer: it is kept sealed in
    the outbox row's `last_error`, never logged. The log gets `code`, a stable word
    of ledig's own (`smtp_550`, `http_400`, `unreachable`, `cannot_write`, …).
    """

    permanent = False

    def __init__(self, message: str, *, code: str = "delivery_failed",
                 channel_down: bool = False):
        super().__init__(message)
        self.code = code
        self.channel_down = channel_down


class PermanentError(DeliveryError):
    permanent = True


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str  # confirmation | moved | cancellation | reminder | dialog
    channel: str  # email | sms
    recipient: str
    subject: str
    body: str
    attachment: str  # .ics text, or ""
    sender: str  # "Clinic <clinic@example>"


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file in the folder, then `os.replace`.

    A folder that cannot be written (a full disk, a read-only or broken `var/`)
    is a transient `DeliveryError` that names the folder and the reason.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError as exc:
        raise DeliveryError(f"cannot write to {path.parent}: {exc.strerror or exc}",
                            code="cannot_write", channel_down=True) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DeliveryError(f"cannot write to {path.parent}: {exc.strerror or exc}",
                                code="cannot_write", channel_down=True) from exc
        raise
