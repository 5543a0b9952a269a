"""Opening the database with the data keys of the settings, as every process does.

On SQLite without LEDIG_DATA_KEY the first process makes a key and keeps it in
`var/data_key`. That key is the only way back to the patients' data in every
backup of the database, so making it is said once, where it lives and that it
must be backed up apart from the database. A key made for a database that
already holds data under another key (a backup restored without its key) opens
nothing: it is removed again, and the refusal says which key to put there. On
PostgreSQL without LEDIG_DATA_KEY the refusal names the keys the database
records, so that a restore on a new host knows which key to fetch.
"""

from __future__ import annotations

import logging

from endpoint.settings import Settings, SettingsError, is_postgres_url, new_data_key_file
from endpoint.storage.backup import connect
from endpoint.storage.crypto import Keyring, MissingDataKey, keyring_for
from endpoint.storage.inventory import Reader, recorded_keys
from endpoint.storage.migrations import open_and_migrate

log = logging.getLogger("ledig.crypto")


def open_sealed(settings: Settings) -> tuple[Settings, Keyring]:
    """Open and migrate the database with the settings' data keys (making the SQLite key
    on the first start); the settings with their key, and its keyring."""
    made = new_data_key_file(settings)
    made = made.resolve() if made is not None else None  # said as a path that works anywhere
    try:
        settings, keyring = keyring_for(settings)
    except SettingsError:  # PostgreSQL without LEDIG_DATA_KEY: name the key it needs
        if held := _recorded_keys(settings.database_url):
            raise MissingDataKey(
                f"the database holds patients' data sealed with data key {', '.join(held)}, "
                "and LEDIG_DATA_KEY is not set: set it to that key (the same value on every "
                "process), from where it was kept apart from the database "
                "(docs/deploy.md#restoring-on-a-new-host)", held) from None
        raise
    try:
        open_and_migrate(settings.database_url, keyring)
    except MissingDataKey as exc:
        if made is None:
            raise
        made.unlink(missing_ok=True)  # nothing was sealed under it, nor can be
        raise MissingDataKey(
            f"the database holds patients' data sealed with data key "
            f"{', '.join(exc.missing)}, and no data key is configured here: put that key in "
            f"{made} (mode 0600) or in LEDIG_DATA_KEY, from where it was kept apart from the "
            "database (docs/deploy.md#restoring-on-a-new-host); nothing was read or written",
            exc.missing) from None
    if made is not None:
        log.warning("made a new data key (id %s) in %s: patients' data is sealed under it. "
                    "Back it up now, apart from the database and its backups: without it no "
                    "backup can be read (docs/deploy.md#backups)", keyring.current_id, made)
    return settings, keyring


def _recorded_keys(database_url: str) -> tuple[str, ...]:
    """The keys a PostgreSQL database records as holding data; () when it cannot say."""
    import psycopg2

    if not is_postgres_url(database_url):
        return ()
    try:
        connection = connect(database_url)
    except psycopg2.Error:
        return ()
    try:
        return recorded_keys(Reader(connection, postgres=True))
    except psycopg2.Error:
        return ()
    finally:
        connection.close()


__all__ = ["open_sealed"]
