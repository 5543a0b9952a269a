"""The staff calendar feed: a clinic's upcoming active bookings as iCalendar (RFC 5545).

Calendar apps poll the feed and replace what they had, so a cancelled
booking simply leaves it. UIDs are stable (`<public id>@<clinic>.ledig`), so
an app updates an event instead of duplicating it. The national id is never
in the feed.

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
    cal.add("x-wr-calname", f"{clinic.name}: timer")
    cal.add("x-wr-timezone", clinic.timezone)
    cal.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT15M")
    for booking in upcoming(clinic, now):
        cal.add_component(_event(clinic, booking, base))
    return cal.to_ical()


def _event(clinic: Clinic, b: Booking, base: str = "") -> Event:
    event = Event()
    where = calendar_name(clinic, b.calendar)
    link = f"{base}/staff/{clinic.slug}/bookings/{b.public_id}"
    event.add("uid", f"{b.public_id}@{clinic.slug}.ledig")
    event.add("dtstamp", from_db(b.created_at))
    event.add("created", from_db(b.created_at))
    event.add("dtstart", from_db(b.start))
    event.add("dtend", from_db(b.end))
    event.add("location", where)
    event.add("url", link)
    origin = (f"Bestilt online {booked_at_label(b, clinic)}" if b.self_booked
              else "Lagt inn av klinikken")
    if clinic.feed_detail == "full":
        kind, who = type_name(clinic, b.type), patient_name(b)
        event.add("summary", f"{who}: {kind}")
        lines = [f"{kind} hos {where}", f"Pasient: {who}"]
        if b.phone:
            lines.append(f"Telefon: {b.phone}")
        lines += [origin, link]
    else:
        event.add("summary", f"Time hos {where}")
        lines = [origin, f"Åpne timen: {link}"]
    event.add("description", "\n".join(lines))
    event.add("categories", ["Bestilt online" if b.self_booked else "Lagt inn av klinikken"])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "CONFIDENTIAL")
    return event
