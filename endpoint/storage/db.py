"""The endpoint's storage: Peewee models, the connection from a URL, write transactions.

SQLite by default (WAL, `BEGIN IMMEDIATE` for writes), PostgreSQL through a
`postgresql://` URL. The database is the last line of defence: a unique
index forbids two active bookings starting together in one calendar
(both databases) and, on PostgreSQL, an exclusion constraint forbids any
overlap; `write_transaction` serialises booking writes per calendar and per
patient across processes and hosts. The schema's versions live in
`endpoint.storage.migrations`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    Database,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    InterfaceError,
    Model,
    PostgresqlDatabase,
    TextField,
)
from playhouse.db_url import connect, parse
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from endpoint.storage.crypto import Keyring, SealedField

db = DatabaseProxy()
log = logging.getLogger("ledig.db")


class _WithoutParameters(logging.Filter):
    """Peewee logs each query with its parameters at DEBUG: national ids among them.

    Keep the SQL, drop the values, so that no log level ever writes personal data.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            sql, params = record.msg
            record.msg = (sql, f"<{len(params or ())} parameters>")
        return True


logging.getLogger("peewee").addFilter(_WithoutParameters())

def utcnow() -> datetime:
    """Naive UTC, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_db(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = DateTimeField(default=utcnow)


class Booking(BaseModel):
    id = AutoField()
    public_id = CharField(max_length=40, unique=True)
    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    type = CharField(max_length=100)
    start = DateTimeField()
    end = DateTimeField()
    status = CharField(max_length=16, default="active")  # active | cancelled
    self_booked = BooleanField(default=True)
    patient_key = CharField(max_length=64)  # keyed hash of the national id
    id_type = CharField(max_length=8, default="")
    # sealed at rest (storage/crypto.py): what identifies the patient, and the note
    national_id = SealedField(default="")  # for the clinic; never returned
    first_name = SealedField(default="")
    last_name = SealedField(default="")
    phone = SealedField(default="")
    email = SealedField(default="")
    note = SealedField(default="")
    cancel_token_hash = CharField(max_length=64, default="")
    config_version = CharField(max_length=32, default="")
    created_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)
    cancelled_by = CharField(max_length=16, default="")  # patient | staff
    cancel_reason = SealedField(default="")
    purged_at = DateTimeField(null=True)
    # since v6 (docs/staff.md)
    sequence = IntegerField(default=0)  # the .ics SEQUENCE the patient last got
    attendance = CharField(max_length=16, default="")  # "" | arrived | no_show
    booked_by = CharField(max_length=120, default="")  # the staff user; "" when self-booked
    outside_schedule = BooleanField(default=False)  # staff booked it outside every block

    class Meta:
        indexes = ((("clinic", "calendar", "start"), False),)


class Outbox(BaseModel):
    """A message to deliver; written in the same transaction as its booking."""

    id = AutoField()
    booking = ForeignKeyField(Booking, null=True, backref="messages", on_delete="SET NULL")
    clinic = CharField(max_length=100)
    kind = CharField(max_length=24)  # confirmation | moved | cancellation | reminder | dialog
    channel = CharField(max_length=8)  # email | sms
    # sealed at rest: the address and the rendered message name the patient
    recipient = SealedField(default="")
    subject = SealedField(default="")
    body = SealedField(default="")
    attachment = SealedField(default="")  # the .ics, for email
    sender = TextField(default="")  # "Clinic name <clinic@email>": From's name and Reply-To
    due_at = DateTimeField()
    # pending | sent | failed | cancelled, and for an SMS whose provider reports on it (v11)
    # delivered | undelivered (endpoint/services/sms_reports.py)
    status = CharField(max_length=16, default="pending")
    attempts = IntegerField(default=0)
    last_error = SealedField(default="")  # a server's answer may quote the address
    claimed_by = CharField(max_length=64, default="")
    claimed_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    # since v11: the SMS provider's id of the message (Twilio's MessageSid, Sveve's id, LINK
    # Mobility's messageId): names no person, so not sealed; and when its report came
    provider_id = CharField(max_length=64, default="")
    reported_at = DateTimeField(null=True)


class StaffUser(BaseModel):
    id = AutoField()
    clinic = CharField(max_length=100)
    username = CharField(max_length=100)
    password_hash = CharField(max_length=255)
    feed_token_hash = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow)
    api_token_hash = CharField(max_length=64, default="")  # SHA-256 of the API token
    totp_secret = CharField(max_length=64, default="")  # base32; empty: no second factor
    totp_last_step = IntegerField(default=0)  # the last accepted code's time step
    # since v7: "admin" may also read the access log and export or erase a patient's data
    role = CharField(max_length=16, default="staff")

    class Meta:
        indexes = ((("clinic", "username"), True),)


class StaffSession(BaseModel):
    """A staff login's server-side session; the cookie holds the token, this its hash."""

    id = AutoField()
    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(StaffUser, backref="sessions", on_delete="CASCADE")
    #: waiting for the user's TOTP code: opens nothing but the code form
    pending = BooleanField(default=False)
    created_at = DateTimeField()
    last_seen_at = DateTimeField()


