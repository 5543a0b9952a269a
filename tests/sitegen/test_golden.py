"""Golden-output tests: the generated pages of two fixed clinics, byte for byte.

Inputs: `tests/sitegen/golden/content/` (the demo clinic in Norwegian, and in
English with GA4 and a script of its own). Expected outputs:
`tests/sitegen/golden/site/`. The shared assets are not kept (their content-hashed
names, which every page links to, are). After an intended change to templates,
assets or the pages' code, regenerate the expected files with

    make golden        # LEDIG_REGENERATE_GOLDEN=1 pytest tests/sitegen -k golden

and review the diff before committing it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from sitegen.build import build

GOLDEN = Path(__file__).resolve().parent / "golden"
EXPECTED = GOLDEN / "site"
MANIFEST = ".ledig-build.json"  # holds mtimes: not compared
REGENERATE = os.environ.get("LEDIG_REGENERATE_GOLDEN") == "1"


def generated(tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "_site"
    assert build(GOLDEN / "content", out, stream=io.StringIO()) == 0
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST and not p.parts[-2] == "assets"}


def test_golden_pages(tmp_path):
    pages = generated(tmp_path)
    if REGENERATE:
        for old in EXPECTED.rglob("*"):
            if old.is_file() and str(old.relative_to(EXPECTED)) not in pages:
                old.unlink()
        for rel, data in pages.items():
            target = EXPECTED / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    expected = {str(p.relative_to(EXPECTED)): p.read_bytes() for p in sorted(EXPECTED.rglob("*"))
                if p.is_file()}
    if not expected:
        pytest.fail("no golden files yet: run `make golden`")
    assert sorted(pages) == sorted(expected), "a page appeared or went away: `make golden`"
    for rel, data in pages.items():
        assert data.decode() == expected[rel].decode(), (
            f"{rel} differs from tests/sitegen/golden/site/{rel}; if the change is intended, "
            "run `make golden` and review the diff")
