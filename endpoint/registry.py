"""The clinics the endpoint serves, reloaded from `content/` when files change.

Every request asks the registry for its clinic; at most once per
`interval` seconds of its clock that triggers a cheap scan: one `scandir` of
the folder and a `stat` per file, compared with the (mtime_ns, size, inode)
seen last. Only a file whose stamp changed is read and validated, so a change
to one clinic of 2,000 costs one file's load, not 2,000 (about 11 ms for the
scan itself at 2,000 files, `bench.scale`). While one request scans, the
others go on with the clinics as they are instead of queueing behind it. A
changed file is validated before it replaces anything: an invalid change is
refused and logged, and the last valid version keeps serving. `on_reload`, when set,
hears of every clinic a reload replaced (after the registry's lock is let go):
the app uses it to warn when the change leaves bookings outside the schedule.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from booking import Clinic, ConfigIssue
from common.content import CLINIC_SUFFIXES, load_clinic_bytes
from endpoint.clock import SYSTEM, Clock

log = logging.getLogger("ledig.content")


@dataclass(frozen=True)
class FileState:
    stamp: tuple[int, int, int]  # (mtime_ns, size, inode)
    version: str
    errors: tuple[ConfigIssue, ...] = ()


def file_stamps(content_dir: Path) -> dict[Path, tuple[int, int, int]]:
    """Each clinic file's (mtime_ns, size, inode), from one pass over `content/clinics/`."""
    folder = Path(content_dir) / "clinics"
    out: dict[Path, tuple[int, int, int]] = {}
    try:
        entries = os.scandir(folder)
    except OSError:
        return out
    with entries:
        for entry in entries:
            # as clinic_files' glob: no hidden files (an editor's lock or swap file)
            if entry.name.startswith(".") or not entry.name.endswith(CLINIC_SUFFIXES):
                continue
            try:
                st = entry.stat()  # follows a symlink, as reading the file does
            except OSError:
                continue  # removed since the folder was listed
            out[folder / entry.name] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return out


class Registry:
    def __init__(self, content_dir: Path, interval: float = 1.0, clock: Clock = SYSTEM):
        self.content_dir = Path(content_dir)
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
        # another thread scanning now: serve what is loaded rather than wait for its scan
        if not self._lock.acquire(blocking=force):
            return
        try:
            if not force and now - self._scanned < self.interval:
                return
            self._scan_locked()
            self._scanned = self.clock.monotonic()
            reloaded, self._reloaded = self._reloaded, []
        finally:
            self._lock.release()
        if self.on_reload is not None:
            for clinic in reloaded:
                try:
                    self.on_reload(clinic)
                except Exception:  # a listener's failure must not stop the clinic serving
                    log.exception("content: after reloading '%s'", clinic.slug)

    def _scan_locked(self) -> None:
        stamps = file_stamps(self.content_dir)
        seen = set(stamps)
        for path in sorted(stamps):
            stamp = stamps[path]
            old = self._files.get(path)
            if old is not None and old.stamp == stamp:
                continue
            self._load(path, stamp, old)
        for path in set(self._files) - seen:
            del self._files[path]
            if self._clinics.pop(path.stem, None) is not None:
                log.warning("content: %s was removed; clinic '%s' is no longer served",
                            path, path.stem)

    def _load(self, path: Path, stamp: tuple[int, int, int], old: FileState | None) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            log.error("content: cannot read %s: %s", path, exc.strerror)
            return
        clinic, issues = load_clinic_bytes(data, slug=path.stem, file=str(path))
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
