"""Helpers for the notification tests: a test clinic, a real SMTP server and SMS gateway."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from support import POLL

OSLO = ZoneInfo("Europe/Oslo")
NATIONAL_ID = "13097248022"  # a valid fødselsnummer (tests/data/identity_vectors.json)
TYPES = ("full", "epost", "sms", "stille", "vaksine", "farlig", "smsdialog")

CLINIC_YAML = """\
name: Varsel legekontor
timezone: Europe/Oslo
language: {language}
address: Kaigata 1, 5003 Bergen
phone: "+47 55 00 00 00"
email: post@varsel.example
pages_url: https://varsel.example/time/
endpoint_url: https://api.varsel.example
online:
  max_self_booked: 100
  days_ahead: 30
  booking_deadline_hours: 1
  cancellation_deadline_hours: 1
  closed_on_public_holidays: false
calendars:
  - id: lege
    name: Dr. Lege
    online: true
    week:
      mon: &day
        - {{start: "08:00", end: "16:00", types: [full, epost, sms, stille, vaksine, farlig,
                                               smsdialog]}}
      tue: *day
      wed: *day
      thu: *day
      fri: *day
      sat: *day
      sun: *day
appointment_types:
  - {{id: full, name: Konsultasjon, duration: 20, online: true, price: 350,
     info: Møt opp 10 minutter før., notify: [email, sms], reminder_hours: 24,
     dialog: velkommen}}
  - {{id: epost, name: Samtale, duration: 20, online: true, notify: [email]}}
  - {{id: sms, name: Kort time, duration: 20, online: true, notify: [sms], reminder_hours: 2}}
  - {{id: stille, name: Stille time, duration: 20, online: true, notify: [], dialog: velkommen}}
  - {{id: vaksine, name: Vaksine, duration: 20, online: true, price: 250,
     address: "Vaksinerommet, Kaigata 4", notify: [email], dialog: velkommen}}
  - {{id: smsdialog, name: Prat, duration: 20, online: true, notify: [sms], dialog: velkommen}}
  - {{id: farlig, name: Farlig, duration: 20, online: true, notify: [email], dialog: farlig}}
dialogs:
  velkommen: "Hei {{{{ patient.first_name }}}}, velkommen til {{{{ clinic.name }}}} \
{{{{ booking.start|date }}}} ({{{{ type.name }}}})."
  farlig: "{{% if patient.first_name == 'Klasse' %}}{{{{ ''.__class__ }}}}\
{{% elif patient.first_name == 'Rekke' %}}{{{{ range(10**9)|list }}}}\
{{% elif patient.first_name == 'Stor' %}}{{% for i in range(1000) %}}{{{{ 'x' * 1000 }}}}\
{{% endfor %}}{{% else %}}Hei {{{{ patient.first_name }}}}{{% endif %}}"
"""


def bound_socket() -> socket.socket:
    """A loopback socket bound to a port the system picked and not listening: connections
    to it are refused until a `Mailbox(sock=…)` listens on it, and no one else can take
    the port meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


class _Controller(Controller):
    """aiosmtpd's controller on a socket bound beforehand (port 0 by default)."""

    def __init__(self, handler, sock: socket.socket, **kwargs):
        super().__init__(handler, hostname="127.0.0.1", port=sock.getsockname()[1], **kwargs)
        self.sock = sock

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock,
                                       ssl=self.ssl_context)


def write_clinic(content: Path, slug: str, text: str) -> Path:
    """Like conftest's: imported from here, since `conftest` is ambiguous across packages."""
    path = content / "clinics" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def clinic_yaml(language: str = "nb") -> str:
    return CLINIC_YAML.format(language=language)


def slot(n: int, first: date = date(2026, 12, 2)) -> datetime:
    """The n-th 20-minute slot from 08:00 (Oslo) on `first`, 24 a day."""
    day = first + timedelta(days=n // 24)
    return datetime(day.year, day.month, day.day, 8, tzinfo=OSLO) + timedelta(minutes=20 * (n % 24))


def book(client, start: datetime, type_id: str = "full", first_name: str = "Kari",
         email: str | None = "kari@example.no"):
    body = {"calendar": "lege", "type": type_id, "start": start.isoformat(),
            "patient": {"id_type": "fnr", "national_id": NATIONAL_ID, "first_name": first_name,
                        "last_name": "Nordmann", "phone": "40612345"}}
    if email is not None:
        body["patient"]["email"] = email
    return client.post("/api/v1/clinics/varsel/bookings", json=body)


class Mailbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self, sock: socket.socket | None = None, **controller_args):
        sock = sock or bound_socket()
        self.port = sock.getsockname()[1]
        self.messages: list[tuple[list[str], bytes]] = []
        #: the answer to every RCPT TO when set ("550 5.1.1 <…>: User unknown"), else 250
        self.refuse: str | None = None
        self._lock = threading.Lock()
        self.controller = _Controller(self, sock, **controller_args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # hook
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def start(self) -> Mailbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, raw in self.messages]


class Gateway:
    """A real HTTP server that plays the SMS gateway of docs/notifications.md."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 202
        self.answer = b'{"id": "sms-1"}'
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server hook
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers),
                                         "json": json.loads(body)})
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(gateway.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs=POLL, daemon=True)

    def url(self, token: str = "s3cret") -> str:
        return f"http://{token}@127.0.0.1:{self.port}/v1/sms"

    def start(self) -> Gateway:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
