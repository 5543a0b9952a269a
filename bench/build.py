"""`sitegen build` of many clinics against plain Jinja2 rendering of the same pages.

    python -m bench.build [--json] [--clinics 500] [--noop-clinics 1000]

The floor renders exactly the pages the build renders — same templates, same
contexts, collected beforehand — with nothing else: no loading, validation,
planning or writing. Then a no-change rebuild (of `--noop-clinics` clinics)
and a rebuild after one clinic changed are timed.
"""

from __future__ import annotations

import argparse
import io
import shutil
import time
from pathlib import Path

from bench.common import print_json
from common.content import load_content
from sitegen import pages
from sitegen.build import build

DEMO = Path(__file__).resolve().parent.parent / "content" / "clinics" / "fjordlegene.yaml"


def make_clinics(folder: Path, count: int) -> Path:
    """`count` clinics like the demo, each with its own slug and name."""
    clinics = folder / "content" / "clinics"
    if clinics.exists():
        shutil.rmtree(clinics)
    clinics.mkdir(parents=True)
    text = DEMO.read_text(encoding="utf-8")
    for n in range(count):
        (clinics / f"klinikk-{n:04d}.yaml").write_text(
            text.replace("Fjordlegene legesenter", f"Legesenter nummer {n}"), encoding="utf-8")
    return folder / "content"


class _Recorder:
    """Stands in for the Jinja2 environment and keeps what would have been rendered."""

    def __init__(self):
        self.jobs: list[tuple[str, dict]] = []

    def get_template(self, name: str):
        recorder = self

        class _Template:
            def render(self, ctx):
                recorder.jobs.append((name, dict(ctx)))
                return ""

        return _Template()


def floor_seconds(content: Path) -> tuple[float, int]:
    """Plain Jinja2: render the build's pages with their contexts, nothing else."""
    clinics = load_content(content).clinics.values()
    assets = pages.load_assets()
    recorder = _Recorder()
    real = pages.environment
    pages.environment = lambda: recorder  # collect (template, context) pairs
    try:
        for clinic in clinics:
            pages.render_clinic(clinic, assets)
    finally:
        pages.environment = real
    env = pages.environment()
    templates = {name: env.get_template(name) for name, _ in recorder.jobs}
    started = time.perf_counter()
    for name, ctx in recorder.jobs:
        templates[name].render(ctx).encode()
    return time.perf_counter() - started, len(recorder.jobs)


def timed_build(content: Path, out: Path) -> float:
    started = time.perf_counter()
    code = build(content, out, stream=io.StringIO())
    if code != 0:
        raise SystemExit(f"sitegen build failed with {code}")
    return time.perf_counter() - started


def count_outputs(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.is_file() and p.name != ".ledig-build.json")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true")
    p.add_argument("--clinics", type=int, default=500)
    p.add_argument("--noop-clinics", type=int, default=1000)
    p.add_argument("--work", type=Path, default=Path("/tmp/ledig-bench-build"))
    args = p.parse_args()

    content = make_clinics(args.work, args.clinics)
    out = args.work / "_site"
    shutil.rmtree(out, ignore_errors=True)
    build_s = timed_build(content, out)
    outputs = count_outputs(out)
    floor_s, rendered = floor_seconds(content)
    html_pages = sum(1 for p in out.rglob("*.html") if "/snippets/" not in str(p))
    pages_per_s = html_pages / build_s
    print(f"{args.clinics} clinics: {html_pages} pages ({outputs} files) built in "
          f"{build_s:.2f} s = {pages_per_s:.0f} pages/s")
    print(f"plain Jinja2 floor: {rendered} pages rendered in {floor_s:.2f} s = "
          f"{rendered / floor_s:.0f} pages/s; build/floor = {build_s / floor_s:.2f}")

    if args.noop_clinics != args.clinics:
        content = make_clinics(args.work, args.noop_clinics)
        timed_build(content, out)
    timed_build(content, out)  # settle: everything written
    noop_s = min(timed_build(content, out) for _ in range(3))
    first = sorted((content / "clinics").glob("*.yaml"))[0]
    first.write_text(first.read_text().replace("Strandkaien 2", "Strandkaien 3"))
    one_s = timed_build(content, out)
    print(f"no-change rebuild of {args.noop_clinics} clinics: {noop_s:.3f} s; "
          f"one clinic changed: {one_s:.3f} s")
    if args.json:
        print_json({"pages": html_pages, "pages_per_s": round(pages_per_s, 1),
                    "floor_ratio": round(build_s / floor_s, 3),
                    "noop_rebuild_s": round(noop_s, 4), "one_clinic_rebuild_s": round(one_s, 4)})


if __name__ == "__main__":
    main()
