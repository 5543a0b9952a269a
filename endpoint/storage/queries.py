"""The hand-written queries of the hot paths, and the other reads of bookings.

Every slot request and every booking runs `busy_between` and (for a booking)
`count_self_booked`; they are written out in SQL (`db.raw_sql`) because
Peewee rebuilt their SQL on every call. A calendar is busy where it has an
active booking, a staff block (docs/staff.md) or an imported busy time (docs/sync.md), so
`busy_between` reads all three: whatever hides a slot also refuses a booking.
`generations` and `bump` keep each calendar's booking generation, which the slot
cache keys on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from booking import Busy, Clinic
from booking.restrictions import zone
from endpoint.storage.db import Booking, db, db_time, raw_sql, to_db

# the two queries of every booking, written out; the literal 'active' lets both databases
# use the partial indexes on active bookings. The fourth column is a hold's expiry
# (docs/patients.md:
# a held time is busy until then), NULL for bookings, staff blocks and imported busy times.
_BUSY_SQL = ('SELECT calendar, start, "end", CAST(NULL AS TIMESTAMP) FROM booking '
             "WHERE clinic = ? AND status = 'active' AND start >= ? AND start < ? "
             'AND "end" > ?{calendar}{exclude} '
             'UNION ALL SELECT calendar, start, "end", CAST(NULL AS TIMESTAMP) FROM staff_block '
             'WHERE clinic = ? AND start < ? AND "end" > ?{calendar}')
# imported busy times (docs/sync.md), a part of its own: what another calendar (ICS, CalDAV)
# says is taken
_SYNC_BUSY_SQL = (' UNION ALL SELECT calendar, start, "end", CAST(NULL AS TIMESTAMP) '
                  'FROM sync_busy WHERE clinic = ? AND start < ? AND "end" > ?{calendar}')
_HOLD_SQL = (' UNION ALL SELECT calendar, start, "end", expires_at FROM hold WHERE clinic = ? '
             'AND start < ? AND "end" > ? AND expires_at > ?{calendar}{exclude}')
_COUNT_SQL = ("SELECT COUNT(*) FROM booking WHERE clinic = ? AND patient_key = ? "
              "AND status = 'active' AND self_booked AND start > ?")

#: no appointment is longer (config validation caps durations at 8 hours)
LONGEST_BOOKING = timedelta(hours=8)

BOOKING_ID = re.compile(r"[0-9a-f]{32}")


def day_bounds(clinic: Clinic, first: date, last: date) -> tuple[datetime, datetime]:
    """Midnight before `first` and after `last`, in the clinic's time zone."""
    tz = zone(clinic.timezone)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start, end


#: the naive UTC the database stores, at epoch second 0
_EPOCH = datetime(1970, 1, 1)


def _epoch(value: datetime | str) -> float:
    """Epoch seconds of a stored (naive UTC) time: `value.replace(tzinfo=UTC).timestamp()`,
    by a subtraction that costs a quarter of it (a miss converts thousands of rows)."""
    if isinstance(value, str):  # SQLite hands back text
        return (datetime.fromisoformat(value) - _EPOCH).total_seconds()
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return (value - _EPOCH).total_seconds()


@lru_cache(maxsize=32)
def _busy_sql(by_calendar: bool, excluding: bool, holds: bool, excluding_hold: bool,
              param: str) -> str:
    """The busy query for one shape of question, built once (it runs on every slot request)."""
    mine = " AND calendar = ?" if by_calendar else ""
    sql = _BUSY_SQL.format(calendar=mine, exclude=" AND id <> ?" if excluding else "")
    sql += _SYNC_BUSY_SQL.format(calendar=mine)
    if holds:
        sql += _HOLD_SQL.format(calendar=mine, exclude=" AND id <> ?" if excluding_hold else "")
    return raw_sql(sql)  # `param`, the database's style, keys the cache


def holds_count(clinic: Clinic) -> bool:
    """Whether held times are busy at this clinic (`online.hold_minutes` above 0)."""
    return clinic.features.hold_minutes > 0


def busy_between(clinic: Clinic, first: date, last: date,
                 calendar: str | None = None, exclude: int | None = None, *,
                 now: datetime | None = None,
                 exclude_hold: int | None = None) -> dict[str, Busy]:
    """Active bookings, staff blocks, imported busy times (docs/sync.md) and (given `now`)
    unexpired holds per calendar that overlap the days first..last (clinic time). See
    `busy_until`."""
    return busy_until(clinic, first, last, calendar, exclude, now=now,
                      exclude_hold=exclude_hold)[0]


