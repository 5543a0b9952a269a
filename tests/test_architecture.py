"""The architecture holds: import-linter's contracts in pyproject.toml (`[tool.importlinter]`).

* `sitegen` and `endpoint` never import each other; both stand on `common`, which
  stands on `booking`; the core imports no framework and does no I/O.
* Inside the endpoint, views (`api`, `staff`) stand on `services`, which stand on
  `notify` and `storage`; nothing below imports what is above it.
* No cycles among the sub-packages or modules of any package.
* The features (docs/features.md) stand on the core, which names none of them.
* One write path (docs/architecture.md#one-write-path): the calendar and patient lock
  names, the locked write of a calendar and the `IntegrityError` a race gives are each
  written once in the endpoint.
"""

from __future__ import annotations

import re
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


def _endpoint_lines_matching(pattern: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "endpoint").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def _files(lines: list[str]) -> set[str]:
    return {line.split(":")[0] for line in lines}


def test_the_lock_names_are_written_once():
    # (an f-string: a lock name holds the clinic; services/keys.py's b"patient:" is a hash's)
    assert _files(_endpoint_lines_matching(r"f[\"']calendar:|f[\"']patient:")) \
        == {"endpoint/storage/db.py"}


def test_a_race_becomes_slot_unavailable_in_one_place():
    # (staff/users.py: a username taken by a racing add, which is no booking)
    assert _files(_endpoint_lines_matching(r"except IntegrityError")) \
        == {"endpoint/services/work.py", "endpoint/staff/users.py"}


def test_services_write_a_calendar_only_through_the_unit_of_work():
    """The use cases that change busy time lock no calendar themselves."""
    assert _files(_endpoint_lines_matching(r"write_transaction\(\[")) \
        <= {"endpoint/services/work.py", "endpoint/storage/sync.py",
            "endpoint/waitlist/entries.py"}
