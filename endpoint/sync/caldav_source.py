"""Reading a CalDAV collection's events with the `caldav` client.

The collection's `DAV:sync-token` (RFC 6578) is asked first, in one small
PROPFIND: the same token as last time means nothing changed and nothing more is
read. Otherwise every event is fetched and expanded here (`expand`), not by the
server, whose expansion differs from one to the next.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from icalendar import Calendar as ICalendar

from endpoint.sync.errors import SourceError
from endpoint.sync.expand import parse

if TYPE_CHECKING:
    from caldav.davclient import DAVClient

log = logging.getLogger("ledig.sync")

TIMEOUT_SECONDS = 10
MAX_OBJECTS = 20_000


def client(url: str, username: str, password: str,
           timeout: int = TIMEOUT_SECONDS) -> DAVClient:
    """A client for the collection at `url` (no DNS service discovery; http only on
    loopback, which the configuration already checked). The client library is imported
    here, when a clinic uses CalDAV: a process that never does pays nothing for it."""
    from caldav.davclient import DAVClient

    c = DAVClient(url=url, username=username or None, password=password or None,
                         timeout=timeout, enable_rfc6764=False,
                         require_tls=urlsplit(url).scheme == "https")
    session = getattr(c, "session", None)
    if session is not None and hasattr(session, "max_redirects"):
        session.max_redirects = 0  # a redirect is refused, never followed to another host
    return c


def error_of(exc: Exception) -> SourceError:
    """A stable code for what the client or the server raised (no personal data)."""
    if isinstance(exc, SourceError):
        return exc
    from caldav.lib import error as dav_error

    name = type(exc).__name__
    if isinstance(exc, dav_error.AuthorizationError):
        return SourceError("unauthorized", "check username and password")
    if isinstance(exc, dav_error.NotFoundError):
        return SourceError("not_found", "no such collection")
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return SourceError("timeout", "no answer in time")
    if "Redirect" in name:
        return SourceError("redirect_refused", "the server redirected")
    if isinstance(exc, dav_error.DAVError):
        status = getattr(exc, "status", None) or getattr(exc, "reason", "")
        return SourceError("server_error", f"{name} {status}"[:120])
    if "Connection" in name or isinstance(exc, OSError):
        return SourceError("unreachable", name)
    return SourceError("server_error", name)


def read(url: str, username: str, password: str,
         sync_token: str) -> tuple[list[ICalendar] | None, str]:
    """The collection's events (None when its sync token is still `sync_token`) and the
    token now."""
    try:
        c = client(url, username, password)
        from caldav.elements import dav

        try:
            cal = c.calendar(url=url)
            token = str(cal.get_property(dav.SyncToken()) or "")
            if token and token == sync_token:
                return None, token
            objects = cal.events()
            if len(objects) > MAX_OBJECTS:
                raise SourceError("too_many_events", f"over {MAX_OBJECTS} objects")
            return [parse(o.data) for o in objects], token
        finally:
            c.close()
    except Exception as exc:  # the client raises its own, the HTTP library's and OS errors
        raise error_of(exc) from exc
