"""Clinic dialog templates cannot escape the Jinja2 sandbox or exhaust the endpoint
(issue 8): attribute access to dunder names, globals of functions, huge ranges,
huge strings and loops, format widths and recursion are refused when the
clinic file is checked (`check_template`, which `sitegen check` and the
endpoint's content loader run) and when a message is rendered at booking time
(`render_dialog`) — quickly, with a `DialogError`, and never with a 500 or a
lost booking.

`tests/endpoint/test_outbox.py` already tries `''.__class__`, `__subclasses__`,
`range(10**9)|list`, nested loops, `'x' * 10**9`, `10 ** 100000000`, wide `%`
and `format` widths, `center(10**9)` and a recursive macro, and
`tests/endpoint/test_notifications.py` books with such templates; the vectors
here are the others.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from hardening_support import API, SLUG, booking_body, grenda_notifying, local, patient
from support import write_clinic

from common.content import load_clinic_bytes
from common.dialogs import DialogError, check_template, render_dialog, sample_context
from endpoint.storage.db import Outbox, db

ESCAPES = {
    "mro": "{{ ''.__class__.__mro__ }}",
    "cycler-globals": "{{ cycler.__init__.__globals__ }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os }}",
    "namespace-globals": "{{ namespace.__init__.__globals__ }}",
    "self": "{{ self.__init__.__globals__ }}",
    "getattr-filter": "{{ ''|attr('__class__') }}",
    "format-attr": "{{ '{0.__class__}'.format('') }}",
    "context-date": "{{ booking.start.__class__.__init__.__globals__ }}",
    "func-code": "{{ (lambda: 1) }}",
    "dict-items": "{{ patient.__class__.__base__ }}",
    "config": "{{ config.items() }}",
    "request": "{{ request.environ }}",
    "import": "{% import 'os' as os %}{{ os }}",
    "include": "{% include '/etc/passwd' %}",
    "mutate": "{% set _ = patient.update({'first_name': 'x'}) %}x",
    "lipsum": "{{ lipsum(100000, true, 100000, 100000) }}",
}

BOMBS = {
    "range-big": "{% for i in range(100000000) %}x{% endfor %}",
    "list-times": "{{ ([1] * 10000000)|length }}",
    "power": "{{ 9 ** 9 ** 9 }}",
    "indent": "{{ ('x\\n' * 5000)|indent(5000) }}",
    "replace": "{{ ('x' * 9000)|replace('x', 'yyyyyyyyyy') }}",
    "join-repeat": "{% set s = 'x' * 9000 %}{{ [s, s, s, s]|join }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "output": "{% for i in range(1000) %}{{ 'x' * 100 }}{% endfor %}",
    "wordwrap": "{{ ('x ' * 4000)|wordwrap(1) }}",
    "strftime": "{{ booking.start.strftime('%Y' * 20000) }}",
}


@pytest.mark.parametrize("source", list(ESCAPES.values()), ids=list(ESCAPES))
def test_sandbox_escapes_are_refused_at_check_time(source: str) -> None:
    began = time.monotonic()
    problem = check_template(source)
    assert problem, f"accepted: {source}"
    assert time.monotonic() - began < 10  # bounded (unbounded, it would run for minutes)
    with pytest.raises(DialogError):
        render_dialog(source, sample_context())


@pytest.mark.parametrize("source", list(BOMBS.values()), ids=list(BOMBS))
def test_resource_bombs_are_refused_quickly(source: str) -> None:
    began = time.monotonic()
    try:
        out = render_dialog(source, sample_context())
    except DialogError as exc:
        assert str(exc)
    else:  # not refused: then it is bounded
        assert len(out) <= 10_000  # a message is at most 10 000 characters (docs/notifications.md)
    # the budget is 0.5 s of work; unbounded, these run for minutes (10 s leaves room for a
    # loaded CI machine)
    assert time.monotonic() - began < 10, "a render must stop within its time budget"


def test_a_refused_template_is_an_issue_of_the_clinic_file() -> None:
    text = grenda_notifying(dialog=ESCAPES["cycler-globals"])
    clinic, issues = load_clinic_bytes(text.encode(), slug=SLUG, file="grenda.yaml")
    assert clinic is None
    assert any(i.key == "dialogs.hei" and i.line > 1 for i in issues), issues


def test_a_template_that_only_fails_on_real_data_never_fails_the_booking(make_app,
                                                                         content_dir):
    # "Kari" * 2000 passes the check (8000 characters); a long real name does not
    write_clinic(content_dir, SLUG, grenda_notifying(dialog="{{ patient.first_name * 2000 }}"))
    client = make_app().test_client()
    body = booking_body(local(date(2026, 12, 4), 10),
                        patient=patient(5, first_name="Kristoffer-Alexander"))
    r = client.post(f"{API}/bookings", json=body)
    assert r.status_code == 201
    with client.application.app_context(), db.connection_context():
        rows = {row.kind: row for row in Outbox.select()}
    assert rows["dialog"].status == "failed" and rows["dialog"].body == ""
    assert "longer than" in rows["dialog"].last_error
    assert rows["confirmation"].status == "pending"


def test_a_template_that_is_fine_renders() -> None:
    out = render_dialog("Hei {{ patient.first_name }}, {{ booking.start|date }}.",
                        sample_context())
    assert out.startswith("Hei Kari, tirsdag 1. desember 2026")
    assert check_template("{% for i in range(10) %}{{ i }}{% endfor %}") is None




@pytest.mark.parametrize("source", [
    "{{ ('x' * 9000 * 9000)|length }}",
    "{{ (range(999)|list * 9000)|length }}",
    "{{ ('x' * 9000).replace('x', 'x' * 9000)|length }}",
    "{{ ('x' * 9000)|replace('x', 'x' * 9000)|length }}",
], ids=["str-times", "list-times", "str-replace", "replace-filter"])
def test_huge_values_that_never_reach_the_output_are_refused(source: str) -> None:
    with pytest.raises(DialogError, match="longer than"):
        render_dialog(source, sample_context())
