"""Writing a booking into a CalDAV collection as an event (docs/sync.md `sync.push`).

One resource per booking, `<collection>/<booking id>.ics`, with the UID
`<booking id>@<clinic>.ledig` (the staff feed's; the refresher never reads such
events back as busy). An update PUTs the same resource at a higher SEQUENCE; a
cancellation DELETEs it. The event has no attendees and no organizer, so no
server sends anyone an invitation. The outbox calls these (`sync.calendar_push`)
and retries what fails.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar as ICalendar
from icalendar import Event

from endpoint.sync.caldav_source import client, error_of
from endpoint.sync.errors import SourceError


def event_ics(*, uid: str, sequence: int, start: datetime, end: datetime, stamp: datetime,
              summary: str, description: str = "", location: str = "") -> str:
    """The booking as a VCALENDAR with one VEVENT (no attendees: no invitations)."""
    cal = ICalendar()
    cal.add("prodid", "-//ledig//calendar push//NO")
    cal.add("version", "2.0")
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("sequence", sequence)
    ev.add("summary", summary)
    if description:
        ev.add("description", description)
    if location:
        ev.add("location", location)
    ev.add("status", "CONFIRMED")
    ev.add("transp", "OPAQUE")
    ev.add("class", "PRIVATE")
    cal.add_component(ev)
    return cal.to_ical().decode()


def resource_url(collection: str, public_id: str) -> str:
    return collection.rstrip("/") + f"/{public_id}.ics"


def put_event(collection: str, username: str, password: str, public_id: str,
              ics: str) -> None:
    """Create or replace the booking's event."""
    _call("PUT", collection, username, password, public_id, ics)


def delete_event(collection: str, username: str, password: str, public_id: str) -> None:
    """Remove the booking's event (already gone is fine)."""
    _call("DELETE", collection, username, password, public_id, "")


def _call(method: str, collection: str, username: str, password: str, public_id: str,
          body: str) -> None:
    url = resource_url(collection, public_id)
    try:
        c = client(collection, username, password)
        try:
            if method == "PUT":
                r = c.put(url, body, {"Content-Type": "text/calendar; charset=utf-8"})
            else:
                r = c.delete(url)
        finally:
            c.close()
    except Exception as exc:  # the client's, the HTTP library's and OS errors
        raise error_of(exc) from exc
    status = int(getattr(r, "status", 0) or 0)
    if method == "DELETE" and status == 404:
        return
    if status in (401, 403):
        raise SourceError("unauthorized", f"HTTP {status}")
    if not 200 <= status < 300:
        raise SourceError(f"http_{status}", f"HTTP {status}")
