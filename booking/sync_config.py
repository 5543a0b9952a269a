"""Validating calendar sync (docs/sync.md): a calendar's busy sources and push target, and the
clinic's refresh settings.

Part of `booking.config`; the same `Checker` collects every issue with its line. A
source's URL must be https, or plain http only on the machine itself (a local
server or a test); credentials never sit in the file, only the name of the
environment variable that holds the password.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from booking.checker import Checker
from booking.model import BusySource, PushTarget, SyncSettings
from booking.tree import Mapping

CALENDAR_SYNC_KEYS = {"busy", "push"}
BUSY_KEYS = {"ics", "caldav", "name", "username", "password_env"}
PUSH_KEYS = {"caldav", "username", "password_env", "detail"}
CLINIC_SYNC_KEYS = {"refresh_minutes", "stale_after_minutes"}
PUSH_DETAILS = ("minimal", "full")

ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,63}$")


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (where plain http may be used)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a sync source, or None when it can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises on a bad port
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an https:// URL"
    if parts.username is not None or parts.password is not None:
        return ("must not carry a user name or password; put the user in username: and the "
                "password in the environment variable named by password_env:")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return ("must use https:// (plain http is only allowed to this machine, such as "
                "http://127.0.0.1)")
    if any(ch.isspace() for ch in url):
        return "must not contain spaces"
    return None


def check_clinic_sync(c: Checker, value: object, line: int) -> SyncSettings:
    m = c.mapping(value, "sync", line, CLINIC_SYNC_KEYS)
    refresh = c.number(m, "refresh_minutes", "sync", default=5, minimum=1, maximum=24 * 60)
    stale = c.number(m, "stale_after_minutes", "sync", default=30, minimum=1,
                     maximum=7 * 24 * 60)
    if stale < refresh:
        c.error(m.line_of("stale_after_minutes"), "sync.stale_after_minutes",
                f"is {stale}, shorter than refresh_minutes ({refresh}): every source would "
                "count as stale between two refreshes; make it at least refresh_minutes.")
    return SyncSettings(refresh_minutes=refresh, stale_after_minutes=stale)


def _credentials(c: Checker, m: Mapping, key: str) -> tuple[str, str]:
    username = c.text(m, "username", key, default="") or ""
    env = c.text(m, "password_env", key, default="") or ""
    if env and not ENV_NAME_RE.match(env):
        c.error(m.line_of("password_env"), f"{key}.password_env",
                f"'{env[:40]}' is not an environment variable name (like LEDIG_CALDAV_HANSEN); "
                "the password itself never goes in the file.")
        env = ""
    if env and not username:
        c.error(m.line_of("password_env"), f"{key}.username",
                "is required with password_env: the login's user name.")
    return username, env


def _url(c: Checker, m: Mapping, k: str, key: str) -> str | None:
    url = c.text(m, k, key)
    if url is None:
        return None
    problem = url_problem(url)
    if problem:
        c.error(m.line_of(k), f"{key}.{k}", f"'{url[:80]}' {problem}.")
        return None
    return url


def check_calendar_sync(c: Checker, value: object, key: str,
                        line: int) -> tuple[tuple[BusySource, ...], PushTarget | None]:
    """A calendar's `sync:` block: its busy sources and its push target."""
    key = f"{key}.sync"
    m = c.mapping(value, key, line, CALENDAR_SYNC_KEYS)
    seq = c.sequence(m.get("busy"), f"{key}.busy", m.line_of("busy"))
    sources: list[BusySource] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(seq):
        skey = f"{key}.busy[{i}]"
        s = c.mapping(item, skey, seq.line_of(i), BUSY_KEYS)
        kinds = [k for k in ("ics", "caldav") if k in s]
        if len(kinds) != 1:
            c.error(s.line, skey, "give exactly one of ics: (a calendar file's URL) or "
                    "caldav: (a CalDAV collection's URL).")
            continue
        kind = kinds[0]
        url = _url(c, s, kind, skey)
        username, env = _credentials(c, s, skey)
        name = c.text(s, "name", skey, default="") or ""
        if url is None:
            continue
        source = BusySource(kind=kind, url=url, name=name[:60], username=username,
                            password_env=env, line=s.line)
        if source.id in seen:
            c.error(s.line, skey, f"the same source is listed twice (line {seen[source.id]}).")
            continue
        seen[source.id] = s.line
        sources.append(source)
    push: PushTarget | None = None
    if "push" in m:
        pkey = f"{key}.push"
        p = c.mapping(m.get("push"), pkey, m.line_of("push"), PUSH_KEYS)
        url = _url(c, p, "caldav", pkey) if "caldav" in p else None
        if "caldav" not in p:
            c.error(p.line, f"{pkey}.caldav", "is required: the CalDAV collection's URL.")
        username, env = _credentials(c, p, pkey)
        detail = c.text(p, "detail", pkey, default="minimal") or "minimal"
        if detail not in PUSH_DETAILS:
            c.error(p.line_of("detail"), f"{pkey}.detail",
                    f"'{detail}' is not allowed; use minimal (the default: the event says "
                    "only that the time is booked) or full.")
        if url is not None:
            push = PushTarget(url=url, username=username, password_env=env, detail=detail,
                              line=p.line)
    return tuple(sources), push
