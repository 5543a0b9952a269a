"""Shared pieces of the benchmarks: a server process, an HTTP load client, output."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


#: the secret key the benchmarks' servers run with (it keys the patient search index)
BENCH_SECRET_KEY = "bench"

#: the data key the benchmarks seal patients' data under (base64 of 32 bytes)
BENCH_DATA_KEY = "YmVuY2gtZGF0YS1rZXktbGVkaWctMzItYnl0ZXMhISE="


def bench_keyring():
    """The keyring to open a database with to seal and open as the bench's servers do
    (for writing or reading rows directly)."""
    from endpoint.storage.crypto import Keyring

    return Keyring.from_text(BENCH_DATA_KEY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(content: Path, database_url: str, port: int, threads: int = 4,
                 var: Path | None = None) -> subprocess.Popen:
    """`bench.server` (the real app plus a bare route) on waitress, in a child process."""
    env = {**os.environ, "LEDIG_SECRET_KEY": BENCH_SECRET_KEY, "LEDIG_RATE_LIMIT": "off",
           "LEDIG_DATA_KEY": BENCH_DATA_KEY,
           "LEDIG_VAR": str(var or content.parent / "var")}
    proc = subprocess.Popen([sys.executable, "-m", "bench.server", "--content", str(content),
                             "--database", database_url, "--port", str(port),
                             "--threads", str(threads)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("bench server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if not match:
        return float("nan")
    value, unit = float(match[1]), match[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def load_wrk(url: str, seconds: float, connections: int) -> Load:
    duration = f"-d{max(1, round(seconds))}s"  # wrk takes whole seconds
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", duration, "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = _ms(re.search(r"50%\s+(\S+)", out)[1])
    p99 = _ms(re.search(r"99%\s+(\S+)", out)[1])
    total = int(re.search(r"(\d+) requests in", out)[1])
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(rps, p50, p99, total, int(errs[1]) if errs else 0)


def load_python(url: str, seconds: float, connections: int) -> Load:
    """A keep-alive client per thread; slower than wrk, so ratios are compressed."""
    host_port, path = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            conn.request("GET", "/" + path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status >= 300:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return Load(len(latencies) / seconds, latencies[len(latencies) // 2] * 1000,
                latencies[int(len(latencies) * 0.99)] * 1000, len(latencies), errors[0])


def load(url: str, seconds: float, connections: int, client: str) -> Load:
    if client == "wrk" or (client == "auto" and wrk_available()):
        return load_wrk(url, seconds, connections)
    return load_python(url, seconds, connections)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_json(obj: dict) -> None:
    print(json.dumps(obj, separators=(", ", ": ")))
