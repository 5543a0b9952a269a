"""`pages_url`, `endpoint_url` and `embed_origins` that cannot work together are warnings
that name file, line and key and say what to change (`booking.addresses`)."""

from __future__ import annotations

import textwrap

import pytest

from booking.addresses import is_loopback, preview_url, previewed
from common.content import load_clinic_bytes

FILE = "klinikk.yaml"
REST = """
calendars:
  - id: lege
    name: Lege
    online: true
    week: {mon: [{start: "08:00", end: "10:00", types: [kons]}]}
appointment_types:
  - {id: kons, name: Konsultasjon, duration: 20, online: true}
"""


def warnings_of(head: str) -> list[tuple[int, str, str]]:
    text = "name: Klinikken\n" + textwrap.dedent(head).strip("\n") + REST
    clinic, issues = load_clinic_bytes(text.encode(), slug="klinikk", file=FILE)
    assert clinic is not None, [str(i) for i in issues]
    assert all(i.warning for i in issues)
    return [(i.line, i.key, i.message) for i in issues]


@pytest.mark.parametrize("head", [
    # one origin: pages and endpoint together
    "pages_url: https://booking.klinikk.no/\nendpoint_url: https://booking.klinikk.no",
    # two origins: the endpoint allows the pages' origin itself
    "pages_url: https://klinikk.no/time/\nendpoint_url: https://api.klinikk.no\n"
    "embed_origins: [https://www.klinikk.no]",
    # everything on this machine: the demo
    "pages_url: http://127.0.0.1:8000/\nendpoint_url: http://127.0.0.1:8000\n"
    "embed_origins: [http://localhost:8000]",
    # nothing set: the endpoint serves the pages itself, calls are same-origin
    "",
])
def test_addresses_that_work_together_give_no_warning(head):
    assert warnings_of(head) == []


@pytest.mark.parametrize("head, line, key, advice", [
    ("pages_url: https://klinikk.no/time/\nendpoint_url: http://api.klinikk.no",
     3, "endpoint_url", "serve the endpoint over https"),
    ("pages_url: https://klinikk.no/time/\nendpoint_url: http://api.klinikk.no",
     3, "endpoint_url", "use https://"),
    ("pages_url: https://klinikk.no/time/\nendpoint_url: http://127.0.0.1:8000",
     3, "endpoint_url", "write the endpoint's public address here"),
    ("endpoint_url: https://api.klinikk.no", 2, "pages_url",
     "set pages_url to where _site/ is published"),
    ("pages_url: https://klinikk.no/time/\nendpoint_url: https://api.klinikk.no/api/v1",
     3, "endpoint_url", "without /api/v1"),
    ("pages_url: https://klinikk.no/time/?x=1\nendpoint_url: https://api.klinikk.no",
     2, "pages_url", "remove it"),
    ("pages_url: http://klinikk.no/time/\nendpoint_url: http://klinikk.no\n"
     "embed_origins: [https://www.klinikk.no]", 4, "embed_origins[0]",
     "publish the pages over https"),
])
def test_addresses_that_cannot_work_together_warn_with_the_fix(head, line, key, advice):
    found = [w for w in warnings_of(head) if (w[0], w[1]) == (line, key)]
    assert found, warnings_of(head)
    assert any(advice in message for _l, _k, message in found)


def test_a_broken_address_is_one_error_and_no_follow_on_warning():
    text = ("name: Klinikken\npages_url: klinikk.no/time\nendpoint_url: http://api.klinikk.no"
            + REST)
    clinic, issues = load_clinic_bytes(text.encode(), slug="klinikk", file=FILE)
    assert clinic is None
    assert [(i.line, i.key, i.warning) for i in issues] == [(2, "pages_url", False)]


@pytest.mark.parametrize("url, loopback", [
    ("http://127.0.0.1:8000", True), ("http://localhost:8123/", True),
    ("http://demo.localhost/", True), ("http://[::1]:8000", True),
    ("https://klinikk.no", False), ("http://10.0.0.2:8000", False),
])
def test_loopback(url, loopback):
    assert is_loopback(url) is loopback


def test_a_preview_puts_pages_and_endpoint_at_its_address():
    text = ("name: Klinikken\npages_url: https://klinikk.no/time/\n"
            "endpoint_url: https://api.klinikk.no" + REST)
    clinic, _ = load_clinic_bytes(text.encode(), slug="klinikk", file=FILE)
    seen = previewed(clinic, preview_url("http://127.0.0.1:8123"))
    assert (seen.pages_url, seen.endpoint_url) == ("http://127.0.0.1:8123/",
                                                   "http://127.0.0.1:8123")
    assert "http://127.0.0.1:8123" in seen.origins
    with pytest.raises(ValueError):
        preview_url("127.0.0.1:8123")
