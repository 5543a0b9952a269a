"""What `pip install ledig` costs against `pip install 'ledig[all]'` (docs/features.md).

    python -m bench.footprint [--json] [--rounds 5] [--work DIR]

Builds the wheel from this checkout, installs it into two fresh venvs — the core
alone, and every extra — from the package index, and then, alternating, starts
`endpoint serve` of each on a copy of the demo content (SQLite, port 0) until it
says where it serves, asks it for the slots once, and reads its resident memory.
Reports each install's distributions and the medians, and their ratios (core/all).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import print_json

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("booking", "common", "sitegen", "endpoint")


def wheel(work: Path) -> Path:
    """The wheel of this checkout, built from a copy of what a wheel holds."""
    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, src / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = work / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(dist), f"{src}/"], check=True)
    [built] = dist.glob("ledig-*.whl")
    return built


def venv(work: Path, name: str, requirement: str) -> Path:
    """A fresh venv at `work/name` with `requirement` installed; its folder."""
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(folder / "bin" / "pip"), "install", "-q", requirement], check=True)
    return folder


def distributions(folder: Path) -> list[str]:
    done = subprocess.run([str(folder / "bin" / "pip"), "list", "--format", "freeze"],
                          capture_output=True, text=True, check=True)
    return sorted(line.split("==")[0] for line in done.stdout.splitlines()
                  if line and not line.startswith(("pip==", "setuptools==", "ledig==")))


def serve_once(folder: Path) -> tuple[float, float]:
    """(seconds until `endpoint serve` says where it serves, resident MB after one slots
    request) on a fresh copy of the demo content and a fresh SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "content", f"{tmp}/content")
        env = {**os.environ, "LEDIG_VAR": f"{tmp}/var", "LEDIG_FEATURES": "all",
               "LEDIG_DATABASE_URL": f"sqlite:///{tmp}/var/ledig.sqlite3"}
        env.pop("PYTHONPATH", None)
        began = time.monotonic()
        proc = subprocess.Popen([str(folder / "bin" / "endpoint"), "serve", "--content",
                                 f"{tmp}/content", "--port", "0"], cwd=tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            port = None
            for line in proc.stdout:
                if found := re.search(r"Serving on http://127\.0\.0\.1:(\d+)", line):
                    port = int(found[1])
                    break
            started = time.monotonic() - began
            url = f"http://127.0.0.1:{port}/api/v1/clinics/fjordlegene/slots?type=konsultasjon"
            with urllib.request.urlopen(url, timeout=30) as answer:
                answer.read()
            status = Path(f"/proc/{proc.pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024  # type: ignore[index]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return started, rss


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ledig-footprint")
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    built = wheel(args.work)
    core, full = venv(args.work, "core", str(built)), venv(args.work, "all", f"{built}[all]")
    runs: dict[str, list[tuple[float, float]]] = {"core": [], "all": []}
    for _ in range(args.rounds):  # alternating, so that the machine's load falls on both
        runs["core"].append(serve_once(core))
        runs["all"].append(serve_once(full))
    result: dict[str, object] = {"core_distributions": distributions(core),
                                 "all_distributions": distributions(full)}
    for name, rows in runs.items():
        result[f"{name}_start_s"] = round(statistics.median(s for s, _ in rows), 2)
        result[f"{name}_rss_mb"] = round(statistics.median(r for _, r in rows), 1)
    result["start_ratio"] = round(result["core_start_s"] / result["all_start_s"], 2)  # type: ignore[operator]
    result["rss_ratio"] = round(result["core_rss_mb"] / result["all_rss_mb"], 2)  # type: ignore[operator]
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return result


if __name__ == "__main__":
    main()
