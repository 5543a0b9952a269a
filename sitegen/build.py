"""`sitegen build`: load → validate → plan → render → write, incrementally.

* **load/validate**: one listing of `content/clinics/` gives each clinic file's
  size, mtime, ctime and inode. A file whose four are those the manifest kept,
  under the same engine (templates, assets and the code of `sitegen`, `common`
  and `booking`), media and preview address, is not even read: its key is the
  manifest's. Any other file is read as bytes and its key hashed. A clinic
  whose key is the last build's and whose folder is still in the build folder
  is skipped without parsing — this is what makes a no-change rebuild of two
  thousand clinics take a fraction of a second. Every other clinic is parsed
  and validated; any error stops the build before anything is written. A file
  changed less than `RACY_NS` before the listing is always read: a second
  write inside the same timestamp tick would leave its stat as it was. "Before
  the listing" is on the files' own clock: the mtime of a probe file made and
  removed in `content/clinics/` (a network filesystem's clock may not be this
  host's).
* **outputs**: the build folder is the writer's. A build looks at the inputs,
  not at every output: one listing of the build folder tells it which
  clinics' folders are gone (those are built again), and the shared assets are
  checked file by file (27 `stat`s). With `verify`, every output the manifest
  lists is checked too (size, mtime: one `stat` each, 14,000 for 2,000 clinics,
  which was most of a no-change build on a busy machine) and a clinic with one
  deleted or edited by hand is built again.
* **render**: `sitegen.pages.render_clinic`, in worker processes (one fewer
  than the cores) when many clinics changed.
* **write**: only the writer touches the build folder. It writes atomically
  (a temporary file, then `os.replace`), skips files whose bytes did not
  change, and removes outputs it no longer produces — only files it wrote,
  as listed in the manifest `.ledig-build.json` in the build folder, which also
  remembers the preview address the pages were built for (`--preview-url`), so
  that a plain rebuild keeps it (`preview_for`). Old
  shared assets go only in a full build: after `--clinic`, the other clinics'
  pages may still link to them.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from booking import ConfigIssue
from common.content import clinic_files, load_clinic_bytes
from common.logo import media_stamp
from common.preview import MANIFEST, NONE
from sitegen import pages

FORMAT = 1
PARALLEL_FROM = 48  # changed clinics; below this a process pool costs more than it saves
PROGRESS_FROM = 50
#: the folder that holds sitegen, common and booking: the checkout, or site-packages
CODE = Path(__file__).resolve().parent.parent
#: a clinic file changed this close before the build listed it is read and hashed even when
#: its stat is the manifest's (filesystem timestamps are coarse: Linux's are one tick old)
RACY_NS = 2_000_000_000


# -- plan -------------------------------------------------------------------------------

def engine_hash() -> str:
    """What every page depends on besides its clinic file: templates, assets, code."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    sources = [(Path("templates") / p.relative_to(pages.TEMPLATES), p)
               for p in sorted(pages.TEMPLATES.rglob("*")) if p.is_file()]
    for package in ("sitegen", "common", "booking"):
        sources += [(p.relative_to(CODE), p) for p in sorted((CODE / package).rglob("*.py"))]
    for name, path in sources:
        digest.update(str(name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Source:
    slug: str
    file: str
    data: bytes
    key: str
    preview_url: str | None = None


@dataclass
class Input:
    """A clinic file as listed: its slug, path, stat, and key (hashed, or the manifest's)."""

    slug: str
    path: str
    stamp: list
    key: str = ""
    data: bytes | None = None


def clinic_inputs(content: Path, clinic: str | None) -> list[Input]:
    """The clinic files (`common.content.clinic_files`), in name order, with their stat."""
    found = []
    for path in clinic_files(content):
        if clinic is not None and path.stem != clinic:
            continue
        try:
            st = os.stat(path)  # follows a symlink, as reading the file does
        except OSError:
            continue  # removed since the folder was listed
        found.append(Input(path.stem, str(path),
                           [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]))
    return found


def read_clinic(path: str) -> bytes:
    """A clinic file's bytes (the only place the build reads one)."""
    with open(path, "rb") as f:
        return f.read()


@dataclass
class Manifest:
    engine: str = ""
    assets: dict[str, list[int]] = field(default_factory=dict)
    clinics: dict[str, dict] = field(default_factory=dict)
    #: the local preview's address the pages were built for; None: the clinics' own
    preview_url: str | None = None

    @classmethod
    def read(cls, out: Path) -> Manifest:
        try:
            raw = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                return cls()
            return cls(raw["engine"], dict(raw["assets"]), dict(raw["clinics"]),
                       raw.get("preview_url") or None)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def to_bytes(self) -> bytes:
        body = {"format": FORMAT, "engine": self.engine, "assets": self.assets,
                "clinics": self.clinics, "preview_url": self.preview_url}
        # no indent: json's C encoder only runs without one, and at 2,000 clinics the
        # pure-Python one took 0.66 s of a 1.2 s no-change rebuild
        return (json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n").encode()


def intact(out: Path, files: dict[str, list[int]]) -> bool:
    """Are these outputs still on disk exactly as the writer left them (size, mtime)?"""
    folder = os.fspath(out) + os.sep  # plain strings: Path's joins cost more than the stat
    stat = os.stat
    for rel, (size, mtime) in files.items():
        try:
            st = stat(folder + rel)
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


def _listing(out: Path) -> set[str]:
    """The names at the top of the build folder (one `scandir`): clinics' folders, assets."""
    try:
        with os.scandir(out) as entries:
            return {entry.name for entry in entries}
    except OSError:
        return set()


def _folder_there(slug: str, files: dict[str, list[int]], present: set[str]) -> bool:
    """Is the clinic's folder, which holds every page of it (docs/site.md), still there?"""
    return bool(files) and slug in present


def _file_clock(folder: Path) -> int:
    """Now on the clock that stamps the files in `folder` (their mtime and ctime): the
    mtime of a file made there and removed at once. A network filesystem's clock may
    differ from this host's; a folder that cannot be written falls back to this host's."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".sitegen-") as probe:
            return os.fstat(probe.fileno()).st_mtime_ns
    except OSError:
        return time.time_ns()


def _trusted(stamp: list, listed_at: int) -> list | None:
    """The stamp to keep for a file, or None while it is too new to be told apart by its
    stat from a second write in the same timestamp tick (`RACY_NS`)."""
    size, mtime, ctime, _inode, _context = stamp
    return stamp if max(mtime, ctime) < listed_at - RACY_NS else None


# -- render ---------------------------------------------------------------------------

_ASSETS: pages.Assets | None = None


def _assets() -> pages.Assets:
    global _ASSETS
    if _ASSETS is None:
        _ASSETS = pages.load_assets()
    return _ASSETS


def render_source(source: Source) -> tuple[str, list[ConfigIssue], dict[str, bytes] | None]:
    """Validate and render one clinic file: (slug, issues, outputs or None on errors)."""
    clinic, issues = load_clinic_bytes(source.data, slug=source.slug, file=source.file,
                                       preview_url=source.preview_url)
    if clinic is None:
        return source.slug, issues, None
    return source.slug, issues, pages.render_clinic(clinic, _assets())


def render_all(todo: list[Source], jobs: int, progress: Progress) -> list[tuple]:
    if len(todo) < PARALLEL_FROM or jobs < 2:
        results = []
        for source in todo:
            results.append(render_source(source))
            progress.step()
        return results
    # fork is fast and safe while this process runs no other thread
    method = "fork" if threading.active_count() == 1 and "fork" in \
        multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
        results = []
        for result in pool.map(render_source, todo, chunksize=max(1, len(todo) // (jobs * 8))):
            results.append(result)
            progress.step()
        return results


class Progress:
    """`rendered 120/1000 clinics` on stderr when there are many (one line on a terminal)."""

    def __init__(self, total: int, stream: TextIO):
        self.total, self.done, self.stream = total, 0, stream
        self.on = total >= PROGRESS_FROM
        self.tty = self.on and stream.isatty()
        self.every = max(1, total // (100 if self.tty else 10))

    def step(self) -> None:
        self.done += 1
        if self.on and (self.done % self.every == 0 or self.done == self.total):
            end = "\r" if self.tty and self.done < self.total else "\n"
            print(f"sitegen: rendered {self.done}/{self.total} clinics", end=end,
                  file=self.stream, flush=True)


# -- write -----------------------------------------------------------------------------

class Writer:
    """The only code that changes the build folder."""

    def __init__(self, out: Path):
        self.out = out
        self.written = self.unchanged = self.removed = 0
        self._folders: set[Path] = set()

    def _path(self, rel: str) -> Path:
        parts = Path(rel).parts
        if not parts or Path(rel).is_absolute() or ".." in parts:
            raise ValueError(f"refusing to touch {rel!r} outside {self.out}")
        return self.out / rel

    def write(self, rel: str, data: bytes) -> list[int]:
        """Write `data` unless the file already holds it; its (size, mtime_ns) after."""
        path = self._path(rel)
        try:
            st = path.stat()
            if st.st_size == len(data) and path.read_bytes() == data:
                self.unchanged += 1
                return [st.st_size, st.st_mtime_ns]
        except OSError:
            pass
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.written += 1
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    def remove(self, rels: Iterable[str]) -> None:
        for rel in rels:
            try:
                path = self._path(rel)
            except ValueError:
                continue
            try:
                path.unlink()
                self.removed += 1
            except FileNotFoundError:
                continue
            parent = path.parent
            while parent != self.out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                self._folders.discard(parent)
                parent = parent.parent


# -- the command ------------------------------------------------------------------------

def preview_for(out: Path, flag: str | None) -> tuple[str | None, str]:
    """The preview address a build into `out` is for, and the line that says why when it
    is not the flag's: `--preview-url URL` builds for URL, `--preview-url none` for the
    clinics' own addresses, and no flag keeps what the last build there was for (a
    rebuild after `make demo PORT=8471` keeps calling :8471, README.md#sitegen-build)."""
    if flag == NONE:
        return None, ""
    if flag is not None:
        return flag, ""
    kept = Manifest.read(out).preview_url
    if kept is None:
        return None, ""
    return kept, (f"sitegen: the pages in {out} were built as a local preview at {kept}; "
                  "built for it again (--preview-url none builds the clinics' own addresses)")


def build(content: Path, out: Path, clinic: str | None = None, *, jobs: int | None = None,
          stream: TextIO | None = None, preview_url: str | None = None,
          verify: bool = False) -> int:
    """Build `content` into `out` (only `clinic` when given); the exit code (0 ok, 1 invalid).

    With `preview_url`, every clinic is built as a local preview there serves it
    (`booking.addresses.previewed`): `make demo` on another host or port. With `verify`,
    every output of the last build is checked on disk, not only each clinic's folder.
    """
    stream = stream or sys.stderr
    started = time.perf_counter()
    content, out = Path(content), Path(out)
    listed_at = _file_clock(content / "clinics")
    inputs = clinic_inputs(content, clinic)
    if not inputs:
        where = content / "clinics"
        what = f"no clinic file {clinic}.yaml" if clinic else "no clinic files (*.yaml)"
        print(f"{where}: {what}; add one, or pass --content.", file=stream)
        return 1
    engine = engine_hash()
    manifest = Manifest.read(out)
    media = media_stamp(content)
    # what a key holds besides the file: a stat is only trusted under the same context
    context = hashlib.sha256(f"{engine}\0{preview_url or ''}\0{media}".encode()).hexdigest()[:16]
    stamps_changed = False
    present = _listing(out)
    todo: list[Source] = []
    for item in inputs:
        old = manifest.clinics.get(item.slug, {})
        item.stamp.append(context)
        if old.get("source") == item.stamp and "key" in old:
            item.key = old["key"]  # the file is as the last build saw it: not read
        else:
            item.data = read_clinic(item.path)
            item.key = hashlib.sha256(
                engine.encode() + item.slug.encode() + b"\0" + item.data + b"\0"
                + (preview_url or "").encode() + media.encode()).hexdigest()
        files = old.get("files", {})
        if old.get("key") != item.key or not (
                intact(out, files) if verify else _folder_there(item.slug, files, present)):
            data = item.data if item.data is not None else read_clinic(item.path)
            todo.append(Source(item.slug, item.path, data, item.key, preview_url))
        elif _trusted(item.stamp, listed_at) != old.get("source"):
            old["source"] = _trusted(item.stamp, listed_at)
            stamps_changed = True

    progress = Progress(len(todo), stream)
    # the main process writes while the workers render: one core is its own
    results = render_all(todo, jobs or max(1, (os.cpu_count() or 1) - 1), progress)
    errors = 0
    for _slug, issues, _outputs in results:
        for issue in issues:
            print(issue, file=stream)
            errors += not issue.warning
    if errors:
        print(f"{errors} error(s): nothing was written; fix them and build again.", file=stream)
        return 1

    writer = Writer(out)
    out.mkdir(parents=True, exist_ok=True)
    if clinic is None and manifest.engine == engine and manifest.assets \
            and intact(out, manifest.assets):
        # the manifest's engine is the one whose assets it lists, exactly; these are on
        # disk as written: nothing to hash or compare
        new_assets = manifest.assets
    else:
        assets = _assets()
        new_assets = {rel: writer.write(rel, data) for rel, data in sorted(assets.files.items())}
    by_slug = {i.slug: i for i in inputs}
    for slug, _issues, outputs in results:
        old = manifest.clinics.get(slug, {}).get("files", {})
        files_now = {rel: writer.write(rel, data) for rel, data in sorted(outputs.items())}
        writer.remove(sorted(set(old) - set(files_now)))
        item = by_slug[slug]
        manifest.clinics[slug] = {"key": item.key, "files": files_now}
        if (stamp := _trusted(item.stamp, listed_at)) is not None:
            manifest.clinics[slug]["source"] = stamp
    gone = sorted(set(manifest.clinics) - set(by_slug)) if clinic is None else []
    for slug in gone:
        writer.remove(sorted(manifest.clinics.pop(slug).get("files", {})))
    assets_before, engine_now = manifest.assets, engine
    if clinic is None:
        # every page now links to the current assets: the old ones can go
        writer.remove(sorted(set(manifest.assets) - set(new_assets)))
        manifest.assets = new_assets
    else:
        # the other clinics' pages, not rebuilt, may still link to the old assets: keep
        # them (and list them, so that the next full build removes them, which it can
        # only do after reading the assets: no engine then)
        manifest.assets = {**manifest.assets, **new_assets}
        if set(manifest.assets) != set(new_assets):
            engine_now = ""
    if results or gone or stamps_changed or manifest.engine != engine_now \
            or manifest.assets != assets_before or manifest.preview_url != preview_url:
        # a no-change build leaves the manifest alone: encoding and comparing its entries
        # for 2,000 clinics (about 1 MB) was a tenth of that build's time
        manifest.engine = engine_now
        manifest.preview_url = preview_url
        writer.write(MANIFEST, manifest.to_bytes())

    pages_built = sum(len(o) for _s, _i, o in results)
    seconds = time.perf_counter() - started
    print(f"sitegen: {len(inputs)} clinic(s), {len(results)} rendered ({pages_built} files), "
          f"{writer.written} written, {writer.unchanged} unchanged, {writer.removed} removed "
          f"in {seconds:.2f} s → {out}", file=stream)
    return 0
