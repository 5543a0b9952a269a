"""The SMS adapters against local HTTP servers that answer as each provider documents.

Sveve (`/SMS/SendMessage`, form fields, JSON answers with HTTP 200 even for errors),
LINK Mobility (`/sms/send`, JSON, basic auth, `resultCode`s) and Twilio
(`/2010-04-01/Accounts/<sid>/Messages.json`, form fields, basic auth, error codes):
the request each receives, and what each kind of answer becomes — sent, a permanent
failure (a wrong credential, a refused number) or a transient one (5xx, 429, a timeout).
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from support import POLL

from endpoint.notify.delivery import DeliveryError, Outgoing, PermanentError
from endpoint.notify.providers import provider, valid_sender
from endpoint.notify.sms import SmsSender

MSG = Outgoing(id=42, kind="confirmation", channel="sms", recipient="+4740612345",
               subject="", body="Fjordlegene: Time tirsdag 8. desember 2026 kl. 10:00. Æøå.",
               attachment="", sender="Fjordlegene")


class Provider:
    """A local HTTP server: records each request and answers (status, body) in turn."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, object]] = []
        self.delay = 0.0  # hold each answer until released or this long (a timeout case)
        self.release = threading.Event()
        self.stopped = False
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server hook
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                me.requests.append({"path": self.path, "headers": dict(self.headers),
                                    "raw": raw})
                if me.delay:
                    me.release.wait(me.delay)
                status, body = me.answers.pop(0) if me.answers else (200, {})
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (the timeout case)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs=POLL, daemon=True).start()

    def stop(self):
        self.release.set()
        if not self.stopped:
            self.stopped = True
            self.server.shutdown()
            self.server.server_close()

    def form(self, i: int = -1) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.requests[i]["raw"].decode()).items()}

    def json(self, i: int = -1) -> dict:
        return json.loads(self.requests[i]["raw"])

    def basic(self, i: int = -1) -> str:
        auth = self.requests[i]["headers"]["Authorization"]
        assert auth.startswith("Basic ")
        return base64.b64decode(auth[6:]).decode()


@pytest.fixture
def server():
    s = Provider()
    yield s
    s.stop()


def sender(url: str, timeout: float = 5) -> SmsSender:
    return SmsSender(url, "ledig", ".", timeout=timeout)


def outcome(send) -> str:
    try:
        send()
    except PermanentError as exc:
        return f"permanent: {exc}"
    except DeliveryError as exc:
        return f"transient: {exc}"
    return "sent"


# -- Sveve ---------------------------------------------------------------------------------------

SVEVE_OK = {"response": {"msgOkCount": 1, "stdSMSCount": 1, "ids": [1234567]}}


def test_sveve_request_and_success(server):
    server.answers = [(200, SVEVE_OK)]
    sms = sender(f"sveve+http://klinikk:hemmelig@127.0.0.1:{server.port}")
    assert outcome(lambda: sms.send(MSG)) == "sent"
    [req] = server.requests
    assert req["path"] == "/SMS/SendMessage"
    assert req["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert server.form() == {"user": "klinikk", "passwd": "hemmelig", "to": "+4740612345",
                             "from": "Fjordlegene", "msg": MSG.body, "ref": "ledig-outbox-42",
                             "f": "json"}


@pytest.mark.parametrize("answer, expected", [
    ((200, {"response": {"msgOkCount": 0, "stdSMSCount": 0,
                         "fatalError": "Feil brukernavn/passord"}}), "permanent: Sveve refused "
     "the credentials: Feil brukernavn/passord; check the user and password in LEDIG_SMS_URL"),
    ((200, {"response": {"msgOkCount": 0, "stdSMSCount": 0, "ids": [],
                         "errors": [{"number": "+4740612345",
                                     "message": "Ugyldig telefonnummer"}]}}),
     "permanent: Sveve refused the number: Ugyldig telefonnummer"),
    ((200, {"response": {"msgOkCount": 0, "stdSMSCount": 0,
                         "fatalError": "Ikke nok SMS på kontoen"}}),
     "transient: Sveve: Ikke nok SMS på kontoen (the account needs more SMS)"),
    ((503, b"Service Unavailable"), "transient: Sveve answered 503: Service Unavailable"),
    ((200, b"<html>maintenance</html>"),
     "transient: Sveve answered 200: an answer that is not Sveve's JSON"),
])
def test_sveve_failures_even_with_http_200(server, answer, expected):
    server.answers = [answer]
    sms = sender(f"sveve+http://klinikk:hemmelig@127.0.0.1:{server.port}")
    said = outcome(lambda: sms.send(MSG))
    assert said == expected
    assert "hemmelig" not in said


