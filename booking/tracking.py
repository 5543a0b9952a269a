"""What a clinic's tracking needs from the pages' Content-Security-Policy, by name.

The booking page is where a patient types their national id, so its policy never
allows `https:` at large nor `'unsafe-inline'`. `analytics_sources` lists the hosts the
tracking uses: Google's (Google's own list for GA4) when the clinic has a
`ga_measurement_id` or its script names a Google tag host (gtag.js, Tag Manager), and
every other `https://` origin the clinic's script names (a Matomo or Plausible
address). An HTML snippet's inline `<script>` elements are allowed by their hashes
(`read_snippet(...).scripts`, hashed by the generator, as it hashes a plain script);
what no hash can allow — an event handler attribute, a `javascript:` URL — is a
problem with its line (`read_snippet(...).problems`), which `sitegen check` refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from booking.model import Tracking, origin_of

#: GA4 through gtag.js, as Google's CSP guide lists it: the tag from Tag Manager's hosts,
#: hits to Google Analytics' (its regional hosts included)
GOOGLE = ("https://*.googletagmanager.com", "https://*.google-analytics.com",
          "https://*.analytics.google.com")
GOOGLE_DOMAINS = ("googletagmanager.com", "google-analytics.com", "analytics.google.com")
ORIGIN_RE = re.compile(r"(?i)https://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?")
#: what browsers take out of a URL before reading its scheme: spaces, tabs, newlines
URL_BLANKS_RE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True, slots=True)
class Sources:
    """The analytics hosts for `script-src`, `connect-src` and `img-src`."""

    script: tuple[str, ...] = ()
    connect: tuple[str, ...] = ()
    img: tuple[str, ...] = ()


def named_origins(script: str) -> tuple[str, ...]:
    """Every `https://` origin the text names, lower case, in order, once each."""
    found = (origin_of(m.group(0)) for m in ORIGIN_RE.finditer(script))
    return tuple(dict.fromkeys(o for o in found if o))


def _is_google(origin: str) -> bool:
    host = origin.split("://", 1)[1].split(":", 1)[0]
    return any(host.endswith("." + domain) for domain in GOOGLE_DOMAINS)


def analytics_sources(tracking: Tracking) -> Sources:
    """The hosts the clinic's tracking loads from and sends to, by name."""
    named = named_origins(tracking.script or "")
    google = bool(tracking.ga_measurement_id) or any(_is_google(o) for o in named)
    others = tuple(o for o in named if not _is_google(o))
    if not google:
        return Sources(others, others, others)
    return Sources((GOOGLE[0], *others), (*GOOGLE, *others), (*GOOGLE[:2], *others))


def is_html(script: str) -> bool:
    """A snippet of HTML (inserted as it is), not plain JavaScript (wrapped and hashed)."""
    return script.lstrip().startswith("<")


@dataclass(frozen=True, slots=True)
class Snippet:
    """An HTML snippet as a browser with scripting on runs it: the text of each inline
    `<script>` element, and (line, what is wrong) for the code no hash can allow."""

    scripts: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.problems: list[tuple[int, str]] = []
        self.noscript = 0
        self.inline: list[str] | None = None  # the text of the inline script being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "noscript":
            self.noscript += 1
        if self.noscript:  # inert while scripting is on
            return
        for name, value in attrs:
            line = self._line_of(name)
            if name.startswith("on"):
                self.problems.append((line, (
                    f"<{tag}> has the event handler {name}=\"…\", which the booking page's "
                    "Content-Security-Policy never runs; move the code into a <script> "
                    "element (allowed by its hash).")))
            elif URL_BLANKS_RE.sub("", value or "").lower().startswith("javascript:"):
                self.problems.append((line, (
                    f"<{tag}> has a javascript: URL in {name}=\"…\", which the booking page's "
                    "Content-Security-Policy never runs; move the code into a <script> "
                    "element (allowed by its hash).")))
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self.inline = []

    def _line_of(self, attribute: str) -> int:
        """The line of an attribute of the tag being read (a tag may span lines)."""
        text = self.get_starttag_text() or ""
        at = re.search(rf"(?i)\s{re.escape(attribute)}(?=[\s=/>])", text)
        return self.getpos()[0] + (text[:at.start() + 1].count("\n") if at else 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript" and self.noscript:
            self.noscript -= 1
        if tag == "script" and self.inline is not None:
            if text := "".join(self.inline):
                self.scripts.append(text)
            self.inline = None

    def handle_data(self, data: str) -> None:
        if self.inline is not None:
            self.inline.append(data)


def read_snippet(html: str) -> Snippet:
    """The inline scripts and the problems of an HTML snippet (lines counted from 1)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return Snippet(tuple(reader.scripts), tuple(reader.problems))
