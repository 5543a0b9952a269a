"""The pages' JavaScript as code: its Node unit tests (`node --test tests/js/`: the
booking flow's state machine and the other modules without the DOM) pass, and ESLint
(eslint.config.js) finds nothing in sitegen/templates/assets or tests/js. Without Node or
the npm dev dependencies these skip, except under CI, where they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ESLINT = ROOT / "node_modules" / "eslint" / "bin" / "eslint.js"


def need(component: str, reason: str) -> None:
    """tests/conftest.py's rule: skip for a missing component, except under CI (fail)."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is required under CI: {reason}")
    pytest.skip(f"{component} not available: {reason}")


def node() -> str:
    found = shutil.which("node") or ("/usr/bin/node" if os.path.exists("/usr/bin/node") else None)
    if found is None:
        need("Node.js", "node is not on PATH (apt-get install nodejs)")
    return found


def eslint() -> list[str]:
    command = [node(), str(ESLINT)]
    if not ESLINT.exists():
        need("ESLint", "node_modules/eslint is missing (npm install)")
    return command


def test_node_unit_tests_pass():
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    assert len(tests) >= 5, tests
    done = subprocess.run([node(), "--test", "--test-reporter=spec", *tests], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout or "ℹ fail 0" in done.stdout, done.stdout[-2000:]


def test_eslint_is_clean_on_every_js_file():
    targets = ["sitegen/templates/assets", "tests/js", "eslint.config.js"]
    done = subprocess.run([*eslint(), "--max-warnings", "0", "--format", "json", *targets],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    try:
        results = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"eslint did not run: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    problems = [f"{Path(r['filePath']).relative_to(ROOT)}:{m.get('line')}: {m['message']}"
                f" ({m.get('ruleId')})" for r in results for m in r["messages"]]
    assert problems == [] and done.returncode == 0, "\n".join(problems) or done.stderr
    # every file was linted: none ignored, none left out by a pattern
    linted = {str(Path(r["filePath"]).relative_to(ROOT)) for r in results}
    ours = {str(p.relative_to(ROOT)) for folder in ("sitegen/templates/assets", "tests/js")
            for p in (ROOT / folder).rglob("*.js")} | {"eslint.config.js"}
    assert linted == ours
