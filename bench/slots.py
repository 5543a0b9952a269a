"""Slot route vs a bare Flask JSON route on the same server and client, alternating.

    python -m bench.slots [--json] [--seconds 3] [--rounds 3] [--client auto|wrk|python]

Prints requests/s and p50/p99 latency of (a) the slot route for a 31-day
range and (b) a bare Flask route with a small constant JSON body, and the
ratio a/b; then the engine alone (in process) for one calendar x 92 days with
its stored bookings.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import free_port, load, median, print_json, start_server, stop
from bench.generate import SLUG, booking_rows, fill_database, write_content


def engine_ms(content: Path, database_url: str, repeat: int = 30) -> float:
    """visible_slots for one calendar x 92 days with its bookings, median of `repeat`."""
    from booking import visible_slots
    from common.content import load_content
    from endpoint.storage.db import db, open_database
    from endpoint.storage.queries import busy_between

    clinic = load_content(content).clinics[SLUG]
    open_database(database_url)
    now = datetime.now(UTC)
    first = now.date()
    last = first + timedelta(days=92)
    with db.connection_context():
        busy = busy_between(clinic, first, last, "lege0")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        visible_slots(clinic, "konsultasjon", now, busy, calendar_id="lege0",
                      first_day=first, last_day=last)
        times.append((time.perf_counter() - t0) * 1000)
    return median(times)


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
    db_path = args.work / "bench.sqlite3"
    db_path.unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    today = datetime.now(UTC).date()
    fill_database(url, booking_rows(content, args.bookings, today))
    print(f"clinic: 10 calendars, {args.bookings} bookings; client: {args.client}")

    port = free_port()
    server = start_server(content, url, port, var=args.work / "var")
    base = f"http://127.0.0.1:{port}"
    to = today + timedelta(days=30)
    slots_url = f"{base}/api/v1/clinics/{SLUG}/slots?type=konsultasjon&from={today}&to={to}"
    results: dict[str, list] = {"slots": [], "bare": []}
    try:
        load(slots_url, 1, args.connections, args.client)  # warm up
        load(f"{base}/bare", 1, args.connections, args.client)
        for _ in range(args.rounds):
            results["slots"].append(load(slots_url, args.seconds, args.connections, args.client))
            results["bare"].append(load(f"{base}/bare", args.seconds, args.connections,
                                        args.client))
    finally:
        stop(server)

    def summary(name: str) -> tuple[float, float, float]:
        runs = results[name]
        return (median([r.rps for r in runs]), median([r.p50_ms for r in runs]),
                median([r.p99_ms for r in runs]))

    s_rps, s_p50, s_p99 = summary("slots")
    b_rps, b_p50, b_p99 = summary("bare")
    errors = sum(r.errors for r in results["slots"] + results["bare"])
    engine = engine_ms(content, url)
    print(f"slots (31 days, all calendars): {s_rps:8.0f} req/s  p50 {s_p50:6.2f} ms  "
          f"p99 {s_p99:6.2f} ms")
    print(f"bare Flask JSON:                {b_rps:8.0f} req/s  p50 {b_p50:6.2f} ms  "
          f"p99 {b_p99:6.2f} ms")
    print(f"ratio slots/bare: {s_rps / b_rps:.2f}   non-2xx: {errors}")
    print(f"engine alone, 1 calendar x 92 days with its bookings: {engine:.2f} ms")
    if args.json:
        print_json({"slots_rps": round(s_rps, 1), "bare_rps": round(b_rps, 1),
                    "ratio": round(s_rps / b_rps, 3), "p50_ms": round(s_p50, 2),
                    "p99_ms": round(s_p99, 2), "engine_ms": round(engine, 3)})


if __name__ == "__main__":
    main()
