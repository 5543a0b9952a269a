"""The analytics hosts a clinic's tracking needs, by name (`booking.tracking`): Google's
with a GA4 id or a script that loads gtag.js or Tag Manager, every `https://` origin the
clinic's own script names (a Matomo or Plausible address), and never `https:` at large;
and an HTML snippet's inline scripts, which the pages allow by their hashes, and what no
hash can allow (event handler attributes, `javascript:` URLs), with its line.
"""

from __future__ import annotations

import pytest

from booking.model import Tracking
from booking.tracking import analytics_sources, read_snippet

GOOGLE_SCRIPT = ("https://*.googletagmanager.com",)
GOOGLE_CONNECT = ("https://*.googletagmanager.com", "https://*.google-analytics.com",
                  "https://*.analytics.google.com")
GOOGLE_IMG = ("https://*.googletagmanager.com", "https://*.google-analytics.com")

MATOMO = """var _paq = window._paq = window._paq || [];
_paq.push(['trackPageView']);
(function() {
  var u="https://Matomo.Fjord.example:443/";
  _paq.push(['setTrackerUrl', u+'matomo.php']);
  var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
  g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
})();
"""
PLAUSIBLE = ('<script defer data-domain="fjord.example" '
             'src="https://plausible.io/js/script.js"></script>\n')
GTAG_LOADER = """var tag = document.createElement("script");
tag.src = "https://www.googletagmanager.com/gtag/js?id=G-ABC123DEF4";
document.head.appendChild(tag);
"""


@pytest.mark.parametrize(("tracking", "script", "connect", "img"), [
    (Tracking(), (), (), ()),
    (Tracking(ga_measurement_id="G-ABC123DEF4"), GOOGLE_SCRIPT, GOOGLE_CONNECT, GOOGLE_IMG),
    (Tracking(script=GTAG_LOADER), GOOGLE_SCRIPT, GOOGLE_CONNECT, GOOGLE_IMG),
    (Tracking(script=MATOMO), ("https://matomo.fjord.example",),
     ("https://matomo.fjord.example",), ("https://matomo.fjord.example",)),
    (Tracking(script=PLAUSIBLE), ("https://plausible.io",), ("https://plausible.io",),
     ("https://plausible.io",)),
    (Tracking(ga_measurement_id="G-ABC123DEF4", script=PLAUSIBLE + GTAG_LOADER),
     (*GOOGLE_SCRIPT, "https://plausible.io"), (*GOOGLE_CONNECT, "https://plausible.io"),
     (*GOOGLE_IMG, "https://plausible.io")),
    # a script that names no host adds none; plain http is never allowed
    (Tracking(script="window.seen = 1; // see https:// for more"), (), (), ()),
    (Tracking(script='new Image().src = "http://stats.fjord.example/p.gif";'), (), (), ()),
])
def test_the_analytics_hosts_are_those_the_tracking_names(tracking, script, connect, img):
    sources = analytics_sources(tracking)
    assert (sources.script, sources.connect, sources.img) == (script, connect, img)


def test_an_html_snippets_inline_scripts_are_read_as_the_browser_hashes_them():
    html = ('<!-- Matomo -->\n<script>\nif (a </b) { x = "</div>&amp;"; }\n</script>\n'
            + PLAUSIBLE + '<noscript><img src="https://matomo.fjord.example/p.gif"></noscript>'
            '<SCRIPT type="text/javascript">y()</SCRIPT >')
    assert read_snippet(html).scripts == ('\nif (a </b) { x = "</div>&amp;"; }\n', "y()")


@pytest.mark.parametrize(("html", "line", "words"), [
    ('<script src="https://plausible.io/js/script.js"\n onload="go()"></script>', 2, "onload"),
    ('<script>ok()</script>\n<img src="x" OnError="track()">', 2, "onerror"),
    ('\n\n<a href=" JavaScript:track()">x</a>', 3, "javascript:"),
    ('<iframe src="java\tscript:track()"></iframe>', 1, "javascript:"),
])
def test_what_no_hash_can_allow_is_a_problem_on_its_line(html, line, words):
    [(at, message)] = read_snippet(html).problems
    assert (at, words in message) == (line, True)


def test_what_a_noscript_holds_is_never_run_and_no_problem():
    html = '<noscript><img src="https://stats.example/p.gif" onerror="x()"></noscript>'
    assert read_snippet(html).problems == ()
