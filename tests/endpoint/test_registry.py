"""The content reload at many clinics: a change to one file reads and validates only it.

With 2,000 clinic files the reload must not re-read or re-validate the 1,999
that did not change (docs/scale.md). The registry is built with a test clock and
its loader is wrapped to record which files it read.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from endpoint import registry as registry_module
from endpoint.registry import Registry
from tests.endpoint.endpoint_support import grenda_yaml
from tests.support import Clock, write_clinic

CLINICS = 20


@pytest.fixture
def many(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    for n in range(CLINICS):
        write_clinic(content, f"klinikk-{n:02d}", grenda_yaml(name=f"Klinikk {n}"))
    return content


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The file names the registry validated, in order."""
    seen: list[str] = []
    real = registry_module.load_clinic_bytes

    def recording(data: bytes, *, slug: str, file: str, **options):
        seen.append(Path(file).name)
        return real(data, slug=slug, file=file, **options)

    monkeypatch.setattr(registry_module, "load_clinic_bytes", recording)
    return seen


def _registry(content: Path) -> tuple[Registry, Clock]:
    clock = Clock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    return Registry(content, interval=1.0, clock=clock), clock


def test_first_load_reads_every_file_then_an_unchanged_scan_reads_none(many, loads):
    registry, clock = _registry(many)
    assert len(loads) == CLINICS and len(registry.clinics()) == CLINICS
    loads.clear()
    clock.advance(seconds=1.1)
    assert registry.get("klinikk-07").name == "Klinikk 7"
    assert loads == []


def test_a_reload_after_one_file_changed_reads_only_that_file(many, loads):
    registry, clock = _registry(many)
    loads.clear()
    write_clinic(many, "klinikk-03", grenda_yaml(name="Klinikk 3, ny"))
    clock.advance(seconds=1.1)
    assert registry.get("klinikk-03").name == "Klinikk 3, ny"
    assert loads == ["klinikk-03.yaml"]
    assert registry.get("klinikk-12").name == "Klinikk 12"


def test_a_file_replaced_with_the_same_size_and_time_is_seen_by_its_inode(many, loads):
    registry, clock = _registry(many)
    loads.clear()
    path = many / "clinics" / "klinikk-05.yaml"
    before = path.stat()
    # an editor's atomic save: a new file renamed over the old, same length, same mtime
    fresh = path.with_name(".klinikk-05.yaml.tmp")
    fresh.write_text(grenda_yaml(name="Klinikk X"), encoding="utf-8")  # "5" -> "X"
    assert fresh.stat().st_size == before.st_size
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(fresh, path)
    clock.advance(seconds=1.1)
    assert registry.get("klinikk-05").name == "Klinikk X"
    assert loads == ["klinikk-05.yaml"]


def test_added_and_removed_files_are_read_and_dropped_alone(many, loads, caplog):
    registry, clock = _registry(many)
    loads.clear()
    write_clinic(many, "ny-klinikk", grenda_yaml(name="Ny klinikk"))
    (many / "clinics" / "klinikk-00.yaml").unlink()
    (many / "clinics" / ".klinikk-01.yaml.swp").write_text("an editor's swap file")
    caplog.set_level(logging.WARNING)
    clock.advance(seconds=1.1)
    assert registry.get("ny-klinikk").name == "Ny klinikk"
    assert registry.get("klinikk-00") is None
    assert loads == ["ny-klinikk.yaml"]
    assert "klinikk-00" in caplog.text and "no longer served" in caplog.text
    assert len(registry.clinics()) == CLINICS


def test_an_invalid_change_is_refused_alone_and_the_last_valid_version_serves(many, loads,
                                                                               caplog):
    registry, clock = _registry(many)
    loads.clear()
    caplog.set_level(logging.ERROR)
    write_clinic(many, "klinikk-11", grenda_yaml(name="Klinikk 11") + "unknown_key: 1\n")
    clock.advance(seconds=1.1)
    assert registry.get("klinikk-11").name == "Klinikk 11"
    assert loads == ["klinikk-11.yaml"]
    assert "refused" in caplog.text and "unknown_key" in caplog.text
    assert [e.file for e in registry.errors()] == [str(many / "clinics" / "klinikk-11.yaml")]
    loads.clear()
    clock.advance(seconds=1.1)
    registry.get("klinikk-11")
    assert loads == []  # the refused file is not read again until it changes


# -- the validated-clinic cache: a second start reads no file's YAML ---------------------------

def _cached_registry(content: Path, cache: Path) -> Registry:
    clock = Clock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
    return Registry(content, interval=1.0, clock=clock, cache=cache)


def test_a_second_start_unpickles_instead_of_validating(many, loads, tmp_path):
    cache = tmp_path / "var" / "content-cache"
    first = _cached_registry(many, cache)
    assert len(loads) == CLINICS
    loads.clear()
    second = _cached_registry(many, cache)
    assert loads == []
    assert second.clinics() == first.clinics()
    assert oct((next(cache.iterdir())).stat().st_mode & 0o777) == "0o600"
    assert oct(cache.stat().st_mode & 0o777) == "0o700"  # nobody else may plant a pickle


def test_the_cache_misses_on_a_changed_file_or_changed_code(many, loads, tmp_path,
                                                            monkeypatch):
    cache = tmp_path / "cache"
    _cached_registry(many, cache)
    write_clinic(many, "klinikk-03", grenda_yaml(name="Klinikk 3, ny"))
    loads.clear()
    registry = _cached_registry(many, cache)
    assert loads == ["klinikk-03.yaml"]
    assert registry.get("klinikk-03").name == "Klinikk 3, ny"
    monkeypatch.setattr(registry_module, "code_stamp", lambda: b"other code")
    loads.clear()
    _cached_registry(many, cache)
    assert len(loads) == CLINICS


def test_an_invalid_file_is_never_cached_and_a_torn_entry_is_validated_again(many, loads,
                                                                             tmp_path):
    cache = tmp_path / "cache"
    write_clinic(many, "klinikk-09", grenda_yaml() + "unknown_key: 1\n")
    registry = _cached_registry(many, cache)
    assert registry.get("klinikk-09") is None
    assert len(list(cache.glob("*.pickle"))) == CLINICS - 1
    for entry in cache.glob("*.pickle"):
        entry.write_bytes(b"torn")
    loads.clear()
    registry = _cached_registry(many, cache)
    assert len(loads) == CLINICS and registry.get("klinikk-10").name == "Klinikk 10"
    assert registry.get("klinikk-09") is None
