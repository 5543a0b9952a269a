"""SMS delivery reports, end to end, on SQLite and PostgreSQL: the outbox sends an SMS
through a local server that answers as Sveve, LINK Mobility or Twilio documents, keeps
the provider's id of it, and the report the provider then posts in its documented shape
(Twilio's signed status callback, Sveve's form, LINK Mobility's JSON) moves the message
to `delivered` or `undelivered` — forward only, once, and only when it is signed by the
provider (Twilio's X-Twilio-Signature) or carries the secret token (Sveve, LINK). The
booking's page then says so in words. Never a 500, never the number in a log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import pytest
from bs4 import BeautifulSoup
from notify_support import book, clinic_yaml, slot, write_clinic
from support import POLL, staff_login

from endpoint.cli import main
from endpoint.notify import outbox
from endpoint.notify.reports import twilio_signature
from endpoint.storage.db import Booking, Outbox, db

SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-auth-token"
MESSAGE_SID = "SM" + "ab" * 16
SVEVE_ID = "42824112"
LINK_ID = "VRiu7YV2-2zXpU"
PUBLIC = "https://ledig.example"
PHONE = "+4740612345"  # the patient's number, as notify_support books it
PASSWORD = "fjord-kaffe-mandag-7"
# report_token("test-secret-key", …): HMAC-SHA256 of "ledig sms reports sveve", 32 hex
SVEVE_TOKEN = hmac.new(b"test-secret-key", b"ledig sms reports sveve",
                       hashlib.sha256).hexdigest()[:32]
LINK_TOKEN = hmac.new(b"test-secret-key", b"ledig sms reports linkmobility",
                      hashlib.sha256).hexdigest()[:32]


class Providers:
    """One local HTTP server that answers as each provider's send API documents."""

    def __init__(self):
        self.requests: list[dict] = []
        self.before_answer: Callable[[], object] | None = None
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server hook
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                me.requests.append({"path": self.path, "raw": raw})
                if me.before_answer is not None:
                    me.before_answer()
                if self.path == "/SMS/SendMessage":
                    status, body = 200, {"response": {"msgOkCount": 1, "stdSMSCount": 1,
                                                      "ids": [int(SVEVE_ID)]}}
                elif self.path == "/sms/send":
                    status, body = 200, {"messageId": LINK_ID, "resultCode": 1005,
                                         "description": "Queued"}
                else:
                    status, body = 201, {"sid": MESSAGE_SID, "status": "queued",
                                         "to": PHONE, "error_code": None}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs=POLL, daemon=True).start()

    def url(self, name: str) -> str:
        if name == "sveve":
            return f"sveve+http://klinikk:hemmelig@127.0.0.1:{self.port}"
        if name == "linkmobility":
            return (f"linkmobility+http://klinikk:hemmelig@127.0.0.1:{self.port}"
                    "?platform_id=COMMON_API&platform_partner_id=4711&gate=gate-7")
        return f"twilio+http://{SID}:{TWILIO_TOKEN}@127.0.0.1:{self.port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def providers():
    server = Providers()
    yield server
    server.stop()


