"""The mixed workload of `bench.scale`: patients and receptionists over many clinics.

Client processes (forked) each run threads with one HTTP/1.1 keep-alive
connection apiece, spread over the endpoint processes the way a load balancer
would. The HTTP client is a few lines over a socket: `http.client` cost more
CPU per request than the server on this 2-core machine. Each thread draws
operations by weight:

* slot reads of a clinic drawn with a Zipf skew (a few busy clinics, a long
  tail), a type, and "first available" or one calendar, as the page asks;
* bookings: read a clinic's slots, then book one of them (often the first,
  so busy clinics see races for one slot) for a patient from a small pool
  (so `max_self_booked` is met);
* holds, as the booking page makes them: read slots, hold one (`POST …/holds`,
  from the patient's own address in `X-Forwarded-For`, as a load balancer in
  front would send it), then book it with the `hold_token` (60 %), release it
  (`DELETE …/holds/<id>`, 20 %) or leave it to expire (20 %: the patient left);
* moves of the thread's own earlier bookings (`PATCH …/bookings/<id>` with the
  cancel token) to another time of the same type, a third of them onto a time
  held first and moved to with its `hold_token`;
* cancellations of the thread's own earlier bookings, with their tokens;
* clinic info, and staff day views with a staff API token.

A run ends after `seconds` or `max_requests`, whichever comes first.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bench.scale_content import TYPES

WEIGHTS = {"slots": 74, "info": 4, "book": 5, "hold": 5, "move": 3, "cancel": 3,
           "staff_day": 6}
#: what a patient does with a time they held: book it, release it, or walk away
HOLD_OUTCOMES = {"book": 0.6, "release": 0.2, "leave": 0.2}
HELD_MOVES = 1 / 3  # moves that hold the new time first
DEADLINE_HOURS = 24  # cancellation_deadline_hours of every generated clinic


def patient_address(index: int) -> str:
    """Patient `index`'s own client address, sent as `X-Forwarded-For` (the endpoint runs
    with `LEDIG_TRUSTED_PROXIES=1`), so the cap of active holds per address counts per
    patient as it would behind a real balancer, not all of them as 127.0.0.1."""
    return f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"
TYPE_WEIGHTS = (6, 3, 1)  # konsultasjon, kort, samtale


class Connection:
    """One keep-alive HTTP/1.1 connection; just enough of the protocol for waitress."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.sock: socket.socket | None = None

    def _open(self) -> None:
        self.sock = socket.create_connection((self.host, self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def request(self, method: str, path: str, body: bytes | None = None,
                token: str | None = None, address: str | None = None) -> tuple[int, bytes]:
        if self.sock is None:
            self._open()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                "Accept: application/json"]
        if token:
            head.append(f"Authorization: Bearer {token}")
        if address:
            head.append(f"X-Forwarded-For: {address}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
        try:
            return self._exchange(data)
        except (OSError, ValueError):
            self.close()  # the server closed an idle connection: one retry on a new one
            self._open()
            return self._exchange(data)

    def _exchange(self, data: bytes) -> tuple[int, bytes]:
        assert self.sock is not None
        self.sock.sendall(data)
        status_line = self.file.readline()
        if not status_line:
            raise ValueError("connection closed")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while True:
            line = self.file.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            parts = []
            while (size := int(self.file.readline().strip(), 16)) > 0:
                parts.append(self.file.read(size))
                self.file.readline()
            self.file.readline()
            payload = b"".join(parts)
        else:
            payload = self.file.read(length)
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.file.close()
                self.sock.close()
            finally:
                self.sock = None


@dataclass
class Plan:
    """What every client process needs: where the servers are, and what to ask."""

    ports: list[int]
    sizes: dict[str, int]  # slug -> calendars, in rank order (busiest first)
    weights: list[float]
    staff_tokens: dict[str, str]
    patients: list[str]
    today: date
    seconds: float
    max_requests: int
    threads: int
    seed: int = 1
    #: "any": each connection stays on one server (a plain load balancer); "clinic": a
    #: request goes to the server its clinic's slug hashes to (a balancer hashing the path)
    route: str = "any"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    #: the problem codes of refusals (4xx), per operation: why a move or a hold failed
    codes: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: int = 0

    def add(self, op: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(op, []).append(seconds)
        counts = self.statuses.setdefault(op, {})
        counts[status] = counts.get(status, 0) + 1

    def merge(self, other: Tally) -> None:
        for op, values in other.latencies.items():
            self.latencies.setdefault(op, []).extend(values)
        for op, counts in other.statuses.items():
            mine = self.statuses.setdefault(op, {})
            for status, n in counts.items():
                mine[status] = mine.get(status, 0) + n
        for op, counts in other.codes.items():
            mine_codes = self.codes.setdefault(op, {})
            for code, n in counts.items():
                mine_codes[code] = mine_codes.get(code, 0) + n
        self.errors += other.errors


@dataclass
class Mine:
    """A booking this thread made and may move or cancel."""

    slug: str
    id: str
    token: str
    type: str
    calendar: str
    start: str
    patient: int  # index into the plan's patients


def _worker(plan: Plan, n: int, budget: list[int], lock: threading.Lock, out: Tally,
            stop_at: float) -> None:
    rng = random.Random(plan.seed * 7919 + n)
    slugs = list(plan.sizes)
    staffed = [s for s in slugs if s in plan.staff_tokens]
    staff_weights = [plan.weights[slugs.index(s)] for s in staffed]
    own = Connection("127.0.0.1", plan.ports[n % len(plan.ports)])
    by_server = [Connection("127.0.0.1", port) for port in plan.ports]
    conn = own
    ops, op_weights = list(WEIGHTS), list(WEIGHTS.values())
    outcomes, outcome_weights = list(HOLD_OUTCOMES), list(HOLD_OUTCOMES.values())
    mine: list[Mine] = []
    tally = Tally()

    def call(op: str, method: str, path: str, body: dict | None = None,
             token: str | None = None, address: str | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        t0 = time.perf_counter()
        try:
            status, payload = conn.request(method, path, data, token, address)
        except (OSError, ValueError):
            tally.errors += 1
            conn.close()
            return 0, b""
        tally.add(op, time.perf_counter() - t0, status)
        if status >= 500:
            tally.errors += 1
        elif status >= 400:
            try:
                code = str(json.loads(payload).get("code"))
            except (ValueError, AttributeError):
                code = "?"
            counts = tally.codes.setdefault(op, {})
            counts[code] = counts.get(code, 0) + 1
        return status, payload

    def slot_path(slug: str, kind: str | None = None, calendar: str | None = None) -> str:
        kind = kind or rng.choices(TYPES, TYPE_WEIGHTS)[0]
        if calendar is None and rng.random() >= 0.5:
            calendar = f"lege{rng.randrange(plan.sizes[slug])}"
        return f"/api/v1/clinics/{slug}/slots?type={kind}" + \
            (f"&calendar={calendar}" if calendar else "")

    def pick(path: str, skip: str | None = None) -> dict | None:
        """Read a clinic's slots, and the one a patient takes (often the first offered,
        so busy clinics race for it)."""
        status, payload = call("slots", "GET", path)
        if status != 200:
            return None
        slots = [s for d in json.loads(payload)["days"] for s in d["slots"]
                 if s["start"] != skip]
        if not slots:
            return None
        return slots[0] if rng.random() < 0.3 else rng.choice(slots)

    def patient(index: int) -> dict:
        return {"id_type": "fnr", "national_id": plan.patients[index],
                "first_name": "Bench", "last_name": "Pasient",
                "phone": "40612345", "email": "bench@example.no"}

    def hold(slug: str, kind: str, slot: dict, address: str) -> tuple[str, str] | None:
        status, payload = call("hold", "POST", f"/api/v1/clinics/{slug}/holds",
                               {"calendar": slot["calendar"], "type": kind,
                                "start": slot["start"]}, address=address)
        if status != 201:
            return None
        made = json.loads(payload)
        return made["hold"]["id"], made["hold_token"]

    def book(slug: str, kind: str, slot: dict, who: int, hold_token: str | None) -> None:
        body = {"calendar": slot["calendar"], "type": kind, "start": slot["start"],
                "patient": patient(who)}
        if hold_token:
            body["hold_token"] = hold_token
        status, payload = call("hold_book" if hold_token else "book", "POST",
                               f"/api/v1/clinics/{slug}/bookings", body,
                               address=patient_address(who))
        if status == 201:
            made = json.loads(payload)
            mine.append(Mine(slug, made["booking"]["id"], made["cancel_token"], kind,
                             slot["calendar"], slot["start"], who))

    while time.monotonic() < stop_at:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        op = rng.choices(ops, op_weights)[0]
        if op in ("cancel", "move") and not mine:
            op = "slots"
        if op == "staff_day" and not staffed:
            op = "slots"
        slug = rng.choices(slugs, plan.weights)[0]
        if op in ("cancel", "move"):
            # the page offers both only before the cancellation deadline (24 h)
            deadline = datetime.now(UTC) + timedelta(hours=DEADLINE_HOURS, minutes=10)
            open_ = [i for i, b in enumerate(mine)
                     if datetime.fromisoformat(b.start) > deadline]
            if not open_:
                continue
            chosen = rng.choice(open_)
            slug = mine[chosen].slug
        if plan.route == "clinic":  # zlib.crc32: the same server in every client process
            conn = by_server[zlib.crc32(slug.encode()) % len(by_server)]
        if op == "slots":
            call("slots", "GET", slot_path(slug))
        elif op == "info":
            call("info", "GET", f"/api/v1/clinics/{slug}")
        elif op in ("book", "hold"):
            path = slot_path(slug)
            kind = path.split("type=")[1].split("&")[0]
            if (slot := pick(path)) is None:
                continue
            who = rng.randrange(len(plan.patients))
            if op == "book":
                book(slug, kind, slot, who, None)
                continue
            if (held := hold(slug, kind, slot, patient_address(who))) is None:
                continue
            outcome = rng.choices(outcomes, outcome_weights)[0]
            if outcome == "book":
                book(slug, kind, slot, who, held[1])
            elif outcome == "release":
                call("release", "DELETE", f"/api/v1/clinics/{slug}/holds/{held[0]}",
                     token=held[1])
        elif op == "move":
            booking = mine[chosen]
            calendar = booking.calendar if rng.random() < 0.5 else ""  # "": any calendar
            if (slot := pick(slot_path(slug, booking.type, calendar),
                             skip=booking.start)) is None:
                continue
            body = {"start": slot["start"], "calendar": slot["calendar"]}
            if rng.random() < HELD_MOVES:
                address = patient_address(booking.patient)
                if (held := hold(slug, booking.type, slot, address)) is None:
                    continue
                body["hold_token"] = held[1]
            status, _ = call("move", "PATCH",
                             f"/api/v1/clinics/{slug}/bookings/{booking.id}", body,
                             token=booking.token)
            if status == 200:
                booking.calendar, booking.start = slot["calendar"], slot["start"]
        elif op == "cancel":
            booking = mine.pop(chosen)
            call("cancel", "DELETE", f"/api/v1/clinics/{slug}/bookings/{booking.id}",
                 token=booking.token)
        else:
            slug = rng.choices(staffed, staff_weights)[0]
            if plan.route == "clinic":
                conn = by_server[zlib.crc32(slug.encode()) % len(by_server)]
            day = plan.today + timedelta(days=rng.randrange(6))
            call("staff_day", "GET", f"/api/v1/staff/{slug}/day?date={day}",
                 token=plan.staff_tokens[slug])
    for c in (own, *by_server):
        c.close()
    with lock:
        out.merge(tally)


def _client_process(plan: Plan, index: int, seconds_at: float) -> Tally:
    lock = threading.Lock()
    out = Tally()
    budget = [plan.max_requests]
    pool = [threading.Thread(target=_worker, args=(plan, index * plan.threads + t, budget,
                                                  lock, out, seconds_at))
            for t in range(plan.threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return out


def run(plan: Plan, processes: int) -> tuple[Tally, float]:
    """The workload from `processes` client processes; the tally and the wall time."""
    share = max(1, plan.max_requests // processes)
    plans = [Plan(**{**plan.__dict__, "max_requests": share, "seed": plan.seed * 100 + i})
             for i in range(processes)]
    t0 = time.monotonic()
    stop_at = t0 + plan.seconds  # fork keeps the monotonic clock
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        tallies = pool.starmap(_client_process, [(p, i, stop_at) for i, p in enumerate(plans)])
    wall = time.monotonic() - t0
    total = Tally()
    for t in tallies:
        total.merge(t)
    return total, wall
