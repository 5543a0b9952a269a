"""The schema's versions: created on first start, migrated forward on later starts.

Every process runs `migrate` when it opens the database; on PostgreSQL an
advisory lock lets one process at a time do it. A new schema change is a new
`_vN` step and a bump of `SCHEMA_VERSION`.
"""

from __future__ import annotations

import logging
from types import MappingProxyType

from peewee import InterfaceError, OperationalError

from common import schema
from endpoint.storage import crypto
from endpoint.storage.crypto import Keyring, MissingDataKey
from endpoint.storage.db import (
    AccessLog,
    Booking,
    BookingLog,
    CalendarState,
    DataKey,
    Hold,
    Outbox,
    PatientLoginAttempt,
    PatientSearch,
    PatientSession,
    PatientToken,
    RateHit,
    SchemaVersion,
    StaffBlock,
    StaffSession,
    StaffUser,
    SyncBusy,
    SyncSource,
    WaitlistEntry,
    WaitlistOffer,
    db,
    is_postgres,
    open_database,
    opened,
)
from endpoint.storage.rotation import seal_plain_text

log = logging.getLogger("ledig.db")

#: bump it in common/schema.py (its one owner) when the schema changes, and add a step to
#: MIGRATIONS
SCHEMA_VERSION = schema.SCHEMA_VERSION


def open_and_migrate(url: str, keyring: Keyring) -> None:
    """Open the database of `url` with the data keys of `keyring`, and bring its schema up
    to date.

    Keys that cannot open what the database holds are a `DataKeyError`, raised.

    An unreachable database is logged, not raised: the endpoint starts anyway,
    `/healthz` says 503, and the first request that reaches the database
    brings the schema up (`ensure_schema`).
    """
    open_database(url, keyring)
    try:
        migrate()
    except (OperationalError, InterfaceError) as exc:
        log.error("database unreachable at start (%s); retrying on later requests",
                  type(exc).__name__)


def reset() -> None:
    """The open database's schema is unknown until `migrate` has run again (a test that
    changed it behind the endpoint's back)."""
    opened().schema_ready = False


def ensure_schema() -> None:
    """Bring the schema up to date if that could not be done at start."""
    if not opened().schema_ready:
        migrate()


def migrate() -> int:
    """Create the schema on first start and apply forward migrations; the version."""
    state = opened()
    with state.migrating, db.connection_context():
        with db.atomic():
            if is_postgres():
                # transaction-scoped: released by the commit, so it also holds behind a
                # pooler in transaction mode (PgBouncer), where a session-level lock and its
                # unlock could land on two different server connections
                db.execute_sql("SELECT pg_advisory_xact_lock(4242)")
            db.create_tables([SchemaVersion])
            row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
            current = row.version if row else 0
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version]()
                SchemaVersion.create(version=version)
            record_data_key(crypto.keyring_of(db))
        state.schema_ready = True
        return SCHEMA_VERSION


def record_data_key(keyring: Keyring) -> None:
    """Refuse keys that cannot open the database's sealed values; record the current one."""
    held = {row.kid for row in DataKey.select().where(DataKey.retired_at.is_null())}
    missing = sorted(held - keyring.ids())
    if missing:
        raise MissingDataKey(
            f"the database holds patients' data sealed with data key {', '.join(missing)}, "
            f"but LEDIG_DATA_KEY is key {keyring.current_id} and LEDIG_DATA_KEY_OLD "
            "holds no such key: start with the key the data was sealed with (or give it in "
            "LEDIG_DATA_KEY_OLD while rotating); nothing was read or written",
            tuple(missing))
    if keyring.current_id not in held:
        DataKey.insert(kid=keyring.current_id).on_conflict_ignore().execute()
        DataKey.update(retired_at=None).where(DataKey.kid == keyring.current_id).execute()


def _v1() -> None:
    db.create_tables([Booking, Outbox, StaffUser, RateHit])
    # the database itself forbids two active bookings at one start in one calendar
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS booking_active_start ON booking '
        "(clinic, calendar, start) WHERE status = 'active'"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS booking_patient_active ON booking "
                   "(clinic, patient_key) WHERE status = 'active'")
    db.execute_sql("CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due_at)")
    if is_postgres():
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
        db.execute_sql(
            "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
            "(clinic WITH =, calendar WITH =, tsrange(start, \"end\") WITH &&) "
            "WHERE (status = 'active')"
        )


def _v2() -> None:
    # the clinic a message is from, so that the worker needs no clinic configuration
    if "sender" not in {c.name for c in db.get_columns("outbox")}:
        db.execute_sql("ALTER TABLE outbox ADD COLUMN sender TEXT NOT NULL DEFAULT ''")


def _v3() -> None:
    # slot caches key on each calendar's generation; reading all active bookings of a
    # clinic for a date range walks an index on start instead of the whole table
    db.create_tables([CalendarState])
    db.execute_sql("CREATE INDEX IF NOT EXISTS booking_active_clinic_start ON booking "
                   "(clinic, start) WHERE status = 'active'")


def _v4() -> None:
    # single-column indexes that wider ones already cover: each cost every booking a write
    for name in ("booking_clinic", "booking_patient_key", "outbox_due_at", "outbox_status"):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def _v5() -> None:
    # staff log in with a form and a server-side session instead of HTTP Basic (docs/staff.md):
    # sessions, per-user API tokens and an optional TOTP second factor
    columns = {c.name for c in db.get_columns("staff_user")}
    for name, ddl in (("api_token_hash", "VARCHAR(64) NOT NULL DEFAULT ''"),
                      ("totp_secret", "VARCHAR(64) NOT NULL DEFAULT ''"),
                      ("totp_last_step", "INTEGER NOT NULL DEFAULT 0")):
        if name not in columns:
            db.execute_sql(f"ALTER TABLE staff_user ADD COLUMN {name} {ddl}")
    db.execute_sql("CREATE INDEX IF NOT EXISTS staff_user_api_token ON staff_user "
                   "(api_token_hash) WHERE api_token_hash <> ''")
    db.create_tables([StaffSession])