class RateHit(BaseModel):
    """Fixed-window request counters per client, shared by every process."""

    key = CharField(max_length=128)
    window = IntegerField()  # the window's start, epoch seconds
    count = IntegerField(default=0)

    class Meta:
        primary_key = False
        indexes = ((("key", "window"), True),)


class CalendarState(BaseModel):
    """A calendar's booking generation: bumped by every booking and cancellation in it,
    so that any process can tell whether its cached slots are still true."""

    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    generation = IntegerField(default=0)

    class Meta:
        primary_key = False
        indexes = ((("clinic", "calendar"), True),)


class StaffBlock(BaseModel):
    """Time a calendar's staff keep for themselves (a meeting, lunch): busy like a booking.

    Never two overlapping blocks in one calendar (on PostgreSQL also an exclusion
    constraint); deleting a block deletes its row."""

    id = AutoField()
    public_id = CharField(max_length=40, unique=True)
    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    start = DateTimeField()
    end = DateTimeField()
    reason = TextField(default="")
    created_by = CharField(max_length=120, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("clinic", "calendar", "start"), False),)


class BookingLog(BaseModel):
    """A booking's audit log: who did what, when. `details` is JSON without personal data."""

    id = AutoField()
    booking = ForeignKeyField(Booking, backref="log", on_delete="CASCADE")
    at = DateTimeField(default=utcnow)
    actor = CharField(max_length=120)  # "patient" or "staff:<username>"
    action = CharField(max_length=32)
    details = TextField(default="{}")


class PatientSearch(BaseModel):
    """Every staff search for a patient: who, when, how, how many found.

    `query` is the text searched for by name or phone, and empty for a search by
    national id (the number is never stored here)."""

    id = AutoField()
    clinic = CharField(max_length=100)
    actor = CharField(max_length=120)
    at = DateTimeField(default=utcnow)
    kind = CharField(max_length=16)  # national_id | name | phone
    query = SealedField(default="")  # sealed: a name or phone number
    results = IntegerField(default=0)


class Hold(BaseModel):
    """A time held for a patient while they fill in the form (docs/patients.md): busy for everyone
    else until `expires_at` (compared with the app's clock: no worker needs to end it),
    until released, or until booked with its token.

    Written under the calendar's lock like a booking; expired holds of the calendar are
    deleted in that transaction before a new one is inserted, so the unique index on
    (clinic, calendar, start) is a last line on both databases."""

    id = AutoField()
    public_id = CharField(max_length=40, unique=True)
    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    type = CharField(max_length=100)
    start = DateTimeField()
    end = DateTimeField()
    expires_at = DateTimeField()
    token_hash = CharField(max_length=64, unique=True)  # SHA-256 of the hold token
    client_key = CharField(max_length=64)  # keyed hash of the client address, for the cap
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("clinic", "calendar", "start"), True),
                   (("client_key", "expires_at"), False))


class WaitlistEntry(BaseModel):
    """A patient waiting for an earlier time (docs/patients.md), in sign-up order (`id`).

    It keeps what a claim needs to book for the patient (a booking keeps the same for
    the clinic) and nothing more; the national id is never returned (staff see a masked
    one) and the purge deletes the entry once it has ended."""

    id = AutoField()
    public_id = CharField(max_length=40, unique=True)
    clinic = CharField(max_length=100)
    type = CharField(max_length=100)
    calendar = CharField(max_length=100, default="")  # "": any calendar
    first_day = DateField()
    last_day = DateField()
    status = CharField(max_length=16, default="waiting")  # waiting | booked | cancelled
    token_hash = CharField(max_length=64)
    patient_key = CharField(max_length=64)
    id_type = CharField(max_length=8, default="")
    # sealed at rest (storage/crypto.py), as a booking's are
    national_id = SealedField(default="")  # for the claim's booking; never returned
    first_name = SealedField(default="")
    last_name = SealedField(default="")
    phone = SealedField(default="")
    email = SealedField(default="")
    booking = CharField(max_length=40, default="")  # the claim's booking's public id
    created_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("clinic", "status"), False),)


