"""Queueing notifications in the booking's own transaction (docs/notifications.md).

Messages are stored in the transaction that writes the booking or the
cancellation, so a message exists exactly when its booking does. Every
message is rendered here, completely (the cancel token is only known at
booking time, and the worker then needs no clinic configuration); a new
booking's messages are rendered by `booked_messages` *before* its
transaction takes the locks, and `store` inserts them inside it. The outbox
worker (`endpoint.notify.outbox`) only delivers.

What a booking queues, per its appointment type:

* for each channel in `notify` (`email` when the patient gave an address,
  `sms` to the E.164 mobile): a confirmation, and a reminder due
  `reminder_hours` before the start if that moment is still ahead;
* the type's `dialog`: by email when the type notifies by email and the
  patient gave an address — then inside the confirmation mail, under the
  clinic's heading, since both go to the same address at once — else by SMS,
  as its own message, when it notifies by SMS; a type whose `notify` is empty
  sends no dialog (only listed channels send). A template that fails to
  render becomes a `failed` dialog row with the reason in `last_error`; the
  booking and its confirmation go through regardless.

A cancellation cancels the booking's pending reminders and queues a
cancellation on each channel, the mail with an `.ics` `METHOD:CANCEL` for the
same UID and a higher SEQUENCE; it says who cancelled (the patient, or the
clinic with its reason).

A move or a change of type (staff, docs/staff.md) cancels the pending reminders,
queues a `moved` message with an updated `.ics` (same UID, the booking's new
SEQUENCE) and queues the reminders anew for the new time.

A wait-list entry (docs/patients.md) is told, on the type's `notify` channels it can be
reached on, that it joined (with its link) and of each freed time offered to it;
these rows belong to no booking (`waitlist_messages`).

`channels` (where a caller passes it) says on which channels the patient is
told of this action: None for the type's `notify`, () for not at all. Reminders
always follow the type's `notify`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import formataddr
from types import MappingProxyType

from icalendar import Calendar, Event, vCalAddress, vText

from booking import Clinic
from booking.model import AppointmentType
from booking.restrictions import zone
from booking.urls import page_url, short_cancel_url
from common.dialogs import DialogError, dialog_context, render_dialog
from common.words import messages
from common.words.dates import format_when, short_date, short_when
from endpoint.storage.db import Booking, Outbox, WaitlistEntry, from_db, to_db

log = logging.getLogger("ledig.notify")

PRODID = "-//ledig//online booking//NO"


def booked_messages(clinic: Clinic, booking: Booking, now: datetime,
                    cancel_token: str, channels: tuple[str, ...] | None = None) -> list[dict]:
    """Every message a new booking sends, rendered: outbox rows still without their booking.

    Works on an unsaved booking, so that the rendering (texts, `.ics`, the
    clinic's dialog) happens before the booking's transaction takes its locks.
    `channels` limits the confirmation and the dialog (None: the type's `notify`).
    """
    kind = clinic.type(booking.type)
    if kind is None:
        return []
    facts = _facts(clinic, kind, booking, cancel_url=cancel_url(clinic, booking, cancel_token))
    told = kind.notify if channels is None else channels
    rows = []
    for channel in _channels(tuple(dict.fromkeys(told)), booking):
        rows.append(_standard(clinic, booking, "confirmation", channel, facts, now, now))
    rows += _reminders(clinic, kind, booking, facts, now)
    if told and kind.dialog and (row := _dialog(clinic, kind, booking, now, told)):
        rows = _with_dialog(rows, row, clinic)
    return rows


def _with_dialog(rows: list[dict], dialog: dict, clinic: Clinic) -> list[dict]:
    """The dialog as its own message, or inside the confirmation when both are mails to the
    same address (one e-mail, not two at once); a dialog that failed stays its own row."""
    same = next((r for r in rows if r["kind"] == "confirmation" and r["channel"] == "email"
                 and dialog["channel"] == "email" and r["recipient"] == dialog["recipient"]),
                None)
    if same is None or dialog.get("status") == "failed":
        return [*rows, dialog]
    heading = messages.dialog_subject(clinic.language, clinic.name)
    # no "-- " line: mail programs take what follows it for a signature and fold it away
    same["body"] = f"{same['body'].rstrip()}\n\n{heading}:\n\n{dialog['body'].strip()}\n"
    return rows


def _reminders(clinic: Clinic, kind: AppointmentType, booking: Booking,
               facts: messages.Facts, now: datetime) -> list[dict]:
    """The reminders of the type's channels, when their moment is still ahead."""
    if not kind.reminder_hours:
        return []
    due = from_db(booking.start) - timedelta(hours=kind.reminder_hours)
    if due <= now:
        return []
    return [_standard(clinic, booking, "reminder", channel, facts, due, now)
            for channel in _channels(kind.notify, booking)]


#: columns some rows leave out (one multi-row insert needs the same columns in every row)
_ROW_DEFAULTS = MappingProxyType({"subject": "", "body": "", "attachment": "", "status": "pending",
                                  "last_error": ""})


def store(booking: Booking, rows: list[dict]) -> None:
    """Inside the booking's transaction: queue its rendered messages (one statement)."""
    if rows:
        Outbox.insert_many([{**_ROW_DEFAULTS, **row, "booking": booking.id}
                            for row in rows]).execute()


def enqueue_booked(clinic: Clinic, booking: Booking, now: datetime, cancel_token: str) -> None:
    """Queue the confirmation, reminder and dialog messages of a new booking."""
    store(booking, booked_messages(clinic, booking, now, cancel_token))


def _drop_reminders(booking: Booking, why: str) -> None:
    (Outbox.update(status="cancelled", last_error=why)
     .where((Outbox.booking == booking.id) & (Outbox.kind == "reminder")
            & (Outbox.status == "pending"))
     .execute())


def enqueue_moved(clinic: Clinic, booking: Booking, now: datetime,
                  channels: tuple[str, ...] | None = None, cancel_token: str = "") -> None:
    """Inside a move's transaction: the reminders anew, and the patient told (on `channels`)
    with the booking's new time and an `.ics` of the same UID at its new SEQUENCE. A move
    made with the cancel token (the patient's link) carries the link to move or cancel
    again; a staff move cannot, since the endpoint keeps only the token's hash."""
    _drop_reminders(booking, "the booking was moved")
    kind = clinic.type(booking.type)
    if kind is None:
        return
    link = cancel_url(clinic, booking, cancel_token) if cancel_token else ""
    facts = _facts(clinic, kind, booking, cancel_url=link)
    told = kind.notify if channels is None else channels
    rows = [_standard(clinic, booking, "moved", channel, facts, now, now)
            for channel in _channels(tuple(dict.fromkeys(told)), booking)]
    store(booking, rows + _reminders(clinic, kind, booking, facts, now))


def enqueue_cancelled(clinic: Clinic, booking: Booking, now: datetime,
                      channels: tuple[str, ...] | None = None) -> None:
    """Cancel the booking's pending reminders and queue its cancellation messages (on
    `channels`; None for the type's `notify`)."""
    _drop_reminders(booking, "the booking was cancelled")
    if channels == ():
        return
    kind = clinic.type(booking.type)
    if kind is not None:
        notify = kind.notify
    else:  # the type left the configuration: tell the patient where they were told before
        notify = tuple({row.channel for row in Outbox.select(Outbox.channel).where(
            (Outbox.booking == booking.id) & (Outbox.kind == "confirmation"))})
        kind = AppointmentType(id=booking.type, name=booking.type, duration=0,
                               rules=clinic.online)
    if channels is not None:
        notify = channels
    by = "clinic" if booking.cancelled_by == "staff" else "patient"
    facts = _facts(clinic, kind, booking, cancelled_by=by,
                   reason=booking.cancel_reason if by == "clinic" else "")
    store(booking, [_standard(clinic, booking, "cancellation", channel, facts, now, now)
                    for channel in _channels(tuple(dict.fromkeys(notify)), booking)])


def waitlist_channels(clinic: Clinic, type_id: str, email: str, phone: str) -> list[str]:
    """The channels a wait-list entry is told on: the type's `notify` that it can reach."""
    kind = clinic.type(type_id)
    notify = kind.notify if kind is not None else ()
    return [c for c in notify if (c == "email" and email) or (c == "sms"
                                                              and phone.startswith("+"))]


def waitlist_messages(clinic: Clinic, entry: WaitlistEntry, kind: str, url: str,
                      now: datetime, *, start: datetime | None = None,
                      calendar: str = "") -> list[dict]:
    """Outbox rows (of no booking) telling a wait-list entry it joined (`waitlist_joined`)
    or offering it a freed time (`waitlist_offer`, at `start` in `calendar`)."""
    appointment = clinic.type(entry.type)
    if appointment is None:
        return []
    cal = clinic.calendar(calendar) if calendar else None
    facts = messages.WaitFacts(
        language=clinic.language, clinic=clinic.name, first_name=entry.first_name,
        type=appointment.name, first=short_date(entry.first_day, clinic.language),
        last=short_date(entry.last_day, clinic.language), url=url,
        when=format_when(start.astimezone(zone(clinic.timezone)), clinic.language)
        if start is not None else "",
        calendar=cal.name if cal is not None else "", place=_place(clinic, appointment))
    rows = []
    for channel in waitlist_channels(clinic, entry.type, entry.email, entry.phone):
        row = {**_ROW_DEFAULTS, "booking": None, "clinic": clinic.slug, "kind": kind,
               "channel": channel, "sender": _sender(clinic), "due_at": to_db(now),
               "created_at": to_db(now)}
        if channel == "email":
            subject, body = messages.waitlist_email(kind, facts)
            rows.append({**row, "recipient": entry.email, "subject": subject, "body": body})
        else:
            rows.append({**row, "recipient": entry.phone,
                         "body": messages.waitlist_sms(kind, facts)})
    return rows


def store_rows(rows: list[dict]) -> None:
    """Queue rows that belong to no booking (one statement)."""
    if rows:
        Outbox.insert_many(rows).execute()


# -- building blocks ---------------------------------------------------------------------

def cancel_url(clinic: Clinic, booking: Booking, token: str) -> str:
    """The cancellation page with the token in the fragment (never sent to a server): the
    page finds the booking by the token alone, which keeps the link short."""
    return short_cancel_url(clinic, token)


def _channels(notify: tuple[str, ...], booking: Booking) -> list[str]:
    out = []
    if "email" in notify and booking.email:
        out.append("email")
    if "sms" in notify and booking.phone.startswith("+"):
        out.append("sms")
    return out


def _place(clinic: Clinic, kind: AppointmentType) -> str:
    return kind.address or clinic.address


def _hours(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _facts(clinic: Clinic, kind: AppointmentType, booking: Booking, *, cancel_url: str = "",
           cancelled_by: str = "", reason: str = "") -> messages.Facts:
    start = from_db(booking.start).astimezone(zone(clinic.timezone))
    calendar = clinic.calendar(booking.calendar)
    return messages.Facts(
        language=clinic.language, clinic=clinic.name, clinic_phone=clinic.phone,
        first_name=booking.first_name, type=kind.name,
        calendar=calendar.name if calendar else "",
        when=format_when(start, clinic.language), place=_place(clinic, kind),
        price=kind.price, info=kind.info or "", cancel_url=cancel_url,
        cancel_hours=_hours(kind.rules.cancellation_deadline_hours),
        cancelled_by=cancelled_by, reason=reason,
        short_when=short_when(start, clinic.language), sms_sender=clinic.sms_sender)


def _sender(clinic: Clinic) -> str:
    return formataddr((clinic.name, clinic.email)) if clinic.email else clinic.name


def _standard(clinic: Clinic, booking: Booking, kind: str, channel: str,
              facts: messages.Facts, due: datetime, now: datetime) -> dict:
    row = dict(clinic=clinic.slug, kind=kind, channel=channel, sender=_sender(clinic),
               due_at=to_db(due), created_at=to_db(now))
    if channel == "email":
        attachment = ""
        if kind in ("confirmation", "cancellation", "moved"):
            attachment = appointment_ics(clinic, booking, facts,
                                         cancelled=kind == "cancellation", now=now)
        subject, body = messages.email(kind, facts, attached=bool(attachment))
        return {**row, "recipient": booking.email, "subject": subject, "body": body,
                "attachment": attachment}
    return {**row, "recipient": booking.phone, "body": messages.sms(kind, facts),
            "sender": clinic.sms_sender}


def _dialog(clinic: Clinic, kind: AppointmentType, booking: Booking, now: datetime,
            notify: tuple[str, ...]) -> dict | None:
    channels = _channels(notify, booking)
    if not channels:
        return None
    channel = channels[0]  # email first when the type notifies by email
    recipient = booking.email if channel == "email" else booking.phone
    row = dict(clinic=clinic.slug, kind="dialog", channel=channel,
               recipient=recipient, due_at=to_db(now),
               sender=_sender(clinic) if channel == "email" else clinic.sms_sender,
               created_at=to_db(now),
               subject=messages.dialog_subject(clinic.language, clinic.name)
               if channel == "email" else "")
    try:
        source = clinic.dialog(kind.dialog) if kind.dialog else None
        if source is None:
            raise DialogError(f"dialog '{kind.dialog}' is not defined in the clinic file")
        body = render_dialog(source, _dialog_context(clinic, kind, booking), clinic.language)
        if not body:
            raise DialogError("the template rendered an empty message")
    except Exception as exc:  # a clinic's template must never fail a booking
        error = str(exc) if isinstance(exc, DialogError) else f"{type(exc).__name__}: {exc}"
        log.warning("dialog '%s' of clinic %s failed to render: %s", kind.dialog, clinic.slug,
                    error)
        return {**row, "body": "", "status": "failed", "last_error": f"dialog template: {error}"}
    return {**row, "body": body}


def _dialog_context(clinic: Clinic, kind: AppointmentType, booking: Booking) -> dict:
    tz = zone(clinic.timezone)
    calendar = clinic.calendar(booking.calendar)
    return dialog_context(clinic, kind, first_name=booking.first_name,
                          last_name=booking.last_name,
                          start=from_db(booking.start).astimezone(tz),
                          end=from_db(booking.end).astimezone(tz),
                          calendar_name=calendar.name if calendar else "",
                          booking_id=booking.public_id)


def appointment_ics(clinic: Clinic, booking: Booking, facts: messages.Facts, *,
                    cancelled: bool, now: datetime) -> str:
    """An RFC 5545 calendar entry with the appointment, or its removal when cancelled.

    A calendar entry, not an invitation (RFC 5546): the booking and a move are
    `METHOD:PUBLISH` with the clinic as ORGANIZER and no ATTENDEE, so mail apps offer
    "add to calendar", not RSVP buttons; the cancellation is `METHOD:CANCEL` with
    `STATUS:CANCELLED` for the same UID, which calendar apps act on by removing the
    entry. Its SEQUENCE is the booking's: 0 when booked, one more for each move and for
    the cancellation, so calendar apps replace what they had."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.public_id}@ledig")
    event.add("sequence", booking.sequence or 0)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", from_db(booking.start))
    event.add("dtend", from_db(booking.end))
    event.add("summary", f"{facts.type} – {clinic.name}")
    event.add("location", facts.place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    description = [line for line in (facts.info, facts.cancel_url) if line]
    if description:
        event.add("description", "\n\n".join(description))
    # PUBLISH wants an ORGANIZER (a URI): the clinic's e-mail address, else its page
    address = f"mailto:{clinic.email}" if clinic.email else (
        page_url(clinic) if clinic.pages_url else "")
    if address:
        organizer = vCalAddress(address)
        organizer.params["cn"] = vText(clinic.name)
        event.add("organizer", organizer)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")


__all__ = ["appointment_ics", "booked_messages", "cancel_url", "enqueue_booked",
           "enqueue_cancelled", "enqueue_moved", "store", "store_rows", "waitlist_channels",
           "waitlist_messages"]
