"""The endpoint's settings, from flags or `LEDIG_*` environment variables (README.md#commands)."""

from __future__ import annotations

import argparse
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from common import features as feature_set
from common.schema import DEFAULT_DATABASE_URL


class SettingsError(ValueError):
    """A setting has a value the endpoint cannot use."""


RATE_RE = re.compile(r"^(\d+)\s*/\s*(second|minute|hour)$")
PERIODS = MappingProxyType({"second": 1, "minute": 60, "hour": 3600})


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL  # where sitegen check looks too (common/stored.py)
    secret_key: str = ""
    data_key: str = ""  # base64 32 bytes: seals patients' data at rest (storage/crypto.py)
    data_key_old: str = ""  # comma-separated previous keys, during a rotation
    smtp_url: str | None = None
    sms_url: str | None = None
    sms_from: str = "ledig"
    #: the endpoint's public address, where SMS providers send delivery reports
    #: (`/api/v1/sms-reports/…`); None: Twilio is not asked for reports
    sms_report_url: str | None = None
    content: Path = Path("content")
    site: Path | None = None
    #: a local preview's address (`serve --preview-url`): every clinic's pages and API there
    preview_url: str | None = None
    var: Path = Path("var")
    rate_limit: str = "20/minute"
    trusted_proxies: int = 0
    reload_interval: float = 1.0
    max_body_bytes: int = 16 * 1024
    #: the outbox's thread inside `serve` (LEDIG_OUTBOX_WORKER=off: `endpoint outbox` runs
    #: as a process of its own, docs/deploy.md#the-outbox-and-sync-as-their-own-processes)
    outbox_worker: bool = True
    outbox_interval: float = 5.0
    # retention (docs/privacy.md): personal data of bookings that ended this long ago is
    # erased daily; None (LEDIG_PURGE_AFTER_DAYS=off) keeps it until `endpoint purge`
    purge_after_days: int | None = 180
    #: calendar sync (docs/sync.md): the refresher thread of `serve`, and how often it looks
    #: for due sources (each source is read every `refresh_minutes` of its clinic)
    #: (LEDIG_SYNC_WORKER=off: `endpoint sync` runs as a process of its own)
    sync_worker: bool = True
    sync_interval: float = 30.0
    #: the features this deployment runs (LEDIG_FEATURES, docs/features.md): by default
    #: every feature whose libraries are installed
    features: frozenset[str] = field(default_factory=feature_set.installed)

    @property
    def rate(self) -> tuple[int, int] | None:
        """(requests, seconds) per client address on POST/DELETE, or None when off."""
        if self.rate_limit.strip().lower() == "off":
            return None
        match = RATE_RE.match(self.rate_limit.strip().lower())
        if not match:
            raise SettingsError(f"LEDIG_RATE_LIMIT '{self.rate_limit}' must look like 20/minute "
                                "or be off")
        return int(match[1]), PERIODS[match[2]]

    def with_(self, **changes) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Settings from `LEDIG_*` variables; a missing secret key gets a per-var file."""
    env = dict(os.environ if env is None else env)
    s = Settings()
    var = Path(env.get("LEDIG_VAR", "var"))
    settings = s.with_(
        database_url=env.get("LEDIG_DATABASE_URL"),
        secret_key=env.get("LEDIG_SECRET_KEY"),
        data_key=env.get("LEDIG_DATA_KEY"),
        data_key_old=env.get("LEDIG_DATA_KEY_OLD"),
        smtp_url=env.get("LEDIG_SMTP_URL") or None,
        sms_url=env.get("LEDIG_SMS_URL") or None,
        sms_from=env.get("LEDIG_SMS_FROM"),
        sms_report_url=env.get("LEDIG_SMS_REPORT_URL") or None,
        content=Path(env["LEDIG_CONTENT"]) if env.get("LEDIG_CONTENT") else None,
        var=var,
        rate_limit=env.get("LEDIG_RATE_LIMIT"),
        trusted_proxies=_int(env, "LEDIG_TRUSTED_PROXIES"),
        purge_after_days=None if env.get("LEDIG_PURGE_AFTER_DAYS", "").strip().lower() == "off"
        else _int(env, "LEDIG_PURGE_AFTER_DAYS"),
        reload_interval=_seconds(env, "LEDIG_RELOAD_SECONDS"),
        outbox_interval=_seconds(env, "LEDIG_OUTBOX_SECONDS"),
        outbox_worker=_switch(env, "LEDIG_OUTBOX_WORKER"),
        sync_worker=_switch(env, "LEDIG_SYNC_WORKER"),
    )
    try:
        settings = replace(settings, features=feature_set.running(env))
    except feature_set.FeaturesError as exc:
        raise SettingsError(str(exc)) from exc
    if settings.outbox_interval < 0.1:  # 0 would make the worker spin
        raise SettingsError("LEDIG_OUTBOX_SECONDS must be a number of seconds from 0.1 to "
                            f"3600 (got '{env.get('LEDIG_OUTBOX_SECONDS')}')")
    if env.get("LEDIG_PURGE_AFTER_DAYS", "").strip().lower() == "off":
        settings = replace(settings, purge_after_days=None)
    settings.rate  # noqa: B018 - validates LEDIG_RATE_LIMIT early
    return settings


def from_args(args: argparse.Namespace, env: dict[str, str] | None = None) -> Settings:
    """Settings for a command: the environment's, with the command's flags winning."""
    return from_env(env).with_(
        database_url=getattr(args, "database", None),
        content=Path(args.content) if getattr(args, "content", None) else None,
        site=Path(args.site) if getattr(args, "site", None) else None,
        preview_url=getattr(args, "preview_url", None),
        outbox_interval=getattr(args, "interval", None),
        sync_interval=getattr(args, "sync_interval", None),
    )


def _int(env: dict[str, str], name: str) -> int | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()):
        raise SettingsError(f"{name} must be a whole number (got '{value}')")
    return int(value)


def _switch(env: dict[str, str], name: str) -> bool | None:
    """`on` or `off` (unset: the default)."""
    value = env.get(name, "").strip().lower()
    if not value:
        return None
    if value not in ("on", "off"):
        raise SettingsError(f"{name} must be on or off (got '{env.get(name)}')")
    return value == "on"


def _seconds(env: dict[str, str], name: str) -> float | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise SettingsError(f"{name} must be a number of seconds from 0 to 3600 (got '{value}')")
    return seconds


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def ensure_secret_key(settings: Settings) -> Settings:
    """Use LEDIG_SECRET_KEY, or a random key kept in `var/secret_key` across restarts."""
    if settings.secret_key:
        return settings
    if is_postgres_url(settings.database_url):
        # several processes or hosts share the database: they must hash patients and sign
        # staff forms with one key, or the per-patient limit would not hold across them
        raise SettingsError("set LEDIG_SECRET_KEY (the same value on every process) when "
                            "the database is PostgreSQL")
    return replace(settings, secret_key=_kept(settings.var / "secret_key",
                                              lambda: secrets.token_hex(32)))


def data_key_file(settings: Settings) -> Path:
    """Where a SQLite endpoint keeps the data key it made when LEDIG_DATA_KEY is unset."""
    return settings.var / "data_key"


def new_data_key_file(settings: Settings) -> Path | None:
    """The file `ensure_data_key` is about to make a key in, or None when it will not make
    one (LEDIG_DATA_KEY is set, the database is PostgreSQL, or the file is there)."""
    path = data_key_file(settings)
    if settings.data_key or is_postgres_url(settings.database_url) or path.exists():
        return None
    return path


def kept_data_key(settings: Settings) -> str:
    """The key in `var/data_key`, without making one ('' when there is none)."""
    path = data_key_file(settings)
    return path.read_text().strip() if path.is_file() else ""


def ensure_data_key(settings: Settings, make: Callable[[], str]) -> Settings:
    """Use LEDIG_DATA_KEY, or (SQLite only) a key made by `make`, kept in `var/data_key`."""
    if settings.data_key:
        return settings
    if is_postgres_url(settings.database_url):
        # the key must not sit beside the data it protects, nor differ between processes
        raise SettingsError("set LEDIG_DATA_KEY (the same value on every process) when the "
                            "database is PostgreSQL; docs/security.md says how to make one")
    return replace(settings, data_key=_kept(data_key_file(settings), make))


def _kept(path: Path, make: Callable[[], str]) -> str:
    """The key in `path`, made by the first process that needs it (mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(make())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # first process wins; the others read its key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
