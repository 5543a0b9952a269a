"""Lighthouse on the demo clinic's booking page, at mobile and at desktop.

    python -m bench.lighthouse [--json] [--runs 1]

Builds the demo clinic (it has no `ga_measurement_id`: analytics cannot load on a
machine without internet, and the budget leaves them out) as a local preview on a
free loopback port, serves pages and API with `endpoint serve` (waitress, SQLite),
and runs npm's Lighthouse (`node_modules/.bin/lighthouse`, `npm install`) with
Debian's Chromium (`CHROME_PATH`; Lighthouse downloads no browser). It prints the
performance score, CLS, LCP, TBT and the total byte weight of each preset: mobile
is Lighthouse's default (a mid-range phone, simulated slow 4G and 4x CPU
slowdown), desktop is `--preset=desktop`. With `--runs N` each figure is the
median of N runs.

`tests/browser/test_lighthouse.py` runs Lighthouse through `run` below too, for
accessibility and best practices (scores, not times).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import BENCH_DATA_KEY, ROOT, free_port, median, print_json, stop

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("LEDIG_CHROMIUM", "/usr/bin/chromium")
#: headless without a sandbox (CI and these machines run as root), nothing in the background
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                "--no-first-run --disable-background-networking --disable-component-update "
                "--disable-sync --disable-quic")
PRESETS = ("mobile", "desktop")
SLUG = "fjordlegene"


def missing() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE.relative_to(ROOT)} is missing (run `npm install`)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def run(url: str, report: Path, preset: str = "mobile",
        categories: tuple[str, ...] = ("performance",), timeout: float = 240) -> dict:
    """One Lighthouse run of `url`; its JSON report (also written to `report`)."""
    if preset not in PRESETS:
        raise ValueError(f"preset {preset!r}: one of {PRESETS}")
    args = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}",
            f"--only-categories={','.join(categories)}", "--quiet",
            f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        args.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse exited with {done.returncode}: {done.stderr[-2000:]}")
    result = json.loads(report.read_text(encoding="utf-8"))
    if result.get("runtimeError"):
        raise RuntimeError(f"lighthouse could not load {url}: {result['runtimeError']}")
    return result


def scores(result: dict) -> dict[str, float | None]:
    """Each category's score, 0 to 1 (None when Lighthouse could not score it)."""
    return {name: cat["score"] for name, cat in result["categories"].items()}


def failing(result: dict, category: str) -> list[str]:
    """The audits of `category` that did not pass: id, title and what they found."""
    lines = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if audit["scoreDisplayMode"] in ("notApplicable", "informative", "manual"):
            continue
        if audit["score"] is not None and audit["score"] >= 1:
            continue
        items = (audit.get("details") or {}).get("items") or []
        found = [_item(item) for item in items[:5]]
        lines.append(f"{audit['id']} (weight {ref['weight']}): {audit['title']}"
                     + (f" [{audit['displayValue']}]" if audit.get("displayValue") else "")
                     + "".join(f"\n    {f}" for f in found if f))
    return lines


def _item(item: dict) -> str:
    """One thing an audit found: the element's selector, or the message and its URL."""
    node = item.get("node") or {}
    where = (item.get("sourceLocation") or {}).get("url") or item.get("url") or ""
    text = node.get("selector") or node.get("snippet") or item.get("description") or ""
    if text and where:
        return f"{text} ({where})"[:300]
    return str(text or where or json.dumps(item))[:300]


def metrics(result: dict) -> dict[str, float]:
    audits = result["audits"]
    return {"performance": result["categories"]["performance"]["score"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"]}


def serve_demo(work: Path) -> tuple[subprocess.Popen, str]:
    """Build the demo clinic as a preview on a free port and serve it: (process, base URL)."""
    from sitegen.build import build

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    out = work / "_site"
    if build(ROOT / "content", out, stream=io.StringIO(), preview_url=base) != 0:
        raise SystemExit("sitegen build of the demo clinic failed")
    page = (out / SLUG / "index.html").read_text(encoding="utf-8")
    if "googletagmanager" in page:
        raise SystemExit("the demo clinic has analytics on; this benchmark runs without them")
    env = {**os.environ, "LEDIG_SECRET_KEY": "bench", "LEDIG_RATE_LIMIT": "off",
           "LEDIG_DATA_KEY": BENCH_DATA_KEY, "LEDIG_VAR": str(work / "var")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "endpoint", "serve", "--content", str(ROOT / "content"),
         "--site", str(out), "--preview-url", base, "--port", str(port),
         "--database", f"sqlite:///{work / 'var' / 'ledig.sqlite3'}"],
        env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + SLUG + "/", timeout=1) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise SystemExit("endpoint serve did not start")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=1, help="runs per preset (median)")
    args = p.parse_args()
    reason = missing()
    if reason:
        raise SystemExit(f"cannot run Lighthouse: {reason}")

    with tempfile.TemporaryDirectory(prefix="ledig-bench-lighthouse-") as tmp:
        work = Path(tmp)
        proc, base = serve_demo(work)
        url = f"{base}{SLUG}/"
        figures: dict[str, dict[str, float]] = {}
        version = ""
        try:
            for preset in PRESETS:
                runs = []
                for n in range(args.runs):
                    result = run(url, work / f"{preset}-{n}.json", preset)
                    version = result["lighthouseVersion"]
                    runs.append(metrics(result))
                figures[preset] = {k: median([r[k] for r in runs]) for k in runs[0]}
        finally:
            stop(proc)

    print(f"Lighthouse {version}, {CHROMIUM}, {url} ({args.runs} run(s) per preset)")
    for preset, f in figures.items():
        print(f"{preset:8} performance {f['performance'] * 100:.0f}, CLS {f['cls']:.3f}, "
              f"LCP {f['lcp_ms']:.0f} ms, TBT {f['tbt_ms']:.0f} ms, "
              f"{f['bytes'] / 1024:.1f} KiB transferred")
    if args.json:
        print_json({preset: {"performance": f["performance"], "cls": round(f["cls"], 4),
                             "lcp_ms": round(f["lcp_ms"]), "tbt_ms": round(f["tbt_ms"]),
                             "total_bytes": round(f["bytes"])}
                    for preset, f in figures.items()})


if __name__ == "__main__":
    main()
