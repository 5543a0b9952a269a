"""Staff patient search over sealed names and phones, at 50,000 bookings (issue #18).

    python -m bench.search [--bookings 50000] [--database URL] [--rounds 50]

Fills one clinic with bookings of ~20,000 patients whose names and phones are
sealed at rest (as the endpoint stores them, with the blind index), then times the
staff search by full national id (the keyed hash: one index lookup), by name and by
phone (the blind index), and — for scale — opening every booking of the clinic to
filter names in Python, which is what searching sealed columns would cost without
the index. Figures are medians over the rounds, printed as ratios to the
national-id search measured in the same run (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import bench_keyring
from booking import Clinic
from common.content import load_content

FIRST = ["Kari", "Ola", "Ingrid", "Per", "Sigrid", "Lars", "Astrid", "Øyvind", "Nora", "Jonas",
         "Emma", "Henrik", "Ida", "Magnus", "Sofie", "Anders", "Ingeborg", "Sindre", "Maja",
         "Eirik", "Thea", "Knut", "Hanne", "Torbjørn", "Live", "Sverre", "Åse", "Bjørn"]
LAST = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
        "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
        "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen",
        "Halvorsen", "Henriksen", "Lund", "Sørensen", "Solbakken", "Kvalheim", "Øvrebø"]
SECRET = "bench"
CLINIC_YAML = """name: Søkeklinikken
timezone: Europe/Oslo
language: nb
calendars:
  - {id: lege, name: Lege, online: true, week: {mon: [{start: "08:00", end: "16:00", types: [t]}]}}
appointment_types:
  - {id: t, name: Time, duration: 10, online: true}
"""


def fill(url: str, clinic: Clinic, bookings: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """`bookings` rows of ~bookings/2.5 patients; each patient's (number, name, phone)."""
    from endpoint.services.keys import patient_key
    from endpoint.services.patients import index_booking
    from endpoint.storage.db import Booking, db
    from endpoint.storage.migrations import open_and_migrate

    open_and_migrate(url, bench_keyring())
    rng = random.Random(seed)
    patients = []
    for i in range(max(1, int(bookings / 2.5))):
        number = f"{10000000000 + i:011d}"  # a stand-in: the search never checks digits
        patients.append((number, rng.choice(FIRST), rng.choice(LAST),
                         f"+47{rng.randrange(40000000, 99999999)}"))
    start = datetime(2020, 1, 6, 8, tzinfo=UTC)
    with db.connection_context():
        for chunk in range(0, bookings, 500):
            with db.atomic():
                rows = []
                for n in range(chunk, min(bookings, chunk + 500)):
                    number, first, last, phone = patients[n % len(patients)]
                    at = start + timedelta(minutes=10 * n)
                    rows.append(Booking(
                        public_id=uuid.uuid4().hex, clinic=clinic.slug, calendar="lege",
                        type="t", start=at.replace(tzinfo=None),
                        end=(at + timedelta(minutes=10)).replace(tzinfo=None),
                        status="active", patient_key=patient_key(SECRET, number),
                        id_type="fnr", national_id=number, first_name=first, last_name=last,
                        phone=phone, email=f"{first.lower()}@example.no"))
                Booking.bulk_create(rows)
                for row in rows:
                    index_booking(row, SECRET)
    return [(p[0], f"{p[1]} {p[2]}", p[3]) for p in patients]


def timed(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bookings", type=int, default=50_000)
    p.add_argument("--database", help="default: a fresh SQLite file in a temp folder")
    p.add_argument("--rounds", type=int, default=50)
    args = p.parse_args()

    from endpoint.services.patients import search_patients
    from endpoint.storage.db import Booking, db

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "clinics").mkdir()
        (Path(tmp) / "clinics" / "sok.yaml").write_text(CLINIC_YAML)
        clinic = load_content(Path(tmp)).clinics["sok"]
        url = args.database or f"sqlite:///{tmp}/search.sqlite3"
        t = time.perf_counter()
        people = fill(url, clinic, args.bookings)
        print(f"{args.bookings} bookings of {len(people)} patients, sealed and indexed, in "
              f"{time.perf_counter() - t:.1f} s ({url.split(':')[0]})")
        number, name, phone = people[len(people) // 2]
        now = datetime.now(UTC)

        def search(q: str):
            return lambda: search_patients(clinic, q, "bench", now, SECRET)

        def open_everything():  # what a search over sealed columns costs without the index
            words = name.casefold().split()
            return [b for b in Booking.select().where(Booking.clinic == clinic.slug)
                    if all(w in f"{b.first_name} {b.last_name}".casefold() for w in words)]

        with db.connection_context():
            found = {"id": len(search(number)()), "name": len(search(name)()),
                     "prefix": len(search(name[:3])()), "phone": len(search(phone[-8:])())}
            base = timed(search(number), args.rounds)
            figures = {
                "national id (keyed hash)": base,
                f"full name '{name}'": timed(search(name), args.rounds),
                f"name prefix '{name[:3]}'": timed(search(name[:3]), args.rounds),
                "phone, last 8 digits": timed(search(phone[-8:]), args.rounds),
                "without the index: open every booking": timed(open_everything,
                                                               max(1, args.rounds // 10)),
            }
    print(f"patients found: {found}")
    for label, seconds in figures.items():
        print(f"  {label:42s} {seconds * 1000:8.2f} ms  {seconds / base:7.1f}× the id search")


if __name__ == "__main__":
    main()
