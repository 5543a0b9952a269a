"""Backups that restore (issue #28), on SQLite and PostgreSQL.

`endpoint backup` is taken while a thread books: restored on a fresh path with a
fresh `var/` and the data key, it serves every booking whose 201 came back before
the backup began (by id and cancel token), and `endpoint verify-backup` opens every
sealed value in it; without the key the endpoint and `verify-backup` both refuse
(exit 1) naming the key's id; after `rotate-data-key` the old backup opens with
the retired key in LEDIG_DATA_KEY_OLD. docs/deploy.md's restore steps are run as
written. A backup of the first schema (version 1) restores into today's endpoint,
which migrates and seals it. And the protections: a backup replaces its file whole
with mode 0600, a failing `pg_dump` leaves the previous one (and its error is shown
without the row it quotes), and an unreachable database writes nothing; without
`pg_dump` on the PATH the command says what to run (without the password);
`verify-backup` writes nothing, names the column of a value that does not open,
and names a key the endpoint would ask for even with no value under it; `--out` is
never the database; the first start says where the key it made lives, and a
restore without its key makes none.

Commands run in this process (`endpoint.cli.main(argv, clock)`), except the docs'
steps, which run in a shell as an operator would.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from notify_support import book, clinic_yaml, slot, write_clinic
from staff_api_support import rows
from support import TEST_DATA_KEY, Done, clocked, free_port_url, run_main

from endpoint.cli import main
from endpoint.storage.crypto import DataKeyError, key_id

SLUG = "varsel"
ROOT = Path(__file__).resolve().parents[2]
KID = key_id(base64.b64decode(TEST_DATA_KEY))  # the id the tests' data key goes by
NEW_KEY = base64.b64encode(b"r" * 32).decode()
ADMIN_URL = os.environ.get("LEDIG_TEST_POSTGRES_URL",
                           "postgresql://postgres@127.0.0.1:5432/postgres")
ENOUGH = 3  # bookings committed before the backup begins


def command(clock, tmp_path: Path, *argv: str, **env: str) -> Done:
    """An `endpoint` command in this process, with a `var/` of its own (no key file)."""
    return run_main(main, list(argv), clock=clock,
                    env={"LEDIG_VAR": str(tmp_path / "command-var"), **env})


def scratch(path: Path) -> list[str]:
    """verify-backup's flag for the server of a pg_dump archive's scratch database."""
    return ["--database", ADMIN_URL] if path.suffix == ".dump" else []


def get_booking(client, booking_id: str, token: str):
    return client.get(f"/api/v1/clinics/{SLUG}/bookings/{booking_id}",
                      headers={"Authorization": f"Bearer {token}"})


# -- databases of the tests' own ------------------------------------------------------------

def _admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture
def new_database():
    """Empty PostgreSQL databases for a test (made now, or named for the test to make),
    each dropped after it: their names and URLs."""
    made: list[str] = []

    def make(create: bool = True) -> tuple[str, str]:
        name = f"ledig_restored_{uuid.uuid4().hex[:12]}"
        made.append(name)
        if create:
            _admin(f'CREATE DATABASE "{name}"')
        return name, f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"

    yield make
    from endpoint.storage.db import db

    if db.obj is not None and hasattr(db.obj, "close_all"):
        db.obj.close_all()
    for name in made:
        _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
               f"'{name}' AND pid <> pg_backend_pid()")
        _admin(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def restore(tmp_path, new_database):
    """Restore a backup on a fresh path (a SQLite file copied into a new folder, or a
    pg_dump archive into a new database); its URL."""

    def restore(backup: Path) -> str:
        if backup.suffix != ".dump":
            target = tmp_path / f"restored-{uuid.uuid4().hex[:6]}" / "ledig.sqlite3"
            target.parent.mkdir()
            shutil.copyfile(backup, target)
            return f"sqlite:///{target}"
        _, url = new_database()
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", url, str(backup)],
                       check=True, capture_output=True)
        return url

    return restore


# -- a backup taken while a thread books ---------------------------------------------------

class Booker(threading.Thread):
    """Books one slot after another through the API until told to stop; keeps the id and
    cancel token of each booking whose 201 came back (its transaction committed)."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.client = app.test_client()
        self.committed: list[tuple[str, str]] = []
        self.enough = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            n = 0
            while not self.stop.is_set() and n < 90:  # the clinic's max_self_booked is 100
                answer = book(self.client, slot(n), type_id="epost")
                assert answer.status_code == 201, answer.get_json()
                body = answer.get_json()
                self.committed.append((body["booking"]["id"], body["cancel_token"]))
                n += 1
                if n >= ENOUGH:
                    self.enough.set()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.enough.set()


