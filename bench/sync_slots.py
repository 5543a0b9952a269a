"""Calendar sync's cost on the slot route: the slot route vs a bare Flask JSON route,
without and with busy sources (docs/sync.md), alternating on one server and client.

    python -m bench.sync_slots [--json] [--seconds 3] [--rounds 3] [--client auto|wrk|python]
                          [--sync-events 500]

Prints requests/s and p50/p99 latency of (a) the slot route for a 31-day
range and (b) a bare Flask route with a small constant JSON body, and the
ratio a/b; then the engine alone (in process) for one calendar x 92 days with
its stored bookings. A second run gives each of the 10 calendars a busy source
(docs/sync.md) of `--sync-events` busy times, read once into the database, and prints
its ratio beside the first (the slot route with calendar sync over without).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import bench_keyring, free_port, load, median, print_json, start_server, stop
from bench.generate import SLUG, booking_rows, fill_database, write_content
from bench.slots import engine_ms


def _ics_server(calendars: int, events: int, today: date):
    """A loopback HTTP server with one .ics of `events` busy times per calendar."""
    import random
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    rng = random.Random(11)
    files: dict[str, bytes] = {}
    for i in range(calendars):
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//sync//EN"]
        for n in range(events):
            day = today + timedelta(days=rng.randrange(92))
            start = datetime(day.year, day.month, day.day, rng.randrange(7, 15),
                             rng.choice((0, 15, 30, 45)))
            end = start + timedelta(minutes=rng.choice((15, 30, 60)))
            lines += ["BEGIN:VEVENT", f"UID:bench-{i}-{n}", "DTSTAMP:20260101T000000Z",
                      f"DTSTART;TZID=Europe/Oslo:{start:%Y%m%dT%H%M%S}",
                      f"DTEND;TZID=Europe/Oslo:{end:%Y%m%dT%H%M%S}", "END:VEVENT"]
        lines.append("END:VCALENDAR")
        files[f"/lege{i}.ics"] = ("\r\n".join(lines) + "\r\n").encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = files.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def with_sync(content: Path, base: str, calendars: int) -> None:
    """Give every calendar of the bench clinic a busy source on `base` (docs/sync.md)."""
    path = content / "clinics" / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    for i in range(calendars):
        text = text.replace(f"    name: Lege {i}\n",
                            f"    name: Lege {i}\n    sync:\n      busy:\n"
                            f"        - {{ics: '{base}/lege{i}.ics'}}\n", 1)
    path.write_text(text, encoding="utf-8")


def measure(content: Path, url: str, args: argparse.Namespace, today: date,
            var: Path) -> dict[str, float]:
    port = free_port()
    server = start_server(content, url, port, var=var)
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
    print(f"slots (31 days, all calendars): {s_rps:8.0f} req/s  p50 {s_p50:6.2f} ms  "
          f"p99 {s_p99:6.2f} ms")
    print(f"bare Flask JSON:                {b_rps:8.0f} req/s  p50 {b_p50:6.2f} ms  "
          f"p99 {b_p99:6.2f} ms")
    print(f"ratio slots/bare: {s_rps / b_rps:.2f}   non-2xx: {errors}")
    return {"slots_rps": s_rps, "bare_rps": b_rps, "ratio": s_rps / b_rps, "p50_ms": s_p50,
            "p99_ms": s_p99}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true")
    p.add_argument("--seconds", type=float, default=3)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--client", default="auto", choices=["auto", "wrk", "python"])
    p.add_argument("--work", type=Path, default=Path("/tmp/ledig-bench-slots"))
    p.add_argument("--bookings", type=int, default=50_000)
    p.add_argument("--sync-events", type=int, default=500,
                   help="busy times per calendar's source in the second run (0: no run)")
    args = p.parse_args()

    content = write_content(args.work)
    db_path = args.work / "bench.sqlite3"
    db_path.unlink(missing_ok=True)
    url = f"sqlite:///{db_path}"
    today = datetime.now(UTC).date()
    fill_database(url, booking_rows(content, args.bookings, today))
    print(f"clinic: 10 calendars, {args.bookings} bookings; client: {args.client}")
    plain = measure(content, url, args, today, args.work / "var")
    engine = engine_ms(content, url)
    print(f"engine alone, 1 calendar x 92 days with its bookings: {engine:.2f} ms")
    synced = None
    if args.sync_events:
        from common.content import load_content
        from endpoint.clock import SYSTEM
        from endpoint.storage.migrations import open_and_migrate
        from endpoint.sync.refresh import refresh_due

        httpd, base = _ics_server(10, args.sync_events, today)
        try:
            with_sync(content, base, 10)
            open_and_migrate(url, bench_keyring())
            counts = refresh_due(load_content(content).clinics.values(), SYSTEM, force=True)
            print(f"with calendar sync: 10 calendars x {args.sync_events} busy times "
                  f"({dict(counts)})")
            synced = measure(content, url, args, today, args.work / "var")
        finally:
            httpd.shutdown()
        print(f"ratio with sync / without: {synced['ratio'] / plain['ratio']:.3f}")
    if args.json:
        out = {k: round(v, 3 if k == "ratio" else 2 if k.endswith("_ms") else 1)
               for k, v in plain.items()}
        out["engine_ms"] = round(engine, 3)
        if synced is not None:
            out["sync"] = {k: round(v, 3 if k == "ratio" else 2 if k.endswith("_ms") else 1)
                           for k, v in synced.items()}
        print_json(out)


if __name__ == "__main__":
    main()
