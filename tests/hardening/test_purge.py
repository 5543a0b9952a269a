"""Retention (issue 8): `purge(days, now)`, `endpoint purge --older-than DAYS` and the
daily thread erase patients' personal data from bookings and outbox rows that
ended more than DAYS ago, keep the anonymous counts, and are idempotent — on
SQLite (where the bytes must be gone from the file too) and PostgreSQL.

The columns that must be blanked are listed here, from docs/security.md, not
imported from `endpoint.storage.purge`; the rows are read back with plain SQL, so a
purge that keeps a phone number (or blanks a column through the model only)
fails.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hardening_support import API, SLUG, booking_body, fnr, grenda_notifying, local
from support import TEST_DATA_KEY, free_port_url, write_clinic

from endpoint import cli
from endpoint.storage import purge as purge_module
from endpoint.storage.crypto import Keyring
from endpoint.storage.db import Booking, Outbox, db, from_db, to_db
from endpoint.storage.purge import purge, start_daily_purge

DAY0 = datetime(2026, 12, 1).date()  # the `clock` fixture's day

# What the purge must blank, as docs/security.md promises it — stated here, not imported from
# the code under test, so a purge that forgets a column fails.
BOOKING_PERSONAL = ("first_name", "last_name", "phone", "email", "national_id", "id_type",
                    "note", "patient_key", "cancel_token_hash", "cancel_reason")
OUTBOX_PERSONAL = ("recipient", "subject", "body", "attachment")
# what changes besides: the stamp; a message's error text, and a pending message's claim
BOOKING_STAMP = ("purged_at",)
OUTBOX_STATE = ("last_error", "status", "claimed_by", "claimed_until")
REASON = "ringte inn: vondt i kneet, 40612345"
ERROR = "550 5.1.1 <kari@example.no>: mailbox unavailable"


def raw_rows(database_url: str, table: str, where: str = "", params: tuple = ()) -> list[dict]:
    """Rows straight from the database, by column name, without the code's models."""
    sql = f"SELECT * FROM {table} {where} ORDER BY id"
    if database_url.startswith("sqlite:///"):
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(sql.replace("%s", "?"), params)]
        finally:
            con.close()
    import psycopg2
    import psycopg2.extras
    con = psycopg2.connect(database_url, connect_timeout=5)
    try:
        with con.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(sql, params)
            return [dict(r) for r in cur.fetchall()]
    finally:
        con.close()


def _ids(ids) -> tuple[str, tuple]:
    return f"WHERE id IN ({', '.join(['%s'] * len(ids))})", tuple(ids)


def _booking_ids(ids) -> tuple[str, tuple]:
    return f"WHERE booking_id IN ({', '.join(['%s'] * len(ids))})", tuple(ids)


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