# -- LINK Mobility ------------------------------------------------------------------------------

def link_url(port: int) -> str:
    return (f"linkmobility+http://klinikk:hemmelig@127.0.0.1:{port}"
            "?platform_id=COMMON_API&platform_partner_id=4711")


def test_link_mobility_request_and_success(server):
    server.answers = [(200, {"messageId": "VRiu7YV2-2zXpU", "resultCode": 1005,
                             "description": "Queued"})]
    sms = sender(link_url(server.port))
    assert outcome(lambda: sms.send(MSG)) == "sent"
    [req] = server.requests
    assert req["path"] == "/sms/send"
    assert req["headers"]["Content-Type"] == "application/json"
    assert server.basic() == "klinikk:hemmelig"
    assert server.json() == {"source": "Fjordlegene", "sourceTON": "ALPHANUMERIC",
                             "destination": "+4740612345", "userData": MSG.body,
                             "platformId": "COMMON_API", "platformPartnerId": "4711",
                             "refId": "ledig-outbox-42", "useDeliveryReport": False}


@pytest.mark.parametrize("answer, expected", [
    ((401, {"description": "Unauthorized"}), "permanent: LINK Mobility refused the "
     "credentials (401: Unauthorized); check the user, password and platform ids in "
     "LEDIG_SMS_URL"),
    ((400, {"resultCode": 2106, "description": "Number error"}),
     "permanent: LINK Mobility refused the message (400, resultCode 2106): Number error"),
    ((200, {"resultCode": 2002, "description": "Alphanumeric source not supported"}),
     "permanent: LINK Mobility refused the message (200, resultCode 2002): Alphanumeric "
     "source not supported"),
    ((200, {"resultCode": 3, "description": "Max throttling exceeded"}),
     "transient: LINK Mobility answered 200: Max throttling exceeded (resultCode 3)"),
    ((502, b"Bad Gateway"), "transient: LINK Mobility answered 502: Bad Gateway (resultCode -1)"),
])
def test_link_mobility_failures(server, answer, expected):
    server.answers = [answer]
    said = outcome(lambda: sender(link_url(server.port)).send(MSG))
    assert said == expected
    assert "hemmelig" not in said


# -- Twilio ---------------------------------------------------------------------------------------

SID = "AC" + "0" * 32


