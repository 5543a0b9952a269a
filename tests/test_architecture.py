"""The architecture holds: import-linter's contracts in pyproject.toml (`[tool.importlinter]`).

* `sitegen` and `endpoint` never import each other; both stand on `common`, which
  stands on `booking`; the core imports no framework and does no I/O.
* Inside the endpoint, views (`api`, `staff`) stand on `services`, which stand on
  `notify` and `storage`; nothing below imports what is above it.
* No cycles among the sub-packages or modules of any package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout or "broken" not in result.stdout.split("Contracts:")[-1]