class WaitlistOffer(BaseModel):
    """A freed time offered to a waiting entry; its token (hashed) opens the offer's link."""

    id = AutoField()
    entry = ForeignKeyField(WaitlistEntry, backref="offers", on_delete="CASCADE")
    calendar = CharField(max_length=100)
    start = DateTimeField()
    end = DateTimeField()
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entry", "calendar", "start"), True),)


class SyncSource(BaseModel):
    """One busy source of one calendar (docs/sync.md) and how its last refreshes went.

    `source` is the URL without credentials. A refresher claims a due source by
    moving `claimed_until` forward in one UPDATE, so that several processes never
    fetch the same source at once. `etag`, `last_modified` and `sync_token` make the
    next fetch conditional; `conflicts` counts the active bookings the last refresh
    found under its busy times (bookings made before the busy time was known)."""

    id = AutoField()
    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    source = CharField(max_length=1000)
    last_attempt_at = DateTimeField(null=True)
    last_ok_at = DateTimeField(null=True)
    last_error = TextField(default="")  # a code and a short reason; never personal data
    failing_since = DateTimeField(null=True)
    etag = TextField(default="")
    last_modified = TextField(default="")
    sync_token = TextField(default="")
    window_end = DateTimeField(null=True)  # how far the stored intervals reach
    intervals = IntegerField(default=0)
    conflicts = IntegerField(default=0)
    claimed_by = CharField(max_length=64, default="")
    claimed_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("clinic", "calendar", "source"), True),)


class SyncBusy(BaseModel):
    """A busy interval read from a source: no title, no attendees, only the time."""

    id = AutoField()
    source = ForeignKeyField(SyncSource, backref="busy", on_delete="CASCADE")
    clinic = CharField(max_length=100)
    calendar = CharField(max_length=100)
    start = DateTimeField()
    end = DateTimeField()


class PatientSession(BaseModel):
    """A logged-in patient's session (docs/patient-login.md): the token only as a hash, the patient
    as
    the keyed hash that their bookings carry, and the national id sealed under a key that
    only the token (with the server's secret) opens, so the table alone reveals no number."""

    id = AutoField()
    token_hash = CharField(max_length=64, unique=True)
    clinic = CharField(max_length=100)
    patient_key = CharField(max_length=64)
    sealed_id = TextField()  # AES-GCM of "id_type:national_id", key from the token
    first_name = SealedField(default="")  # sealed at rest under the data key too
    last_name = SealedField(default="")
    created_at = DateTimeField()
    last_seen_at = DateTimeField()


class PatientLoginAttempt(BaseModel):
    """A login on its way through the provider: its `state` (as a hash), `nonce` and PKCE
    verifier, kept server-side, bound to the clinic, taken once, short-lived."""

    id = AutoField()
    state_hash = CharField(max_length=64, unique=True)
    clinic = CharField(max_length=100)
    nonce = CharField(max_length=100)
    code_verifier = CharField(max_length=128)
    next_url = TextField()
    created_at = DateTimeField()


class DataKey(BaseModel):
    """A data key the database holds sealed values under (by id, never the key itself).

    Opening the database with keys that do not cover every key here that is not
    retired is a start-up error (`migrations.record_data_key`)."""

    kid = CharField(max_length=16, primary_key=True)
    created_at = DateTimeField(default=utcnow)
    retired_at = DateTimeField(null=True)  # no value is sealed under it any more


class AccessLog(BaseModel):
    """Every staff read of a patient's details: who, when, what, which patient (by keyed
    hash) and which booking — never the data itself."""

    id = AutoField()
    clinic = CharField(max_length=100)
    at = DateTimeField(default=utcnow)
    actor = CharField(max_length=120)  # "staff:<username>" or "operator" (the command line)
    action = CharField(max_length=32)  # booking_viewed | national_id_revealed | …
    patient_key = CharField(max_length=64)
    booking = CharField(max_length=40, default="")  # the booking's public id, if one

    class Meta:
        indexes = ((("clinic", "patient_key", "at"), False),)