def signed(url: str, params: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    """Twilio's signature, written out here as its docs describe it."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), "sha1").digest()).decode()


def twilio_report(client, outbox_id: int, status: str, error: str = "", *,
                  signature: str | None = None, sid: str = MESSAGE_SID):
    path = f"/api/v1/sms-reports/twilio/{outbox_id}"
    form = {"AccountSid": SID, "ApiVersion": "2010-04-01", "From": "Varsel", "To": PHONE,
            "MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status}
    if error:
        form["ErrorCode"] = error
    sig = signed(PUBLIC + path, form) if signature is None else signature
    return client.post(path, data=form, headers={"X-Twilio-Signature": sig})


def sveve_report(client, outbox_id: int, ok: bool, code: str = "", desc: str = "", *,
                 token: str = SVEVE_TOKEN, message_id: str = SVEVE_ID):
    form = {"number": PHONE.lstrip("+"), "status": "true" if ok else "false",
            "id": message_id, "ref": f"ledig-outbox-{outbox_id}", "errorCode": code,
            "errorDesc": desc}
    return client.post(f"/api/v1/sms-reports/sveve/{token}", data=form)


def link_report(client, outbox_id: int, code: int, *, token: str = LINK_TOKEN,
                message_id: str = LINK_ID):
    body = {"refId": f"ledig-outbox-{outbox_id}", "id": f"{message_id}$0",
            "operator": "no.telenor", "sentTimestamp": "2026-12-01T06:00:01Z",
            "timestamp": "2026-12-01T06:00:04Z", "resultCode": code,
            "operatorResultCode": "0", "segments": 1, "gateCustomParameters": [],
            "customParameters": [{"key": "destination", "value": PHONE},
                                 {"key": "source", "value": "Varsel"}]}
    return client.post(f"/api/v1/sms-reports/linkmobility/{token}", json=body)


#: per provider: the report that it was delivered, that it was not (wrong number), that it
#: is on its way (what a late report says), and the id the send answer gave
REPORTS = {
    "twilio": (lambda c, i: twilio_report(c, i, "delivered"),
               lambda c, i: twilio_report(c, i, "undelivered", "30005"),
               lambda c, i: twilio_report(c, i, "sent"), MESSAGE_SID, "Twilio", "30005"),
    "sveve": (lambda c, i: sveve_report(c, i, True),
              lambda c, i: sveve_report(c, i, False, "1", "Ugyldig nummer " + PHONE),
              None, SVEVE_ID, "Sveve", "1"),
    "linkmobility": (lambda c, i: link_report(c, i, 1001),
                     lambda c, i: link_report(c, i, 2104),
                     lambda c, i: link_report(c, i, 1000), LINK_ID, "LINK Mobility", "2104"),
}


@pytest.fixture
def varsel(content_dir):
    write_clinic(content_dir, "varsel", clinic_yaml())
    return content_dir


def sent_sms(make_app, providers, name, database_url, clock):
    """An app whose SMS provider is `name`, and the outbox row of one sent confirmation."""
    app = make_app(database_url, sms_url=providers.url(name), sms_report_url=PUBLIC + "/")
    assert book(app.test_client(), slot(30), "sms").status_code == 201
    outbox.run_once(app.extensions["ledig"].settings, clock)
    with db.connection_context():
        row = Outbox.get((Outbox.channel == "sms") & (Outbox.kind == "confirmation"))
    return app, row


def row_of(outbox_id: int) -> Outbox:
    with db.connection_context():
        return Outbox.get_by_id(outbox_id)


# every provider on SQLite, and on PostgreSQL the one whose report can come first
@pytest.mark.parametrize("database, name", [("sqlite", "linkmobility"), ("sqlite", "sveve"),
                                            ("sqlite", "twilio"), ("postgres", "twilio")])
def test_a_report_moves_the_message_forward_once(make_app, varsel, providers, clock, request,
                                                 database, name, caplog):
    delivered, undelivered, late, provider_id, label, code = REPORTS[name]
    caplog.set_level(logging.INFO)
    database_url = request.getfixturevalue(f"{database}_url")
    app, row = sent_sms(make_app, providers, name, database_url, clock)
    assert (row.status, row.provider_id, row.reported_at) == ("sent", provider_id, None)
    client = app.test_client()

    assert delivered(client, 2**40).status_code == 404  # no such row, on either database
    assert delivered(client, row.id).status_code == 200
    after = row_of(row.id)
    assert after.status == "delivered" and after.reported_at is not None
    assert delivered(client, row.id).status_code == 200  # a repeat: taken, nothing changes
    if late is not None:  # a late "sent" after "delivered" changes nothing
        assert late(client, row.id).status_code == 200
    assert undelivered(client, row.id).status_code == 200  # nor a second final word
    assert row_of(row.id).status == "delivered"
    assert row_of(row.id).reported_at == after.reported_at
    with db.connection_context():
        log = [(e.actor, e.action, json.loads(e.details)) for e in
               Booking.get_by_id(row.booking_id).log if e.action.startswith("sms_")]
    assert log == [(label, "sms_delivered", {"kind": "confirmation", "provider": label})]
    assert PHONE not in caplog.text and PHONE.lstrip("+") not in caplog.text


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_an_undelivered_confirmation_shows_on_the_booking_page_and_is_not_sent_again(
        make_app, varsel, providers, clock, sqlite_url, name, caplog):
    _, undelivered, late, _, label, code = REPORTS[name]
    app, row = sent_sms(make_app, providers, name, sqlite_url, clock)
    client = app.test_client()
    assert undelivered(client, row.id).status_code == 200
    if late is not None:
        assert late(client, row.id).status_code == 200
    after = row_of(row.id)
    assert after.status == "undelivered"
    assert f"error {code}" in after.last_error and PHONE not in after.last_error
    sent_before = len(providers.requests)
    clock.advance(hours=1, minutes=30)  # past every back-off, before the reminder is due:
    outbox.run_once(app.extensions["ledig"].settings, clock)  # an undelivered SMS stays so
    assert len(providers.requests) == sent_before
    assert row_of(row.id).status == "undelivered"

    from endpoint.staff.users import add_user
    with db.connection_context():
        add_user("varsel", "kari", PASSWORD)
        public_id = Booking.get_by_id(row.booking_id).public_id
    staff = app.test_client()
    assert staff_login(staff, "varsel", "kari", PASSWORD).status_code == 303
    page = BeautifulSoup(staff.get(f"/staff/varsel/bookings/{public_id}").get_data(
        as_text=True), "html.parser")
    reason = {"twilio": "nummeret finnes ikke; feilkode 30005",
              "sveve": "nummeret finnes ikke; feilkode 1",
              "linkmobility": "nummeret finnes ikke; feilkode 2104"}[name]
    assert (f"SMS med bekreftelsen ble ikke levert ({reason}). Den sendes ikke på nytt: "
            "ring pasienten") in page.get_text(" ")
    assert label in page.get_text(" ")
    assert PHONE not in caplog.text


def test_the_report_may_come_before_the_worker_marks_it_sent(make_app, varsel, providers,
                                                             clock, database_url):
    app = make_app(database_url, sms_url=providers.url("twilio"), sms_report_url=PUBLIC)
    assert book(app.test_client(), slot(30), "sms").status_code == 201
    with db.connection_context():
        row = Outbox.get((Outbox.channel == "sms") & (Outbox.kind == "confirmation"))
    said = []
    # Twilio reports while the worker still waits for the answer to its send
    providers.before_answer = lambda: said.append(
        twilio_report(app.test_client(), row.id, "delivered").status_code)
    try:
        outbox.run_once(app.extensions["ledig"].settings, clock)
    finally:
        providers.before_answer = None
    after = row_of(row.id)
    assert said == [200]
    assert (after.status, after.provider_id, after.claimed_by) == ("delivered", MESSAGE_SID, "")


def test_twilio_is_asked_to_report_to_an_address_without_personal_data(
        make_app, varsel, providers, clock, sqlite_url):
    before = len(providers.requests)
    _, row = sent_sms(make_app, providers, "twilio", sqlite_url, clock)
    [sent] = [r for r in providers.requests[before:] if "Messages.json" in r["path"]]
    form = {k: v[0] for k, v in parse_qs(sent["raw"].decode()).items()}
    assert form["StatusCallback"] == f"https://ledig.example/api/v1/sms-reports/twilio/{row.id}"
    assert form["To"] == PHONE


def test_sveve_and_link_are_told_the_outbox_id(make_app, varsel, providers, clock, sqlite_url,
                                               tmp_path):
    before = len(providers.requests)
    _, row = sent_sms(make_app, providers, "sveve", sqlite_url, clock)
    _, link_row = sent_sms(make_app, providers, "linkmobility",
                           f"sqlite:///{tmp_path / 'link.sqlite3'}", clock)
    sveve_sent = next(r for r in providers.requests[before:] if r["path"] == "/SMS/SendMessage")
    assert parse_qs(sveve_sent["raw"].decode())["ref"] == [f"ledig-outbox-{row.id}"]
    link_sent = json.loads(next(r for r in providers.requests[before:]
                                if r["path"] == "/sms/send")["raw"])
    assert (link_sent["refId"], link_sent["useDeliveryReport"],
            link_sent["deliveryReportGates"]) == (f"ledig-outbox-{link_row.id}", True,
                                                  ["gate-7"])


def test_twilio_signature_is_twilios_documented_example():
    # the example of Twilio's "Validating requests" page: its URL, parameters and token
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}
    assert twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
                            params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.parametrize("name, forgeries", [
    ("twilio", [
        # another request's signature, none, one over other fields, one with another token
        lambda c, i: twilio_report(c, i, "undelivered", "30005",
                                   signature="0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        lambda c, i: twilio_report(c, i, "undelivered", "30005", signature=""),
        lambda c, i: c.post(f"/api/v1/sms-reports/twilio/{i}", data={
            "MessageSid": MESSAGE_SID, "MessageStatus": "undelivered"}, headers={
            "X-Twilio-Signature": signed(PUBLIC + f"/api/v1/sms-reports/twilio/{i}", {
                "MessageSid": MESSAGE_SID, "MessageStatus": "delivered"})}),
        lambda c, i: c.post(f"/api/v1/sms-reports/twilio/{i}", data={
            "MessageSid": MESSAGE_SID, "MessageStatus": "undelivered"}, headers={
            "X-Twilio-Signature": signed(PUBLIC + f"/api/v1/sms-reports/twilio/{i}", {
                "MessageSid": MESSAGE_SID, "MessageStatus": "undelivered"}, "another-token")}),
    ]),
    ("sveve", [lambda c, i: sveve_report(c, i, False, "1", token="0" * 32)]),
    ("linkmobility", [lambda c, i: link_report(c, i, 2104, token=SVEVE_TOKEN)]),
])
def test_a_report_not_signed_by_the_provider_is_403(make_app, varsel, providers, clock,
                                                    sqlite_url, name, forgeries):
    app, row = sent_sms(make_app, providers, name, sqlite_url, clock)
    for forged in forgeries:
        response = forged(app.test_client(), row.id)
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "forbidden"
    assert row_of(row.id).status == "sent"


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_unknown_messages_and_bad_reports_are_clear_answers(make_app, varsel, providers,
                                                            clock, sqlite_url, name):
    app, row = sent_sms(make_app, providers, name, sqlite_url, clock)
    client = app.test_client()
    delivered = REPORTS[name][0]
    unknown = delivered(client, 999_999)
    assert (unknown.status_code, unknown.mimetype) == (404, "application/problem+json")
    assert unknown.get_json()["detail"] == "No such message."
    other_id = {"twilio": lambda: twilio_report(client, row.id, "delivered", sid="SM" + "cd" * 16),
                "sveve": lambda: sveve_report(client, row.id, True, message_id="7"),
                "linkmobility": lambda: link_report(client, row.id, 1001, message_id="other")}
    assert other_id[name]().status_code == 404  # not the id the provider gave for it
    path = {"twilio": f"/api/v1/sms-reports/twilio/{row.id}",
            "sveve": f"/api/v1/sms-reports/sveve/{SVEVE_TOKEN}",
            "linkmobility": f"/api/v1/sms-reports/linkmobility/{LINK_TOKEN}"}[name]
    junk = {"MessageStatus": "exploded", "status": "maybe", "ref": "someone-else-1"}
    headers = {"X-Twilio-Signature": signed(PUBLIC + path, junk)}
    for body in (dict(data=junk, headers=headers),
                 dict(data=b"{not json", content_type="application/json", headers=headers),
                 dict(json=[1, 2], headers=headers)):
        bad = client.post(path, **body)
        if name == "twilio" and body.get("data") is not junk:
            assert bad.status_code == 403  # signed for other fields
        else:
            assert bad.status_code == 422, body
        assert bad.mimetype == "application/problem+json"
    assert client.get(path).status_code == 405
    assert row_of(row.id).status == "sent"
    # the other providers' routes are not there: only LEDIG_SMS_URL's provider reports
    for other in set(REPORTS) - {name}:
        assert REPORTS[other][0](client, row.id).status_code == 404


def test_the_report_urls_command(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("LEDIG_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("LEDIG_VAR", str(tmp_path))
    monkeypatch.setenv("LEDIG_SMS_REPORT_URL", PUBLIC)
    monkeypatch.setenv("LEDIG_SMS_URL", "sveve://klinikk:hemmelig@sveve.no")
    assert main(["sms-report-urls"]) == 0
    said = capsys.readouterr().out
    assert f"https://ledig.example/api/v1/sms-reports/sveve/{SVEVE_TOKEN}\n" in said
    assert "hemmelig" not in said
    monkeypatch.setenv("LEDIG_SMS_URL", "linkmobility://u:p@wsx.sp247.net?platform_id=1&"
                       + urlencode({"platform_partner_id": "2"}))
    assert main(["sms-report-urls"]) == 0
    assert f"/api/v1/sms-reports/linkmobility/{LINK_TOKEN}\n" in capsys.readouterr().out
    monkeypatch.delenv("LEDIG_SMS_REPORT_URL")
    assert main(["sms-report-urls"]) == 1


def test_a_version_10_database_migrates_and_keeps_its_messages(database_url):
    from support import TEST_DATA_KEY

    from endpoint.storage import crypto, migrations
    from endpoint.storage.db import SchemaVersion

    keyring = crypto.Keyring.from_text(TEST_DATA_KEY)
    migrations.open_and_migrate(database_url, keyring)
    with db.connection_context():  # back to version 10: an outbox without the v11 columns
        for column in ("provider_id", "reported_at"):
            db.execute_sql(f"ALTER TABLE outbox DROP COLUMN {column}")
        SchemaVersion.delete().where(SchemaVersion.version == 11).execute()
        sealed = Outbox.recipient.db_value(PHONE)
        db.execute_sql("INSERT INTO outbox (clinic, kind, channel, recipient, subject, body, "
                       "attachment, sender, due_at, status, attempts, last_error, claimed_by, "
                       "created_at) VALUES ('varsel', 'confirmation', 'sms', %s, '', '', '', "
                       "'', '2026-12-01 06:00:00', 'sent', 1, '', '', '2026-12-01 06:00:00')"
                       .replace("%s", "?" if "sqlite" in database_url else "%s"), (sealed,))
    migrations.reset()
    assert migrations.migrate() == migrations.SCHEMA_VERSION == 11
    with db.connection_context():
        assert {"provider_id", "reported_at"} <= {c.name for c in db.get_columns("outbox")}
        [kept] = Outbox.select()
        assert (kept.status, kept.recipient, kept.provider_id, kept.reported_at) == (
            "sent", PHONE, "", None)
        assert [v.version for v in SchemaVersion.select().order_by(SchemaVersion.version)] \
            == list(range(1, 12))
    assert migrations.migrate() == 11  # and again: nothing to do
