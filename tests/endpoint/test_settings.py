"""The endpoint's settings (README, "Endpoint settings"): every variable, flags over
environment, and bad values refused with exit code 1 before anything is served."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from endpoint.settings import Settings, SettingsError, ensure_secret_key, from_args, from_env


def test_defaults():
    s = from_env({})
    assert s.database_url == "sqlite:///var/ledig.sqlite3"
    assert s.content == Path("content") and s.var == Path("var")
    assert s.smtp_url is None and s.sms_url is None
    assert s.rate == (20, 60) and s.trusted_proxies == 0 and s.purge_after_days == 180


def test_every_variable_is_read():
    s = from_env({
        "LEDIG_DATABASE_URL": "postgresql://db/ledig", "LEDIG_SECRET_KEY": "k",
        "LEDIG_SMTP_URL": "smtps://u:p@mail:465", "LEDIG_SMS_URL": "https://t@sms/send",
        "LEDIG_SMS_FROM": "Fjordlege", "LEDIG_CONTENT": "/srv/content",
        "LEDIG_RATE_LIMIT": "5/second", "LEDIG_TRUSTED_PROXIES": "1", "LEDIG_VAR": "/srv/var",
        "LEDIG_PURGE_AFTER_DAYS": "365", "LEDIG_OUTBOX_SECONDS": "2.5"})
    assert (s.database_url, s.secret_key, s.smtp_url, s.sms_url, s.sms_from) == (
        "postgresql://db/ledig", "k", "smtps://u:p@mail:465", "https://t@sms/send", "Fjordlege")
    assert s.content == Path("/srv/content") and s.var == Path("/srv/var")
    assert s.rate == (5, 1) and s.trusted_proxies == 1 and s.purge_after_days == 365
    assert s.outbox_interval == 2.5


@pytest.mark.parametrize("value,rate", [("20/minute", (20, 60)), ("5/second", (5, 1)),
                                        ("100/hour", (100, 3600)), ("3 / minute", (3, 60)),
                                        ("off", None), ("OFF", None)])
def test_rate_limit_forms(value, rate):
    assert from_env({"LEDIG_RATE_LIMIT": value}).rate == rate


@pytest.mark.parametrize("env", [{"LEDIG_RATE_LIMIT": "20 per minute"},
                                 {"LEDIG_RATE_LIMIT": "x/minute"},
                                 {"LEDIG_RATE_LIMIT": "20/day"},
                                 {"LEDIG_TRUSTED_PROXIES": "two"},
                                 {"LEDIG_TRUSTED_PROXIES": "-1"},
                                 {"LEDIG_PURGE_AFTER_DAYS": "a year"},
                                 {"LEDIG_OUTBOX_SECONDS": "0"},
                                 {"LEDIG_OUTBOX_SECONDS": "soon"},
                                 {"LEDIG_OUTBOX_WORKER": "no"},
                                 {"LEDIG_SYNC_WORKER": "0"}])
def test_bad_values_are_refused(env):
    with pytest.raises(SettingsError):
        from_env(env)


@pytest.mark.parametrize(("value", "runs"), [("", True), ("on", True), ("off", False),
                                             ("OFF", False)])
def test_the_workers_of_serve_can_be_turned_off(value, runs):
    s = from_env({"LEDIG_OUTBOX_WORKER": value, "LEDIG_SYNC_WORKER": value})
    assert (s.outbox_worker, s.sync_worker) == (runs, runs)


def test_serve_without_its_workers_leaves_them_to_their_own_processes(live_server):
    """docs/deploy.md: the outbox and sync as their own processes."""
    server = live_server(env={"LEDIG_OUTBOX_WORKER": "off", "LEDIG_SYNC_WORKER": "off"})
    log = server.log.read_text()
    assert ("outbox worker started" in log, "sync worker" in log.lower()) == (False, False)


def test_flags_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("LEDIG_DATABASE_URL", "sqlite:///from-env.sqlite3")
    monkeypatch.setenv("LEDIG_CONTENT", "/from/env")
    args = argparse.Namespace(database="sqlite:///from-flag.sqlite3", content="/from/flag",
                              site=None)
    s = from_args(args)
    assert s.database_url == "sqlite:///from-flag.sqlite3" and s.content == Path("/from/flag")
    args = argparse.Namespace(database=None, content=None, site=None)
    assert from_args(args).database_url == "sqlite:///from-env.sqlite3"


def test_a_generated_secret_key_survives_restarts(tmp_path):
    first = ensure_secret_key(Settings(var=tmp_path))
    again = ensure_secret_key(Settings(var=tmp_path))
    assert len(first.secret_key) == 64 and first.secret_key == again.secret_key


def test_postgresql_needs_a_shared_secret_key(tmp_path):
    with pytest.raises(SettingsError, match="LEDIG_SECRET_KEY"):
        ensure_secret_key(Settings(var=tmp_path, database_url="postgresql://db/ledig"))
    kept = ensure_secret_key(Settings(var=tmp_path, database_url="postgresql://db/ledig",
                                      secret_key="shared"))
    assert kept.secret_key == "shared"


@pytest.mark.parametrize("env", [{"LEDIG_SMTP_URL": "smtp://mail:587?timeout=30s"},
                                 {"LEDIG_SMTP_URL": "ftp://mail"},
                                 {"LEDIG_RATE_LIMIT": "lots"},
                                 {"LEDIG_DATABASE_URL": "postgresql://127.0.0.1:1/x"}])
def test_serve_refuses_bad_settings_with_exit_1(tmp_path, env):
    base = {"PATH": "/usr/bin:/bin", "LEDIG_VAR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-m", "endpoint", "serve", "--port", "1"],
                          env={**base, **env}, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 1, done.stderr
    assert "error:" in done.stderr