def test_purge_erases_ended_bookings_and_their_messages_only(booked, database_url):
    app, client, rows, made = booked
    soon, cancelled, later = rows["soon"], rows["cancelled"], rows["later"]
    purged_ids = [soon.id, cancelled.id]
    # a staff member's reason, and a delivery error that quotes the address
    Booking.update(cancel_reason=REASON).where(Booking.id.in_(purged_ids)).execute()
    first_message = _messages(soon)[0]
    Outbox.update(last_error=ERROR).where(Outbox.id == first_message.id).execute()
    # a worker holds one pending message: cancelling it lets go of the claim
    pending = [m for m in _messages(soon) if m.status == "pending"][-1]
    (Outbox.update(claimed_by="worker-7", claimed_until=to_db(datetime(2026, 12, 4, tzinfo=UTC)))
     .where(Outbox.id == pending.id).execute())
    bookings_before = raw_rows(database_url, "booking", *_ids(purged_ids))
    messages_before = raw_rows(database_url, "outbox", *_booking_ids(purged_ids))
    later_before = raw_rows(database_url, "booking", *_ids([later.id]))
    later_messages_before = raw_rows(database_url, "outbox", *_booking_ids([later.id]))
    # the fixture gave every personal column a value, so blanking each one is observable
    for row in bookings_before:
        assert all(row[c] for c in BOOKING_PERSONAL), row
    assert messages_before and later_messages_before
    for column in OUTBOX_PERSONAL:
        assert any(m[column] for m in messages_before), column
    assert "pending" in {m["status"] for m in messages_before}
    now = from_db(soon.end) + timedelta(days=30, seconds=1)

    result = purge(30, now)

    assert (result.bookings, result.messages) == (2, len(messages_before))
    bookings_after = raw_rows(database_url, "booking", *_ids(purged_ids))
    for before, after in zip(bookings_before, bookings_after, strict=True):
        assert {c: after[c] for c in BOOKING_PERSONAL} == dict.fromkeys(BOOKING_PERSONAL, ""), \
            after
        # `soon` ended 2026-12-04 11:00 in Oslo; 30 days and a second later, in UTC
        assert str(after["purged_at"]) == "2027-01-03 10:00:01"
        # the anonymous facts stay, so the clinic can still count
        kept = set(before) - set(BOOKING_PERSONAL) - set(BOOKING_STAMP)
        assert {c: after[c] for c in kept} == {c: before[c] for c in kept}
        assert {"clinic", "calendar", "type", "start", "end", "status"} <= kept
        # and no personal value survives in any column of the row
        text = " ".join(str(v) for v in after.values())
        for column in BOOKING_PERSONAL:
            assert str(before[column]) not in text, column
    assert [r["status"] for r in bookings_after] == ["active", "cancelled"]

    messages_after = raw_rows(database_url, "outbox", *_booking_ids(purged_ids))
    for before, after in zip(messages_before, messages_after, strict=True):
        assert {c: after[c] for c in OUTBOX_PERSONAL} == dict.fromkeys(OUTBOX_PERSONAL, ""), \
            after
        # a pending one is cancelled: there is nothing left to send, to nobody
        assert after["status"] == ("cancelled" if before["status"] == "pending"
                                   else before["status"])
        assert after["claimed_by"] == "" and after["claimed_until"] is None
        kept = set(before) - set(OUTBOX_PERSONAL) - set(OUTBOX_STATE)
        assert {c: after[c] for c in kept} == {c: before[c] for c in kept}
        text = " ".join(str(v) for v in after.values())
        for column in OUTBOX_PERSONAL:
            if before[column]:
                assert before[column] not in text, column
        assert "kari@example.no" not in after["last_error"] and "+47" not in after["last_error"]

    # the booking that ended later, and its messages, are untouched
    assert raw_rows(database_url, "booking", *_ids([later.id])) == later_before
    assert raw_rows(database_url, "outbox", *_booking_ids([later.id])) == later_messages_before
    sealed = Keyring.from_text(TEST_DATA_KEY)  # the later booking's data, sealed at rest
    assert sealed.open(later_before[0]["national_id"], "booking.national_id") == fnr(3)
    assert sealed.open(later_before[0]["first_name"], "booking.first_name") == "Kari"
    assert len(raw_rows(database_url, "booking")) == 3

    # nothing of the purged patients is left anywhere in either table
    gone = {fnr(1), fnr(2), "kneet", REASON, "kari@example.no"}
    gone |= {b[c] for b in bookings_before for c in ("patient_key", "cancel_token_hash")}
    others = ([r for r in raw_rows(database_url, "booking") if r["id"] != later.id]
              + [m for m in raw_rows(database_url, "outbox") if m["booking_id"] != later.id])
    assert len(others) == 2 + len(messages_before)
    for row in others:
        text = " ".join(str(v) for v in row.values())
        assert not [g for g in gone if g in text], row


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
    with pytest.raises(ValueError, match="^days must be 0 or more$"):
        purge(-1, datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="^now must be timezone-aware$"):
        purge(30, datetime(2026, 1, 1))


