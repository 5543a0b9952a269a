"""The clinics the endpoint serves, reloaded from `content/` when files change.

Every request asks the registry for its clinic; at most once per
`interval` seconds of its clock that triggers a cheap scan (a `stat` per file). A changed
file is validated before it replaces anything: an invalid change is refused
and logged, and the last valid version keeps serving. `on_reload`, when set,
hears of every clinic a reload replaced (after the registry's lock is let go):
the app uses it to warn when the change leaves bookings outside the schedule.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from booking import Clinic, ConfigIssue
from common.content import clinic_files, load_clinic_bytes
from endpoint.clock import SYSTEM, Clock

log = logging.getLogger("ledig.content")


@dataclass(frozen=True)
class FileState:
    stamp: tuple[int, int]  # (mtime_ns, size)
    version: str
    errors: tuple[ConfigIssue, ...] = ()


class Registry:
    def __init__(self, content_dir: Path, interval: float = 1.0, clock: Clock = SYSTEM,
                 preview_url: str | None = None):
        self.content_dir = Path(content_dir)
        self.preview_url = preview_url
        self.interval = interval
        self.clock = clock
        self._clinics: dict[str, Clinic] = {}
        self._files: dict[Path, FileState] = {}
        self._lock = threading.Lock()
        self._scanned = 0.0
        self._reloaded: list[Clinic] = []
        #: called with each clinic that a reload (not the first load) replaced
        self.on_reload: Callable[[Clinic], None] | None = None
        self.scan(force=True)

    def get(self, slug: str) -> Clinic | None:
        self.scan()
        return self._clinics.get(slug)

    def clinics(self) -> dict[str, Clinic]:
        self.scan()
        return dict(self._clinics)

    def errors(self) -> list[ConfigIssue]:
        """Why the last change of each file was refused (empty when all are valid)."""
        with self._lock:  # a reload may be changing the files right now
            states = list(self._files.values())
        return [e for state in states for e in state.errors]

    def scan(self, *, force: bool = False) -> None:
        """Reload changed clinic files (at most once per interval unless forced)."""
        now = self.clock.monotonic()
        if not force and now - self._scanned < self.interval:
            return
        with self._lock:
            if not force and now - self._scanned < self.interval:
                return
            self._scan_locked()
            self._scanned = self.clock.monotonic()
            reloaded, self._reloaded = self._reloaded, []
        if self.on_reload is not None:
            for clinic in reloaded:
                try:
                    self.on_reload(clinic)
                except Exception:  # a listener's failure must not stop the clinic serving
                    log.exception("content: after reloading '%s'", clinic.slug)

    def _scan_locked(self) -> None:
        seen = set()
        for path in clinic_files(self.content_dir):
            seen.add(path)
            try:
                st = path.stat()
            except OSError:
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            old = self._files.get(path)
            if old is not None and old.stamp == stamp:
                continue
            self._load(path, stamp, old)
        for path in set(self._files) - seen:
            del self._files[path]
            if self._clinics.pop(path.stem, None) is not None:
                log.warning("content: %s was removed; clinic '%s' is no longer served",
                            path, path.stem)

    def _load(self, path: Path, stamp: tuple[int, int], old: FileState | None) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.error("content: cannot read %s: %s", path, exc.strerror)
            return
        clinic, issues = load_clinic_bytes(data, slug=path.stem, file=str(path),
                                           preview_url=self.preview_url)
        errors = tuple(i for i in issues if not i.warning)
        if clinic is None:
            keeping = "keeping the last valid version" if path.stem in self._clinics else \
                "the clinic is not served"
            log.error("content: %s refused (%d error(s)); %s:\n%s", path, len(errors),
                      keeping, "\n".join(str(e) for e in errors))
            self._files[path] = FileState(stamp, old.version if old else "", errors)
            return
        if old is None or old.version != clinic.version:
            log.info("content: loaded %s (version %s)", path, clinic.version)
            if old is not None or path.stem in self._clinics:
                self._reloaded.append(clinic)
        self._clinics[clinic.slug] = clinic
        self._files[path] = FileState(stamp, clinic.version)
