"""Moving is named wherever the patient reads about their booking (docs/notifications.md):
the confirmation's SMS and e-mail say "Flytt/avbestill" and "flytte eller avbestille",
and a move made from the patient's link sends that link again; a move made without the
token (staff, a logged-in patient) points to the confirmation's link."""

from __future__ import annotations

import pytest
from notify_support import book, clinic_yaml, slot, write_clinic

from common.words import messages
from endpoint.storage.db import Outbox, db

LINK = "https://varsel.example/time/varsel/avbestill/#"


@pytest.fixture
def client(make_app, content_dir):
    write_clinic(content_dir, "varsel", clinic_yaml())
    return make_app().test_client()


def queued(kind: str) -> dict[str, Outbox]:
    with db.connection_context():
        return {r.channel: r for r in Outbox.select().where(Outbox.kind == kind)}


def moved_by_link(client) -> str:
    """A booking made and moved with its cancel token → the token."""
    made = book(client, slot(30)).get_json()
    token = made["cancel_token"]
    answer = client.patch(f"/api/v1/clinics/varsel/bookings/{made['booking']['id']}",
                          json={"start": slot(32).isoformat()},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_json()
    return token


def test_the_confirmation_sms_names_moving_beside_its_link(client, clock):
    token = book(client, slot(30)).get_json()["cancel_token"]
    assert f"Flytt/avbestill: {LINK}{token}" in queued("confirmation")["sms"].body


def test_the_confirmation_mail_names_moving_beside_its_link(client, clock):
    token = book(client, slot(30)).get_json()["cancel_token"]
    body = queued("confirmation")["email"].body
    assert "Må du flytte eller avbestille timen?" in body and f"\n{LINK}{token}\n" in body


def test_a_move_by_the_patients_link_texts_the_link_again(client, clock):
    token = moved_by_link(client)
    assert f"Flytt/avbestill: {LINK}{token}" in queued("moved")["sms"].body


def test_a_move_by_the_patients_link_mails_the_link_again(client, clock):
    token = moved_by_link(client)
    body = queued("moved")["email"].body
    assert "Må du flytte eller avbestille timen?" in body and f"\n{LINK}{token}\n" in body


@pytest.mark.parametrize(("language", "expected"), [
    ("nb", "Flytt/avbestill med lenken i timebekreftelsen."),
    ("nn", "Flytt/avbestill med lenkja i timestadfestinga."),
    ("en", "Move or cancel with the link in your confirmation."),
])
def test_a_move_without_the_token_points_to_the_confirmations_link(language, expected):
    facts = messages.Facts(language=language, clinic="Varsel", clinic_phone="+47 55 00 00 00",
                           first_name="Kari", type="Konsultasjon", calendar="Lege",
                           when="torsdag 3. desember 2026 kl. 10:00", place="Kaigata 1")
    assert messages.sms("moved", facts).endswith(expected)
