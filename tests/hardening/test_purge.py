"""Retention (issue 8): `purge(days, now)`, `endpoint purge --older-than DAYS` and the
daily thread erase patients' personal data from bookings and outbox rows that
ended more than DAYS ago, keep the anonymous counts, and are idempotent — on
SQLite (where the bytes must be gone from the file too) and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hardening_support import API, SLUG, booking_body, fnr, grenda_notifying, local
from support import write_clinic

from endpoint import cli
from endpoint.storage.db import Booking, Outbox, db, from_db, to_db
from endpoint.storage.purge import BOOKING_ERASED, OUTBOX_ERASED, purge, start_daily_purge

DAY0 = datetime(2026, 12, 1).date()  # the `clock` fixture's day
PERSONAL = ("first_name", "last_name", "phone", "email", "national_id", "id_type", "note",
            "patient_key", "cancel_token_hash")


@pytest.fixture
def booked(make_app, content_dir, database_url):
    """Three bookings with messages: one that ends soon, one cancelled, one weeks later."""
    write_clinic(content_dir, SLUG, grenda_notifying())
    app = make_app(database_url=database_url)
    client = app.test_client()
    made = {}
    for name, day, hour, who in (("soon", 3, 10, 1), ("cancelled", 3, 9, 2),
                                 ("later", 10, 10, 3)):
        body = booking_body(local(DAY0 + timedelta(days=day), hour), who=who,
                            note=f"vondt i kneet ({name})")
        r = client.post(f"{API}/bookings", json=body)
        assert r.status_code == 201, r.get_data(as_text=True)
        made[name] = r.get_json()
    token = made["cancelled"]["cancel_token"]
    r = client.delete(f"{API}/bookings/{made['cancelled']['booking']['id']}",
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    with app.app_context():
        db.connect(reuse_if_open=True)
        rows = {name: Booking.get(Booking.public_id == m["booking"]["id"])
                for name, m in made.items()}
        yield app, client, rows, made
        if not db.is_closed():
            db.close()


def _fresh(row: Booking) -> Booking:
    return Booking.get_by_id(row.id)


def _messages(row: Booking) -> list[Outbox]:
    return list(Outbox.select().where(Outbox.booking == row.id).order_by(Outbox.id))


def test_purge_erases_ended_bookings_and_their_messages_only(booked):
    app, client, rows, made = booked
    soon, cancelled, later = rows["soon"], rows["cancelled"], rows["later"]
    assert _messages(soon) and _messages(cancelled) and _messages(later)
    now = from_db(soon.end) + timedelta(days=30, seconds=1)

    result = purge(30, now)

    assert (result.bookings, result.messages) == (2, len(_messages(soon))
                                                   + len(_messages(cancelled)))
    for row, status in ((soon, "active"), (cancelled, "cancelled")):
        after = _fresh(row)
        assert all(getattr(after, f) == "" for f in BOOKING_ERASED), after.__data__
        assert after.purged_at == to_db(now)
        # the anonymous facts stay, so the clinic can still count
        assert (after.clinic, after.calendar, after.type, after.start, after.end,
                after.status) == (row.clinic, row.calendar, row.type, row.start, row.end,
                                  status)
        for message in _messages(row):
            assert all(getattr(message, f) == "" for f in OUTBOX_ERASED), message.__data__
            assert message.status != "pending"  # nothing left to send to nobody
            assert "@" not in message.last_error and "+47" not in message.last_error
    untouched = _fresh(later)
    assert untouched.purged_at is None
    assert untouched.national_id == fnr(3) and untouched.first_name == "Kari"
    assert all(m.recipient for m in _messages(later))
    assert Booking.select().where(Booking.clinic == SLUG).count() == 3

    # no trace of the purged patients' numbers or notes in any text column
    for row in Booking.select().where(Booking.purged_at.is_null(False)):
        assert not any(fnr(n) in str(v) for v in row.__data__.values() for n in (1, 2))
        assert "kneet" not in str(row.__data__)
    for message in Outbox.select().where(Outbox.booking.in_([soon.id, cancelled.id])):
        assert "kneet" not in str(message.__data__) and "Kari" not in str(message.__data__)


def test_purge_is_idempotent(booked):
    app, client, rows, made = booked
    now = from_db(rows["later"].end) + timedelta(days=8)
    first = purge(7, now)
    assert first.bookings == 3
    snapshot = [r.__data__ for r in Booking.select().order_by(Booking.id)]
    again = purge(7, now + timedelta(days=1))
    assert (again.bookings, again.messages) == (0, 0)
    assert [r.__data__ for r in Booking.select().order_by(Booking.id)] == snapshot


def test_more_than_days_means_more_than(booked):
    app, client, rows, made = booked
    end = from_db(rows["soon"].end)
    assert purge(30, end + timedelta(days=30)).bookings == 1  # the one that ended earlier
    assert _fresh(rows["soon"]).national_id == fnr(1)  # exactly 30 days: kept
    assert purge(30, end + timedelta(days=30, seconds=1)).bookings == 1
    assert _fresh(rows["soon"]).national_id == ""


def test_a_purged_booking_no_longer_answers_its_cancel_token(booked):
    app, client, rows, made = booked
    purge(0, from_db(rows["soon"].end) + timedelta(seconds=1))
    url = f"{API}/bookings/{made['soon']['booking']['id']}"
    r = client.get(url, headers={"Authorization": f"Bearer {made['soon']['cancel_token']}"})
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"


def test_active_future_bookings_are_never_purged_even_with_zero_days(booked):
    app, client, rows, made = booked
    assert purge(0, from_db(rows["soon"].start)).bookings == 0


def test_purge_rejects_naive_time_and_negative_days():
    with pytest.raises(ValueError):
        purge(-1, datetime.now(UTC))
    with pytest.raises(ValueError):
        purge(30, datetime(2026, 1, 1))


def test_sqlite_file_and_wal_hold_no_erased_bytes(make_app, content_dir, sqlite_url):
    write_clinic(content_dir, SLUG, grenda_notifying())
    app = make_app(database_url=sqlite_url)
    client = app.test_client()
    number = fnr(7)
    body = booking_body(local(DAY0 + timedelta(days=3), 10), who=7, note="sjeldent-ord-xq")
    assert client.post(f"{API}/bookings", json=body).status_code == 201
    path = Path(sqlite_url[len("sqlite:///"):])

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())

    assert number.encode() in on_disk()  # it was written …
    other = sqlite3.connect(path)  # another server thread: the WAL is not removed on close
    try:
        other.execute("SELECT count(*) FROM booking").fetchone()
        with app.app_context(), db.connection_context():
            purge(0, datetime(2027, 1, 1, tzinfo=UTC))
        data = on_disk()
    finally:
        other.close()
    assert number.encode() not in data  # … and is gone from the file, not only from queries
    assert b"sjeldent-ord-xq" not in data and b"kari@example.no" not in data


def test_the_purge_command(booked, database_url, capsys):
    app, client, rows, made = booked
    # the bookings are in 2026; make two of them end long ago in real time
    past = datetime.now(UTC) - timedelta(days=400)
    (Booking.update(start=to_db(past), end=to_db(past + timedelta(hours=1)))
     .where(Booking.id.in_([rows["soon"].id, rows["cancelled"].id])).execute())
    db.close()
    assert cli.main(["purge", "--older-than", "365", "--database", database_url]) == 0
    assert "purged 2 bookings" in capsys.readouterr().out
    assert cli.main(["purge", "--older-than", "365", "--database", database_url]) == 0
    assert "purged 0 bookings and 0 messages" in capsys.readouterr().out
    db.connect(reuse_if_open=True)
    assert _fresh(rows["soon"]).national_id == "" and _fresh(rows["later"]).national_id


@pytest.mark.parametrize("days", ["-1", "x", "1.5", "３"])
def test_the_purge_command_refuses_a_bad_number_of_days(days, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["purge", "--older-than", days])
    assert exit_.value.code == 2 and "whole number" in capsys.readouterr().err


def test_the_daily_thread_runs_only_when_the_setting_is_set(make_app, content_dir, sqlite_url,
                                                            clock):
    write_clinic(content_dir, SLUG, grenda_notifying())
    assert start_daily_purge(None, clock) is None
    app = make_app(database_url=sqlite_url, purge_after_days=30)
    client = app.test_client()
    r = client.post(f"{API}/bookings", json=booking_body(local(DAY0 + timedelta(days=3), 10)))
    assert r.status_code == 201
    past = clock.at - timedelta(days=31)
    with app.app_context(), db.connection_context():
        Booking.update(start=to_db(past), end=to_db(past + timedelta(hours=1))).execute()
    thread = start_daily_purge(app.extensions["ledig"].settings.purge_after_days, clock,
                               interval=3600)
    try:
        deadline = time.monotonic() + 10
        while thread.runs < 1:
            assert time.monotonic() < deadline, "the daily purge did not run"
            time.sleep(0.05)
    finally:
        thread.stop()
    with app.app_context(), db.connection_context():
        assert [b.national_id for b in Booking.select()] == [""]
