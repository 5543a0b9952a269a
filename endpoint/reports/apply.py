"""An SMS provider's delivery report applied to its outbox row (docs/notifications.md).

`apply` moves a message forward only: `pending`/`sent` → `delivered` or
`undelivered`. A report that says less than the row knows (a late `sent` after
`delivered`), a repeat, or a second final word changes nothing; a report that comes
before the worker marked the row `sent` is kept (the worker leaves it). A report for
no SMS of ledig's, or whose provider id is not the one the provider gave when it took
the message, is `unknown`.

A report that changes a booking's message also writes the booking's audit log
(`sms_delivered`, `sms_undelivered` with the message's kind, the provider's error code
and a reason code), in the same transaction, so staff see on the booking's page that
the patient did not get their confirmation. `undelivered` is final: the worker never
sends the row again (the provider has already tried for as long as it does; the
number is most likely wrong), so the reception calls the patient instead.
"""

from __future__ import annotations

import logging
from datetime import datetime

from endpoint.notify.reports import DELIVERED, RANK, SENT, UNDELIVERED, Report
from endpoint.services import audit
from endpoint.storage.db import Booking, Outbox, to_db, write_transaction

log = logging.getLogger("ledig.sms")

SMS_DELIVERED = "sms_delivered"
SMS_UNDELIVERED = "sms_undelivered"

UNKNOWN, UNCHANGED = "unknown", "unchanged"

#: the largest outbox id (an INTEGER column)
MAX_ID = 2**31 - 1


def apply(report: Report, provider: str, now: datetime) -> str:
    """Record `report` of `provider` (its name, the actor in the log); what it did:
    `unknown`, `unchanged`, `delivered` or `undelivered`."""
    if not 0 < report.outbox_id <= MAX_ID:  # no such row can exist
        return UNKNOWN
    with write_transaction():
        row = Outbox.get_or_none((Outbox.id == report.outbox_id) & (Outbox.channel == "sms"))
        if row is None or row.status not in RANK:  # failed or cancelled: never sent
            return UNKNOWN
        if row.provider_id and report.provider_id and row.provider_id != report.provider_id:
            return UNKNOWN
        if report.status == SENT or RANK[report.status] <= RANK[row.status]:
            return UNCHANGED
        earlier = [s for s, rank in RANK.items() if rank < RANK[report.status]]
        changes: dict[str, object] = {"status": report.status, "reported_at": to_db(now)}
        if report.provider_id and not row.provider_id:
            changes["provider_id"] = report.provider_id
        if report.status == UNDELIVERED:
            said = f" ({report.detail})" if report.detail else ""
            changes["last_error"] = (f"{provider} could not deliver the SMS: error "
                                     f"{report.code or '?'}{said}")
        # compare and set: of two reports at once, or a report and the worker, one wins
        moved = (Outbox.update(**changes)
                 .where((Outbox.id == row.id) & Outbox.status.in_(earlier)).execute())
        if not moved:
            return UNCHANGED
        booking_id = row.booking_id  # type: ignore[attr-defined]  # peewee's foreign key
        booking = Booking.get_or_none(Booking.id == booking_id) if booking_id else None
        if booking is not None:
            details: dict[str, object] = {"kind": row.kind, "provider": provider}
            if report.status == UNDELIVERED:
                details.update(code=report.code, reason=report.reason)
            audit.record(booking, now, provider,
                         SMS_DELIVERED if report.status == DELIVERED else SMS_UNDELIVERED,
                         **details)
    if report.status == UNDELIVERED:
        log.warning("outbox %d (%s by sms): %s could not deliver it (error %s, %s); not "
                    "sent again", row.id, row.kind, provider, report.code or "?",
                    report.reason)
    else:
        log.info("outbox %d (%s by sms): delivered, says %s", row.id, row.kind, provider)
    return report.status
