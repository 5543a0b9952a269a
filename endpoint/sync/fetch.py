"""Reading an ICS URL over HTTP: conditional, bounded, and never following another host.

A GET carries `If-None-Match` / `If-Modified-Since` from the last answer, so an
unchanged feed costs a 304. The answer is cut off at `MAX_BYTES` and the whole
fetch at `DEADLINE_SECONDS`; a redirect is followed only to the same host (and
never from https to http). Credentials go as HTTP Basic, never in the URL.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from booking.sync_config import url_problem
from endpoint.sync.errors import SourceError

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
DEADLINE_SECONDS = 30.0
MAX_REDIRECTS = 3
USER_AGENT = "ledig-sync/1 (+https://github.com/ledig)"


@dataclass(frozen=True)
class Fetched:
    """The source's answer: its bytes (None when it said 304 Not Modified) and validators."""

    body: bytes | None
    etag: str = ""
    last_modified: str = ""


def fetch(url: str, *, username: str = "", password: str = "", etag: str = "",
          last_modified: str = "", timeout: float = TIMEOUT_SECONDS,
          max_bytes: int = MAX_BYTES, deadline: float = DEADLINE_SECONDS) -> Fetched:
    """GET `url`; a `SourceError` for every way it can fail."""
    ends = time.monotonic() + deadline
    host = urlsplit(url).hostname
    for _ in range(MAX_REDIRECTS + 1):
        status, headers, body = _get(url, username, password, etag, last_modified, timeout,
                                     max_bytes, ends)
        if status in (301, 302, 303, 307, 308):
            target = urljoin(url, headers.get("location", ""))
            problem = url_problem(target)
            if urlsplit(target).hostname != host or problem or (
                    url.startswith("https:") and not target.startswith("https:")):
                raise SourceError("redirect_refused", "redirected to another host or scheme")
            url = target
            continue
        if status == 304:
            return Fetched(None, etag, last_modified)
        if status in (401, 403):
            raise SourceError("unauthorized", f"HTTP {status}: check username and password")
        if status != 200:
            raise SourceError(f"http_{status}", f"HTTP {status}")
        return Fetched(body, headers.get("etag", ""), headers.get("last-modified", ""))
    raise SourceError("redirect_refused", "too many redirects")


def _get(url: str, username: str, password: str, etag: str, last_modified: str,
         timeout: float, max_bytes: int, ends: float) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5",
               "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if username:
        pair = f"{username}:{password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        got = {k.lower(): v for k, v in resp.getheaders()}
        length = got.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise SourceError("too_large", f"over {max_bytes // 1024 // 1024} MB")
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > ends:
                raise SourceError("timeout", "the answer took too long")
            chunk = resp.read(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise SourceError("too_large", f"over {max_bytes // 1024 // 1024} MB")
            chunks.append(chunk)
        return resp.status, got, b"".join(chunks)
    except TimeoutError as exc:
        raise SourceError("timeout", "no answer in time") from exc
    except ssl.SSLError as exc:
        raise SourceError("tls", type(exc).__name__) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise SourceError("unreachable", type(exc).__name__) from exc
    finally:
        conn.close()