#: the booking columns of the staff timebok (docs/staff.md), as (name, SQL type and default)
_V6_BOOKING_COLUMNS = (
    ("sequence", "INTEGER NOT NULL DEFAULT 0"),
    ("attendance", "VARCHAR(16) NOT NULL DEFAULT ''"),
    ("booked_by", "VARCHAR(120) NOT NULL DEFAULT ''"),
    ("outside_schedule", "BOOLEAN NOT NULL DEFAULT FALSE"),
)


def _v6() -> None:
    # the staff timebok: a booking's .ics sequence, attendance, who booked it and whether
    # staff put it outside the schedule; staff blocks; the audit log; patient searches
    have = {c.name for c in db.get_columns("booking")}
    for name, sql_type in _V6_BOOKING_COLUMNS:
        if name not in have:
            db.execute_sql(f"ALTER TABLE booking ADD COLUMN {name} {sql_type}")
    db.create_tables([StaffBlock, BookingLog, PatientSearch])
    db.execute_sql("CREATE INDEX IF NOT EXISTS staff_block_clinic_start ON staff_block "
                   "(clinic, start)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS patient_search_clinic_at ON patient_search "
                   "(clinic, at)")
    if is_postgres():
        # as for bookings: the database itself refuses two overlapping blocks in a calendar
        db.execute_sql(
            "ALTER TABLE staff_block ADD CONSTRAINT staff_block_no_overlap EXCLUDE USING gist "
            "(clinic WITH =, calendar WITH =, tsrange(start, \"end\") WITH &&)"
        )


def _v7() -> None:
    # patients hold a time while they fill in the form, and wait for an earlier one
    # (docs/patients.md); create_tables makes the models' indexes (IF NOT EXISTS)
    db.create_tables([Hold, WaitlistEntry, WaitlistOffer])
    db.execute_sql("CREATE INDEX IF NOT EXISTS hold_clinic_start ON hold (clinic, start)")


def _v8() -> None:
    # calendar sync (docs/sync.md): each busy source's state and the busy intervals read from it
    db.create_tables([SyncSource, SyncBusy])
    db.execute_sql("CREATE INDEX IF NOT EXISTS sync_busy_clinic_start ON sync_busy "
                   "(clinic, start)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS sync_busy_source ON sync_busy (source_id)")


def _v9() -> None:
    # logged-in patients (docs/patient-login.md): their sessions and the logins on their way
    # through the
    # identity provider
    db.create_tables([PatientSession, PatientLoginAttempt])
    db.execute_sql("CREATE INDEX IF NOT EXISTS patient_session_seen ON patient_session "
                   "(last_seen_at)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS patient_login_attempt_created ON "
                   "patient_login_attempt (created_at)")


#: the columns sealed at rest since v10, which were VARCHARs of bounded length before
_V10_WIDENED = MappingProxyType({
    "booking": ("national_id", "first_name", "last_name", "phone", "email"),
    "outbox": ("recipient",),
    "waitlist_entry": ("national_id", "first_name", "last_name", "phone", "email"),
    "patient_session": ("first_name", "last_name")})


def _v10() -> None:
    # patients' data sealed at rest (storage/crypto.py): the data keys the database holds
    # data under, the blind index for staff search, sealed values need wider columns, and
    # the values written before are sealed now; the access log and the staff's roles
    db.create_tables([DataKey, PatientToken, AccessLog])
    # a patient's bookings of every status (search results, export, erasure, the limit)
    if {"clinic", "patient_key"} <= {c.name for c in db.get_columns("booking")}:
        db.execute_sql("CREATE INDEX IF NOT EXISTS booking_clinic_patient ON booking "
                       "(clinic, patient_key)")
    if "role" not in {c.name for c in db.get_columns("staff_user")}:
        db.execute_sql("ALTER TABLE staff_user ADD COLUMN role VARCHAR(16) NOT NULL "
                       "DEFAULT 'staff'")
    if is_postgres():
        for table, columns in _V10_WIDENED.items():
            have = {c.name for c in db.get_columns(table)}
            for column in set(columns) & have:
                db.execute_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE TEXT")
    sealed = seal_plain_text(crypto.keyring_of(db))
    if sealed:
        log.info("sealed the personal data of %d stored rows", sealed)


#: the outbox columns of SMS delivery reports, as (name, SQL type and default)
_V11_OUTBOX_COLUMNS = (
    ("provider_id", "VARCHAR(64) NOT NULL DEFAULT ''"),
    ("reported_at", "TIMESTAMP NULL"),
)


def _v11() -> None:
    # SMS delivery reports (docs/notifications.md): the provider's id of each sent SMS, so
    # that its report finds the message, and when the report came; a report is found by the
    # outbox id, so no index
    if "outbox" not in db.get_tables():
        return
    have = {c.name for c in db.get_columns("outbox")}
    for name, sql_type in _V11_OUTBOX_COLUMNS:
        if name not in have:
            db.execute_sql(f"ALTER TABLE outbox ADD COLUMN {name} {sql_type}")


MIGRATIONS = MappingProxyType({1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6, 7: _v7, 8: _v8,
                               9: _v9, 10: _v10, 11: _v11})
