"""Notifications (docs/notifications.md): composing a booking's messages, the outbox that keeps
them,
and the senders that deliver them (SMTP or files, an SMS gateway or files)."""
