"""Return addresses (`booking.urls.is_return_address`): where the endpoint may send a browser
back to after a login — the patient's `next` (an absolute URL under `<pages_url><slug>/`,
which then gets the session token in its fragment) and the staff's `next` (a path under
`/staff/<slug>/`). One rule for both: on the base's origin (or, for a path base, no origin
at all), under the base's path once every dot segment, percent-encoding and backslash is
taken into account, without userinfo, fragment, control characters or spaces.
"""

from __future__ import annotations

import pytest

from booking.urls import is_return_address

PAGES = "https://pages.example/fjordlegene/"
STAFF = "/staff/fjordlegene/"


@pytest.mark.parametrize("url", [
    PAGES,
    PAGES + "influensa/",
    PAGES + "influensa/?type=time&calendar=hansen",
    PAGES + "avbestill/",
    "HTTPS://PAGES.EXAMPLE/fjordlegene/",  # scheme and host are case-insensitive
    "https://pages.example:443/fjordlegene/",  # the scheme's own port
    PAGES + "a..b/",  # dots inside a segment are a name
    PAGES + "?next=../x",  # the query is not the path
])
def test_the_clinics_own_pages_are_return_addresses(url):
    assert is_return_address(url, PAGES)


@pytest.mark.parametrize("url", [
    # dot segments, as a browser resolves them: plain, encoded in any case, half encoded
    "https://pages.example/fjordlegene/../blogg/",
    "https://pages.example/fjordlegene/..",
    "https://pages.example/fjordlegene/./../blogg/",
    "https://pages.example/fjordlegene/%2e%2e/blogg/",
    "https://pages.example/fjordlegene/%2E%2E/blogg/",
    "https://pages.example/fjordlegene/%2e%2E/blogg/",
    "https://pages.example/fjordlegene/.%2e/blogg/",
    "https://pages.example/fjordlegene/%2e./blogg/",
    "https://pages.example/fjordlegene/%2e/",
    "https://pages.example/fjordlegene/%2e%2e%2fblogg/",
    "https://pages.example/fjordlegene/%252e%252e/blogg/",  # encoded twice
    # backslashes, which browsers read as slashes, raw or encoded
    "https://pages.example/fjordlegene/..\\blogg/",
    "https://pages.example/fjordlegene/%5c..%5cblogg/",
    "https:\\\\evil.example/fjordlegene/",
    "https://pages.example\\@evil.example/fjordlegene/",
    # other hosts, ports and schemes
    "https://evil.example/fjordlegene/",
    "//evil.example/fjordlegene/",
    "///evil.example/fjordlegene/",
    "/fjordlegene/",
    "fjordlegene/",
    "https://pages.example.evil.example/fjordlegene/",
    "https://pages.example:8443/fjordlegene/",
    "https://pages.example:99999/fjordlegene/",
    "http://pages.example/fjordlegene/",
    "javascript:alert(1)//pages.example/fjordlegene/",
    "data:text/html,https://pages.example/fjordlegene/",
    "https:pages.example/fjordlegene/",
    "https://[::1/fjordlegene/",
    # userinfo tricks
    "https://user@pages.example/fjordlegene/",
    "https://@pages.example/fjordlegene/",
    "https://pages.example@evil.example/fjordlegene/",
    "https://pages.example:443@evil.example/fjordlegene/",
    "https://pages.example%40evil.example/fjordlegene/",
    # outside the clinic's folder
    "https://pages.example/",
    "https://pages.example/fjordlegene",
    "https://pages.example/fjordlegenex/",
    "https://pages.example/annen/fjordlegene/",
    "https://pages.example/fjordlegene//evil.example/",
    "https://pages.example/fjordlegene/%2f%2fevil.example/",
    # a fragment (the endpoint writes its own), controls, spaces, non-ASCII, length
    PAGES + "#session=x",
    PAGES + "\r\nSet-Cookie: x=y",
    PAGES + "%0d%0a",
    PAGES + "%00",
    PAGES + "\t",
    PAGES + " x",
    "https://pagés.example/fjordlegene/",
    PAGES + "x" * 2000,
    "",
])
def test_anything_else_is_not_a_return_address(url):
    assert not is_return_address(url, PAGES)


@pytest.mark.parametrize("url", [
    "/staff/fjordlegene/calendar",
    "/staff/fjordlegene/calendar?date=2026-12-03",
    "/staff/fjordlegene/bookings/abc",
])
def test_paths_under_a_path_base_are_return_addresses(url):
    assert is_return_address(url, STAFF)


@pytest.mark.parametrize("url", [
    "/staff/fjordlegene/../annen/calendar",
    "/staff/fjordlegene/%2E%2e/annen/calendar",
    "/staff/fjordlegene/%2e%2e%2Fannen/calendar",
    "/staff/fjordlegene/\\evil",
    "/staff/fjordlegene//evil.example",
    "/staff/fjordlegene",
    "/staff/annen/calendar",
    "//evil.example/staff/fjordlegene/",
    "/\\evil.example/staff/fjordlegene/",
    "https://evil.example/staff/fjordlegene/calendar",
    "https://user@evil.example/staff/fjordlegene/calendar",
    "javascript:alert(1)",
    "staff/fjordlegene/calendar",
    "/staff/fjordlegene/calendar#x",
])
def test_a_path_base_takes_no_origin_and_no_way_out(url):
    assert not is_return_address(url, STAFF)
