"""The domain core of ledig: configuration model, schedule, slots, restrictions, identity.

This package is pure. It does no I/O (it never opens files, sockets or
databases), never reads the clock (`now` is a parameter, timezone-aware) and
imports neither Flask, Peewee, Jinja2, YAML, `os` nor `pathlib`. The shells —
`sitegen` and `endpoint` — do those things and call in here.
`tests/booking/test_purity.py` keeps it so.
"""

from booking.config import CONTENT_KEYS, check_clinic, content_version, parse_clinic
from booking.errors import ConfigError, ConfigIssue, LedigError
from booking.identity import IdentityError, classify, normalize_national_id, validate_national_id
from booking.model import (
    AppointmentType,
    Block,
    BookingLink,
    Calendar,
    Clinic,
    Rules,
    ScheduleException,
    Tracking,
)
from booking.phone import PhoneError, normalize_mobile
from booking.report import PairReport, bookability
from booking.restrictions import (
    DaySlots,
    Refusal,
    can_cancel,
    check_booking,
    check_cancellation,
    last_bookable_day,
    local_today,
    visible_slots,
)
from booking.schedule import blocks_on, public_holidays
from booking.slots import Busy, Slot

__all__ = [
    "CONTENT_KEYS", "AppointmentType", "Block", "BookingLink", "Busy", "Calendar", "Clinic",
    "ConfigError", "ConfigIssue", "DaySlots", "IdentityError", "LedigError", "PairReport",
    "PhoneError", "Refusal", "Rules", "classify", "normalize_mobile", "normalize_national_id",
    "validate_national_id",
    "ScheduleException", "Slot", "Tracking", "blocks_on", "bookability", "can_cancel",
    "check_booking", "check_cancellation", "check_clinic", "content_version",
    "last_bookable_day", "local_today", "parse_clinic", "public_holidays", "visible_slots",
]
