"""Notifications end to end (docs/notifications.md): what a booking queues, delivery over a real
SMTP
server (aiosmtpd) and a real HTTP SMS gateway, retries while the mail server is down,
two workers on one database, reminders as the clock moves, and dialog templates that
try to escape the sandbox.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta

import pytest
from icalendar import Calendar
from notify_support import (
    NATIONAL_ID,
    Gateway,
    Mailbox,
    book,
    bound_socket,
    clinic_yaml,
    slot,
    write_clinic,
)
from support import Clock

from endpoint.notify import outbox
from endpoint.storage.db import Outbox, db, from_db


@pytest.fixture
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def gateway():
    gw = Gateway().start()
    yield gw
    gw.stop()


@pytest.fixture
def varsel(content_dir):
    write_clinic(content_dir, "varsel", clinic_yaml())
    return content_dir


@pytest.fixture
def notify_app(make_app, varsel, mailbox, gateway):
    return make_app(smtp_url=f"smtp://127.0.0.1:{mailbox.port}", sms_url=gateway.url())


def settings_of(app):
    return app.extensions["ledig"].settings


def rows(**where) -> list[Outbox]:
    with db.connection_context():
        query = Outbox.select().order_by(Outbox.id)
        for key, value in where.items():
            query = query.where(getattr(Outbox, key) == value)
        return list(query)


def kinds() -> Counter:
    return Counter((r.kind, r.channel, r.status) for r in rows())


# -- what a booking queues -----------------------------------------------------------------

@pytest.mark.parametrize(("type_id", "expected"), [
    # the dialog by e-mail rides in the confirmation mail: one e-mail to the address, not two
    ("full", {("confirmation", "email"), ("confirmation", "sms"), ("reminder", "email"),
              ("reminder", "sms")}),
    ("epost", {("confirmation", "email")}),
    ("sms", {("confirmation", "sms"), ("reminder", "sms")}),
    ("stille", set()),  # notify: [] sends nothing, not even the dialog
    ("vaksine", {("confirmation", "email")}),
])
def test_a_booking_queues_what_its_type_asks_for(notify_app, clock, type_id, expected):
    response = book(notify_app.test_client(), slot(30), type_id)
    assert response.status_code == 201, response.get_json()
    queued = [(r.kind, r.channel) for r in rows()]
    assert sorted(queued) == sorted(expected)  # each exactly once
    assert all(r.status == "pending" for r in rows())


def test_the_dialog_goes_by_sms_when_the_type_notifies_only_by_sms(notify_app, clock,
                                                                    gateway):
    assert book(notify_app.test_client(), slot(30), "smsdialog").status_code == 201
    assert sorted((r.kind, r.channel) for r in rows()) == [("confirmation", "sms"),
                                                           ("dialog", "sms")]
    assert outbox.run_once(settings_of(notify_app), clock) == Counter(sent=2)
    assert gateway.requests[1]["json"]["text"].startswith("Hei Kari, velkommen")


def test_no_reminder_whose_time_has_passed_at_booking(notify_app, clock):
    # 08:00 Oslo on the booking day: 24 h before it is already past
    assert book(notify_app.test_client(), slot(0, first=clock.at.date())).status_code == 201
    assert not rows(kind="reminder")


# -- delivery over real servers ----------------------------------------------------------------

def test_delivery_over_smtp_and_the_sms_gateway(notify_app, clock, mailbox, gateway, caplog):
    client = notify_app.test_client()
    start = slot(30)
    created = book(client, start, "full").get_json()
    done = outbox.run_once(settings_of(notify_app), clock)
    assert done == Counter(sent=2)  # the confirmation mail with the dialog, the SMS

    mails = {m["Subject"]: m for m in mailbox.parsed()}
    assert len(mails) == 1 and all(rcpt == ["kari@example.no"] for rcpt, _ in mailbox.messages)
    confirmation = next(m for s, m in mails.items() if s.startswith("Timebekreftelse"))
    body = confirmation.get_body(("plain",)).get_content()
    assert "torsdag 3. desember 2026 kl. 10:00" in body  # clinic time, not UTC
    assert "Kaigata 1, 5003 Bergen" in body and "350 kr" in body
    assert "Møt opp 10 minutter før." in body
    cancel = f"https://varsel.example/time/varsel/avbestill/#{created['cancel_token']}"
    assert cancel in body
    assert "Varsel legekontor" in confirmation["From"]
    assert "post@varsel.example" in confirmation["Reply-To"]

    ics_part = next(p for p in confirmation.iter_attachments()
                    if p.get_content_type() == "text/calendar")
    cal = Calendar.from_ical(ics_part.get_content())
    assert cal["METHOD"] == "PUBLISH"
    event = cal.walk("VEVENT")[0]
    assert event["UID"] == f"{created['booking']['id']}@ledig"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=20)
    assert event["LOCATION"] == "Kaigata 1, 5003 Bergen"

    assert body.replace("\r\n", "\n").rstrip().endswith(
        "\n\nMelding fra Varsel legekontor:\n\nHei Kari, velkommen til Varsel legekontor "
        "torsdag 3. desember 2026 kl. 10:00 (Konsultasjon).")

    [sms] = gateway.requests
    assert sms["path"] == "/v1/sms"
    assert sms["headers"]["Authorization"] == "Bearer s3cret"
    assert sms["json"]["to"] == "+4740612345" and sms["json"]["from"] == "ledig"
    assert "3. desember 2026 kl. 10:00" in sms["json"]["text"]
    assert cancel in sms["json"]["text"]

    everything = b"".join(raw for _, raw in mailbox.messages).decode("utf-8", "replace")
    everything += str(gateway.requests) + caplog.text
    everything += "".join(r.body + r.subject + r.attachment + r.last_error for r in rows())
    assert NATIONAL_ID not in everything

    assert outbox.run_once(settings_of(notify_app), clock) == Counter()
    assert all(r.status == "sent" and r.attempts == 1 and r.sent_at for r in rows(
        kind="confirmation"))


def test_cancellation_sends_a_cancel_for_the_same_uid(notify_app, clock, mailbox, gateway):
    client = notify_app.test_client()
    created = book(client, slot(30), "full").get_json()
    outbox.run_once(settings_of(notify_app), clock)
    url = f"/api/v1/clinics/varsel/bookings/{created['booking']['id']}"
    headers = {"Authorization": f"Bearer {created['cancel_token']}"}
    assert client.delete(url, headers=headers).status_code == 200
    assert {r.status for r in rows(kind="reminder")} == {"cancelled"}
    assert outbox.run_once(settings_of(notify_app), clock) == Counter(sent=2)

    cancellation = next(m for m in mailbox.parsed() if m["Subject"].startswith("Avbestilt"))
    ics = next(p for p in cancellation.iter_attachments()
               if p.get_content_type() == "text/calendar")
    assert ics.get_param("method") == "CANCEL"
    cal = Calendar.from_ical(ics.get_content())
    event = cal.walk("VEVENT")[0]
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == f"{created['booking']['id']}@ledig" and event["SEQUENCE"] == 1
    assert "avbestilt" in gateway.requests[-1]["json"]["text"]


def test_twenty_bookings_while_the_mail_server_is_down(make_app, varsel, clock):
    closed = bound_socket()  # bound, not listening: connections are refused
    app = make_app(smtp_url=f"smtp://127.0.0.1:{closed.getsockname()[1]}")
    client = app.test_client()
    for n in range(20):
        assert book(client, slot(n), "epost").status_code == 201
    assert outbox.run_once(settings_of(app), clock) == Counter(retry=20)
    assert {(r.status, r.attempts) for r in rows()} == {("pending", 1)}
    assert all("127.0.0.1" in r.last_error for r in rows())

    box = Mailbox(closed).start()
    try:
        # not due yet: the back-off holds them for 30 s
        soon = Clock(clock.at + timedelta(seconds=5))
        assert outbox.run_once(settings_of(app), soon) == Counter()
        later = clock.at + timedelta(seconds=31)
        assert outbox.drain(settings_of(app), Clock(later)) == Counter(sent=20)
        assert outbox.drain(settings_of(app), Clock(later + timedelta(hours=2))) == Counter()
    finally:
        box.stop()
    ids = Counter(m["Message-ID"] for m in box.parsed())
    assert len(ids) == 20 and set(ids.values()) == {1}
    assert {(r.status, r.attempts) for r in rows()} == {("sent", 2)}


@pytest.mark.parametrize(("status", "outcome"), [(500, "retry"), (429, "retry"),
                                                 (400, "failed")])
def test_sms_gateway_errors(notify_app, clock, gateway, status, outcome):
    gateway.status = status
    assert book(notify_app.test_client(), slot(30), "sms").status_code == 201
    assert outbox.run_once(settings_of(notify_app), clock)[outcome] == 1
    [row] = rows(kind="confirmation")
    assert row.status == ("failed" if outcome == "failed" else "pending")
    assert str(status) in row.last_error
    if outcome == "retry":
        gateway.status = 200
        assert outbox.run_once(settings_of(notify_app), Clock(clock.at + timedelta(minutes=1))) \
            == Counter(sent=1)


# -- what a failure leaves in the log ---------------------------------------------------------

def ledig_log(caplog) -> str:
    """What ledig itself logged (the test servers' own loggers quote the address)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ledig"))


@pytest.mark.parametrize(("answer", "expected"), [
    ("550 5.1.1 <kari@example.no>: Recipient address rejected: User unknown",
     "failed for good: smtp_550 (PermanentError)"),
    ("450 4.2.0 <kari@example.no>: Recipient address rejected: Greylisted for Kari",
     "not delivered (attempt 1), retry in 30s: smtp_450 (DeliveryError)"),
])
def test_a_refused_address_is_logged_by_its_code_alone(notify_app, clock, mailbox, caplog,
                                                       answer, expected):
    caplog.set_level(logging.DEBUG)
    mailbox.refuse = answer
    assert book(notify_app.test_client(), slot(30), "epost").status_code == 201
    outbox.run_once(settings_of(notify_app), clock)
    [row] = rows(kind="confirmation")
    log = ledig_log(caplog)
    assert [line for line in log.splitlines() if line.startswith(f"outbox {row.id} ")] \
        == [f"outbox {row.id} (confirmation by email) {expected}"] \
        and not any(said in log for said in ("kari@", "Kari", "Recipient", "5.1.1", "4.2.0"))


@pytest.mark.parametrize(("status", "expected"), [
    (400, "failed for good: http_400 (PermanentError)"),
    (503, "not delivered (attempt 1), retry in 30s: http_503 (DeliveryError)"),
])
def test_an_sms_gateways_answer_is_logged_by_its_code_alone(notify_app, clock, gateway, caplog,
                                                            status, expected):
    caplog.set_level(logging.DEBUG)
    gateway.status = status
    gateway.answer = b'{"error": "+4740612345 (Kari Nordmann) has no mobile subscription"}'
    assert book(notify_app.test_client(), slot(30), "sms").status_code == 201
    outbox.run_once(settings_of(notify_app), clock)
    [row] = rows(kind="confirmation")
    log = ledig_log(caplog)
    assert [line for line in log.splitlines() if line.startswith(f"outbox {row.id} ")] \
        == [f"outbox {row.id} (confirmation by sms) {expected}"] \
        and not any(said in log for said in ("40612345", "Kari", "subscription"))


def test_the_whole_answer_stays_sealed_in_the_outbox(notify_app, clock, gateway):
    gateway.status = 400
    gateway.answer = b'{"error": "+4740612345 has no mobile subscription"}'
    assert book(notify_app.test_client(), slot(30), "sms").status_code == 201
    outbox.run_once(settings_of(notify_app), clock)
    [row] = rows(kind="confirmation")
    assert row.last_error == ('the SMS gateway answered 400: '
                              '{"error": "+4740612345 has no mobile subscription"}')


# -- two workers, one database -------------------------------------------------------------------

def test_two_workers_deliver_each_message_once(make_app, varsel, clock, mailbox, database_url):
    app = make_app(database_url=database_url, smtp_url=f"smtp://127.0.0.1:{mailbox.port}")
    client = app.test_client()
    for n in range(30):
        assert book(client, slot(n), "epost").status_code == 201
    settings = settings_of(app)
    start = threading.Barrier(2)
    results: list[Counter] = []
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            total: Counter = Counter()
            while outcomes := outbox.run_once(settings, clock, worker=name, limit=3):
                total += outcomes
            results.append(total)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            if not db.is_closed():
                db.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sum(results, Counter()) == Counter(sent=30)
    ids = Counter(m["Message-ID"] for m in mailbox.parsed())
    assert len(ids) == 30 and set(ids.values()) == {1}
    assert {r.status for r in rows()} == {"sent"}


# -- reminders as the clock moves ---------------------------------------------------------------

def test_reminders_go_out_when_due_and_never_for_cancelled_bookings(notify_app, clock, mailbox,
                                                                    gateway):
    client = notify_app.test_client()
    first, second = slot(30), slot(54)  # 3 and 4 December, 10:00
    kept = book(client, first, "full").get_json()
    gone = book(client, second, "full").get_json()
    settings = settings_of(notify_app)
    outbox.run_once(settings, clock)
    mailbox.messages.clear()
    gateway.requests.clear()
    client.delete(f"/api/v1/clinics/varsel/bookings/{gone['booking']['id']}",
                  headers={"Authorization": f"Bearer {gone['cancel_token']}"})
    outbox.run_once(settings, clock)  # the cancellation messages
    mailbox.messages.clear()
    gateway.requests.clear()

    just_before = first - timedelta(hours=24, minutes=1)
    assert outbox.run_once(settings, Clock(just_before)) == Counter()
    assert outbox.run_once(settings, Clock(first - timedelta(hours=23))) == Counter(sent=2)
    [mail] = mailbox.parsed()
    assert mail["Subject"].startswith("Påminnelse")
    assert [r["json"]["text"][:30] for r in gateway.requests] == [
        "Varsel legekontor: Påminnelse "]
    # a day later the cancelled booking's reminder would be due: nothing goes out
    assert outbox.run_once(settings, Clock(second - timedelta(hours=1))) == Counter()
    assert {r.booking_id: r.status for r in rows(kind="reminder")}.keys() == {
        r.booking_id for r in rows(kind="reminder")}
    statuses = {(r.booking.public_id, r.status) for r in rows(kind="reminder")}
    assert statuses == {(kept["booking"]["id"], "sent"), (gone["booking"]["id"], "cancelled")}
    assert all(from_db(r.due_at) == first - timedelta(hours=24)
               for r in rows(kind="reminder", status="sent"))


# -- dialog templates that misbehave --------------------------------------------------------------

@pytest.mark.parametrize(("first_name", "error"), [
    ("Klasse", "__class__"),  # {{ ''.__class__ }}
    ("Rekke", "limited"),  # range(10**9)
    ("Stor", "longer than"),  # a huge output
])
def test_a_dialog_that_escapes_the_sandbox_fails_alone(notify_app, clock, mailbox, first_name,
                                                       error):
    response = book(notify_app.test_client(), slot(30), "farlig", first_name=first_name)
    assert response.status_code == 201
    [dialog] = rows(kind="dialog")
    assert dialog.status == "failed" and error in dialog.last_error
    assert outbox.run_once(settings_of(notify_app), clock) == Counter(sent=1)
    assert [m["Subject"][:15] for m in mailbox.parsed()] == ["Timebekreftelse"]


def test_a_harmless_branch_of_the_same_template_is_sent(notify_app, clock, mailbox):
    assert book(notify_app.test_client(), slot(30), "farlig", first_name="Per").status_code == 201
    assert outbox.run_once(settings_of(notify_app), clock) == Counter(sent=1)  # one mail
    [mail] = mailbox.parsed()
    assert mail["Subject"].startswith("Timebekreftelse")
    assert "Melding fra Varsel legekontor:" in mail.get_body(("plain",)).get_content()
    assert "Hei Per" in mail.get_body(("plain",)).get_content()
