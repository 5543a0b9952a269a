"""The staff calendar feed: a clinic's upcoming active bookings as iCalendar (RFC 5545).

Calendar apps poll the feed and replace what they had, so a cancelled
booking simply leaves it. UIDs are stable (`<public id>@<clinic>.ledig`), so
an app updates an event instead of duplicating it. An event is versioned as the
patient's .ics is (RFC 5545 §3.8.7.4, RFC 5546 §2.1.4): SEQUENCE is the booking's,
one more for each move or change of type, and DTSTAMP and LAST-MODIFIED are the
time of the latest such change (its audit log's), else of the booking; so a
client that compares versions takes the new time. The national id is never in
the feed.

The feed ends up in third-party calendar apps (and their clouds), so by default
(`feed_detail: minimal`) an event says only that there is a booking, with whom
(the calendar) and a link to its page in the timebok, behind the staff login; the
patient's name and phone and the type (which can reveal health information) are
in it only with `feed_detail: full`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar as ICalendar
from icalendar import Event

from booking import Clinic
from common.words import staff as words
from endpoint.services import audit
from endpoint.staff.calendar import booked_at_label, calendar_name, patient_name, type_name
from endpoint.storage.db import Booking, from_db, to_db


def upcoming(clinic: Clinic, now: datetime) -> list[Booking]:
    """Active bookings that have not ended yet, soonest first."""
    return list(Booking.select()
                .where((Booking.clinic == clinic.slug) & (Booking.status == "active")
                       & (Booking.end > to_db(now)))
                .order_by(Booking.start, Booking.calendar))


def feed(clinic: Clinic, now: datetime, base: str = "") -> bytes:
    """The feed; `base` is the endpoint's address, for each booking's link."""
    cal = ICalendar()
    cal.add("prodid", "-//ledig//staff calendar//NO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", words.feed_name(clinic.name))
    cal.add("x-wr-timezone", clinic.timezone)
    cal.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT15M")
    bookings = upcoming(clinic, now)
    revised = audit.last_revisions(bookings)
    for booking in bookings:
        cal.add_component(_event(clinic, booking, revised.get(booking.id), base))
    return cal.to_ical()


def _event(clinic: Clinic, b: Booking, revised: datetime | None, base: str = "") -> Event:
    event = Event()
    where = calendar_name(clinic, b.calendar)
    link = f"{base}/staff/{clinic.slug}/bookings/{b.public_id}"
    created = from_db(b.created_at)
    event.add("uid", f"{b.public_id}@{clinic.slug}.ledig")
    event.add("sequence", b.sequence or 0)
    event.add("dtstamp", revised or created)
    event.add("created", created)
    event.add("last-modified", revised or created)
    event.add("dtstart", from_db(b.start))
    event.add("dtend", from_db(b.end))
    event.add("location", where)
    event.add("url", link)
    origin = words.feed_origin(b.self_booked, booked_at_label(b, clinic))
    if clinic.feed_detail == "full":
        kind, who = type_name(clinic, b.type), patient_name(b)
        event.add("summary", f"{who}: {kind}")
        lines = [*words.feed_full(kind, where, who, b.phone), origin, link]
    else:
        event.add("summary", words.feed_summary(where))
        lines = [origin, words.feed_open(link)]
    event.add("description", "\n".join(lines))
    event.add("categories", [words.FEED_ONLINE if b.self_booked else words.FEED_BY_CLINIC])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "CONFIDENTIAL")
    return event
