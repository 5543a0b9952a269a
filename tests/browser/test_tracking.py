"""Tracking in Chromium: GA4 through gtag.js (intercepted, served by a recorder),
Consent Mode v2, no personal data in any event, the original system's legacy
tracking script pasted as `tracking.script`, running unchanged, and Matomo's HTML
snippet, whose inline script runs by its hash under the page's policy, which names
the Matomo host (intercepted too) instead of allowing `https:` at large."""

from __future__ import annotations

import json
import re

import pytest
from booking_support import (
    GTAG,
    RECORDER,
    fill_details,
    person,
    recorded_events,
    wait_until,
)

pytestmark = pytest.mark.browser

GA = """tracking:
  ga_measurement_id: G-TEST123456
  consent: banner
"""

# The script of the seed help page, as a clinic would paste it (placeholders and all).
LEGACY = """var tag = document.createElement("script");
tag.src = "https://www.googletagmanager.com/gtag/js?id=XXXXXXXXXX";
document.getElementsByTagName("head")[0].appendChild(tag);
window.dataLayer = window.dataLayer || [];
function gtag() {
dataLayer.push(arguments);
}

gtag("js", new Date());

gtag("event", "booking_init");

gtag("config", "YOUR_TRACKER_CODE");

document.addEventListener("click", function (e) {
e.path.forEach(function (pI) {
if (pI.className && pI.className.indexOf("ant-select-dropdown-menu-item") != -1) {
gtag(
"event",
pI.firstChild.className,
{
value: pI.firstChild.title,
}
);
}

if (pI.className && pI.className.indexOf("booking-form-date") != -1) {
gtag("event", "booking-form-date");
}

if (pI.className && pI.className.indexOf("ant-btn") != -1) {
gtag("event", "button", { value: pI.innerText });
}
});
});
"""


def legacy_tracking() -> str:
    body = "".join(f"    {line}\n" if line else "\n" for line in LEGACY.splitlines())
    return "tracking:\n  consent: none\n  script: |\n" + body


def serve_recorder(page) -> list[str]:
    loads: list[str] = []

    def handle(route):
        loads.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=RECORDER)

    page.route(GTAG, handle)
    return loads


def events(page, name: str | None = None) -> list:
    found = [e for e in recorded_events(page) if isinstance(e, list) and e and e[0] == "event"]
    return [e for e in found if name is None or e[1] == name]


def consent(page) -> list:
    return [e for e in recorded_events(page) if isinstance(e, list) and e[:1] == ["consent"]]


def book(page) -> None:
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").nth(2).click()
    page.locator("#slots button").first.click()
    fill_details(page)
    page.get_by_role("button", name="Gå videre").click()
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()


def test_ga4_funnel_and_conversion_without_personal_data(booking_site, page, browser_errors):
    site = booking_site(GA)
    errors = browser_errors(page)
    loads = serve_recorder(page)
    page.goto(site.page())
    wait_until(page, "window.__recording === true")
    assert loads == ["https://www.googletagmanager.com/gtag/js?id=G-TEST123456"]
    assert events(page, "booking_init")
    book(page)
    wait_until(page, "window.__events.some(e => e[1] === 'booking_confirmed')")
    names = [e[1] for e in events(page)]
    assert names == ["booking_init", "select_calendar", "select_type", "select_date",
                     "select_slot", "submit_details", "submit_booking", "booking_confirmed"]
    everything = json.dumps(recorded_events(page), ensure_ascii=False)
    who = person()
    for secret in (who["national_id"], "151086", who["first_name"], who["last_name"],
                   "40612345", "406 12 345", who["email"], "Kari Hansen", "Konsultasjon"):
        assert secret not in everything, secret
    # consent mode v2: denied until the patient says yes, which they did not
    assert consent(page)[0][1:] == ["default", {
        "ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
        "analytics_storage": "denied", "wait_for_update": 500}]
    assert not any(c[1] == "update" for c in consent(page))
    assert errors == []


def test_consent_banner_grants_analytics_and_remembers(booking_site, page):
    site = booking_site(GA)
    serve_recorder(page)
    page.goto(site.page())
    banner = page.get_by_role("region", name="Informasjonskapsler")
    banner.wait_for()
    page.get_by_role("button", name="Ja, det er greit").click()
    assert banner.is_hidden()
    assert consent(page)[-1][1:] == ["update", {"analytics_storage": "granted"}]
    page.reload()
    wait_until(page, "window.__recording === true")
    assert banner.is_hidden()
    assert consent(page)[0][2]["analytics_storage"] == "granted"


