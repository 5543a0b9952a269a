"""A patient's rights (issue #18): the access log of every staff read of their details,
the export of everything stored about them, and erasure — through the staff API (admin
role only) and `endpoint patient …`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from endpoint_support import fnr, patient
from staff_api_support import (
    API,
    OTHER,
    OTHER_STAFF,
    PASSWORD,
    PUBLIC,
    SLUG,
    STAFF,
    add_staff,
    clinic_yaml,
    iso,
    rows,
)
from support import form_field, staff_login, write_clinic

from endpoint import cli
from endpoint.staff.users import set_role
from endpoint.storage.db import db

DAY = date(2026, 12, 3)  # Thursday; the clock is Tuesday 2026-12-01 07:00 in Oslo
PAST = date(2026, 11, 20)
INGRID = patient(4, first_name="Ingrid", last_name="Solbakken", phone="41234599",
                 email="ingrid@example.no")


@pytest.fixture
def app(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, clinic_yaml())
    write_clinic(content_dir, OTHER, clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def _admin() -> None:
    with db.connection_context():
        set_role(SLUG, "kari", "admin")


def _book(client, start: str, who: dict = INGRID) -> dict:
    made = client.post(f"{API}/bookings", headers=STAFF, json={
        "calendar": "lege", "type": "kons", "start": start, "patient": who,
        "note": "Kontroll etter operasjon"})
    assert made.status_code == 201, made.get_json()
    return made.get_json()["booking"]


def _key(client) -> str:
    found = client.get(f"{API}/patients", query_string={"q": INGRID["national_id"]},
                       headers=STAFF).get_json()["patients"]
    assert len(found) == 1
    return found[0]["key"]


def test_every_staff_read_is_in_the_access_log_and_only_admins_read_it(client):
    booking = _book(client, iso(DAY, 9))
    key = _key(client)  # a search: found_in_search
    # the booking's page, and its national id shown, by a logged-in staff user
    assert staff_login(client, SLUG, "kari", PASSWORD).status_code == 303
    page = client.get(f"/staff/{SLUG}/bookings/{booking['id']}")
    assert page.status_code == 200
    shown = client.post(f"/staff/{SLUG}/bookings/{booking['id']}/reveal",
                        data={"csrf": form_field(page, "csrf")})
    assert shown.status_code == 200 and INGRID["national_id"] in shown.get_data(as_text=True)

    assert client.get(f"{API}/patients/{key}/access", headers=STAFF).status_code == 403
    _admin()
    log = client.get(f"{API}/patients/{key}/access", headers=STAFF)
    assert log.status_code == 200
    entries = log.get_json()["entries"]
    assert [(e["actor"], e["action"], e["booking"]) for e in entries] == [
        ("staff:kari", "found_in_search", None),
        ("staff:kari", "booking_viewed", booking["id"]),
        ("staff:kari", "national_id_revealed", booking["id"])]
    # the log holds no personal data
    text = json.dumps(rows_of_access_log(client))
    for piece in (INGRID["national_id"], INGRID["first_name"], INGRID["phone"]):
        assert piece not in text
    # another clinic's staff, and an unknown patient
    assert client.get(f"/api/v1/staff/{OTHER}/patients/{key}/access",
                      headers=OTHER_STAFF).status_code in (403, 404)
    assert client.get(f"{API}/patients/{'0' * 64}/access", headers=STAFF).status_code == 404


def rows_of_access_log(client) -> list:
    url = client.application.extensions["ledig"].settings.database_url
    return [list(map(str, r)) for r in rows(url, "SELECT * FROM access_log")]


def test_the_export_holds_everything_stored_and_is_logged(client):
    _admin()
    booking = _book(client, iso(DAY, 9))
    key = _key(client)
    data = client.get(f"{API}/patients/{key}/export", headers=STAFF).get_json()
    (exported,) = data["bookings"]
    assert exported["id"] == booking["id"] and exported["note"] == "Kontroll etter operasjon"
    assert exported["patient"]["first_name"] == "Ingrid"
    assert exported["patient"]["national_id"] == INGRID["national_id"][:6] + " *****"
    assert {m["channel"] for m in exported["messages"]} == {"email", "sms"}
    assert any("Ingrid" in m["body"] for m in exported["messages"])
    assert [e["action"] for e in exported["log"]] == ["created"]
    assert [a["action"] for a in data["access_log"]][-1] == "exported"


def test_erasure_refuses_with_appointments_ahead_then_erases_when_forced(client, database_url):
    _admin()
    ahead = _book(client, iso(DAY, 9))
    key = _key(client)
    refused = client.post(f"{API}/patients/{key}/erase", headers=STAFF, json={})
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "future_appointments"
    assert refused.get_json()["bookings"] == [ahead["id"]]
    assert client.post(f"{API}/patients/{key}/erase", headers=STAFF,
                       json={"force": "yes"}).status_code == 422

    # she also waits for an earlier time (the wait list's "joined" mail and SMS)
    waiting = client.post(f"{PUBLIC}/waitlist", json={
        "type": "kons", "calendar": None, "from": DAY.isoformat(), "to": DAY.isoformat(),
        "patient": INGRID})
    assert waiting.status_code == 201, waiting.get_json()
    exported = client.get(f"{API}/patients/{key}/export", headers=STAFF).get_json()
    assert [w["patient"]["first_name"] for w in exported["waitlist"]] == ["Ingrid"]
    assert len(exported["waitlist"][0]["messages"]) == 2

    done = client.post(f"{API}/patients/{key}/erase", headers=STAFF, json={"force": True})
    assert done.status_code == 200
    # confirmation and reminder, by e-mail and SMS, and the wait list's two
    assert done.get_json()["erased"] == {"bookings": 1, "messages": 6, "cancelled": 1,
                                         "waitlist": 1}
    assert rows(database_url, "SELECT count(*) FROM waitlist_entry") == [(0,)]
    assert rows(database_url, "SELECT count(*) FROM outbox WHERE recipient <> ''") == [(0,)]
    # the booking stays, anonymous and cancelled (its slot is free again); the patient is
    # found by nobody; nothing of them is left in the rows
    (row,) = rows(database_url, "SELECT status, calendar, type, first_name, national_id, "
                                "patient_key FROM booking")
    assert row == ("cancelled", "lege", "kons", "", "", "")
    for q in ("Ingrid", "41234599", INGRID["national_id"]):
        assert client.get(f"{API}/patients", query_string={"q": q},
                          headers=STAFF).get_json()["patients"] == [], q
    assert rows(database_url, "SELECT count(*) FROM patient_token") == [(0,)]
    slots = client.get(f"{PUBLIC}/slots", query_string={"type": "kons",
                                                        "from": DAY.isoformat(),
                                                        "to": DAY.isoformat()}).get_json()
    assert any(s["start"].startswith(f"{DAY.isoformat()}T09:00") for d in slots["days"]
               for s in d["slots"])
    # the erasure itself is accounted for, by the patient's key only
    assert rows(database_url, "SELECT actor, action FROM access_log WHERE patient_key = ? "
                              "ORDER BY id DESC LIMIT 1", (key,)) == [("staff:kari", "erased")]


def test_the_patient_command_exports_erases_and_lists(client, database_url, content_dir,
                                                      capsys, monkeypatch, clock):
    _book(client, iso(DAY, 9))
    other = _book(client, iso(DAY, 10), patient(5, first_name="Per"))
    base = ["--clinic", SLUG, "--database", database_url, "--content", str(content_dir)]
    monkeypatch.setenv("LEDIG_SECRET_KEY", "test-secret-key")
    assert cli.main(["patient", "export", *base, "--national-id", INGRID["national_id"]],
                    clock) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["bookings"][0]["patient"]["national_id"] == INGRID["national_id"]
    assert cli.main(["patient", "export", *base, "--national-id", INGRID["national_id"],
                     "--format", "html"], clock) == 0
    html = capsys.readouterr().out
    assert "Solbakken" in html and "<script" not in html and "Kontroll etter operasjon" in html

    monkeypatch.setattr("sys.stdin", _Stdin(INGRID["national_id"] + "\n"))
    assert cli.main(["patient", "erase", *base, "--national-id", "-"], clock) == 1
    assert "nothing was erased" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", _Stdin(INGRID["national_id"] + "\n"))
    assert cli.main(["patient", "erase", *base, "--national-id", "-", "--force"], clock) == 0
    assert "erased the personal data of 1 bookings" in capsys.readouterr().out
    assert cli.main(["patient", "access", *base, "--national-id", INGRID["national_id"]],
                    clock) == 1
    assert "no bookings" in capsys.readouterr().err  # erased: nothing is stored any more
    assert cli.main(["patient", "access", *base, "--national-id", fnr(5)], clock) == 0
    assert "found_in_search" not in capsys.readouterr().out
    # the other patient is untouched
    (row,) = rows(database_url, "SELECT status FROM booking WHERE public_id = ?",
                  (other["id"],))
    assert row == ("active",)
    assert cli.main(["patient", "export", *base, "--national-id", "123"], clock) == 1


class _Stdin:
    def __init__(self, text: str) -> None:
        self.text = text

    def readline(self) -> str:
        return self.text

    def isatty(self) -> bool:
        return False
