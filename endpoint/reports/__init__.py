"""SMS delivery reports (docs/features.md, docs/notifications.md): the providers' callbacks
(`routes`) and a report applied to its outbox row (`apply`)."""
