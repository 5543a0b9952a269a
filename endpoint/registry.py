"""The clinics the endpoint serves, reloaded from `content/` when files change.

Every request asks the registry for its clinic; at most once per
`interval` seconds of its clock that triggers a cheap scan: one `scandir` of
the folder and a `stat` per file, compared with the (mtime_ns, size, inode)
seen last. Only a file whose stamp changed is read and validated, so a change
to one clinic of 2,000 costs one file's load, not 2,000 (about 11 ms for the
scan itself at 2,000 files, `bench.scale`). While one request scans, the
others go on with the clinics as they are instead of queueing behind it. A
changed file is validated before it replaces anything: an invalid change is
refused and logged, and the last valid version keeps serving.

With `cache` (the app passes `var/content-cache/`) a valid clinic is also
kept on disk, pickled under a key of the file's bytes, its name and the code
that validated it (`booking/`, `common/`, the libraries they lean on), so a
start or a second process with 2,000 unchanged files unpickles each instead
of parsing and validating it: validation depends on nothing else. A change
to the code or the file is a new key; entries unused for a day are removed. `on_reload`, when set,
hears of every clinic a reload replaced (after the registry's lock is let go):
the app uses it to warn when the change leaves bookings outside the schedule.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import booking
import common
from booking import Clinic, ConfigIssue
from common.content import CLINIC_SUFFIXES, effective, feature_issues, load_clinic_bytes
from common.features import installed
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


@functools.cache  # the code does not change while the process runs
def code_stamp() -> bytes:
    """A digest of the code that reads and validates clinic files, and of its libraries."""
    import jinja2
    import yaml

    digest = hashlib.sha256(f"{sys.version}|{yaml.__version__}|{jinja2.__version__}|"
                            f"{_version_of('holidays')}".encode())
    for package in (booking, common):
        root = Path(str(package.__file__)).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.digest()


def _version_of(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


class ValidatedCache:
    """Valid clinics on disk, keyed by a file's bytes, its name and the validating code."""

    #: entries not used for this long are removed after a start
    KEEP_SECONDS = 86400

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()

    def _key(self, data: bytes, slug: str, file: str, preview_url: str | None) -> str:
        return hashlib.sha256(code_stamp() + f"|{slug}|{file}|{preview_url or ''}|".encode()
                              + data).hexdigest()

    def load(self, data: bytes, *, slug: str, file: str,
             preview_url: str | None = None) -> tuple[Clinic | None, list]:
        key = self._key(data, slug, file, preview_url)
        self.used.add(key)
        path = self.folder / f"{key}.pickle"
        try:
            with open(path, "rb") as f:
                found = pickle.load(f)  # written by this code, in our own var/ folder
            os.utime(path)  # used: kept by the pruning below
            return found  # type: ignore[no-any-return]  # a (Clinic, issues) pair, as below
        except FileNotFoundError:
            pass
        except Exception as exc:  # a torn or foreign file: validate again, replace it
            log.warning("content: ignoring cache entry %s (%s)", path.name, type(exc).__name__)
        clinic, issues = load_clinic_bytes(data, slug=slug, file=file, preview_url=preview_url)
        if clinic is not None:
            self._store(path, (clinic, issues))
        return clinic, issues

    def _store(self, path: Path, value: object) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # ours alone: we unpickle it
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only var/ only costs the next start its time
            log.warning("content: cannot write the clinic cache in %s: %s", self.folder,
                        exc.strerror)

    def prune(self) -> None:
        """Remove entries no file uses now that were not used for KEEP_SECONDS."""
        cutoff = time.time() - self.KEEP_SECONDS
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            if entry.name.endswith(".pickle") and entry.name[:-7] not in self.used:
                try:
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                except OSError:
                    pass


class Registry:
    def __init__(self, content_dir: Path, interval: float = 1.0, clock: Clock = SYSTEM,
                 cache: Path | None = None, preview_url: str | None = None,
                 running: frozenset[str] | None = None):
        self.content_dir = Path(content_dir)
        #: the features this deployment runs: a clinic file needing another is refused
        self.running = running
        #: the features whose libraries are installed, found once (not per clinic file)
        self.installed = installed() if running is not None else frozenset()
        self.cache = ValidatedCache(cache) if cache is not None else None
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
        if self.cache is not None:
            self.cache.prune()

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
        if self.cache is not None:
            clinic, issues = self.cache.load(data, slug=path.stem, file=str(path),
                                             preview_url=self.preview_url)
        else:
            clinic, issues = load_clinic_bytes(data, slug=path.stem, file=str(path),
                                               preview_url=self.preview_url)
        if clinic is not None and self.running is not None \
                and (refused := feature_issues(clinic, self.running, self.installed)):
            clinic, issues = None, [*issues, *refused]
        if clinic is not None and self.running is not None:
            clinic = effective(clinic, self.running)
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
