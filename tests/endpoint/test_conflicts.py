"""Configuration changes never strand patients silently (docs/staff.md), on both databases.

A day is closed in the clinic file under active bookings: they stay booked, a
warning with their count is logged when the endpoint reloads the file,
`…/conflicts` lists them, the day shows them, `/healthz` counts them and
`sitegen check --database URL` prints them. Other changes (a calendar taken
offline, a type removed) give their own reasons; `common.stored` refuses what
it cannot read.
"""

from __future__ import annotations

import logging
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from endpoint_support import booking_body, patient
from staff_api_support import (
    API,
    OTHER,
    PUBLIC,
    SLUG,
    STAFF,
    add_staff,
    clinic_yaml,
    iso,
    staff_body,
)
from support import TEST_DATA_KEY, TEST_START, clocked, write_clinic

from common.stored import StoredError, read_stored

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def setup(make_app, content_dir, database_url, clock):
    """An app at the tests' clock, which `sitegen check` is run at too (`sitegen_check`), so
    that both agree on which bookings lie ahead."""
    write_clinic(content_dir, SLUG, clinic_yaml())
    write_clinic(content_dir, OTHER, clinic_yaml())
    app = make_app(database_url=database_url)
    add_staff(database_url)
    day = (clock.at.astimezone(UTC) + timedelta(days=3)).date()
    return app.test_client(), day