def test_twilio_request_and_success(server):
    server.answers = [(201, {"sid": "SM" + "1" * 32, "status": "queued", "to": "+4740612345",
                             "from": "Fjordlegene", "error_code": None})]
    sms = sender(f"twilio+http://{SID}:hemmelig@127.0.0.1:{server.port}")
    assert outcome(lambda: sms.send(MSG)) == "sent"
    [req] = server.requests
    assert req["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert req["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert server.basic() == f"{SID}:hemmelig"
    assert server.form() == {"To": "+4740612345", "From": "Fjordlegene", "Body": MSG.body}


@pytest.mark.parametrize("answer, expected", [
    ((401, {"code": 20003, "message": "Authenticate", "more_info":
            "https://www.twilio.com/docs/errors/20003", "status": 401}),
     "permanent: Twilio refused the credentials (401, code 20003: Authenticate); check the "
     "account SID and auth token in LEDIG_SMS_URL"),
    ((400, {"code": 21211, "message": "The 'To' number +4740612345 is not a valid phone "
            "number.", "status": 400}),
     "permanent: Twilio refused the message (400, code 21211: The 'To' number +4740612345 "
     "is not a valid phone number.)"),
    ((429, {"code": 20429, "message": "Too Many Requests", "status": 429}),
     "transient: Twilio answered 429: code 20429: Too Many Requests"),
    ((500, {"code": 20500, "message": "Internal Server Error", "status": 500}),
     "transient: Twilio answered 500: code 20500: Internal Server Error"),
])
def test_twilio_failures(server, answer, expected):
    server.answers = [answer]
    said = outcome(lambda: sender(f"twilio+http://{SID}:hemmelig@127.0.0.1:{server.port}")
                   .send(MSG))
    assert said == expected
    assert "hemmelig" not in said


# -- for every provider -----------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["sveve+http", "twilio+http", "linkmobility+http"])
def test_a_timeout_and_a_closed_port_are_retried(server, scheme):
    url = f"{scheme}://{SID}:hemmelig@127.0.0.1:{server.port}"
    if scheme.startswith("linkmobility"):
        url = link_url(server.port)
    server.delay = 30  # held until stop(): the client times out after 0.2 s
    said = outcome(lambda: sender(url, timeout=0.2).send(MSG))
    assert said.startswith("transient: ") and "unreachable" in said
    server.stop()
    said = outcome(lambda: sender(url, timeout=0.2).send(MSG))
    assert said.startswith("transient: ") and "unreachable" in said


@pytest.mark.parametrize("scheme, answer, code", [
    ("sveve+http", (200, {"response": {"msgOkCount": 0, "fatalError": "Feil passord"}}),
     "sveve_credentials"),
    ("sveve+http", (200, {"response": {"msgOkCount": 0, "errors": [
        {"number": "+4740612345", "message": "Ugyldig telefonnummer"}]}}), "sveve_number"),
    ("sveve+http", (200, b"<html>maintenance</html>"), "sveve_malformed"),
    ("linkmobility+http", (400, {"resultCode": 2106, "description": "Number error"}),
     "linkmobility_2106"),
    ("linkmobility+http", (200, {"resultCode": 3, "description": "Max throttling"}),
     "linkmobility_3"),
    ("linkmobility+http", (502, b"Bad Gateway"), "http_502"),
    ("twilio+http", (400, {"code": 21211, "message": "The 'To' number +4740612345 is not a "
                           "valid phone number."}), "twilio_21211"),
    ("twilio+http", (400, {"code": "+4740612345", "message": "?"}), "twilio_refused"),
    ("twilio+http", (401, {"code": 20003, "message": "Authenticate"}), "http_401"),
])
def test_each_refusal_has_a_code_that_quotes_nothing_of_the_answer(server, scheme, answer,
                                                                   code):
    """The outbox logs this code, never the text (docs/notifications.md)."""
    server.answers = [answer]
    url = link_url(server.port) if scheme.startswith("linkmobility") \
        else f"{scheme}://{SID}:hemmelig@127.0.0.1:{server.port}"
    with pytest.raises(DeliveryError) as info:
        sender(url).send(MSG)
    assert info.value.code == code


@pytest.mark.parametrize("url, problem", [
    ("sveve://sveve.no", "needs sveve://user:password@"),
    ("twilio://api.twilio.com", "needs twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com"),
    ("linkmobility://u:p@wsx.sp247.net", "platform_id"),
    ("ftp://u:p@sms.example", "scheme 'ftp'"),
])
def test_an_unusable_sms_url_is_refused_at_start_without_its_secrets(url, problem):
    with pytest.raises(ValueError) as info:
        provider(url)
    assert problem in str(info.value) and ":p@" not in str(info.value)


def test_the_real_providers_are_https_by_default():
    assert provider("sveve://u:p@sveve.no").url == "https://sveve.no/SMS/SendMessage"
    assert provider(f"twilio://{SID}:t@api.twilio.com").url == (
        f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json")
    assert provider("linkmobility://u:p@wsx.sp247.net?platform_id=a&platform_partner_id=b"
                    ).url == "https://wsx.sp247.net/sms/send"


@pytest.mark.parametrize("name, ok", [
    ("Fjordlegene", True), ("Legesenter1", True), ("Dr Hansen", True), ("+4755123456", True),
    ("Fjordlegene legesenter", False), ("12345", False), ("", False), ("Tannlege ÆØ", False),
])
def test_sms_sender_rules(name, ok):
    assert valid_sender(name) is ok


def test_a_sender_an_sms_cannot_carry_falls_back_to_the_setting(server):
    server.answers = [(201, {"sid": "SM1"})]
    sms = sender(f"twilio+http://{SID}:t@127.0.0.1:{server.port}")
    from dataclasses import replace
    sms.send(replace(MSG, sender="Fjordlegene legesenter <post@fjordlegene.example>"))
    assert server.form()["From"] == "ledig"