@dataclass
class Backup:
    path: Path
    before: list[tuple[str, str]]  # (id, cancel token) committed before the backup began
    report: str


@pytest.fixture
def backed_up(make_app, content_dir, database_url, clock, tmp_path) -> Backup:
    write_clinic(content_dir, SLUG, clinic_yaml())
    booker = Booker(make_app(database_url=database_url))
    booker.start()
    booker.enough.wait(60)
    before = list(booker.committed)
    out = tmp_path / ("ledig.dump" if database_url.startswith("postgres") else "ledig.sqlite3")
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database", database_url)
    booker.stop.set()
    booker.join(60)
    assert booker.error is None, booker.error
    assert done.returncode == 0, done.stderr
    assert len(before) >= ENOUGH
    return Backup(out, before, done.stdout)


def test_the_restored_backup_serves_every_booking_committed_before_it_began(
        backed_up, restore, make_app, tmp_path):
    url = restore(backed_up.path)
    client = make_app(database_url=url, var=tmp_path / "new-host-var").test_client()
    served = [get_booking(client, booking_id, token).status_code
              for booking_id, token in backed_up.before]
    assert served == [200] * len(backed_up.before)


def test_verify_backup_opens_every_sealed_value(backed_up, clock, tmp_path):
    done = command(clock, tmp_path, "verify-backup", str(backed_up.path),
                   *scratch(backed_up.path))
    assert done.returncode == 0, done.stderr
    opened, sealed = map(int, re.search(r"opened (\d+) of (\d+) sealed values",
                                        done.stdout).groups())
    # at least each booking's national id, first and last name, phone and e-mail
    assert opened == sealed >= 5 * len(backed_up.before)


def test_without_the_key_verify_backup_refuses_naming_it(backed_up, clock, tmp_path,
                                                         monkeypatch):
    monkeypatch.delenv("LEDIG_DATA_KEY")
    done = command(clock, tmp_path, "verify-backup", str(backed_up.path),
                   *scratch(backed_up.path))
    assert (done.returncode, f"need data key {KID}" in done.stderr) == (1, True), done.stderr


def test_after_a_rotation_the_old_backup_opens_with_the_retired_key(
        backed_up, make_app, database_url, clock, tmp_path):
    make_app(database_url=database_url, data_key=NEW_KEY, data_key_old=TEST_DATA_KEY)
    rotated = command(clock, tmp_path, "rotate-data-key", "--database", database_url,
                      LEDIG_DATA_KEY=NEW_KEY, LEDIG_DATA_KEY_OLD=TEST_DATA_KEY)
    assert f"retired key {KID}" in rotated.stdout, rotated.stderr
    assert "Backups taken before this rotation still need data key" in rotated.stderr
    verify = ["verify-backup", str(backed_up.path), *scratch(backed_up.path)]
    assert command(clock, tmp_path, *verify, LEDIG_DATA_KEY=NEW_KEY).returncode == 1
    with_old = command(clock, tmp_path, *verify, LEDIG_DATA_KEY=NEW_KEY,
                       LEDIG_DATA_KEY_OLD=TEST_DATA_KEY)
    assert with_old.returncode == 0, with_old.stderr


# -- the oldest schema ----------------------------------------------------------------------

