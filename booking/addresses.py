"""A clinic's web addresses: `pages_url`, `endpoint_url`, `embed_origins`, and whether
they can work together.

Each is checked on its own (an error), then as a set (warnings that say what to
change): the pages call the endpoint from the pages' origin, an embedding site
frames the pages, and browsers refuse mixed content, calls from a public page to
this machine, and origins the endpoint does not allow.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from booking.checker import Checker
from booking.model import Clinic, origin_of
from booking.tree import Mapping

ORIGIN_RE = re.compile(r"(?i)^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/\S*)?$")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def is_loopback(url: str) -> bool:
    """Is this URL's host this machine (which a browser elsewhere cannot reach)?"""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK or host.endswith(".localhost") or host.startswith("127.")


def check_addresses(c: Checker, root: Mapping) -> tuple[str, str, list[str]]:
    """The clinic's (pages_url, endpoint_url, embed origins), each checked, then together."""
    pages_url = c.text(root, "pages_url", "", default="") or ""
    endpoint_url = c.text(root, "endpoint_url", "", default="") or ""
    for k, v in (("pages_url", pages_url), ("endpoint_url", endpoint_url)):
        if v and not URL_RE.match(v):
            c.error(root.line_of(k), k, f"'{v}' must be an http(s) URL like https://example.no/.")
    origins = []
    seq = c.sequence(root.get("embed_origins"), "embed_origins", root.line_of("embed_origins"))
    for i in range(len(seq)):
        o = str(c.item_text(seq, i, f"embed_origins[{i}]")).rstrip("/")
        if not ORIGIN_RE.match(o):
            c.error(seq.line_of(i), f"embed_origins[{i}]",
                    f"'{o}' must be an origin: scheme and host, no path (https://www.example.no).")
        origins.append(origin_of(o) or o)  # as browsers send it: lower case, no default port
    if not any(i.key in ("pages_url", "endpoint_url") or i.key.startswith("embed_origins")
               for i in c.issues if not i.warning):
        _check_together(c, root, pages_url, endpoint_url, origins)
    return pages_url, endpoint_url, origins


def _check_together(c: Checker, root: Mapping, pages: str, endpoint: str,
                    origins: list[str]) -> None:
    at = root.line_of
    for k, v in (("pages_url", pages), ("endpoint_url", endpoint)):
        parts = urlsplit(v)
        if parts.query or parts.fragment:
            c.warn(at(k), k, f"'{v}' has a query or fragment ('?…', '#…'), which the pages' "
                   "addresses are built on; remove it.")
        if v.startswith("http://") and not is_loopback(v):
            c.warn(at(k), k, f"'{v}' is plain http: patients' identity numbers and names would "
                   "travel unencrypted; use https://.")
    path = urlsplit(endpoint).path.rstrip("/")
    if re.search(r"/api(/v\d+)?(/clinics.*)?$", path):
        c.warn(at("endpoint_url"), "endpoint_url", f"'{endpoint}' ends in the API's own path; "
               "give where `endpoint serve` answers, without /api/v1 (the pages add it).")
    if pages.startswith("https://") and endpoint.startswith("http://") \
            and not is_loopback(endpoint):
        c.warn(at("endpoint_url"), "endpoint_url", "the pages are https but the endpoint is "
               "http, so browsers block every call from the pages (mixed content); serve the "
               "endpoint over https and write its https:// address here.")
    if endpoint and is_loopback(endpoint) and pages and not is_loopback(pages):
        c.warn(at("endpoint_url"), "endpoint_url", f"'{endpoint}' is this machine, but the "
               f"pages are published at {pages}: a patient's browser cannot reach it; write the "
               "endpoint's public address here.")
    if endpoint and not pages and not origins:
        c.warn(at("endpoint_url"), "pages_url", "is not set while endpoint_url is, so the "
               "endpoint does not know the pages' origin and browsers refuse its answers (CORS); "
               "set pages_url to where _site/ is published, or list that origin in "
               "embed_origins.")
    if pages.startswith("http://") and not is_loopback(pages):
        for i, origin in enumerate(origins):
            if origin.startswith("https://"):
                c.warn(at("embed_origins"), f"embed_origins[{i}]", f"{origin} is https, but the "
                       "pages are http: an https site may not frame http pages (mixed content); "
                       "publish the pages over https.")


def preview_url(url: str) -> str:
    """A local preview's address as `--preview-url` takes it: an http(s) URL ending in '/'.

    Raises ValueError with the sentence to show when it is not one.
    """
    url = url.strip()
    if not URL_RE.match(url) or urlsplit(url).query or urlsplit(url).fragment:
        raise ValueError(f"'{url}' must be an http(s) URL like http://127.0.0.1:8123/")
    return url if url.endswith("/") else url + "/"


def previewed(clinic: Clinic, url: str) -> Clinic:
    """The clinic as a local preview at `url` serves it: pages and endpoint both there.

    For `make demo` and `endpoint serve --site` on another host or port than the clinic
    file says; the file, and every published build, keep the clinic's own addresses.
    """
    return replace(clinic, pages_url=url, endpoint_url=url.rstrip("/"))
