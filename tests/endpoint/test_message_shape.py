"""What a message looks like on the patient's phone and in their calendar.

* A confirmation SMS for the demo clinic, with a `pages_url` of 40 characters,
  fits one GSM-7 segment (160 characters), link included; with a long clinic
  name it still does when the clinic has its own `sms_sender`; it comes from that
  sender.
* The link in messages is short: the 128-bit token alone in the fragment, which
  the endpoint resolves (by its hash) without the booking's id.
* The `.ics` of a booking and a move is `METHOD:PUBLISH` with no ATTENDEE (no RSVP
  buttons); the cancellation is `METHOD:CANCEL` for the same UID.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from booking.sms import segments
from common.content import load_clinic_bytes
from endpoint.notify import compose
from endpoint.storage.db import Booking

DEMO = Path(__file__).resolve().parents[2] / "content" / "clinics" / "fjordlegene.yaml"
PAGES_40 = "https://booking.fjordlegene-bergen.no/b/"  # 40 characters
TOKEN = "q1W-_e3RtYuIoPaSdFgHjk"  # what keys.new_token() makes: 22 characters, 128 bits
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
           "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def demo(**changes: str):
    text = DEMO.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^pages_url: .*$", f"pages_url: {PAGES_40}", text)
    for key, value in changes.items():
        if re.search(rf"(?m)^{key}: ", text):
            text = re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
        else:
            text = text.replace("\ntimezone:", f"\n{key}: {value}\ntimezone:", 1)
    clinic, issues = load_clinic_bytes(text.encode(), slug="fjordlegene", file="demo.yaml")
    assert clinic is not None, [str(i) for i in issues]
    return clinic


def booking(type_id: str = "konsultasjon") -> Booking:
    return Booking(public_id="0" * 32, clinic="fjordlegene", calendar="hansen", type=type_id,
                   start=datetime(2026, 12, 9, 13, 40), end=datetime(2026, 12, 9, 14, 0),
                   first_name="Kari", last_name="Nordmann", phone="+4740612345",
                   email="kari@example.no", sequence=0, status="active")


def sms_rows(clinic, type_id: str = "konsultasjon") -> list[dict]:
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    rows = compose.booked_messages(clinic, booking(type_id), now, TOKEN, channels=("sms",))
    return [r for r in rows if r["channel"] == "sms" and r["kind"] == "confirmation"]


def one_segment(text: str) -> bool:
    return len(text) <= 160 and set(text) <= GSM7


def test_the_demo_clinics_confirmation_is_one_sms_with_the_short_link():
    assert len(PAGES_40) == 40
    [row] = sms_rows(demo())
    text = row["body"]
    assert text.endswith(f"{PAGES_40}fjordlegene/avbestill/#{TOKEN}")
    assert one_segment(text), (len(text), text)
    assert text.startswith("Fjordlegene legesenter: Konsultasjon ons 9.12. kl. 14:40. "
                           "Flytt/avbestill: ")
    assert segments(text) == 1


def test_a_long_clinic_name_stays_one_sms_when_the_clinic_sends_as_itself():
    long_name = "Bergen sentrum legesenter og fysioterapi AS"
    [row] = sms_rows(demo(name=long_name, sms_sender="Sentrumlege"))
    assert row["sender"] == "Sentrumlege"
    assert one_segment(row["body"]), (len(row["body"]), row["body"])
    assert TOKEN in row["body"] and "ons 9.12. kl. 14:40" in row["body"]
    # without its own sender the name stays in the text: two segments, never more
    [row] = sms_rows(demo(name=long_name))
    assert long_name in row["body"] and segments(row["body"]) == 2
    assert row["sender"] == ""


@pytest.mark.parametrize("text, expected", [
    ("a" * 160, 1), ("a" * 161, 2), ("æøå" * 53 + "a", 1), ("a" * 306, 2), ("a" * 307, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # the extension table counts twice
    ("–" + "a" * 69, 1), ("–" + "a" * 70, 2),  # an en dash makes it UCS-2
])
def test_segments(text, expected):
    assert segments(text) == expected


@pytest.mark.parametrize("sender", ["Fjordlegene legesenter", "Tannlege ÆØ", "12345"])
def test_an_sms_sender_that_no_phone_would_show_is_a_config_error(sender):
    text = DEMO.read_text(encoding="utf-8").replace("\ntimezone:",
                                                    f'\nsms_sender: "{sender}"\ntimezone:', 1)
    clinic, issues = load_clinic_bytes(text.encode(), slug="fjordlegene", file="demo.yaml")
    assert clinic is None
    [issue] = issues
    assert (issue.line, issue.key) == (5, "sms_sender")
    assert "at most 11 letters" in issue.message


# -- the short link resolves on the endpoint --------------------------------------------------

def test_the_short_links_token_alone_finds_and_cancels_the_booking(make_app, content_dir):
    from notify_support import NATIONAL_ID  # a valid fødselsnummer

    client = make_app().test_client()
    slots = client.get("/api/v1/clinics/fjordlegene/slots?type=konsultasjon&calendar=hansen")
    start = slots.get_json()["days"][1]["slots"][0]["start"]
    made = client.post("/api/v1/clinics/fjordlegene/bookings", json={
        "calendar": "hansen", "type": "konsultasjon", "start": start,
        "patient": {"id_type": "fnr", "national_id": NATIONAL_ID, "first_name": "Kari",
                    "last_name": "Nordmann", "phone": "40612345", "email": "k@example.no"}})
    assert made.status_code == 201, made.get_json()
    token, booking_id = made.get_json()["cancel_token"], made.get_json()["booking"]["id"]
    assert len(token) == 22

    found = client.get("/api/v1/clinics/fjordlegene/cancellation",
                       headers={"Authorization": f"Bearer {token}"})
    assert found.status_code == 200 and found.get_json()["booking"]["id"] == booking_id
    assert NATIONAL_ID not in found.get_data(as_text=True)
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:10]):
        miss = client.get("/api/v1/clinics/fjordlegene/cancellation",
                          headers={"Authorization": f"Bearer {wrong}"})
        assert miss.status_code == 404 and miss.get_json()["code"] == "not_found"
    assert client.get("/api/v1/clinics/fjordlegene/cancellation").status_code == 401
    gone = client.delete(f"/api/v1/clinics/fjordlegene/bookings/{booking_id}",
                         headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 200 and gone.get_json()["booking"]["status"] == "cancelled"


# -- .ics: an entry, not an invitation ---------------------------------------------------------

def test_the_ics_of_a_booking_a_move_and_a_cancellation():
    clinic = demo()
    b = booking()
    facts = compose._facts(clinic, clinic.type("konsultasjon"), b)
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    booked = Calendar.from_ical(compose.appointment_ics(clinic, b, facts, cancelled=False,
                                                        now=now))
    b.sequence = 1
    moved = Calendar.from_ical(compose.appointment_ics(clinic, b, facts, cancelled=False,
                                                       now=now))
    b.sequence = 2
    cancelled = Calendar.from_ical(compose.appointment_ics(clinic, b, facts, cancelled=True,
                                                           now=now))
    for cal, method, sequence, status in ((booked, "PUBLISH", 0, "CONFIRMED"),
                                          (moved, "PUBLISH", 1, "CONFIRMED"),
                                          (cancelled, "CANCEL", 2, "CANCELLED")):
        [event] = cal.walk("VEVENT")
        assert cal["METHOD"] == method
        assert event["UID"] == f"{'0' * 32}@ledig" and event["SEQUENCE"] == sequence
        assert event["STATUS"] == status
        assert "ATTENDEE" not in event, "an attendee makes mail apps show RSVP buttons"
        assert str(event["ORGANIZER"]) == "mailto:post@fjordlegene.example"


def test_the_cancellation_mail_lists_no_price_and_names_its_file_truthfully():
    clinic = demo()
    b = booking()
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    b.cancelled_by = "patient"
    compose_facts = compose._facts(clinic, clinic.type("konsultasjon"), b,
                                   cancelled_by="patient")
    row = compose._standard(clinic, b, "cancellation", "email", compose_facts, now, now)
    assert "METHOD:CANCEL" in row["attachment"]
    assert "Pris" not in row["body"] and " kr" not in row["body"]
    assert "tar timen ut av kalenderen din" in row["body"]
    assert "Timen ligger vedlagt" not in row["body"]
    confirmation = compose._standard(clinic, b, "confirmation", "email", compose_facts, now,
                                     now)
    assert "Timen ligger vedlagt som kalenderfil (.ics)." in confirmation["body"]
    reminder = compose._standard(clinic, b, "reminder", "email", compose_facts, now, now)
    assert reminder["attachment"] == "" and "vedlagt" not in reminder["body"].lower()
