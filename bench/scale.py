"""Every clinic of a country on a few endpoint processes and one PostgreSQL (docs/scale.md).

    python -m bench.scale [--json] [--clinics 2000] [--seconds 20] [--processes 1,2,4]
                          [--compare] [--pgbouncer] [--build]

1. Writes `--clinics` clinic files (most with 2–6 calendars, a few with 20).
2. One process: start-up time and resident memory with all of them, and how
   long a change to one clinic file takes to be served; in-process, what one
   reload scan of the folder costs (this scan and the one it replaced).
3. For each process count: a fresh PostgreSQL database, staff API tokens
   made by `endpoint staff-user api-token`, N `endpoint serve` processes (the
   real waitress server), the mixed workload of `bench.scale_load` for
   `--seconds` or `--max-requests` (after `--warmup` seconds of it, not
   counted: a process that has served a while), three deliberate races (one slot, one
   patient, and holds, bookings and moves for one time), then the violations
   counted in SQL: overlapping active bookings in a calendar, unexpired holds
   overlapping an active booking or each other, patients over `max_self_booked`
   and client addresses over the cap of active holds. Must be 0.
4. `--compare`: the largest process count again with the bottlenecks put back,
   in the same run, by `bench.before` (they are no longer in the product): Peewee's
   pool ping on every request under its lock (`--ping`), then also the whole-clinic
   slot cache (`--whole-clinic-cache`) — the code as it was before `bench.scale`;
   and once with each clinic's requests sent to one process (a balancer that
   hashes the clinic in the path), so each process caches a quarter of them.
5. `--pgbouncer`: the largest process count again through PgBouncer in
   transaction mode (Debian's `pgbouncer`, started here as user postgres).
6. `--build`: `sitegen build` of the clinics: full, no change (also with `--verify`,
   and with `sitegen/build.py` of `BUILD_BEFORE` alternating on the same folder), one
   clinic changed.

Prints ratios from one run; with `--json` the last line is the object of docs/scale.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import types
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.bookings import POSTGRES_ADMIN, drop_postgres, national_ids, postgres_url
from bench.common import BENCH_DATA_KEY, ROOT, free_port, print_json
from bench.scale_content import LIMIT, slug, write_clinics, zipf_weights
from bench.scale_load import Connection, Plan, Tally, run
from endpoint.waitlist.holds import MAX_PER_CLIENT as MAX_HOLDS

SECRET = "bench-scale"


@dataclass
class Result:
    label: str
    n: int
    rps: float
    p50_ms: float
    p99_ms: float
    bookings_per_s: float
    violations: int
    hit_ratio: float
    requests: int
    errors: int
    statuses: dict
    race_winners: int
    limit_winners: int
    startup_s: float
    #: CPU of the endpoint processes and of their PostgreSQL backends per request
    cpu_ms: float = float("nan")
    pg_cpu_ms: float = float("nan")
    #: one of the plain process counts (not a --compare or --pgbouncer variant)
    plain: bool = True
    #: patients' moves that succeeded (200) and holds made (201), per second
    moves_per_s: float = 0.0
    holds_per_s: float = 0.0
    #: winners of the race of holds, bookings and moves for one time (must be 1)
    mixed_winners: int = 1

    def broken(self) -> int:
        """Violations counted in SQL, plus each race that did not end as it must."""
        return (self.violations + (self.race_winners != 1) + (self.limit_winners > LIMIT)
                + (self.mixed_winners != 1))


# -- servers -----------------------------------------------------------------------------

def server_env(work: Path) -> dict[str, str]:
    return {**os.environ, "LEDIG_SECRET_KEY": SECRET, "LEDIG_RATE_LIMIT": "off",
            "LEDIG_DATA_KEY": BENCH_DATA_KEY,
            # the load client sends each patient's address as a balancer would, so the cap
            # of active holds per address counts per patient (bench.scale_load)
            "LEDIG_TRUSTED_PROXIES": "1",
            "LEDIG_VAR": str(work / "var")}


def start_servers(content: Path, url: str, count: int, work: Path, threads: int,
                  before: tuple[str, ...] = ()) -> tuple[list[subprocess.Popen], list[int],
                                                         float]:
    """`count` `endpoint serve` processes; returns them, their ports, and the start-up time
    (from launch until every one answers /healthz with all clinics). `before`: flags of
    `bench.before`, which serves with those bottlenecks of the old code put back."""
    ports = [free_port() for _ in range(count)]
    t0 = time.monotonic()
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    program = ["bench.before", *before] if before else ["endpoint"]
    procs = [subprocess.Popen(
        [sys.executable, "-m", *program, "serve", "--content", str(content), "--database", url,
         "--port", str(port), "--threads", str(threads)],
        env=server_env(work), cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=open(logs / f"serve-{port}.log", "ab"))  # noqa: SIM115 - the child keeps it
        for port in ports]
    for proc, port in zip(procs, ports, strict=True):
        wait_healthy(proc, port)
    return procs, ports, time.monotonic() - t0


def wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"endpoint serve on port {port} exited with {proc.returncode}")
        try:
            status, body = Connection("127.0.0.1", port).request("GET", "/healthz")
            if status == 200:
                return json.loads(body)
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"endpoint serve on port {port} did not start in {timeout} s")


def stop_all(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pids(database: str) -> list[int]:
    """The PostgreSQL server processes serving `database` now (their CPU is the load)."""
    import psycopg2

    conn = psycopg2.connect(POSTGRES_ADMIN)
    with conn.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))
        pids = [row[0] for row in cur.fetchall()]
    conn.close()
    return pids


def cache_stats(ports: list[int]) -> tuple[int, int]:
    hits = misses = 0
    for port in ports:
        status, body = Connection("127.0.0.1", port).request("GET", "/healthz")
        stats = json.loads(body).get("slot_cache", {}) if status == 200 else {}
        hits += stats.get("hits", 0)
        misses += stats.get("misses", 0)
    return hits, misses


# -- the database ------------------------------------------------------------------------

def admin_sql(sql: str, database: str = "postgres") -> None:
    import psycopg2

    conn = psycopg2.connect(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + database)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def staff_tokens(content: Path, url: str, slugs: list[str]) -> dict[str, str]:
    """A receptionist per clinic and her API token, made by `endpoint staff-user`."""
    from endpoint.cli import main as endpoint_cli

    tokens = {}
    env_before = dict(os.environ)
    os.environ["LEDIG_SECRET_KEY"] = SECRET
    os.environ["LEDIG_DATA_KEY"] = BENCH_DATA_KEY
    real_stdin = sys.stdin
    try:
        for s in slugs:
            common = ["--clinic", s, "--username", "resepsjon", "--content", str(content),
                      "--database", url]
            sys.stdin = io.StringIO("bench-scale-passord-1\n")
            with contextlib.redirect_stdout(io.StringIO()):
                if endpoint_cli(["staff-user", "add", *common]) != 0:
                    raise RuntimeError(f"endpoint staff-user add failed for {s}")
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                if endpoint_cli(["staff-user", "api-token", *common]) != 0:
                    raise RuntimeError(f"endpoint staff-user api-token failed for {s}")
            tokens[s] = out.getvalue().strip().splitlines()[-1]
    finally:
        sys.stdin = real_stdin
        os.environ.clear()
        os.environ.update(env_before)
    from endpoint.storage.db import db
    if not db.is_closed():
        db.close()
    return tokens


# A hold is busy until it expires; booking it with its token deletes it in the booking's
# transaction, so an unexpired hold overlapping an active booking is always another
# patient's time taken twice. Stored times are UTC without a zone.
VIOLATIONS_SQL = f"""
SELECT
  (SELECT count(*) FROM booking a JOIN booking b
     ON a.clinic = b.clinic AND a.calendar = b.calendar AND a.id < b.id
     WHERE a.status = 'active' AND b.status = 'active'
       AND a.start < b."end" AND b.start < a."end"),
  (SELECT count(*) FROM hold h JOIN booking b
     ON h.clinic = b.clinic AND h.calendar = b.calendar
     WHERE b.status = 'active' AND h.expires_at > (now() AT TIME ZONE 'UTC')
       AND h.start < b."end" AND b.start < h."end"),
  (SELECT count(*) FROM hold a JOIN hold b
     ON a.clinic = b.clinic AND a.calendar = b.calendar AND a.id < b.id
     WHERE a.expires_at > (now() AT TIME ZONE 'UTC')
       AND b.expires_at > (now() AT TIME ZONE 'UTC')
       AND a.start < b."end" AND b.start < a."end"),
  (SELECT count(*) FROM (SELECT clinic, patient_key FROM booking
     WHERE status = 'active' AND self_booked AND start > (now() AT TIME ZONE 'UTC')
     GROUP BY clinic, patient_key HAVING count(*) > {LIMIT}) AS over),
  (SELECT count(*) FROM (SELECT client_key FROM hold
     WHERE expires_at > (now() AT TIME ZONE 'UTC')
     GROUP BY client_key HAVING count(*) > {MAX_HOLDS}) AS over),
  (SELECT count(*) FROM booking WHERE status = 'active'),
  (SELECT count(*) FROM hold WHERE expires_at > (now() AT TIME ZONE 'UTC'))