class PatientToken(BaseModel):
    """Blind index of returning patients for staff search (docs/staff.md) over sealed names
    and phones: keyed hashes of name-word prefixes and phone-number endings
    (`services.keys.search_tokens`), each pointing at a patient's keyed hash."""

    clinic = CharField(max_length=100)
    token = CharField(max_length=32)
    patient_key = CharField(max_length=64)

    class Meta:
        primary_key = False
        # a search walks (clinic, token) and reads the keys from it; erasure, the purge
        # and the start's check for patients not yet indexed go by (clinic, patient_key)
        indexes = ((("clinic", "token", "patient_key"), True),
                   (("clinic", "patient_key"), False))


MODELS: Sequence[type[BaseModel]] = (SchemaVersion, Booking, Outbox, StaffUser, RateHit,
                                     CalendarState, StaffSession, StaffBlock, BookingLog,
                                     PatientSearch, Hold, WaitlistEntry, WaitlistOffer,
                                     SyncSource, SyncBusy,
                                     PatientSession, PatientLoginAttempt,
                                     DataKey, PatientToken, AccessLog)


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


#: a pooled connection used this recently is handed out without a round trip to the server
ALIVE_WINDOW_SECONDS = 1.0


class _PooledPostgres(PooledPostgresqlDatabase):  # type: ignore[misc]  # untyped base
    """Peewee's pool, without a round trip per request while it is busy.

    Peewee checks every connection it hands out with a `SELECT 1` round trip,
    and does so holding the database's lock, so the threads of a process queued
    on each other's pings (`bench.scale` found it at 4 processes). Like
    HikariCP's alive-bypass window, a connection checked in less than
    `ALIVE_WINDOW_SECONDS` ago is trusted on its local state (closed, or a
    transaction in an unknown state) alone; one idle for longer is pinged as
    before, so a database restart during a quiet spell is still noticed before
    a request uses the dead connection. (`bench.scale --compare` puts Peewee's check
    back on its own side, docs/scale.md.)
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._checked_in: dict[int, float] = {}

    def _is_closed(self, conn) -> bool:
        adapter = self._adapter  # type: ignore[attr-defined]  # the driver's, set by peewee
        if conn.closed or adapter.txn_status(conn) == adapter.txn_unknown:
            return True
        last = self._checked_in.get(id(conn))
        if last is not None and time.monotonic() - last < ALIVE_WINDOW_SECONDS:
            return False
        return bool(super()._is_closed(conn))

    def _close(self, conn, close_conn: bool = False) -> None:
        if close_conn:
            self._checked_in.pop(id(conn), None)
        else:
            self._checked_in[id(conn)] = time.monotonic()
        super()._close(conn, close_conn)

    def _close_raw(self, conn) -> None:
        self._checked_in.pop(id(conn), None)
        super()._close_raw(conn)


#: a clinic's busy sources as read for the slot route: when, and each (calendar, source)'s
#: last good sync
SyncStates = tuple[datetime, dict[tuple[str, str], datetime | None]]


@dataclass(eq=False)
class OpenState:
    """What this process holds for the open database, beside its connections.

    One state (docs/architecture.md#rules-the-suite-keeps): no module keeps a key, a flag
    or a cache of its own. `open_database` makes a new `OpenState` for each database it
    opens and keeps it on that database (`opened()` finds it through the proxy), so a
    database opened again, or another one, starts with nothing known, and two apps or
    commands in one process never see each other's keys or flags.
    """

    #: the keys every `SealedField` seals and opens with (None: sealed columns refuse)
    keyring: Keyring | None = None
    #: the schema is known to be up to date (`migrations.ensure_schema` checks no further)
    schema_ready: bool = False
    #: one migration at a time in this process (PostgreSQL's advisory lock does it across)
    migrating: threading.Lock = field(default_factory=threading.Lock)
    #: SQLite: this process's writers queue on a fair lock, not on SQLite's busy handler
    writing: threading.Lock = field(default_factory=threading.Lock)
    #: calendar sync: each clinic's source states as the slot route last read them
    sync_states: dict[str, SyncStates] = field(default_factory=dict)
    sync_lock: threading.Lock = field(default_factory=threading.Lock)


def open_database(url: str, keyring: Keyring | None = None) -> OpenState:
    """Point the models at the database of `url` (its schema is `migrations`' business);
    values of sealed columns are sealed and opened with `keyring`. Its fresh state."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # pooled: closing the last connection to a WAL database checkpoints it, which made
        # every request pay for a checkpoint; the pool keeps connections open across requests
        database: Database = PooledSqliteDatabase(
            path,
            max_connections=64,
            stale_timeout=600,
            pragmas={"journal_mode": "wal", "busy_timeout": 15000, "foreign_keys": 1,
                     "synchronous": "full"},
            check_same_thread=False,
            timeout=15,
        )
    else:
        # bounded waits: a dead host or a lock held by a stuck transaction gives an error
        # (503) instead of a request that hangs; the URL's own parameters win
        # (`?connect_timeout=2`)
        params = {"connect_timeout": 5, "max_connections": 64, "stale_timeout": 600,
                  "options": "-c lock_timeout=10000 -c statement_timeout=30000"}
        if url.startswith(("postgres://", "postgresql://")):
            # reuse connections across requests
            database = _PooledPostgres(**{**params, **parse(url)})
        else:
            database = connect(url, **(params if "postgres" in url else {}))
    if db.obj is not None:
        if not db.obj.is_closed():
            db.obj.close()
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()
    state = OpenState(keyring=keyring)
    database.open_state = state  # type: ignore[attr-defined]  # ours, beside Peewee's own
    db.initialize(database)
    return state


def opened() -> OpenState:
    """The state of the database the models point at now."""
    state = getattr(db.obj, "open_state", None)
    if state is None:
        raise InterfaceError("no database is open: open_database first")
    return state


def raw_sql(sql: str) -> str:
    """Hand-written SQL of a hot path in the database's parameter style ('?' or '%s').

    For the few queries that run on every booking or slot request: Peewee
    builds a query's SQL anew on each call, which cost more than running it.
    """
    return sql if db.obj.param == "?" else sql.replace("?", "%s")


def db_time(value: datetime):
    """A UTC datetime as Peewee stores it (text on SQLite), for raw SQL parameters."""
    return Booking.start.db_value(to_db(value))


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def calendar_lock(clinic: str, calendar: str) -> str:
    """The lock every write to a calendar's busy time takes: bookings, blocks, holds, sync."""
    return f"calendar:{clinic}:{calendar}"


def patient_lock(clinic: str, key: str) -> str:
    """The lock of a patient's self-booked count (`max_self_booked`)."""
    return f"patient:{clinic}:{key}"


@contextmanager
def write_transaction(lock_names: Sequence[str] = ()) -> Iterator[None]:
    """A write transaction that holds the named locks until it ends.

    SQLite: `BEGIN IMMEDIATE` takes the database's write lock, which
    serialises every writer on the file (`lock_names` are not needed).
    PostgreSQL: one transaction-scoped advisory lock per name, taken in one
    statement in sorted order (so two transactions never deadlock); they hold
    across every process and host that uses the database and are released by
    the commit or rollback.
    """
    if is_postgres():
        with db.atomic():
            keys = sorted({lock_key(name) for name in lock_names})
            if keys:  # the sorted subquery makes the order of taking them explicit
                db.execute_sql("SELECT pg_advisory_xact_lock(k) FROM "
                               "(SELECT unnest(%s::bigint[]) AS k ORDER BY k) AS ordered",
                               (keys,))
            yield
    else:
        # threads of this process queue on a fair lock; only other processes meet SQLite's
        # busy handler, whose sleeps (up to 100 ms) made contended writers crawl
        with opened().writing, db.atomic("IMMEDIATE"):
            yield


def ping() -> bool:
    """Whether the database answers."""
    try:
        db.execute_sql("SELECT 1").fetchone()
        return True
    except Exception:  # any failure means "unreachable"
        return False


__all__ = ["SQL", "AccessLog", "Booking", "BookingLog", "CalendarState", "DataKey", "Hold",
           "Outbox", "PatientSearch", "PatientToken", "RateHit", "SchemaVersion", "StaffBlock",
           "StaffSession", "StaffUser", "SyncBusy", "SyncSource", "WaitlistEntry",
           "WaitlistOffer", "calendar_lock", "db", "db_time", "from_db",
           "OpenState", "is_postgres", "open_database", "opened", "patient_lock", "ping",
           "raw_sql", "to_db", "utcnow", "write_transaction"]