def test_a_backlog_is_purged_in_batches_and_counted_in_full(booked, monkeypatch, caplog):
    """A short write transaction per batch; the counts add up over every batch."""
    app, client, rows, made = booked
    monkeypatch.setattr(purge_module, "BATCH", 1)
    transactions = []
    real = purge_module.write_transaction

    @contextmanager
    def counted():
        with real():
            transactions.append(1)
            yield

    monkeypatch.setattr(purge_module, "write_transaction", counted)
    messages = len(_messages(rows["soon"])) + len(_messages(rows["cancelled"]))
    caplog.set_level(logging.INFO, logger="ledig.purge")

    result = purge(30, from_db(rows["soon"].end) + timedelta(days=31))

    assert (result.bookings, result.messages) == (2, messages)
    # one booking, one booking, the one that finds none, and the staff searches' text
    assert len(transactions) == 4
    assert [r.getMessage() for r in caplog.records if r.name == "ledig.purge"] == [
        f"retention: erased personal data of 2 bookings and {messages} messages that ended "
        "more than 30 days ago"]


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

    written = on_disk()
    # it was written, sealed (storage/crypto.py) …
    assert number.encode() not in written and b"ld1." in written
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
    assert b"40612345" not in data and b"Nordmann" not in data  # the phone number, the name


def test_the_purge_command(booked, database_url, capsys, clock):
    app, client, rows, made = booked
    # make two of the bookings end long before the clock's day
    past = clock.now() - timedelta(days=400)
    (Booking.update(start=to_db(past), end=to_db(past + timedelta(hours=1)))
     .where(Booking.id.in_([rows["soon"].id, rows["cancelled"].id])).execute())
    db.close()
    assert cli.main(["purge", "--older-than", "365", "--database", database_url], clock) == 0
    assert "purged 2 bookings" in capsys.readouterr().out
    assert cli.main(["purge", "--older-than", "365", "--database", database_url], clock) == 0
    assert "purged 0 bookings and 0 messages" in capsys.readouterr().out
    db.connect(reuse_if_open=True)
    assert _fresh(rows["soon"]).national_id == "" and _fresh(rows["later"]).national_id


def test_the_purge_command_needs_the_number_of_days(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["purge"])
    assert exit_.value.code == 2 and "--older-than" in capsys.readouterr().err


def test_the_purge_command_says_when_the_database_is_unreachable(capsys):
    assert cli.main(["purge", "--older-than", "30", "--database", free_port_url()]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == (
        "error: the database is unreachable (OperationalError); nothing was purged")


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
        assert thread.runs == 1  # at start, then not before the interval is over
    finally:
        thread.stop()
    # a daemon thread: it never keeps `endpoint serve` from exiting
    assert (thread.name, thread.daemon, thread.is_alive()) == ("ledig-purge", True, False)
    with app.app_context(), db.connection_context():
        assert [b.national_id for b in Booking.select()] == [""]


def test_the_daily_thread_runs_again_after_each_interval(make_app, content_dir, sqlite_url,
                                                         clock):
    write_clinic(content_dir, SLUG, grenda_notifying())
    app = make_app(database_url=sqlite_url, purge_after_days=30)
    client = app.test_client()
    for who in (1, 2):
        body = booking_body(local(DAY0 + timedelta(days=3), 9 + who), who=who)
        assert client.post(f"{API}/bookings", json=body).status_code == 201
    past = clock.at - timedelta(days=31)

    def age(who: int) -> None:
        start = past + timedelta(hours=who)
        with app.app_context(), db.connection_context():
            # sealed at rest: a row is found by its order, not by comparing its number
            row = Booking.select().order_by(Booking.id)[who - 1]
            (Booking.update(start=to_db(start), end=to_db(start + timedelta(hours=1)))
             .where(Booking.id == row.id).execute())

    def wait_for(runs: int) -> None:
        deadline = time.monotonic() + 10
        while thread.runs < runs:
            assert time.monotonic() < deadline, f"the purge ran {thread.runs} times, not {runs}"
            time.sleep(0.02)

    def national_ids() -> list[str]:
        with app.app_context(), db.connection_context():
            return [b.national_id for b in Booking.select().order_by(Booking.id)]

    age(1)
    # a tenth of a second stands in for a day
    thread = start_daily_purge(30, clock, interval=0.1)
    try:
        wait_for(1)
        assert national_ids() == ["", fnr(2)]
        age(2)
        wait_for(thread.runs + 2)  # a whole run that began after the change
        assert national_ids() == ["", ""]
    finally:
        thread.stop()
