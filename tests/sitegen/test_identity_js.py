"""sitegen/templates/assets/identity.js, run by Node (no browser), agrees with every shared
vector of tests/data/identity_vectors.json — the same rules as booking/identity.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IDENTITY_JS = ROOT / "sitegen" / "templates" / "assets" / "identity.js"
VECTORS = ROOT / "tests" / "data" / "identity_vectors.json"

# The page calls window.ledigIdentity.validate(raw, idType, testMode). The file is a
# classic script (package.json makes .js files ES modules for Node), so it runs here
# as the page runs it; it also exports the same object through module.exports.
RUNNER = """
const source = require("fs").readFileSync(process.argv[1], "utf8");
const mod = {exports: {}};
require("vm").compileFunction(source, ["module"], {filename: process.argv[1]})(mod);
const identity = mod.exports;
const vectors = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const got = vectors.map(v => {
  const r = identity.validate(v.input, v.id_type, v.test_mode);
  return {valid: r.valid, normalized: r.normalized, code: r.code};
});
process.stdout.write(JSON.stringify({global: typeof globalThis.ledigIdentity, got}));
"""


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


def test_identity_js_agrees_with_every_vector():
    done = subprocess.run([node(), "-e", RUNNER, str(IDENTITY_JS), str(VECTORS)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["global"] == "object", "the page's calling convention: a global ledigIdentity"
    vectors = json.loads(VECTORS.read_text())
    wrong = [(v["input"], v["id_type"], v["test_mode"], g)
             for v, g in zip(vectors, result["got"], strict=True)
             if g != {"valid": v["valid"], "normalized": v["normalized"], "code": v["code"]}]
    assert len(vectors) > 100 and wrong == []
