"""The outbox's parts: file backends, SMTP auth, back-off, the `endpoint outbox` command,
the worker thread of `serve`, message languages, and dialog templates that
`sitegen check` refuses before they ever run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import AuthResult
from icalendar import Calendar
from notify_support import NATIONAL_ID, Mailbox, book, clinic_yaml, slot, write_clinic

from common.dialogs import DialogError, check_template, render_dialog, sample_context
from endpoint.cli import main
from endpoint.notify import outbox
from endpoint.notify.delivery import Outgoing
from endpoint.notify.mailer import Mailer
from endpoint.notify.sms import gateway
from endpoint.storage.db import Outbox, db


@pytest.fixture
def varsel(content_dir):
    write_clinic(content_dir, "varsel", clinic_yaml())
    return content_dir


def test_without_urls_messages_become_files(make_app, varsel, clock, tmp_path):
    app = make_app()
    created = book(app.test_client(), slot(30), "full").get_json()
    # the confirmation mail (the dialog rides in it) and the confirmation SMS
    assert outbox.run_once(app.extensions["ledig"].settings, clock) == Counter(sent=2)
    mails = sorted((tmp_path / "var" / "mail").glob("*.eml"))
    texts = sorted((tmp_path / "var" / "sms").glob("*.json"))
    assert len(mails) == 1 and len(texts) == 1
    assert not list((tmp_path / "var").rglob("*.tmp"))  # written atomically
    confirmation = next(m for m in (message_from_bytes(p.read_bytes(), policy=policy.default)
                                    for p in mails) if m["Subject"].startswith("Time"))
    ics = next(confirmation.iter_attachments()).get_content()
    assert Calendar.from_ical(ics).walk("VEVENT")[0]["UID"] == f"{created['booking']['id']}@ledig"
    sms = json.loads(texts[0].read_text())
    assert set(sms) == {"to", "from", "text"} and sms["to"] == "+4740612345"
    for path in (*mails, *texts):
        assert NATIONAL_ID not in path.read_text(errors="replace")


def test_backoff_doubles_from_30_seconds_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert outbox.backoff(10_000) == timedelta(hours=1)


def test_smtp_login_from_the_url(tmp_path):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"p@ss:word")

    box = Mailbox(authenticator=authenticator, auth_require_tls=False).start()
    try:
        message = Outgoing(id=1, kind="dialog", channel="email", recipient="kari@example.no",
                           subject="Hei", body="Hei Kari", attachment="",
                           sender="Klinikk <post@klinikk.example>")
        mailer = Mailer(f"smtp://booking%40x:p%40ss%3Aword@127.0.0.1:{box.port}"
                        "?from=noreply@x.example", tmp_path)
        mailer.send(message)
        mailer.close()
        [mail] = box.parsed()
        assert logins == [(b"booking@x", b"p@ss:word")]
        assert mail["From"] == "Klinikk <noreply@x.example>"
        assert mail["Reply-To"] == "Klinikk <post@klinikk.example>"
    finally:
        box.stop()


def test_mailer_and_gateway_urls():
    mailer = Mailer("smtps://u:p@mail.example", ".")
    assert (mailer.tls, mailer.starttls, mailer.port) == (True, False, 465)
    mailer = Mailer("smtp://mail.example?starttls=1", ".")
    assert (mailer.tls, mailer.starttls, mailer.port, mailer.username) == (False, True, 587,
                                                                            None)
    assert gateway("https://tok%2Fen@sms.example:8443/send?x=1") == (
        "https://sms.example:8443/send?x=1", "tok/en")
    with pytest.raises(ValueError):
        Mailer("http://mail.example", ".")


def test_the_outbox_command_delivers_once(make_app, varsel, clock, tmp_path, monkeypatch,
                                          capsys):
    app = make_app()
    assert book(app.test_client(), slot(3, first=clock.at.date() + timedelta(days=2)),
                "epost").status_code == 201
    monkeypatch.setenv("LEDIG_VAR", str(tmp_path / "var"))
    monkeypatch.delenv("LEDIG_SMTP_URL", raising=False)
    monkeypatch.delenv("LEDIG_SMS_URL", raising=False)
    url = app.extensions["ledig"].settings.database_url
    assert main(["outbox", "--once", "--database", url], clock) == 0
    assert "sent 1" in capsys.readouterr().out
    assert len(list((tmp_path / "var" / "mail").glob("*.eml"))) == 1
    assert main(["outbox", "--once", "--database", url], clock) == 0
    assert "nothing due" in capsys.readouterr().out


def test_the_worker_thread_of_serve(make_app, varsel, clock, tmp_path):
    app = make_app(outbox_interval=0.05)
    assert book(app.test_client(), slot(3, first=clock.at.date() + timedelta(days=2)),
                "epost").status_code == 201
    worker = outbox.start_worker(app.extensions["ledig"].settings, clock)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not list((tmp_path / "var" / "mail").glob("*")):
            time.sleep(0.05)
    finally:
        worker.stop()
    assert not worker.is_alive()
    with db.connection_context():
        assert [r.status for r in Outbox.select()] == ["sent"]


@pytest.mark.parametrize(("language", "subject", "sms_start"), [
    ("nb", "Timebekreftelse: Konsultasjon torsdag 3. desember 2026 kl. 10:00", "Varsel"),
    ("nn", "Timestadfesting: Konsultasjon torsdag 3. desember 2026 kl. 10:00", "Varsel"),
    ("en", "Appointment confirmed: Konsultasjon Thursday 3 December 2026 at 10:00", "Varsel"),
])
def test_messages_speak_the_clinic_language(make_app, content_dir, language, subject,
                                            sms_start):
    write_clinic(content_dir, "varsel", clinic_yaml(language))
    app = make_app()
    assert book(app.test_client(), slot(30), "full").status_code == 201
    with db.connection_context():
        by_kind = {(r.kind, r.channel): r for r in Outbox.select()}
    assert by_kind[("confirmation", "email")].subject == subject
    assert by_kind[("confirmation", "sms")].body.startswith(sms_start)


@pytest.mark.parametrize("template", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ range(10**9)|list }}",
    "{% for i in range(1000) %}{% for j in range(1000) %}.{% endfor %}{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ 10 ** 100000000 }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'x'|center(1000000000) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ patient.national_id }}",
])
def test_escapes_are_refused_quickly_and_caught_by_sitegen_check(template):
    started = time.monotonic()
    with pytest.raises(DialogError):
        render_dialog(template, sample_context())
    assert time.monotonic() - started < 10  # bounded by the render budget, not minutes
    assert check_template(template) is not None


def test_a_good_template_passes_check():
    source = "Hei {{ patient.first_name }}, {{ booking.start|date }} hos {{ clinic.name }}."
    assert check_template(source) is None
    assert render_dialog(source, sample_context(), "en").endswith("at 08:20 hos Eksempel "
                                                                  "legesenter.")
