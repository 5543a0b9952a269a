"""Calendar sync (docs/sync.md): busy times read from other calendars, bookings written to one.

`fetch` reads an ICS URL over HTTP (conditional, bounded, no redirects to other
hosts), `caldav_source` a CalDAV collection (sync token), `expand` turns
iCalendar into busy intervals (recurrence expanded here, time zones and DST as
RFC 5545 says), `refresh` claims due sources, reads them and stores their
intervals (`storage.sync`), in `endpoint sync` and in a thread of `serve`;
`push` writes bookings into a CalDAV collection for the outbox.
"""
