"""The database: models and connection (`db`), the schema's versions (`migrations`),
the hot queries (`queries`), the slot cache, and retention (`purge`). Nothing here
knows about HTTP."""
