"""`common/schema.py` is the one owner of what readers outside the endpoint rely on (issue
#24): each table and column `sitegen check` reads is a model's column, sealed where it
says, in a database the endpoint migrated; its version is the one the migrations reach."""

from __future__ import annotations

import sqlite3

from common import schema
from common.sealing import Keyring
from endpoint.storage import db, migrations
from endpoint.storage.crypto import SealedField

MODELS = {model._meta.table_name: model for model in db.BaseModel.__subclasses__()}


def columns_of(table: str) -> dict[str, object]:
    return {f.column_name: f for f in MODELS[table]._meta.sorted_fields}


def test_every_column_read_is_a_models_column():
    missing = [(table, column) for table, columns in schema.READ.items()
               for column in columns if column not in columns_of(table)]
    assert missing == []


def test_the_columns_said_sealed_are_sealed_fields():
    assert {(table, column) for table, columns in schema.READ.items()
            for column, f in columns_of(table).items()
            if column in columns and isinstance(f, SealedField)} == schema.SEALED


def test_the_migrations_end_at_the_schemas_version():
    assert max(migrations.MIGRATIONS) == schema.SCHEMA_VERSION
    assert schema.READABLE_SINCE <= schema.SCHEMA_VERSION


def test_a_migrated_database_has_every_column_read(make_app, sqlite_url):
    make_app(database_url=sqlite_url)
    con = sqlite3.connect(sqlite_url[len("sqlite:///"):])
    try:
        found = {table: {row[1] for row in con.execute(f'PRAGMA table_info("{table}")')}
                 for table in schema.READ}
    finally:
        con.close()
    assert {table: set(columns) - found[table] for table, columns in schema.READ.items()} == {
        table: set() for table in schema.READ}


def test_a_sealed_name_opens_with_the_shared_context(make_app, sqlite_url):
    """What the endpoint seals, `common.sealing` opens under `schema.sealed_context`."""
    from support import TEST_DATA_KEY
    make_app(database_url=sqlite_url)
    keyring = Keyring.from_text(TEST_DATA_KEY)
    sealed = keyring.seal("Kari", schema.sealed_context("booking", "first_name"))
    field = db.Booking.first_name
    assert field._context() == schema.sealed_context("booking", "first_name")
    assert field.python_value(sealed) == "Kari"