def busy_until(clinic: Clinic, first: date, last: date,
               calendar: str | None = None, exclude: int | None = None, *,
               now: datetime | None = None,
               exclude_hold: int | None = None) -> tuple[dict[str, Busy], datetime | None]:
    """The busy time per calendar, and the moment it next changes by itself: the earliest
    expiry of a hold it counts (None when it counts none).

    The query walks an index on (clinic, start) over the range only, and its
    rows skip the ORM's per-row conversion: this is the slot route's hot path.
    `exclude` leaves one booking (a row id) out: the one being moved; `exclude_hold`
    one hold: the one being booked. Holds count only when `now` is given and the
    clinic has them on; a hold with `expires_at <= now` is not busy.
    """
    lo, hi = day_bounds(clinic, first, last)
    holds = now is not None and holds_count(clinic)
    sql = _busy_sql(calendar is not None, exclude is not None, holds,
                    holds and exclude_hold is not None, db.obj.param)
    mine = [calendar] if calendar is not None else []
    other = [exclude] if exclude is not None else []
    # a staff block may be longer than any booking: it is found by its overlap alone
    params = [clinic.slug, db_time(lo - LONGEST_BOOKING), db_time(hi), db_time(lo), *mine,
              *other, clinic.slug, db_time(hi), db_time(lo), *mine]
    params += [clinic.slug, db_time(hi), db_time(lo), *mine]  # imported busy times
    if holds:
        assert now is not None
        params += [clinic.slug, db_time(hi), db_time(lo), db_time(now), *mine,
                   *([exclude_hold] if exclude_hold is not None else [])]
    intervals: dict[str, list[tuple[float, float]]] = defaultdict(list)
    soonest: float | None = None
    for cal, start, end, expires in db.execute_sql(sql, params):
        intervals[cal].append((_epoch(start), _epoch(end)))
        if expires is not None:
            at = _epoch(expires)
            soonest = at if soonest is None else min(soonest, at)
    busy = {cal: Busy.from_epochs(items) for cal, items in intervals.items()}
    return busy, (datetime.fromtimestamp(soonest, UTC) if soonest is not None else None)


def count_self_booked(clinic: Clinic, key: str, now: datetime) -> int:
    """The patient's future, active, self-booked appointments at the clinic."""
    row = db.execute_sql(raw_sql(_COUNT_SQL), (clinic.slug, key, db_time(now))).fetchone()
    return int(row[0])


def lookup(clinic: Clinic, public_id: str) -> Booking | None:
    """The clinic's booking with this public id; None for anything that is not one."""
    if not BOOKING_ID.fullmatch(public_id or ""):
        return None  # also keeps NUL and other junk away from the database driver
    found: Booking | None = Booking.get_or_none((Booking.public_id == public_id)
                                                & (Booking.clinic == clinic.slug))
    return found


def lookup_by_token(clinic: Clinic, token_hash: str) -> Booking | None:
    """The clinic's booking whose cancel token has this SHA-256 (a short link's)."""
    found: Booking | None = Booking.get_or_none((Booking.clinic == clinic.slug)
                                                & (Booking.cancel_token_hash == token_hash))
    return found


def bookings_between(clinic: Clinic, first: date, last: date, *,
                     active_only: bool = False) -> list[Booking]:
    """The clinic's bookings that overlap the days first..last, by start."""
    lo, hi = day_bounds(clinic, first, last)
    query = (Booking.select()
             .where((Booking.clinic == clinic.slug) & (Booking.start < to_db(hi))
                    & (Booking.end > to_db(lo)))
             .order_by(Booking.start))
    if active_only:
        query = query.where(Booking.status == "active")
    return list(query)


def generations(clinic: Clinic) -> tuple[tuple[str, int], ...]:
    """Each calendar's booking generation, as committed now (one indexed query)."""
    sql = raw_sql("SELECT calendar, generation FROM calendar_state WHERE clinic = ?")
    return tuple(sorted(db.execute_sql(sql, (clinic.slug,)).fetchall()))


def bump(clinic_slug: str, calendar: str) -> None:
    """Inside a booking's or cancellation's transaction: the calendar's slots changed."""
    db.execute_sql(raw_sql(
        "INSERT INTO calendar_state (clinic, calendar, generation) VALUES (?, ?, 1) "
        "ON CONFLICT (clinic, calendar) DO UPDATE SET generation = calendar_state.generation + 1"
    ), (clinic_slug, calendar))