def _build_version_1(database_url: str) -> tuple[str, str]:
    """A database as version 1 of the schema left it (endpoint/db.py of the first
    release), with one booking and its message stored in plain text, as then; the
    booking's id and cancel token."""
    postgres = database_url.startswith("postgres")
    key = "SERIAL PRIMARY KEY" if postgres else "INTEGER NOT NULL PRIMARY KEY"
    token = "v1-cancel-token-of-22c"
    statements = [
        f"CREATE TABLE schema_version (id {key}, version INTEGER NOT NULL, "
        "applied_at TIMESTAMP NOT NULL)",
        f"CREATE TABLE booking (id {key}, public_id VARCHAR(40) NOT NULL UNIQUE, "
        "clinic VARCHAR(100) NOT NULL, calendar VARCHAR(100) NOT NULL, "
        "type VARCHAR(100) NOT NULL, start TIMESTAMP NOT NULL, \"end\" TIMESTAMP NOT NULL, "
        "status VARCHAR(16) NOT NULL, self_booked BOOLEAN NOT NULL, "
        "patient_key VARCHAR(64) NOT NULL, id_type VARCHAR(8) NOT NULL, "
        "national_id VARCHAR(16) NOT NULL, first_name VARCHAR(200) NOT NULL, "
        "last_name VARCHAR(200) NOT NULL, phone VARCHAR(32) NOT NULL, "
        "email VARCHAR(320) NOT NULL, note TEXT NOT NULL, "
        "cancel_token_hash VARCHAR(64) NOT NULL, config_version VARCHAR(32) NOT NULL, "
        "created_at TIMESTAMP NOT NULL, cancelled_at TIMESTAMP, "
        "cancelled_by VARCHAR(16) NOT NULL, cancel_reason TEXT NOT NULL, purged_at TIMESTAMP)",
        "CREATE INDEX booking_clinic ON booking (clinic)",
        "CREATE INDEX booking_patient_key ON booking (patient_key)",
        "CREATE INDEX booking_clinic_calendar_start ON booking (clinic, calendar, start)",
        "CREATE UNIQUE INDEX booking_active_start ON booking (clinic, calendar, start) "
        "WHERE status = 'active'",
        f"CREATE TABLE outbox (id {key}, booking_id INTEGER REFERENCES booking (id) "
        "ON DELETE SET NULL, clinic VARCHAR(100) NOT NULL, kind VARCHAR(24) NOT NULL, "
        "channel VARCHAR(8) NOT NULL, recipient VARCHAR(320) NOT NULL, subject TEXT NOT NULL, "
        "body TEXT NOT NULL, attachment TEXT NOT NULL, due_at TIMESTAMP NOT NULL, "
        "status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, "
        "claimed_by VARCHAR(64) NOT NULL, claimed_until TIMESTAMP, sent_at TIMESTAMP, "
        "created_at TIMESTAMP NOT NULL)",
        f"CREATE TABLE staff_user (id {key}, clinic VARCHAR(100) NOT NULL, "
        "username VARCHAR(100) NOT NULL, password_hash VARCHAR(255) NOT NULL, "
        "feed_token_hash VARCHAR(64) NOT NULL, created_at TIMESTAMP NOT NULL)",
        'CREATE TABLE rate_hit ("key" VARCHAR(128) NOT NULL, "window" INTEGER NOT NULL, '
        '"count" INTEGER NOT NULL)',
        "CREATE TABLE lock (name VARCHAR(200) PRIMARY KEY)",
        "INSERT INTO schema_version (version, applied_at) VALUES (1, '2026-11-26 02:00:00')",
        "INSERT INTO booking (public_id, clinic, calendar, type, start, \"end\", status, "
        "self_booked, patient_key, id_type, national_id, first_name, last_name, phone, email, "
        "note, cancel_token_hash, config_version, created_at, cancelled_by, cancel_reason) "
        "VALUES ('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'varsel', 'lege', 'epost', "
        "'2026-12-02 07:40:00', '2026-12-02 08:00:00', 'active', TRUE, "
        f"'{'0' * 64}', 'fnr', '13097248022', 'Kari', 'Nordmann', '+4740612345', "
        f"'kari@example.no', '', '{hashlib.sha256(token.encode()).hexdigest()}', '', "
        "'2026-11-26 03:00:00', '', '')",
        "INSERT INTO outbox (booking_id, clinic, kind, channel, recipient, subject, body, "
        "attachment, due_at, status, attempts, last_error, claimed_by, created_at) "
        "VALUES (1, 'varsel', 'confirmation', 'email', 'kari@example.no', 'Timen din', "
        "'Hei Kari', '', '2026-11-26 03:00:00', 'sent', 1, '', '', '2026-11-26 03:00:00')",
    ]
    if postgres:
        statements += ["CREATE EXTENSION IF NOT EXISTS btree_gist",
                       "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING "
                       "gist (clinic WITH =, calendar WITH =, tsrange(start, \"end\") WITH &&) "
                       "WHERE (status = 'active')"]
        import psycopg2
        connection = psycopg2.connect(database_url)
    else:
        Path(database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(database_url[len("sqlite:///"):])
    try:
        cursor = connection.cursor()
        for sql in statements:
            cursor.execute(sql)
        connection.commit()
    finally:
        connection.close()
    return "0f1e2d3c4b5a69788796a5b4c3d2e1f0", token


@pytest.mark.empty_database
def test_a_backup_of_the_first_schema_restores_migrated_and_sealed(
        database_url, content_dir, restore, make_app, clock, tmp_path):
    write_clinic(content_dir, SLUG, clinic_yaml())
    booking_id, token = _build_version_1(database_url)
    out = tmp_path / ("v1.dump" if database_url.startswith("postgres") else "v1.sqlite3")
    assert command(clock, tmp_path, "backup", "--out", str(out), "--database",
                   database_url).returncode == 0
    drill = command(clock, tmp_path, "verify-backup", str(out), *scratch(out))
    assert drill.returncode == 0, drill.stderr
    assert "schema version 1; this endpoint migrates it" in drill.stdout
    assert "8 values from before sealing" in drill.stdout  # 5 of the booking, 3 of the message
    url = restore(out)
    client = make_app(database_url=url, var=tmp_path / "new-host-var").test_client()
    assert get_booking(client, booking_id, token).status_code == 200
    (stored,) = rows(url, "SELECT first_name FROM booking")
    assert stored[0].startswith(f"ld1.{KID}.")


# -- the protections ------------------------------------------------------------------------

@pytest.fixture
def one_booking(make_app, content_dir, sqlite_url, clock, tmp_path) -> Backup:
    """A SQLite database with one booking, and a backup of it."""
    write_clinic(content_dir, SLUG, clinic_yaml())
    client = make_app(database_url=sqlite_url).test_client()
    body = book(client, slot(0), type_id="epost").get_json()
    out = tmp_path / "one.sqlite3"
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database", sqlite_url)
    assert done.returncode == 0, done.stderr
    return Backup(out, [(body["booking"]["id"], body["cancel_token"])], done.stdout)


def test_a_backup_replaces_its_file_whole_with_mode_0600(one_booking, sqlite_url, clock,
                                                         tmp_path):
    out = tmp_path / "nightly" / "ledig.sqlite3"
    out.parent.mkdir()
    out.write_text("last night's backup")
    os.chmod(out, 0o644)
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database", sqlite_url)
    assert done.returncode == 0, done.stderr
    assert (stat.S_IMODE(out.stat().st_mode), out.read_bytes()[:16], os.listdir(out.parent)) \
        == (0o600, b"SQLite format 3\0", ["ledig.sqlite3"])


def failing_pg_dump(tmp_path: Path, *said: str) -> str:
    """A PATH whose pg_dump writes half an archive where -f says, says `said` on stderr and
    fails, as one that loses its server does."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text('#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -f ] && printf PGDMP-half '
                    '> "$2"; shift; done\n' + "".join(f"echo {shlex.quote(line)} >&2\n"
                                                     for line in said) + "exit 1\n")
    fake.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}"


def test_a_failing_pg_dump_leaves_the_previous_backup_as_it_was(postgres_url, clock,
                                                                tmp_path):
    path = failing_pg_dump(tmp_path, "pg_dump: error: connection to server lost")
    out = tmp_path / "nightly" / "ledig.dump"
    out.parent.mkdir()
    out.write_bytes(b"PGDMP last night's whole backup")
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database", postgres_url,
                   PATH=path)
    assert (done.returncode, out.read_bytes(), os.listdir(out.parent)) == \
        (1, b"PGDMP last night's whole backup", ["ledig.dump"]), done.stderr


def test_a_failing_pg_dumps_error_is_shown_without_the_row_it_quotes(postgres_url, clock,
                                                                   tmp_path):
    path = failing_pg_dump(tmp_path, "pg_dump: error: query failed: ERROR:  invalid input",
                           "DETAIL:  Key (national_id)=(13097248022) is duplicated.",
                           "CONTEXT:  COPY booking, line 1: \"Kari Nordmann 40612345\"")
    done = command(clock, tmp_path, "backup", "--out", str(tmp_path / "ledig.dump"),
                   "--database", postgres_url, PATH=path)
    assert done.returncode == 1 and "query failed" in done.stderr
    assert not {"13097248022", "Kari", "40612345"} & set(re.findall(r"\w+", done.stderr))


def test_without_pg_dump_on_the_path_the_backup_says_what_to_run(clock, tmp_path):
    (tmp_path / "no-programs").mkdir()
    url = free_port_url().replace("postgres@", "ledig:hemmelig@")
    out = tmp_path / "ledig.dump"
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database", url,
                   PATH=str(tmp_path / "no-programs"))
    by_hand = f"pg_dump -Fc -d {url.replace(':hemmelig', '')} -f {out}"
    assert (done.returncode, by_hand in done.stderr, "hemmelig" in done.stderr) == \
        (1, True, False), done.stderr


def test_an_unreachable_database_is_an_error_that_writes_nothing(clock, tmp_path):
    out = tmp_path / "nightly" / "ledig.dump"
    out.parent.mkdir()
    done = command(clock, tmp_path, "backup", "--out", str(out), "--database",
                   free_port_url())
    assert (done.returncode, "could not be read" in done.stderr, os.listdir(out.parent)) == \
        (1, True, []), done.stderr


def test_verify_backup_writes_nothing_beside_or_in_the_backup(one_booking, clock, tmp_path):
    # a copy of a live database as the old docs made it: the file and its write-ahead log
    folder = tmp_path / "copied"
    folder.mkdir()
    live = sqlite3.connect(folder / "ledig.sqlite3")
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("PRAGMA wal_autocheckpoint = 0")
    one = sqlite3.connect(one_booking.path)
    one.backup(live)
    one.close()
    live.execute("CREATE TABLE later (x)")  # a commit still in the -wal file
    live.commit()
    drill = tmp_path / "drill"
    drill.mkdir()
    for name in ("ledig.sqlite3", "ledig.sqlite3-wal"):
        shutil.copyfile(folder / name, drill / name)
    live.close()
    backup = drill / "ledig.sqlite3"

    def state():
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in drill.iterdir()}

    before = state()
    done = command(clock, tmp_path, "verify-backup", str(backup))
    assert (done.returncode, "ledig.sqlite3-wal lies beside it" in done.stdout) == (0, True)
    assert state() == before


def test_a_value_that_does_not_open_is_named_by_its_table_and_column(one_booking, clock,
                                                                    tmp_path):
    con = sqlite3.connect(one_booking.path)
    (stored,) = con.execute("SELECT first_name FROM booking").fetchone()
    con.execute("UPDATE booking SET first_name = ?",
                (stored[:-2] + ("AA" if stored[-2:] != "AA" else "BB"),))
    con.commit()
    con.close()
    done = command(clock, tmp_path, "verify-backup", str(one_booking.path))
    assert (done.returncode, "1 values in booking.first_name do not authenticate"
            in done.stderr) == (1, True), done.stderr


def test_a_key_the_backup_records_is_needed_even_with_no_value_under_it(
        make_app, sqlite_url, clock, tmp_path, monkeypatch):
    make_app(database_url=sqlite_url)  # the key is recorded; nothing is sealed yet
    out = tmp_path / "empty.sqlite3"
    assert command(clock, tmp_path, "backup", "--out", str(out), "--database",
                   sqlite_url).returncode == 0
    monkeypatch.delenv("LEDIG_DATA_KEY")
    done = command(clock, tmp_path, "verify-backup", str(out))
    assert (done.returncode, f"records data key {KID}" in done.stderr) == (1, True), \
        done.stderr


def test_out_is_never_the_database_itself(one_booking, sqlite_url, clock, tmp_path):
    database = Path(sqlite_url[len("sqlite:///"):])
    done = command(clock, tmp_path, "backup", "--out", str(database), "--database", sqlite_url)
    assert (done.returncode, "is the database itself" in done.stderr,
            rows(sqlite_url, "SELECT count(*) FROM booking")) == (1, True, [(1,)])


# -- the data key at start -------------------------------------------------------------------

def test_without_the_key_the_restored_endpoint_refuses_naming_it(
        backed_up, restore, content_dir, clock, tmp_path, monkeypatch):
    url = restore(backed_up.path)
    monkeypatch.delenv("LEDIG_DATA_KEY")
    monkeypatch.setattr("endpoint.server.waitress_serve",
                        lambda *a, **k: pytest.fail("the endpoint served without its key"))
    done = command(clock, tmp_path, "serve", "--content", str(content_dir), "--database", url,
                   LEDIG_SECRET_KEY="test-secret-key")
    assert (done.returncode, KID in done.stderr) == (1, True), done.stderr


def test_the_first_start_says_where_its_new_data_key_lives(make_app, tmp_path, caplog):
    make_app(data_key="")
    said = [r.getMessage() for r in caplog.records if "made a new data key" in r.getMessage()]
    caplog.clear()
    make_app(data_key="")  # the second start made none, and says nothing
    again = [r for r in caplog.records if "made a new data key" in r.getMessage()]
    assert len(said) == 1 and not again
    assert str(tmp_path / "var" / "data_key") in said[0] and "Back it up now" in said[0]


def test_a_restore_without_its_key_makes_no_key_of_its_own(one_booking, restore, make_app,
                                                           tmp_path):
    url = restore(one_booking.path)
    fresh = tmp_path / "new-host-var"
    with pytest.raises(DataKeyError, match=KID):
        make_app(database_url=url, var=fresh, data_key="")
    assert not (fresh / "data_key").exists()


# -- the docs' restore steps, as written ----------------------------------------------------

def restore_steps(database: str) -> str:
    """The commands of docs/deploy.md's restore block for `database`."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- restore: {database} -->\n```sh\n(.*?)```", text, re.S)
    assert found, f"docs/deploy.md has no restore block for {database}"
    return found[1]


def test_the_docs_restore_steps_work_as_written(backed_up, new_database, make_app,
                                                content_dir, clock, tmp_path):
    postgres = backed_up.path.suffix == ".dump"
    steps = restore_steps("postgresql" if postgres else "sqlite")
    srv = tmp_path / "srv"
    places = {".venv/bin/endpoint": shlex.join(clocked(clock.now(), "endpoint")),
              "/srv/ledig": str(srv)}
    if postgres:
        srv.mkdir()
        name, url = new_database(create=False)  # the steps make it
        env_file = tmp_path / "ledig.env"
        env_file.write_text(f"LEDIG_DATABASE_URL={url}\nLEDIG_DATA_KEY={TEST_DATA_KEY}\n"
                            f"LEDIG_SECRET_KEY=test-secret-key\nLEDIG_CONTENT={content_dir}\n"
                            f"LEDIG_VAR={srv / 'var'}\n")
        places |= {"/etc/ledig/ledig.env": str(env_file),
                   "--owner=ledig ledig": f"--owner=postgres {name}",
                   "/backup/ledig-2026-12-01.dump": str(backed_up.path),
                   "postgresql://postgres@127.0.0.1:5432/postgres": ADMIN_URL}
        restored, var = url, tmp_path / "new-host-var"
    else:
        keys = tmp_path / "kept-apart"  # the keys, as the operator kept them
        keys.mkdir()
        (keys / "data_key").write_text(TEST_DATA_KEY + "\n")
        (keys / "secret_key").write_text("test-secret-key\n")
        places |= {"/backup/ledig-2026-12-01.sqlite3": str(backed_up.path),
                   "/media/keys/ledig": str(keys)}
        restored, var = f"sqlite:///{srv / 'var' / 'ledig.sqlite3'}", srv / "var"
    for placeholder in places:
        assert placeholder in steps, f"the restore steps no longer say {placeholder}"
    for placeholder in sorted(places, key=len, reverse=True):
        steps = steps.replace(placeholder, places[placeholder])
    shell_env = {k: v for k, v in os.environ.items() if not k.startswith("LEDIG_")}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", steps], env=shell_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ok:" in done.stdout, done.stdout + done.stderr
    # the endpoint starts on what the steps restored, with the key they restored
    client = make_app(database_url=restored, var=var,
                      data_key="" if not postgres else TEST_DATA_KEY).test_client()
    booking_id, token = backed_up.before[0]
    assert get_booking(client, booking_id, token).status_code == 200
