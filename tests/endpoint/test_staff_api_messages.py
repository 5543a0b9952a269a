"""What the patient is told when staff book, move and cancel (docs/staff.md), read from the
outbox on both databases: a move's `.ics` keeps the UID and raises the SEQUENCE,
reminders follow the new time, a clinic's cancellation carries its reason, a
cancellation the patient asked for says so — in nb, nn and en.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from staff_api_support import (
    API,
    OTHER,
    SLUG,
    STAFF,
    add_staff,
    clinic_yaml,
    iso,
    outbox,
    staff_body,
)
from support import write_clinic

from common.words import messages

DAY = date(2026, 12, 3)


@pytest.fixture
def client(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, clinic_yaml())
    write_clinic(content_dir, OTHER, clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url)
    return app.test_client()


def event_of(row: dict):
    cal = Calendar.from_ical(row["attachment"])
    return cal, cal.walk("VEVENT")[0]


def book(client, start: str) -> dict:
    response = client.post(f"{API}/bookings", json=staff_body(start), headers=STAFF)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["booking"]


def test_a_move_sends_the_same_uid_with_a_higher_sequence(client, database_url):
    b = book(client, iso(DAY, 9))
    [confirmation] = [r for r in outbox(database_url, "confirmation") if r["channel"] == "email"]
    _, first = event_of(confirmation)
    assert first["UID"] == f"{b['id']}@ledig" and first["SEQUENCE"] == 0

    moved = client.patch(f"{API}/bookings/{b['id']}", json={"start": iso(DAY, 10)},
                         headers=STAFF)
    assert moved.status_code == 200
    mails = [r for r in outbox(database_url, "moved") if r["channel"] == "email"]
    assert len(mails) == 1 and mails[0]["recipient"] == "kari@example.no"
    cal, event = event_of(mails[0])
    assert cal["METHOD"] == "PUBLISH" and event["UID"] == first["UID"]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 Oslo
    assert mails[0]["subject"].startswith("Endret time: Konsultasjon")
    assert "kl. 10:00" in mails[0]["body"] and "Timen din er endret" in mails[0]["body"]
    [sms] = [r for r in outbox(database_url, "moved") if r["channel"] == "sms"]
    assert "flyttet til" in sms["body"] and "10:00" in sms["body"]

    # the reminders follow the appointment: the old ones cancelled, new ones pending
    reminders = outbox(database_url, "reminder")
    assert [r["status"] for r in reminders] == ["cancelled", "cancelled", "pending", "pending"]
    assert all("10:00" in r["body"] for r in reminders[2:])

    again = client.patch(f"{API}/bookings/{b['id']}", json={"calendar": "vikar"},
                         headers=STAFF)
    assert again.status_code == 200
    mails = [r for r in outbox(database_url, "moved") if r["channel"] == "email"]
    assert event_of(mails[-1])[1]["SEQUENCE"] == 2
    assert "Vikar" in mails[-1]["body"]

    # cancelled afterwards: the CANCEL's SEQUENCE is higher still
    client.post(f"{API}/bookings/{b['id']}/cancel", json={"initiated_by": "patient"},
                headers=STAFF)
    [cancel] = [r for r in outbox(database_url, "cancellation") if r["channel"] == "email"]
    cal, event = event_of(cancel)
    assert cal["METHOD"] == "CANCEL" and event["UID"] == first["UID"]
    assert event["SEQUENCE"] == 3


def test_a_move_without_notify_tells_nobody(client, database_url, clock):
    b = book(client, iso(DAY, 9))
    moved = client.patch(f"{API}/bookings/{b['id']}",
                         json={"start": iso(DAY, 11), "notify": False}, headers=STAFF)
    assert moved.status_code == 200
    assert outbox(database_url, "moved") == []
    # a note or an arrival is no news for the patient
    clock.advance(days=2, hours=4)  # Thursday 11:00: the appointment begins
    assert client.patch(f"{API}/bookings/{b['id']}", json={"note": "x", "attendance": "arrived"},
                        headers=STAFF).status_code == 200
    assert outbox(database_url, "moved") == []


def test_a_clinic_cancellation_carries_its_reason(client, database_url):
    b = book(client, iso(DAY, 9))
    response = client.post(f"{API}/bookings/{b['id']}/cancel",
                           json={"initiated_by": "clinic", "reason": "Legen er syk i dag"},
                           headers=STAFF)
    assert response.status_code == 200
    by_channel = {r["channel"]: r for r in outbox(database_url, "cancellation")}
    mail = by_channel["email"]["body"]
    assert "Klinikken har avbestilt timen." in mail and "Grunn: Legen er syk i dag" in mail
    assert "slik du ba om" not in mail
    sms = by_channel["sms"]["body"]
    assert "Klinikken har avbestilt" in sms and "Legen er syk i dag" in sms


def test_a_cancellation_the_patient_asked_for_says_so(client, database_url):
    b = book(client, iso(DAY, 9))
    response = client.post(f"{API}/bookings/{b['id']}/cancel",
                           json={"initiated_by": "patient", "reason": "Ringte i dag"},
                           headers=STAFF)
    assert response.status_code == 200
    by_channel = {r["channel"]: r for r in outbox(database_url, "cancellation")}
    mail = by_channel["email"]["body"]
    assert "Timen er avbestilt slik du ba om." in mail
    assert "Klinikken har avbestilt" not in mail and "Ringte" not in mail
    assert "avbestilt slik du ba om" in by_channel["sms"]["body"]


FACTS = {"clinic": "Klinikken AS", "clinic_phone": "+47 55 00 00 00", "first_name": "Kari",
         "type": "Time", "calendar": "", "when": "i dag", "place": "Torget 1"}


@pytest.mark.parametrize(("language", "clinic_says", "reason", "patient_says"), [
    ("nb", "Klinikken har avbestilt timen. Ta kontakt med oss for en ny time.",
     "Grunn: Syk", "Timen er avbestilt slik du ba om."),
    ("nn", "Klinikken har avbestilt timen. Ta kontakt med oss for ein ny time.",
     "Grunn: Syk", "Timen er avbestilt slik du bad om."),
    ("en", "The clinic has cancelled the appointment. Please contact us for a new one.",
     "Reason: Syk", "The appointment is cancelled as you asked."),
])
def test_who_cancelled_in_every_language(language, clinic_says, reason, patient_says):
    by_clinic = messages.Facts(language=language, cancelled_by="clinic", reason="Syk", **FACTS)
    _, body = messages.email("cancellation", by_clinic)
    assert clinic_says in body and reason in body and patient_says not in body
    by_patient = messages.Facts(language=language, cancelled_by="patient", **FACTS)
    _, body = messages.email("cancellation", by_patient)
    assert patient_says in body and clinic_says not in body
    assert "Syk" in messages.sms("cancellation", by_clinic)
    long = messages.Facts(language=language, cancelled_by="clinic", reason="x" * 400, **FACTS)
    assert len(messages.sms("cancellation", long)) < 300
