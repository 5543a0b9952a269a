"""The endpoint's database as readers outside the endpoint know it: one owner (issue #24).

The schema is the endpoint's: `endpoint/storage/db.py`'s models and
`endpoint/storage/migrations.py`'s versions. `sitegen check` reads a part of it
(`common/stored.py`) without importing the endpoint (docs/architecture.md).
So that there is one copy of what that reader relies on, it is written here
once — the schema's current version, the first version that holds everything
read, the tables and columns read, which of them are sealed and under which
associated data, and where the endpoint's database is by default — and the
endpoint takes its version, default and sealing context from here.
`tests/endpoint/test_schema_owner.py` fails when a model, a migration or a
migrated database drifts from this module.
"""

from __future__ import annotations

from types import MappingProxyType

#: the endpoint's schema version: `migrations.py` migrates every database to it
#: (bump it with each new migration step)
SCHEMA_VERSION = 11

#: the first schema version that holds every table and column in READ (staff blocks,
#: outside_schedule); `sync_source` and `sync_busy` are read only where they exist
READABLE_SINCE = 6

#: the endpoint's database when LEDIG_DATABASE_URL is unset (README.md#endpoint-settings):
#: relative to the folder the endpoint runs in
DEFAULT_DATABASE_URL = "sqlite:///var/ledig.sqlite3"

#: the tables `common/stored.py` reads and, per table, the columns it reads (in this order)
READ = MappingProxyType({
    "schema_version": ("version",),
    "booking": ("public_id", "clinic", "calendar", "type", "start", "end", "self_booked",
                "outside_schedule", "first_name", "last_name", "status"),
    "staff_block": ("clinic", "calendar", "start", "end"),
    "sync_source": ("clinic", "calendar", "source", "last_ok_at", "last_error"),
    "sync_busy": ("clinic", "calendar", "start", "end"),
})

#: the tables read only when the database has them (calendar sync's, docs/sync.md)
OPTIONAL = frozenset({"sync_source", "sync_busy"})

#: the columns read that are sealed at rest (common/sealing.py)
SEALED = frozenset({("booking", "first_name"), ("booking", "last_name")})


def sealed_context(table: str, column: str) -> str:
    """The associated data a value of `table.column` is sealed under: a sealed value copied
    into another column does not open (endpoint/storage/crypto.py)."""
    return f"{table}.{column}"


def select(table: str, where: str = "") -> str:
    """`SELECT` of READ's columns of `table`, each quoted (`end` and `type` are keywords)."""
    columns = ", ".join(f'"{c}"' for c in READ[table])
    return f'SELECT {columns} FROM "{table}"' + (f" WHERE {where}" if where else "")


__all__ = ["DEFAULT_DATABASE_URL", "OPTIONAL", "READ", "READABLE_SINCE", "SCHEMA_VERSION",
           "SEALED", "sealed_context", "select"]
