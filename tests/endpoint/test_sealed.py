"""Patients' data sealed at rest (issue #18): after bookings, a move, a cancellation,
wait-list sign-ups, messages and searches, the raw database holds no national id, name,
phone or e-mail in clear text, on SQLite (the file's bytes) and PostgreSQL (every
table's text); a wrong or missing key is a start-up error, never garbled data; a value
sealed under the previous key opens during a rotation; a rotation interrupted by a crash
goes on where it stopped; a tampered value is reported, never decrypted into garbage."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from endpoint_support import patient
from staff_api_support import API, PUBLIC, STAFF, add_staff, clinic_yaml, iso, rows
from support import TEST_DATA_KEY, write_clinic

from endpoint.settings import SettingsError
from endpoint.storage import rotation
from endpoint.storage.crypto import DataKeyError, Keyring, TamperedData, key_id
from endpoint.storage.db import db

SLUG = "timebok"
DAY = date(2026, 12, 3)  # a Thursday; the clock is Tuesday 2026-12-01 07:00 in Oslo
NEW_KEY = base64.b64encode(b"n" * 32).decode()
OTHER_KEY = base64.b64encode(b"o" * 32).decode()

#: the patients of these tests: every piece must be absent from the raw database
PEOPLE = [
    patient(1, first_name="Ingeborg", last_name="Kvalheimsen", phone="40655511",
            email="ingeborg.kvalheimsen@example.no"),
    patient(2, first_name="Sigvald", last_name="Øvrebotten", phone="93177722",
            email="sigvald@example.no"),
    patient(3, first_name="Ragnfrid", last_name="Tveitevoll", phone="48122233",
            email="ragnfrid@example.no"),  # waits on the wait list
]
SECRETS = [piece for p in PEOPLE
           for piece in (p["national_id"], p["first_name"], p["last_name"], p["phone"],
                         p["email"])]


@pytest.fixture
def app(make_app, content_dir, database_url):
    write_clinic(content_dir, SLUG, clinic_yaml())
    write_clinic(content_dir, "annen", clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url)
    return app


def _use_the_clinic(client) -> None:
    """A self-booking, a staff booking, a move, a note, a cancellation, messages, a search."""
    online = client.post(f"{PUBLIC}/bookings", json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 8), "patient": PEOPLE[0],
        "note": "Vondt i kneet etter fall"})
    assert online.status_code == 201, online.get_json()
    staff = client.post(f"{API}/bookings", headers=STAFF, json={
        "calendar": "lege", "type": "kons", "start": iso(DAY, 9), "patient": PEOPLE[1],
        "note": "Ringte inn"})
    assert staff.status_code == 201, staff.get_json()
    booking_id = staff.get_json()["booking"]["id"]
    moved = client.patch(f"{API}/bookings/{booking_id}", headers=STAFF,
                         json={"start": iso(DAY, 10)})
    assert moved.status_code == 200, moved.get_json()
    cancel = client.post(f"{API}/bookings/{online.get_json()['booking']['id']}/cancel",
                         headers=STAFF, json={"reason": "Ingeborg ringte",
                                              "initiated_by": "patient"})
    assert cancel.status_code == 200, cancel.get_json()
    waiting = client.post(f"{PUBLIC}/waitlist", json={
        "type": "kons", "calendar": None, "from": DAY.isoformat(), "to": DAY.isoformat(),
        "patient": PEOPLE[2]})
    assert waiting.status_code == 201, waiting.get_json()
    for q in ("Sigvald", "93177722", "Kvalheimsen"):
        found = client.get(f"{API}/patients", query_string={"q": q}, headers=STAFF)
        assert found.status_code == 200 and len(found.get_json()["patients"]) == 1, q


def _raw_database(database_url: str) -> bytes:
    """Everything stored: the SQLite file and its write-ahead log, or every PostgreSQL
    table's rows as text."""
    if database_url.startswith("sqlite:///"):
        path = database_url[len("sqlite:///"):]
        data = b""
        for suffix in ("", "-wal"):
            try:
                with open(path + suffix, "rb") as f:
                    data += f.read()
            except FileNotFoundError:
                pass
        return data
    tables = [t for (t,) in rows(database_url, "SELECT tablename FROM pg_tables "
                                               "WHERE schemaname = 'public'")]
    text = []
    for table in tables:
        text += [str(r) for r in rows(database_url, f'SELECT t::text FROM "{table}" t')]
    return "\n".join(text).encode()


def test_the_database_holds_no_patient_data_in_clear_text(app, database_url):
    client = app.test_client()
    _use_the_clinic(client)
    raw = _raw_database(database_url)
    assert b"ld1." in raw  # sealed values are there
    for piece in SECRETS:
        for form in {piece, piece.lower(), piece.upper()}:
            assert form.encode() not in raw, f"{form!r} is stored in clear text"
    # what staff read is the patients' data, opened
    day = client.get(f"{API}/day", query_string={"date": DAY.isoformat()}, headers=STAFF)
    names = {(b["patient"]["first_name"], b["patient"]["last_name"], b["patient"]["phone"])
             for cal in day.get_json()["calendars"] for b in cal["bookings"]}
    assert ("Sigvald", "Øvrebotten", "+4793177722") in names


