"""Concurrent bookings on SQLite and on PostgreSQL, then a check of the invariants.

    python -m bench.bookings [--json] [--seconds 8] [--clients 32] [--skip-postgres]

32 client threads POST bookings (some deliberately for the same slot) to one
`endpoint` server for a few seconds per database; prints bookings/s and
p50/p99 latency of the successful POSTs, and counts violations afterwards:
two active bookings overlapping in one calendar, or a patient over
`max_self_booked`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import free_port, median, print_json, start_server, stop
from bench.generate import SLUG, write_content
from booking.identity import with_control_digits

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LIMIT = 3  # max_self_booked of the benchmark clinic (set below)


def national_ids(count: int) -> list[str]:
    """Valid fødselsnummer for distinct patients."""
    out = []
    day = datetime(1950, 1, 1)
    while len(out) < count:
        for individual in range(100, 500, 7):
            if number := with_control_digits(f"{day:%d%m%y}{individual:03d}"):
                out.append(number)
        day += timedelta(days=1)
    return out[:count]


def all_slots(port: int) -> list[dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    today = datetime.now(UTC).date()
    out = []
    for type_id in ("kort", "konsultasjon"):
        for offset in (1, 32, 63):
            first, last = today + timedelta(days=offset), today + timedelta(days=offset + 30)
            conn.request("GET", f"/api/v1/clinics/{SLUG}/slots?type={type_id}&from={first}"
                                f"&to={last}")
            body = json.loads(conn.getresponse().read())
            out += [{"type": type_id, **s} for d in body["days"] for s in d["slots"]]
    return out


def _client(port: int, slots: list[dict], patients: list[str], threads: int, seconds: float,
            seed: int) -> tuple[int, int, list[float]]:
    """One client process: `threads` keep-alive connections booking `slots` in order."""
    lock = threading.Lock()
    state = {"next": 0, "created": 0, "refused": 0}
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= len(slots):
                break
            # one request in ten races for a slot another client is taking
            slot = slots[i - 1] if i and rng.random() < 0.1 else slots[i]
            body = {"calendar": slot["calendar"], "type": slot["type"], "start": slot["start"],
                    "patient": {"id_type": "fnr", "national_id": patients[rng.randrange(
                        len(patients))], "first_name": "Bench", "last_name": "Pasient",
                        "phone": "40612345", "email": "bench@example.no"}}
            t0 = time.perf_counter()
            conn.request("POST", f"/api/v1/clinics/{SLUG}/bookings", json.dumps(body),
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                if response.status == 201:
                    state["created"] += 1
                    mine.append(elapsed)
                else:
                    state["refused"] += 1
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return state["created"], state["refused"], latencies


def run_load(port: int, seconds: float, clients: int,
             processes: int = 4) -> tuple[int, int, list[float]]:
    """`clients` connections in `processes` client processes (one GIL for 32 threads
    made the client, not the server, the bottleneck)."""
    slots = all_slots(port)
    random.Random(1).shuffle(slots)
    patients = national_ids(len(slots) // 2 + clients * 4)
    shares = [slots[p::processes] for p in range(processes)]
    threads = max(1, clients // processes)
    t0 = time.monotonic()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.starmap(_client, [(port, share, patients, threads, seconds, p)
                                         for p, share in enumerate(shares)])
    wall = time.monotonic() - t0
    created = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return created, refused, latencies + [wall]


def violations(database_url: str) -> int:
    """Overlapping active bookings per calendar + patients over the limit."""
    from endpoint.storage.db import Booking, db, open_database

    open_database(database_url)
    bad = 0
    with db.connection_context():
        rows = (Booking.select(Booking.calendar, Booking.start, Booking.end, Booking.patient_key)
                .where((Booking.clinic == SLUG) & (Booking.status == "active"))
                .order_by(Booking.calendar, Booking.start).tuples())
        last: dict[str, datetime] = {}
        per_patient: dict[str, int] = {}
        for cal, start, end, patient in rows:
            if cal in last and start < last[cal]:
                bad += 1
            last[cal] = max(end, last.get(cal, end))
            per_patient[patient] = per_patient.get(patient, 0) + 1
        bad += sum(1 for n in per_patient.values() if n > LIMIT)
    db.close()
    return bad


def bench_database(name: str, url: str, content: Path, args) -> tuple[float, float, float, int]:
    port = free_port()
    server = start_server(content, url, port, threads=args.threads, var=args.work / "var")
    try:
        created, refused, lat = run_load(port, args.seconds, args.clients)
    finally:
        stop(server)
    wall = lat.pop()
    rate = created / wall
    p50 = median(lat) * 1000 if lat else float("nan")
    p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else float("nan")
    bad = violations(url)
    print(f"{name:10s}: {rate:7.1f} bookings/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
          f"({created} booked, {refused} refused, {bad} violations)")
    return rate, p50, p99, bad


def postgres_url() -> str | None:
    try:
        import psycopg2

        conn = psycopg2.connect(POSTGRES_ADMIN, connect_timeout=3)
    except Exception:
        return None
    conn.autocommit = True
    name = f"ledig_bench_{uuid.uuid4().hex[:8]}"
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_postgres(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(POSTGRES_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    conn.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true")
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--threads", type=int, default=8, help="server threads")
    p.add_argument("--skip-postgres", action="store_true")
    p.add_argument("--work", type=Path, default=Path("/tmp/ledig-bench-bookings"))
    args = p.parse_args()
    content = write_content(args.work)
    path = content / "clinics" / f"{SLUG}.yaml"
    path.write_text(path.read_text().replace("max_self_booked: 100", f"max_self_booked: {LIMIT}"))

    db_path = args.work / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    sqlite = bench_database("SQLite", f"sqlite:///{db_path}", content, args)
    pg = None
    pg_url = None if args.skip_postgres else postgres_url()
    if pg_url:
        try:
            pg = bench_database("PostgreSQL", pg_url, content, args)
        finally:
            drop_postgres(pg_url)
    elif not args.skip_postgres:
        print("PostgreSQL: not reachable at 127.0.0.1:5432, skipped")
    if args.json:
        print_json({"sqlite_per_s": round(sqlite[0], 1),
                    "postgres_per_s": round(pg[0], 1) if pg else None,
                    "violations": sqlite[3] + (pg[3] if pg else 0)})


if __name__ == "__main__":
    main()