def sitegen_check(content_dir: Path, *extra: str, cwd: Path = ROOT,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`sitegen check` in a child process, in `cwd` (where it looks for `var/`), with the
    tests' environment less LEDIG_DATABASE_URL, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k != "LEDIG_DATABASE_URL"}
    return subprocess.run(clocked(TEST_START, "sitegen", "check", "--content",
                                  str(content_dir), *extra), capture_output=True, text=True,
                          cwd=cwd, timeout=60, env=base | (env or {}))


def patient_of(who: int, first_name: str, last_name: str) -> dict:
    return patient(who, first_name=first_name, last_name=last_name)


def make_bookings(client, day):
    """Kari Nordmann's at 09:00 and Per Olsen's at 10:00 on `day` (initials K.N. and P.O.),
    and Kari Nordmann's the day after at 09:00."""
    staff = client.post(f"{API}/bookings", json=staff_body(iso(day, 9)), headers=STAFF)
    patient = client.post(f"{PUBLIC}/bookings",
                          json=booking_body(iso(day, 10), calendar="lege", type="kons",
                                            patient=patient_of(3, "per", "Olsen")))
    later = client.post(f"{API}/bookings", json=staff_body(iso(day + timedelta(days=1), 9)),
                        headers=STAFF)
    assert {staff.status_code, patient.status_code, later.status_code} == {201}, (
        staff.get_json(), patient.get_json())
    return (staff.get_json()["booking"]["id"], patient.get_json()["booking"]["id"],
            later.get_json()["booking"]["id"])


def test_closing_a_day_under_bookings(setup, content_dir, database_url, caplog):
    client, day = setup
    staff_id, patient_id, later_id = make_bookings(client, day)
    assert client.get(f"{API}/conflicts", headers=STAFF).get_json() == {"conflicts": []}
    assert client.get("/healthz").get_json()["conflicts"] == 0
    before = sitegen_check(content_dir, "--database", database_url)
    assert before.returncode == 0, before.stderr
    assert "no active booking would be left outside the schedule" in before.stdout

    closed = f"      - {{date: {day.isoformat()}, closed: true, reason: Kurs}}\n"
    write_clinic(content_dir, SLUG, clinic_yaml(closed))
    # the admin checks the change before the endpoint sees it
    check = sitegen_check(content_dir, "--database", database_url)
    assert check.returncode == 0, check.stderr
    assert "2 active booking(s) would be left outside the schedule" in check.stdout
    # by date, time, calendar, type and the patient's initials: what the timebok shows
    assert (f"{day.isoformat()} 09:00  Dr. Lege / Konsultasjon  patient K.N.: the day is "
            "closed in the schedule") in check.stdout
    assert (f"{day.isoformat()} 10:00  Dr. Lege / Konsultasjon  patient P.O.: the day is "
            "closed in the schedule") in check.stdout
    assert f"{(day + timedelta(days=1)).isoformat()} 09:00" not in check.stdout
    assert not {staff_id, patient_id, later_id} & set(check.stdout.split())
    assert "would be left" not in sitegen_check(content_dir, "--database", "none").stdout

    with caplog.at_level(logging.WARNING, logger="ledig.content"):
        listed = client.get(f"{API}/conflicts", headers=STAFF)
    warnings = [r.getMessage() for r in caplog.records if r.name == "ledig.content"]
    assert any("leaves 2 active booking(s) outside its schedule" in w for w in warnings), \
        warnings
    body = listed.get_json()["conflicts"]
    assert [(c["booking"]["id"], c["reason"]) for c in body] == [
        (staff_id, "day_closed"), (patient_id, "day_closed")]
    assert body[0]["booking"]["status"] == "active" and body[0]["message"]
    assert client.get("/healthz").get_json()["conflicts"] == 2
    shown = client.get(f"{API}/day?date={day}", headers=STAFF).get_json()
    lege = shown["calendars"][0]
    assert lege["closed"] == "Kurs" and lege["blocks"] == []
    assert [(b["id"], b["status"], b["conflict"]) for b in lege["bookings"]] == [
        (staff_id, "active", "day_closed"), (patient_id, "active", "day_closed")]

    # cancelling one (and telling the patient) takes it off the list and the count
    done = client.post(f"{API}/bookings/{staff_id}/cancel",
                       json={"initiated_by": "clinic", "reason": "Legen er på kurs"},
                       headers=STAFF)
    assert done.status_code == 200
    assert client.get("/healthz").get_json()["conflicts"] == 1
    # moving the other to a day that is open takes it off too
    moved = client.patch(f"{API}/bookings/{patient_id}",
                         json={"start": iso(day + timedelta(days=1), 10)}, headers=STAFF)
    assert moved.status_code == 200
    assert client.get(f"{API}/conflicts", headers=STAFF).get_json() == {"conflicts": []}
    assert client.get("/healthz").get_json()["conflicts"] == 0


def test_a_calendar_taken_offline_or_a_type_removed(setup, content_dir, database_url):
    client, day = setup
    staff_id, patient_id, _ = make_bookings(client, day)
    write_clinic(content_dir, SLUG, clinic_yaml().replace(
        "    name: Dr. Lege\n    online: true", "    name: Dr. Lege\n    online: false"))
    listed = client.get(f"{API}/conflicts", headers=STAFF).get_json()["conflicts"]
    # staff may book an offline calendar; a booking its patient made online no longer fits
    assert [(c["booking"]["id"], c["reason"]) for c in listed] == [
        (patient_id, "calendar_offline")]
    text = clinic_yaml().replace("types: [kons, kort]", "types: [kort]").replace(
        "types: [kons, intern]", "types: [intern]").replace("types: [kons]}", "types: [kort]}")
    write_clinic(content_dir, SLUG, text)
    listed = client.get(f"{API}/conflicts", headers=STAFF).get_json()["conflicts"]
    assert {c["reason"] for c in listed} == {"type_not_offered"}
    check = sitegen_check(content_dir, "--database", database_url)
    assert check.stdout.count("its block no longer offers the appointment type") == 3


def test_check_reads_the_database_of_ledig_database_url(setup, content_dir, database_url):
    client, day = setup
    make_bookings(client, day)
    closed = f"      - {{date: {day.isoformat()}, closed: true, reason: Kurs}}\n"
    write_clinic(content_dir, SLUG, clinic_yaml(closed))
    check = sitegen_check(content_dir, env={"LEDIG_DATABASE_URL": database_url})
    assert check.returncode == 0, check.stderr
    assert "2 active booking(s) would be left outside the schedule" in check.stdout
    assert (f"database: {database_url} (LEDIG_DATABASE_URL); patients' initials opened with "
            "LEDIG_DATA_KEY") in check.stdout


@pytest.fixture
def project(tmp_path, content_dir, make_app, clock):
    """A folder as the endpoint leaves it with no LEDIG_DATABASE_URL nor LEDIG_DATA_KEY:
    `var/ledig.sqlite3` and the key it made in `var/data_key`; a day with two bookings
    closed in the clinic file since."""
    folder = tmp_path / "project"
    (folder / "var").mkdir(parents=True)
    url = f"sqlite:///{folder / 'var' / 'ledig.sqlite3'}"
    write_clinic(content_dir, SLUG, clinic_yaml())
    app = make_app(database_url=url)
    add_staff(url)
    day = (clock.at.astimezone(UTC) + timedelta(days=3)).date()
    make_bookings(app.test_client(), day)
    (folder / "var" / "data_key").write_text(TEST_DATA_KEY + "\n")
    write_clinic(content_dir, SLUG, clinic_yaml(
        f"      - {{date: {day.isoformat()}, closed: true, reason: Kurs}}\n"))
    return folder


NO_KEY = {"LEDIG_DATA_KEY": ""}


def test_check_reads_the_endpoints_default_database_and_kept_key(project, content_dir):
    check = sitegen_check(content_dir, cwd=project, env=NO_KEY)
    assert check.returncode == 0, check.stderr
    assert ("database: sqlite:///var/ledig.sqlite3 (the endpoint's default); patients' "
            "initials opened with var/data_key") in check.stdout
    assert "09:00  Dr. Lege / Konsultasjon  patient K.N.: the day is closed" in check.stdout


def test_check_without_the_data_key_lists_without_initials(project, content_dir):
    (project / "var" / "data_key").unlink()
    check = sitegen_check(content_dir, cwd=project, env=NO_KEY)
    assert check.returncode == 0, check.stderr
    assert "without patients' initials: no data key" in check.stdout
    assert "09:00  Dr. Lege / Konsultasjon: the day is closed" in check.stdout


def test_check_says_when_it_finds_no_database(tmp_path, content_dir):
    write_clinic(content_dir, SLUG, clinic_yaml())
    check = sitegen_check(content_dir, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert ("database: none read (the endpoint's default: sqlite:///var/ledig.sqlite3 is not "
            "there)") in check.stdout
    assert "would be left" not in check.stdout


def test_an_unreadable_default_database_is_said_and_the_check_stands(tmp_path, content_dir):
    """A `var/ledig.sqlite3` the check cannot read (here: no ledig database) that nobody
    named does not fail `make demo`'s check: it says so and checks no bookings."""
    write_clinic(content_dir, SLUG, clinic_yaml())
    (tmp_path / "var").mkdir()
    import sqlite3
    sqlite3.connect(tmp_path / "var" / "ledig.sqlite3").close()
    check = sitegen_check(content_dir, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "this is no ledig endpoint database" in check.stderr
    assert ("database: sqlite:///var/ledig.sqlite3 (the endpoint's default) could not be read "
            "(see above): the bookings this content would strand are not checked"
            ) in check.stdout


def test_an_unreadable_ledig_database_url_fails_the_check(tmp_path, content_dir):
    write_clinic(content_dir, SLUG, clinic_yaml())
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    check = sitegen_check(content_dir, cwd=tmp_path, env={"LEDIG_DATABASE_URL": missing})
    assert check.returncode == 1 and f"database {missing}: no database file there" in \
        check.stderr


def test_a_database_password_is_not_printed():
    from common.stored import without_password
    assert without_password("postgresql://ledig:s3cret@db:5432/ledig") == (
        "postgresql://ledig:***@db:5432/ledig")


def test_the_database_flag_says_what_it_cannot_read(tmp_path, content_dir):
    missing = f"sqlite:///{tmp_path / 'nothing.sqlite3'}"
    with pytest.raises(StoredError, match="no database file there"):
        read_stored(missing, TEST_START)
    assert not (tmp_path / "nothing.sqlite3").exists()  # and it made none
    check = sitegen_check(content_dir, "--database", missing)
    assert check.returncode == 1 and "no database file there" in check.stderr
    empty = tmp_path / "empty.sqlite3"
    import sqlite3
    sqlite3.connect(empty).close()
    with pytest.raises(StoredError, match="no ledig endpoint database"):
        read_stored(f"sqlite:///{empty}", TEST_START)
    con = sqlite3.connect(empty)
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT)")
    con.execute("INSERT INTO schema_version VALUES (4, '')")
    con.commit()
    con.close()
    with pytest.raises(StoredError, match="its schema is version 4"):
        read_stored(f"sqlite:///{empty}", TEST_START)
    with pytest.raises(StoredError, match="use sqlite"):
        read_stored("mysql://x", TEST_START)


def test_a_type_open_on_holidays_is_booked_on_one_and_is_no_conflict(make_app, content_dir,
                                                                     sqlite_url, clock):
    """One schedule rule: the clinic closes on public holidays, the type `kons` does not
    (its `online_rules`); patients book it on Christmas Day, and staff see the day open
    for it and no conflict. `kort` follows the clinic and stays closed."""
    text = clinic_yaml().replace("closed_on_public_holidays: false",
                                 "closed_on_public_holidays: true").replace(
        "reminder_hours: 24}", "reminder_hours: 24,\n     online_rules: "
        "{closed_on_public_holidays: false}}")
    assert text.count("closed_on_public_holidays") == 2
    write_clinic(content_dir, SLUG, text)
    clock.at = datetime(2026, 12, 22, 6, tzinfo=UTC)  # Tuesday, three days before
    client = make_app(database_url=sqlite_url).test_client()
    add_staff(sqlite_url)
    christmas = datetime(2026, 12, 25).date()
    made = client.post(f"{PUBLIC}/bookings", json=booking_body(
        iso(christmas, 9), calendar="lege", type="kons"))
    assert made.status_code == 201, made.get_json()
    assert client.get(f"{API}/conflicts", headers=STAFF).get_json() == {"conflicts": []}
    kort = client.post(f"{PUBLIC}/bookings", json=booking_body(
        iso(christmas, 10), calendar="lege", type="kort", who=4))
    assert kort.status_code == 409 and kort.get_json()["code"] == "slot_unavailable"
    day = client.get(f"{API}/day?date={christmas}", headers=STAFF).get_json()
    (lege,) = [c for c in day["calendars"] if c["id"] == "lege"]
    assert [(x["start"][11:16], x["end"][11:16], x["types"]) for x in lege["blocks"]] == [
        ("08:00", "12:00", ["kons"]), ("12:00", "13:00", ["kons"])]