"""


def violations(url: str) -> tuple[int, int, int]:
    """Counted in SQL: the violations (active bookings overlapping in a calendar, unexpired
    holds overlapping an active booking or each other, patients over the limit, client
    addresses over the cap of active holds), the active bookings and the unexpired holds."""
    import psycopg2

    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(VIOLATIONS_SQL)
        *broken, active, holds = cur.fetchone()
    conn.close()
    return sum(broken), active, holds


# -- races -------------------------------------------------------------------------------

Request = tuple  # (method, path, body) or (method, path, body, bearer token, address)


def _burst(ports: list[int], requests: list[Request]) -> list[int]:
    """Send the requests at once, one connection each, spread over the servers."""
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def one(i: int) -> None:
        method, path, body, token, address = (*requests[i], None, None)[:5]
        conn = Connection("127.0.0.1", ports[i % len(ports)])
        conn.request("GET", "/healthz")  # connected before the barrier
        barrier.wait()
        statuses[i] = conn.request(method, path, json.dumps(body).encode(), token, address)[0]
        conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def races(ports: list[int], patients: list[str]) -> tuple[int, int, int]:
    """24 patients for one slot (1 must win); one patient for 12 slots (≤ LIMIT win);
    8 holds, 8 bookings and 8 moves of other bookings onto one time (1 must win)."""
    target = slug(1)
    status, body = Connection("127.0.0.1", ports[0]).request(
        "GET", f"/api/v1/clinics/{target}/slots?type=kort")
    slots = [s for d in json.loads(body)["days"] for s in d["slots"]][-40:]

    def booking(slot: dict, national_id: str) -> tuple[str, str, dict]:
        return ("POST", f"/api/v1/clinics/{target}/bookings",
                {"calendar": slot["calendar"], "type": "kort", "start": slot["start"],
                 "patient": {"id_type": "fnr", "national_id": national_id,
                             "first_name": "Race", "last_name": "Pasient",
                             "phone": "40612345", "email": "race@example.no"}})

    one_slot = _burst(ports, [booking(slots[0], patients[-1 - i]) for i in range(24)])
    one_patient = _burst(ports, [booking(slots[1 + i], patients[-30]) for i in range(12)])

    # one time, wanted three ways at once: held, booked, and moved to by 8 patients whose
    # bookings are elsewhere (made first, one by one); the time is one still offered after
    conn = Connection("127.0.0.1", ports[0])
    movers = []
    for i in range(8):
        method, path, body = booking(slots[20 + i], patients[-31 - i])
        status, payload = conn.request(method, path, json.dumps(body).encode())
        if status == 201:
            made = json.loads(payload)
            movers.append((made["booking"]["id"], made["cancel_token"]))
    status, body = conn.request("GET", f"/api/v1/clinics/{target}/slots?type=kort")
    target_slot = [s for d in json.loads(body)["days"] for s in d["slots"]][-1]
    conn.close()
    wanted = target_slot["calendar"], target_slot["start"]
    mixed = _burst(ports, [
        *[("POST", f"/api/v1/clinics/{target}/holds",
           {"calendar": wanted[0], "type": "kort", "start": wanted[1]}, None,
           f"10.250.0.{i}") for i in range(8)],
        *[booking(target_slot, patients[-1 - i]) for i in range(8)],
        *[("PATCH", f"/api/v1/clinics/{target}/bookings/{booking_id}",
           {"calendar": wanted[0], "start": wanted[1]}, token)
          for booking_id, token in movers],
    ])
    won = sum(1 for status in mixed if status in (200, 201))
    return one_slot.count(201), one_patient.count(201), won


# -- one configuration -------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * q))] * 1000


def run_config(label: str, n: int, content: Path, sizes: dict[str, int], work: Path,
               args: argparse.Namespace, before: tuple[str, ...] = (),
               via: PgBouncer | None = None, route: str = "any") -> Result:
    url = postgres_url()
    if url is None:
        raise SystemExit("PostgreSQL is not reachable at 127.0.0.1:5432 (run .ci/run's setup)")
    name = url.rsplit("/", 1)[1]
    procs: list[subprocess.Popen] = []
    try:
        # the endpoint's own session timeouts, kept when a pooler drops its startup options
        admin_sql(f"ALTER DATABASE \"{name}\" SET lock_timeout = '10s'")
        admin_sql(f"ALTER DATABASE \"{name}\" SET statement_timeout = '30s'")
        served_url = via.url(name) if via else url
        slugs = list(sizes)
        tokens = staff_tokens(content, served_url, slugs[:args.staffed])
        procs, ports, startup = start_servers(content, served_url, n, work, args.server_threads,
                                              before)
        patients = national_ids(args.patients + 40)
        plan = Plan(ports=ports, sizes=sizes, weights=zipf_weights(len(sizes)),
                    staff_tokens=tokens, patients=patients[:args.patients],
                    today=datetime.now(UTC).date(), seconds=args.seconds,
                    max_requests=args.max_requests, threads=args.client_threads, route=route)
        if args.warmup > 0:  # a process that has served a while: its cache holds the
            # busy clinics; the figures below count from here
            run(Plan(**{**plan.__dict__, "seconds": args.warmup, "seed": 99}),
                args.client_processes)
        hits0, misses0 = cache_stats(ports)
        pg_before = {pid: cpu_seconds(pid) for pid in backend_pids(name)}
        app_before = sum(cpu_seconds(proc.pid) for proc in procs)
        tally, wall = run(plan, args.client_processes)
        app_cpu = sum(cpu_seconds(proc.pid) for proc in procs) - app_before
        pg_cpu = sum(cpu_seconds(pid) - pg_before.get(pid, 0.0) for pid in backend_pids(name))
        hits, misses = cache_stats(ports)
        hits, misses = hits - hits0, misses - misses0
        rss_after = max(rss_mb(proc.pid) for proc in procs)
        race_winners, limit_winners, mixed_winners = races(ports, patients)
    finally:
        stop_all(procs)
    try:
        bad, active, holds = violations(url)
    finally:
        drop_postgres(url)
    result = summarise(label, n, tally, wall, hits, misses, bad, race_winners, limit_winners,
                       startup, active, mixed_winners, holds)
    result.plain = not before and via is None and route == "any"
    result.cpu_ms = app_cpu * 1000 / max(result.requests, 1)
    result.pg_cpu_ms = pg_cpu * 1000 / max(result.requests, 1)
    print(f"    CPU per request: endpoint {result.cpu_ms:.2f} ms, PostgreSQL {result.pg_cpu_ms:.2f}"
          f" ms ({app_cpu:.1f} s and {pg_cpu:.1f} s in {wall:.1f} s); largest RSS of a server "
          f"process after the load: {rss_after:.0f} MB")
    return result


def summarise(label: str, n: int, tally: Tally, wall: float, hits: int, misses: int, bad: int,
              race_winners: int, limit_winners: int, startup: float, active: int,
              mixed_winners: int = 1, holds: int = 0) -> Result:
    everything = sorted(x for values in tally.latencies.values() for x in values)

    def done(op: str, status: int) -> int:
        return tally.statuses.get(op, {}).get(status, 0)

    booked = done("book", 201) + done("hold_book", 201)  # with a hold's token or without
    result = Result(label, n, len(everything) / wall, percentile(everything, 0.5),
                    percentile(everything, 0.99), booked / wall, bad,
                    hits / (hits + misses) if hits + misses else float("nan"),
                    len(everything), tally.errors, tally.statuses, race_winners, limit_winners,
                    startup, moves_per_s=done("move", 200) / wall,
                    holds_per_s=done("hold", 201) / wall, mixed_winners=mixed_winners)
    by_op = ", ".join(
        f"{op} {len(v)} (p99 {percentile(sorted(v), 0.99):.0f} ms)"
        for op, v in sorted(tally.latencies.items()))
    print(f"{label}: {result.rps:7.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
          f"p99 {result.p99_ms:6.1f} ms  {result.bookings_per_s:5.1f} bookings/s  "
          f"{result.moves_per_s:4.1f} moves/s  {result.holds_per_s:4.1f} holds/s  "
          f"cache hits {result.hit_ratio:.1%}  violations {bad}  "
          f"(start-up {startup:.1f} s, {result.requests} requests, {tally.errors} errors, "
          f"{active} active bookings, {holds} unexpired holds)")
    print(f"    {by_op}")
    print(f"    statuses {json.dumps(tally.statuses, sort_keys=True)}")
    print(f"    refusals {json.dumps(tally.codes, sort_keys=True)}")
    print(f"    races: {race_winners} of 24 won one slot (must be 1); one patient won "
          f"{limit_winners} of 12 slots (must be <= {LIMIT}); {mixed_winners} of 8 holds, "
          f"8 bookings and 8 moves won one time (must be 1)")
    return result


# -- many clinics in one process ---------------------------------------------------------

def many_clinics(content: Path, work: Path, args: argparse.Namespace) -> dict[str, float]:
    """Start-up, memory and reload of one process with all the clinics."""
    from common.content import clinic_files
    from endpoint.registry import file_stamps

    # in process: one reload scan (no file changed) now, and as the old code did it
    scans = []
    for _ in range(5):
        t0 = time.perf_counter()
        file_stamps(content)
        t1 = time.perf_counter()
        for path in clinic_files(content):
            path.stat()
        scans.append((t1 - t0, time.perf_counter() - t1))
    scan_new = min(s[0] for s in scans)
    scan_old = min(s[1] for s in scans)

    url = postgres_url()
    if url is None:
        raise SystemExit("PostgreSQL is not reachable at 127.0.0.1:5432")
    procs: list[subprocess.Popen] = []
    try:
        shutil.rmtree(work / "var" / "content-cache", ignore_errors=True)
        procs, ports, cold = start_servers(content, url, 1, work, args.server_threads)
        rss_cold = rss_mb(procs[0].pid)
        stop_all(procs)  # a restart: the validated clinics are on disk now
        procs, ports, startup = start_servers(content, url, 1, work, args.server_threads)
        rss_start = rss_mb(procs[0].pid)
        target = slug(3)
        path = content / "clinics" / f"{target}.yaml"
        conn = Connection("127.0.0.1", ports[0])
        text = path.read_text(encoding="utf-8")
        reloads = []
        for attempt in range(3):
            new_name = f"Legesenter endret {attempt}"
            t0 = time.monotonic()
            path.write_text(text.replace("name: Legesenter 0003", f"name: {new_name}", 1),
                            encoding="utf-8")
            while time.monotonic() - t0 < 30:
                status, body = conn.request("GET", f"/api/v1/clinics/{target}")
                if status == 200 and json.loads(body)["name"] == new_name:
                    break
                time.sleep(0.01)
            reloads.append(time.monotonic() - t0)
            time.sleep(0.3)
        path.write_text(text, encoding="utf-8")
    finally:
        stop_all(procs)
        drop_postgres(url)
    reload_s = sorted(reloads)[len(reloads) // 2]
    clinics = len(clinic_files(content))
    print(f"one process, {clinics} clinics: first start-up {cold:.1f} s (validates every "
          f"file, RSS {rss_cold:.0f} MB); a restart {startup:.1f} s (validated clinics from "
          f"var/content-cache, RSS {rss_start:.0f} MB), x{cold / startup:.1f} faster; a "
          f"changed clinic file served after {reload_s:.2f} s (median of 3; the scan runs "
          f"every 1 s)")
    print(f"    one reload scan of {clinics} files: {scan_new * 1000:.1f} ms "
          f"(glob + Path.stat as before: {scan_old * 1000:.1f} ms)")
    return {"startup_s": cold, "restart_s": startup, "rss_mb": rss_start, "reload_s": reload_s,
            "scan_ms": scan_new * 1000, "scan_old_ms": scan_old * 1000}


# -- PgBouncer ---------------------------------------------------------------------------

class PgBouncer:
    """Debian's pgbouncer in transaction mode on a free port, run as user postgres."""

    def __init__(self, work: Path):
        self.dir = work / "pgbouncer"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (self.dir / "users.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(f"""[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/users.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
ignore_startup_parameters = options, extra_float_digits
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
""")
        for path in (work, self.dir, *self.dir.iterdir()):
            path.chmod(0o777 if path.is_dir() else 0o666)
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        command = [binary, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                Connection("127.0.0.1", self.port)._open()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("pgbouncer did not start")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pgbouncer_available() -> bool:
    return shutil.which("pgbouncer") is not None or Path("/usr/sbin/pgbouncer").exists()


# -- sitegen build -----------------------------------------------------------------------

#: sitegen/build.py before a no-change build stopped statting every output (issue #17)
BUILD_BEFORE = "4772bd3"


def build_module_at(commit: str) -> types.ModuleType:
    """`sitegen/build.py` as it was at `commit`, beside today's (same templates, pages and
    engine hash, so both read and keep one build folder and manifest)."""
    source = subprocess.run(["git", "show", f"{commit}:sitegen/build.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("bench_sitegen_build_before")
    module.__file__ = str(ROOT / "sitegen" / "build.py")  # its CODE: this checkout
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{commit}:sitegen/build.py", "exec"), module.__dict__)
    return module


def _timed(build_fn, content: Path, out: Path, **kwargs) -> float:
    started = time.perf_counter()
    if build_fn(content, out, stream=io.StringIO(), **kwargs) != 0:
        raise SystemExit("sitegen build failed")
    return time.perf_counter() - started


def builds(content: Path, work: Path) -> dict[str, float]:
    from sitegen.build import build

    out = work / "_site"
    shutil.rmtree(out, ignore_errors=True)
    full = _timed(build, content, out)
    pages = sum(1 for p in out.rglob("*.html") if "/snippets/" not in str(p))
    _timed(build, content, out)  # keeps the stat of the files written just before the build
    try:
        before = build_module_at(BUILD_BEFORE).build
    except (OSError, subprocess.CalledProcessError):
        before = None  # not a git checkout
    now, then = [], []
    for _ in range(5):  # alternating, on the same folder: neither writes anything
        now.append(_timed(build, content, out))
        if before is not None:
            then.append(_timed(before, content, out))
    noop = min(now)
    verify = min(_timed(build, content, out, verify=True) for _ in range(2))
    path = content / "clinics" / f"{slug(5)}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Legesenter 0005", "name: Legesenter fem", 1),
                    encoding="utf-8")
    one = _timed(build, content, out)
    path.write_text(text, encoding="utf-8")
    clinics = len(list((content / "clinics").glob("*.yaml")))
    print(f"sitegen build of {clinics} clinics: {pages} pages in {full:.1f} s = "
          f"{pages / full:.0f} pages/s; no-change rebuild {noop:.3f} s (median "
          f"{sorted(now)[2]:.3f} s of 5); with --verify (every output stat'ed) {verify:.3f} s; "
          f"one clinic changed {one:.3f} s")
    if then:
        print(f"    no-change rebuild, sitegen/build.py of {BUILD_BEFORE} (every input read, "
              f"every output stat'ed), alternating with today's: {min(then):.3f} s (median "
              f"{sorted(then)[2]:.3f} s); today's / that: x{noop / min(then):.2f}")
    return {"pages": pages, "build_s": full, "noop_s": noop, "verify_s": verify, "one_s": one,
            "noop_before_s": min(then) if then else float("nan")}


# -- main --------------------------------------------------------------------------------

def report_json(clinics: int, results: list[Result], one: dict[str, float] | None) -> dict:
    """docs/scale.md's object: the plain process counts (not --compare's or PgBouncer's runs)."""
    main_results = [r for r in results if r.plain]
    return {
        "clinics": clinics,
        "processes": [{"n": r.n, "rps": round(r.rps, 1), "p99_ms": round(r.p99_ms, 1),
                       "bookings_per_s": round(r.bookings_per_s, 1),
                       "moves_per_s": round(r.moves_per_s, 1),
                       "holds_per_s": round(r.holds_per_s, 1),
                       "violations": r.broken()}
                      for r in main_results],
        "cache_hit_ratio": round(main_results[-1].hit_ratio, 3) if main_results else None,
        "startup_s_2000_clinics": round(one["startup_s"], 2) if one else None,
        "reload_s_one_clinic_of_2000": round(one["reload_s"], 3) if one else None,
        "rss_mb_2000_clinics": round(one["rss_mb"], 1) if one else None,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true")
    p.add_argument("--clinics", type=int, default=2000)
    p.add_argument("--processes", default="1,2,4",
                   help="endpoint process counts to run (0: none, e.g. with --build)")
    p.add_argument("--seconds", type=float, default=20, help="load per configuration")
    p.add_argument("--warmup", type=float, default=10,
                   help="seconds of the same workload before each measurement (not counted)")
    p.add_argument("--max-requests", type=int, default=200_000,
                   help="at most this many requests per configuration")
    p.add_argument("--client-processes", type=int, default=2)
    p.add_argument("--client-threads", type=int, default=8, help="per client process")
    p.add_argument("--server-threads", type=int, default=8, help="waitress threads")
    p.add_argument("--patients", type=int, default=600)
    p.add_argument("--staffed", type=int, default=20,
                   help="the busiest clinics get a receptionist with an API token")
    p.add_argument("--compare", action="store_true",
                   help="also run the largest count with the old pool ping and slot cache")
    p.add_argument("--pgbouncer", action="store_true",
                   help="also run the largest count through PgBouncer (transaction mode)")
    p.add_argument("--build", action="store_true", help="also time sitegen build")
    p.add_argument("--skip-one-process", action="store_true",
                   help="skip start-up, memory and reload of one process")
    p.add_argument("--work", type=Path, default=None, help="default: a temporary folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="ledig-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    content = work / "content"
    shutil.rmtree(content, ignore_errors=True)
    began = time.monotonic()
    sizes = write_clinics(content, args.clinics)
    calendars = sum(sizes.values())
    print(f"{args.clinics} clinics, {calendars} calendars (2–6 in most, 20 in "
          f"{sum(1 for c in sizes.values() if c == 20)}); machine: {os.cpu_count()} cores; "
          f"client: {args.client_processes} processes x {args.client_threads} keep-alive "
          f"connections; work in {work}")

    one = None if args.skip_one_process else many_clinics(content, work, args)
    counts = [int(c) for c in args.processes.split(",") if c.strip() not in ("", "0")]
    results = [run_config(f"{n} process{'es' if n > 1 else ''}", n, content, sizes, work, args)
               for n in counts]
    most = max(counts, default=0)  # --processes 0: only the other sections
    if args.compare and most:
        new = next(r for r in results if r.n == most)
        before = [
            ("pool ping on every request (bench.before --ping)", ("--ping",)),
            ("and the whole-clinic slot cache (--whole-clinic-cache): the code before",
             ("--ping", "--whole-clinic-cache")),
        ]
        routed = run_config(f"{most} processes, each clinic's requests to one process",
                            most, content, sizes, work, args, route="clinic")
        print(f"    routed by clinic / any process at {most} processes: req/s "
              f"x{routed.rps / new.rps:.2f}, p99 x{routed.p99_ms / new.p99_ms:.2f}, cache hits "
              f"{new.hit_ratio:.1%} -> {routed.hit_ratio:.1%}")
        results.append(routed)
        for label, flags in before:
            old = run_config(f"{most} processes, {label}", most, content, sizes, work, args,
                             before=flags)
            print(f"    now / this at {most} processes: req/s x{new.rps / old.rps:.2f}, "
                  f"p99 x{new.p99_ms / old.p99_ms:.2f}, bookings/s "
                  f"x{new.bookings_per_s / max(old.bookings_per_s, 1e-9):.2f}, cache hits "
                  f"{old.hit_ratio:.1%} -> {new.hit_ratio:.1%}")
            results.append(old)
    if args.pgbouncer and most:
        if not pgbouncer_available():
            print("PgBouncer: not installed (apt-get install -y pgbouncer), skipped")
        else:
            bouncer = PgBouncer(work)
            try:
                results.append(run_config(f"{most} processes via PgBouncer (transaction mode)",
                                          most, content, sizes, work, args, via=bouncer))
            finally:
                bouncer.stop()
    if args.build:
        builds(content, work)
    print(f"total {time.monotonic() - began:.0f} s")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)

    report = report_json(args.clinics, results, one)
    if any(r.broken() for r in results):
        print("VIOLATIONS FOUND", file=sys.stderr)
    if args.json:
        print_json(report)
    return report


if __name__ == "__main__":
    main()
