"""A large, realistic clinic for the benchmarks: 10 calendars, 92 days ahead,
plain and smart blocks, and 50,000 stored bookings (past and future, some
cancelled), placed on real free slots so they never overlap.

    python -m bench.generate --out /tmp/ledig-bench   # writes content/ and a SQLite db
"""

from __future__ import annotations

import argparse
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from booking import Busy
from booking.restrictions import calendar_day_slots
from common.content import load_content

CALENDARS = 10
SLUG = "storklinikk"


def clinic_yaml(calendars: int = CALENDARS) -> str:
    lines = [
        "name: Storklinikken legesenter",
        "timezone: Europe/Oslo",
        "language: nb",
        "address: Storgata 1, 0155 Oslo",
        "pages_url: http://127.0.0.1:8000/",
        "endpoint_url: http://127.0.0.1:8000",
        "test_mode: true",
        "online: {max_self_booked: 100, days_ahead: 92, booking_deadline_hours: 0,",
        "         cancellation_deadline_hours: 24}",
        "calendars:",
    ]
    for i in range(calendars):
        lines += [
            f"  - id: lege{i}",
            f"    name: Lege {i}",
            "    online: true",
            "    week:",
        ]
        for day in ("mon", "tue", "wed", "thu", "fri"):
            lines += [
                f"      {day}:",
                '        - {start: "08:00", end: "11:30", types: [konsultasjon, kort]}',
                '        - {start: "12:00", end: "14:00", types: [konsultasjon, kort, samtale],'
                " smart: true}",
                '        - {start: "14:00", end: "16:00", types: [konsultasjon, samtale]}',
            ]
        lines += ["    exceptions:",
                  "      - {date: 2026-12-24, closed: true, reason: Julaften}"]
    lines += [
        "appointment_types:",
        "  - {id: konsultasjon, name: Konsultasjon, duration: 20, online: true, price: 279}",
        "  - {id: kort, name: Kort konsultasjon, duration: 10, online: true, price: 185}",
        "  - {id: samtale, name: Samtale, duration: 40, online: true, price: 558}",
    ]
    return "\n".join(lines) + "\n"


def write_content(root: Path, calendars: int = CALENDARS) -> Path:
    content = root / "content"
    (content / "clinics").mkdir(parents=True, exist_ok=True)
    (content / "clinics" / f"{SLUG}.yaml").write_text(clinic_yaml(calendars), encoding="utf-8")
    return content


def booking_rows(content: Path, total: int, today: date, seed: int = 7) -> list[dict]:
    """Non-overlapping bookings on real slots, from the past year to 92 days ahead."""
    rng = random.Random(seed)
    clinic = load_content(content).clinics[SLUG]
    kinds = [clinic.type("konsultasjon"), clinic.type("kort"), clinic.type("samtale")]
    days = [today + timedelta(days=n) for n in range(-400, 93)]
    rows: list[dict] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    workdays = sum(1 for d in days if d.weekday() < 5)
    per_day = max(1, total // (workdays * len(clinic.calendars)) + 1)
    for day in days:
        for cal in clinic.calendars:
            taken: list[tuple[datetime, datetime]] = []
            for _ in range(per_day * 3):
                if len(taken) >= per_day:
                    break
                kind = rng.choice(kinds)
                slots = calendar_day_slots(clinic, cal, kind, day, Busy(taken), online_only=False)
                if not slots:
                    continue
                slot = rng.choice(slots)
                taken.append((slot.start, slot.end))
                cancelled = rng.random() < 0.1
                rows.append({
                    "public_id": uuid.uuid4().hex, "clinic": SLUG, "calendar": cal.id,
                    "type": kind.id,
                    "start": slot.start.astimezone(UTC).replace(tzinfo=None),
                    "end": slot.end.astimezone(UTC).replace(tzinfo=None),
                    "status": "cancelled" if cancelled else "active",
                    "self_booked": rng.random() < 0.6,
                    "patient_key": f"p{rng.randrange(20000)}",
                    "first_name": "Test", "last_name": "Pasient", "created_at": now,
                })
                if cancelled:
                    taken.pop()
            if len(rows) >= total:
                return rows[:total]
    return rows


def fill_database(url: str, rows: list[dict]) -> None:
    """The bookings, and their patients in the staff search index, in one transaction.

    A server indexes unindexed patients at start, one autocommitted row each: for
    50,000 bookings that took two minutes, past `start_server`'s wait."""
    from bench.common import BENCH_SECRET_KEY, bench_keyring
    from endpoint.services.patients import index_unindexed
    from endpoint.storage.db import Booking, db
    from endpoint.storage.migrations import open_and_migrate

    open_and_migrate(url, bench_keyring())  # opening alone does not make the schema of a new file
    with db.connection_context():
        with db.atomic():
            Booking.delete().where(Booking.clinic == SLUG).execute()
            for i in range(0, len(rows), 500):
                Booking.insert_many(rows[i:i + 500]).execute()
            index_unindexed(BENCH_SECRET_KEY)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=Path("/tmp/ledig-bench"))
    p.add_argument("--bookings", type=int, default=50_000)
    p.add_argument("--database", default=None)
    args = p.parse_args()
    content = write_content(args.out)
    rows = booking_rows(content, args.bookings, datetime.now(UTC).date())
    url = args.database or f"sqlite:///{args.out / 'bench.sqlite3'}"
    fill_database(url, rows)
    print(f"{len(rows)} bookings in {url}; content in {content}")


if __name__ == "__main__":
    main()