def test_send_names_lets_names_through(booking_site, page):
    site = booking_site(GA + "  send_names: true\n")
    serve_recorder(page)
    page.goto(site.page())
    page.get_by_role("button", name="Kari Hansen").click()
    wait_until(page, "window.__events.some(e => e[1] === 'select_calendar')")
    assert events(page, "select_calendar")[0][2]["calendar_name"] == "Kari Hansen"


def test_legacy_script_runs_unchanged(booking_site, page, browser_errors):
    site = booking_site(legacy_tracking())
    errors = browser_errors(page)
    loads = serve_recorder(page)
    page.goto(site.page())
    wait_until(page, "window.__recording === true")
    assert loads == ["https://www.googletagmanager.com/gtag/js?id=XXXXXXXXXX"]
    assert events(page, "booking_init")
    page.get_by_role("button", name="Kari Hansen").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").nth(1).click()
    page.locator("#slots button").first.click()
    page.get_by_role("button", name="Gå videre").click()
    assert [e[1] for e in events(page)] == [
        "booking_init", "calendar", "type", "booking-form-date", "button", "button"]
    # type names stay out unless send_names: the option's title is empty
    assert events(page, "type")[0][2] == {"value": ""}
    assert events(page, "button")[1][2] == {"value": "Gå videre"}
    assert errors == []


def test_legacy_script_sees_no_calendar_name_when_booking_first_available(booking_site, page,
                                                                          browser_errors):
    site = booking_site(legacy_tracking())
    errors = browser_errors(page)
    serve_recorder(page)
    page.goto(site.page())
    wait_until(page, "window.__recording === true")
    page.get_by_role("button", name="Første ledige time").click()
    page.get_by_role("button", name="Konsultasjon").first.click()
    page.locator("#days button").nth(2).click()
    slot = page.locator("#slots button").first
    # the patient still sees, and hears, whom the time is with
    shown = page.locator("#slots .slot-item").first.inner_text()
    assert re.search(r"hos (Kari Hansen|Ole Berg)", shown), shown
    described = slot.evaluate(
        "b => document.getElementById(b.getAttribute('aria-describedby')).textContent")
    assert described.startswith("hos ")
    slot.click()
    fill_details(page)
    page.get_by_role("button", name="Gå videre").click()
    assert re.search("Kari Hansen|Ole Berg", page.locator("#summary").inner_text())
    page.get_by_role("button", name="Bekreft bestilling").click()
    page.get_by_role("heading", name="Timen er bestilt").wait_for()
    names = [e[1] for e in events(page)]
    assert names.count("button") == 3, names  # the slot, Gå videre, Bekreft bestilling
    assert re.fullmatch(r"\d\d[:.]\d\d", events(page, "button")[0][2]["value"])
    everything = json.dumps(recorded_events(page), ensure_ascii=False)
    for secret in ("Kari Hansen", "Ole Berg", "Hansen", "Berg", "Konsultasjon", "hos "):
        assert secret not in everything, secret
    assert errors == []



# Matomo's own snippet, as its admin page hands it out: HTML with an inline script.
MATOMO = """<!-- Matomo -->
<script>
  var _paq = window._paq = window._paq || [];
  _paq.push(['trackPageView']);
  (function() {
    var u="https://matomo.fjord.example/";
    _paq.push(['setTrackerUrl', u+'matomo.php']);
    _paq.push(['setSiteId', '1']);
    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
    g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
  })();
</script>
<!-- End Matomo Code -->
"""

# Served as matomo.js: sends the page view to the tracker URL as a request and a pixel.
MATOMO_JS = """(function () {
  var url = "";
  window._paq.forEach(function (c) { if (c[0] === "setTrackerUrl") url = c[1]; });
  fetch(url + "?action=pageview", {method: "POST", mode: "no-cors"});
  new Image().src = url + "?action=pixel";
})();
"""


def test_matomos_snippet_loads_and_records_by_name_and_hash(booking_site, page, browser_errors):
    body = "".join(f"    {line}\n" if line else "\n" for line in MATOMO.splitlines())
    site = booking_site("tracking:\n  consent: none\n  script: |\n" + body)
    errors = browser_errors(page)
    asked: list[str] = []

    def matomo(route):
        asked.append(route.request.url)
        if route.request.url.endswith(".js"):
            route.fulfill(status=200, content_type="text/javascript", body=MATOMO_JS)
        else:
            route.fulfill(status=204)

    page.route("https://matomo.fjord.example/**", matomo)
    tracker = "https://matomo.fjord.example/matomo.php"
    with page.expect_request(f"{tracker}?action=pageview", timeout=10_000), \
            page.expect_request(f"{tracker}?action=pixel", timeout=10_000):
        page.goto(site.page())
    assert (sorted(asked), errors) == (sorted([
        "https://matomo.fjord.example/matomo.js", f"{tracker}?action=pageview",
        f"{tracker}?action=pixel"]), [])
