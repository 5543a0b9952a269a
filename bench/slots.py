"""Slot route vs a bare Flask JSON route on the same server and client, alternating.

    python -m bench.slots [--json] [--seconds 3] [--rounds 3] [--client auto|wrk|python]

Prints requests/s and p50/p99 latency of (a) the slot route for a 31-day
range and (b) a bare Flask route with a small constant JSON body, and the
ratio a/b; then the engine alone (in process) for one calendar x 92 days with
its stored bookings, from compiled range plans (booking/plans.py), and the first
call, which compiles them.

The slot route is measured twice in the same run, on one database: with holds on
(`online.hold_minutes: 5`, the default, and active holds stored, so the busy
query reads the hold table and cache entries carry their expiry) and with holds
off (`hold_minutes: 0`, a second server on a copy of the content); each ratio is
over the bare route of its own server (docs/patients.md).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import free_port, load, median, print_json, start_server, stop
from bench.generate import SLUG, booking_rows, fill_database, write_content

#: active holds stored for the holds-on run (one an hour before opening, each day)
HOLDS = 60


def holds_off(content: Path) -> None:
    """The clinic file with holds switched off."""
    path = content / "clinics" / f"{SLUG}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "online: {", "online: {hold_minutes: 0, ", 1), encoding="utf-8")


def store_holds(database_url: str, today) -> None:
    """`HOLDS` unexpired holds over the measured range, outside the blocks (07:00)."""
    import uuid

    from endpoint.storage.db import Hold, db, open_database

    open_database(database_url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.connection_context():
        Hold.delete().execute()
        for n in range(HOLDS):
            day = today + timedelta(days=n % 31)
            start = datetime(day.year, day.month, day.day, 6, 0)
            Hold.create(public_id=uuid.uuid4().hex, clinic=SLUG, calendar=f"lege{n % 10}",
                        type="konsultasjon", start=start, end=start + timedelta(minutes=20),
                        expires_at=now + timedelta(hours=2), token_hash=uuid.uuid4().hex * 2,
                        client_key="bench", created_at=now)


def engine_ms(content: Path, database_url: str, repeat: int = 30) -> tuple[float, float]:
    """visible_slots for one calendar x 92 days with its bookings, median of `repeat`,
    from range plans compiled before (as the slot route's misses find them); and the first
    call, which compiles them."""
    from booking import visible_slots
    from common.content import load_content
    from endpoint.services.slots import PlanCache
    from endpoint.storage.db import db, open_database
    from endpoint.storage.queries import busy_between

    clinic = load_content(content).clinics[SLUG]
    open_database(database_url)
    now = datetime.now(UTC)
    first = now.date()
    last = first + timedelta(days=92)
    with db.connection_context():
        busy = busy_between(clinic, first, last, "lege0")
    plans = PlanCache()
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        visible_slots(clinic, "konsultasjon", now, busy, calendar_id="lege0",
                      first_day=first, last_day=last, plans=plans)
        times.append((time.perf_counter() - t0) * 1000)
    return median(times[1:]), times[0]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true")
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--client", default="auto", choices=["auto", "wrk", "python"])
    p.add_argument("--work", type=Path, default=Path("/tmp/ledig-bench-slots"))
    p.add_argument("--bookings", type=int, default=50_000)
    args = p.parse_args()

    content = write_content(args.work)
    content_off = write_content(args.work / "off")
    holds_off(content_off)
    db_path = args.work / "bench.sqlite3"
    db_path.unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    today = datetime.now(UTC).date()
    fill_database(url, booking_rows(content, args.bookings, today))
    print(f"clinic: 10 calendars, {args.bookings} bookings; client: {args.client}")

    port, port_off = free_port(), free_port()
    server = start_server(content, url, port, var=args.work / "var")
    server_off = start_server(content_off, url, port_off, var=args.work / "var-off")
    store_holds(url, today)  # the servers made the schema
    to = today + timedelta(days=30)
    query = f"/api/v1/clinics/{SLUG}/slots?type=konsultasjon&from={today}&to={to}"
    urls = {"slots": f"http://127.0.0.1:{port}{query}",
            "bare": f"http://127.0.0.1:{port}/bare",
            "slots_off": f"http://127.0.0.1:{port_off}{query}",
            "bare_off": f"http://127.0.0.1:{port_off}/bare"}
    results: dict[str, list] = {name: [] for name in urls}
    try:
        for target in urls.values():  # warm up
            load(target, 1, args.connections, args.client)
        for _ in range(args.rounds):  # alternating, so that both see the same machine
            for name, target in urls.items():
                results[name].append(load(target, args.seconds, args.connections,
                                          args.client))
    finally:
        stop(server)
        stop(server_off)

    def summary(name: str) -> tuple[float, float, float]:
        runs = results[name]
        return (median([r.rps for r in runs]), median([r.p50_ms for r in runs]),
                median([r.p99_ms for r in runs]))

    s_rps, s_p50, s_p99 = summary("slots")
    b_rps, b_p50, b_p99 = summary("bare")
    o_rps, o_p50, o_p99 = summary("slots_off")
    ob_rps, _, _ = summary("bare_off")
    errors = sum(r.errors for runs in results.values() for r in runs)
    engine, compiling = engine_ms(content, url)
    print(f"slots (31 days, all calendars), holds on ({HOLDS} active): {s_rps:8.0f} req/s  "
          f"p50 {s_p50:6.2f} ms  p99 {s_p99:6.2f} ms")
    print(f"slots (31 days, all calendars), holds off:           {o_rps:8.0f} req/s  "
          f"p50 {o_p50:6.2f} ms  p99 {o_p99:6.2f} ms")
    print(f"bare Flask JSON:                                     {b_rps:8.0f} req/s  "
          f"p50 {b_p50:6.2f} ms  p99 {b_p99:6.2f} ms  (holds-off server: {ob_rps:.0f})")
    print(f"ratio slots/bare: holds on {s_rps / b_rps:.2f}, holds off {o_rps / ob_rps:.2f}   "
          f"non-2xx: {errors}")
    # the two servers' bare routes differ by the machine's noise; this one does not
    print(f"slot route, holds on over holds off: {s_rps / o_rps:.2f}")
    print(f"engine alone, 1 calendar x 92 days with its bookings: {engine:.2f} ms "
          f"(the first call, compiling the range plans: {compiling:.2f} ms)")
    if args.json:
        print_json({"slots_rps": round(s_rps, 1), "bare_rps": round(b_rps, 1),
                    "ratio": round(s_rps / b_rps, 3), "p50_ms": round(s_p50, 2),
                    "p99_ms": round(s_p99, 2), "engine_ms": round(engine, 3),
                    "engine_compiling_ms": round(compiling, 3),
                    "holds_off_slots_rps": round(o_rps, 1),
                    "holds_off_ratio": round(o_rps / ob_rps, 3),
                    "holds_on_over_off": round(s_rps / o_rps, 3)})


if __name__ == "__main__":
    main()
