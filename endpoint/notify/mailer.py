"""Email: SMTP from `LEDIG_SMTP_URL`, or `.eml` files in `var/mail/` when unset.

URL forms: `smtp://user:pass@host:587?starttls=1` (plain, upgraded with
STARTTLS; `smtp+starttls://…` says the same), `smtps://user:pass@host:465`
(TLS from the start), `smtp://host:25` (no auth, no TLS). The user name and
password are percent-decoded. Query options: `from=addr` (the envelope and
From address; default the clinic's own address), `timeout=seconds`
(default 30).
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qs, unquote, urlsplit

from endpoint.clock import SYSTEM, Clock
from endpoint.notify.delivery import DeliveryError, Outgoing, PermanentError, write_atomically

ICS_NAME = MappingProxyType({"confirmation": "time.ics", "moved": "time.ics",
                             "cancellation": "avbestilling.ics"})


def build_message(msg: Outgoing, from_addr: str | None = None,
                  sent_at: datetime | None = None) -> EmailMessage:
    """The MIME message: text body, and the .ics as a `text/calendar` attachment."""
    name, clinic_addr = parseaddr(msg.sender)
    mail = EmailMessage()
    mail["From"] = formataddr((name or "ledig", from_addr or clinic_addr or "ledig@localhost"))
    if clinic_addr:
        mail["Reply-To"] = formataddr((name, clinic_addr))
    mail["To"] = msg.recipient
    mail["Subject"] = msg.subject
    mail["Date"] = format_datetime(sent_at or SYSTEM.now())
    mail["Message-ID"] = make_msgid(idstring=f"ledig-{msg.id}")
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(msg.body)
    if msg.attachment:
        method = "CANCEL" if "METHOD:CANCEL" in msg.attachment else "PUBLISH"
        mail.add_attachment(msg.attachment, subtype="calendar", charset="utf-8",
                            filename=ICS_NAME.get(msg.kind, "time.ics"),
                            params={"method": method})
    return mail


class Mailer:
    """Sends mails over one SMTP connection, opened on first use; `close()` when done."""

    def __init__(self, url: str | None, var: Path, clock: Clock = SYSTEM):
        self.url = url
        self.clock = clock
        self.folder = Path(var) / "mail"
        self._smtp: smtplib.SMTP | None = None
        self.from_addr: str | None = None
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
                raise ValueError(f"LEDIG_SMTP_URL must start with smtp:// or smtps:// "
                                 f"(got {parts.scheme}://)")
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            self.host = parts.hostname or "localhost"
            self.tls = parts.scheme == "smtps"
            self.starttls = (parts.scheme == "smtp+starttls"
                             or query.get("starttls", "").lower() in ("1", "true", "yes"))
            self.port = parts.port or (465 if self.tls else 587 if self.starttls else 25)
            self.username = unquote(parts.username) if parts.username else None
            self.password = unquote(parts.password) if parts.password else ""
            self.from_addr = query.get("from")
            self.timeout = float(query.get("timeout", 30))

    def send(self, msg: Outgoing) -> None:
        now = self.clock.now()
        mail = build_message(msg, self.from_addr, now)
        if not self.url:
            stamp = now.strftime("%Y%m%dT%H%M%S")
            write_atomically(self.folder / f"{stamp}-{msg.id}-{msg.kind}.eml", bytes(mail))
            return
        try:
            smtp = self._connection()
            refused = smtp.send_message(mail, from_addr=self.from_addr
                                        or parseaddr(mail["From"])[1], to_addrs=[msg.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            codes = [code for code, _ in exc.recipients.values()]
            error = PermanentError if all(c >= 500 for c in codes) else DeliveryError
            raise error(f"SMTP refused the recipient: {_describe(exc)}",
                        code=f"smtp_{max(codes, default=0)}") from exc
        except smtplib.SMTPDataError as exc:
            self.close()
            # the server read the message and refused it for good (5xx), or for now (4xx)
            error = PermanentError if 500 <= exc.smtp_code < 600 else DeliveryError
            raise error(f"SMTP {exc.smtp_code}: {_describe(exc)}",
                        code=f"smtp_{exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {_describe(exc)}",
                                code=_code(exc), channel_down=True) from exc
        if refused:
            raise PermanentError(f"SMTP refused the recipient: {refused}",
                                 code="smtp_refused")

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        context = ssl.create_default_context()
        if self.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _code(exc: OSError | smtplib.SMTPException) -> str:
    """The log's word for a failure to reach or talk to the server."""
    if isinstance(exc, smtplib.SMTPResponseException):  # e.g. a refused login: smtp_535
        return f"smtp_{exc.smtp_code}"
    if isinstance(exc, OSError):
        return "timeout" if isinstance(exc, TimeoutError) else "unreachable"
    return "smtp_failed"


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 500 else text[:500] + "…"