def test_a_wrong_or_missing_data_key_stops_the_start(app, make_app, database_url):
    _use_the_clinic(app.test_client())
    with pytest.raises(DataKeyError, match=key_id(base64.b64decode(TEST_DATA_KEY))):
        make_app(database_url=database_url, data_key=OTHER_KEY)
    with pytest.raises(DataKeyError, match="32 random bytes"):
        make_app(database_url=database_url, data_key="too-short")


def test_postgres_needs_the_data_key_from_the_environment(make_app, postgres_url):
    from endpoint.settings import Settings, ensure_data_key

    with pytest.raises(SettingsError, match="LEDIG_DATA_KEY"):
        ensure_data_key(Settings(database_url=postgres_url), lambda: "made")
    assert ensure_data_key(Settings(database_url="sqlite:///x.db", data_key="given"),
                           lambda: "made").data_key == "given"


def test_a_rotation_keeps_old_values_readable_and_resumes_after_a_crash(
        app, make_app, database_url, monkeypatch):
    client = app.test_client()
    _use_the_clinic(client)
    # the new key, with the old one beside it: old values open, new ones are sealed new
    rotating = make_app(database_url=database_url, data_key=NEW_KEY,
                        data_key_old=TEST_DATA_KEY).test_client()
    found = rotating.get(f"{API}/patients", query_string={"q": "Sigvald"}, headers=STAFF)
    assert found.get_json()["patients"][0]["last_name"] == "Øvrebotten"
    keyring = Keyring.from_text(NEW_KEY, TEST_DATA_KEY)
    old_id, new_id = key_id(base64.b64decode(TEST_DATA_KEY)), key_id(b"n" * 32)

    # a crash after the first batch of one row ...
    real = rotation._resealed
    calls = {"n": 0}

    def crashing(*args):
        calls["n"] += 1
        if calls["n"] > 6:  # the first row's columns went through; then the process dies
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(rotation, "_resealed", crashing)
    with db.connection_context(), pytest.raises(KeyboardInterrupt):
        rotation.reseal(keyring, batch=1)
    with db.connection_context():
        assert old_id in rotation.keys_in_use() and new_id in rotation.keys_in_use()
    # ... and the next run goes on where it stopped
    monkeypatch.setattr(rotation, "_resealed", real)
    with db.connection_context():
        result = rotation.reseal(keyring, batch=2)
        assert rotation.keys_in_use() == {new_id}
    assert result.values > 0 and result.retired == (old_id,)
    # the old key is retired: the new one alone opens everything
    alone = make_app(database_url=database_url, data_key=NEW_KEY).test_client()
    found = alone.get(f"{API}/patients", query_string={"q": "93177722"}, headers=STAFF)
    assert found.get_json()["patients"][0]["first_name"] == "Sigvald"


def test_a_tampered_value_is_reported_not_decrypted(app, database_url):
    client = app.test_client()
    _use_the_clinic(client)
    (stored,) = rows(database_url, "SELECT first_name FROM booking WHERE status = 'active'")
    (stored,) = stored
    head, kid, body = stored.split(".")
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    _write(database_url, "UPDATE booking SET first_name = ? WHERE status = 'active'",
           (f"{head}.{kid}.{flipped}",))
    day = client.get(f"{API}/day", query_string={"date": DAY.isoformat()}, headers=STAFF)
    assert day.status_code == 500
    assert day.get_json()["code"] == "data_integrity"
    assert "Sigvald" not in day.get_data(as_text=True)


def test_a_sealed_value_does_not_open_in_another_column():
    keyring = Keyring.from_text(TEST_DATA_KEY)
    sealed = keyring.seal("Sigvald", "booking.first_name")
    assert keyring.open(sealed, "booking.first_name") == "Sigvald"
    with pytest.raises(TamperedData):
        keyring.open(sealed, "booking.last_name")
    with pytest.raises(TamperedData):
        keyring.open("Sigvald", "booking.first_name")  # not sealed at all
    assert keyring.seal("", "booking.email") == ""  # "not given" stays empty
    assert sealed != keyring.seal("Sigvald", "booking.first_name")  # a fresh nonce each


def _write(database_url: str, sql: str, params: tuple) -> None:
    if database_url.startswith("sqlite:///"):
        import sqlite3
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        with con:
            con.execute(sql, params)
        con.close()
        return
    import psycopg2
    con = psycopg2.connect(database_url)
    with con, con.cursor() as cur:
        cur.execute(sql.replace("?", "%s"), params)
    con.close()
