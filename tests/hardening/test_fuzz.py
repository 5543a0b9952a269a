"""Fuzzing the parsers that take untrusted input (issue 8), with hypothesis:

* the clinic YAML loader (`sitegen.content.load_clinic_bytes`) with random
  bytes, random text and mutations of the demo clinic: it never raises, and
  a refused file always says why (file, line, message);
* the identity parser (`booking.identity.validate_national_id`) with text
  close to a real number — digits of every script, spaces, hyphens, lengths
  around 11 — beyond `tests/booking/test_identity.py`'s plain `st.text`:
  only `IdentityError`s, and what passes is 11 ASCII digits;
* the booking request parser (`endpoint.parsing.booking_request`) with
  arbitrary JSON values, in and out of the expected shape: only `Problem`s.

Bounded to a few hundred examples each so the file runs in seconds; for a
longer run by hand: `HYPOTHESIS_PROFILE=long pytest tests/hardening/test_fuzz.py`.
The schemathesis run over `/openapi.json` lives with the API's tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hardening_support import booking_body, fnr, grenda_yaml, local
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking import ConfigIssue
from booking.identity import IdentityError, validate_national_id
from common.content import load_clinic_bytes
from endpoint.api.parsing import booking_request
from endpoint.problems import Problem

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = (ROOT / "content" / "clinics" / "fjordlegene.yaml").read_bytes()
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FAST = settings(max_examples=5000 if LONG else 100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _loads_quietly(data: bytes) -> None:
    clinic, issues = load_clinic_bytes(data, slug="fuzz", file="clinics/fuzz.yaml")
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue, ConfigIssue)
        assert issue.file == "clinics/fuzz.yaml" and issue.line >= 1 and issue.message
    if clinic is None:
        assert any(not issue.warning for issue in issues), "refused without saying why"


# -- the YAML loader ----------------------------------------------------------------

@FAST
@given(st.binary(max_size=2000))
def test_loader_never_raises_on_random_bytes(data: bytes) -> None:
    _loads_quietly(data)


YAML_BITS = st.sampled_from([
    "\n", ": ", "- ", "  ", "{", "}", "[", "]", "&a ", "*a", "<<: *a", "!!python/object:os.system",
    "!!binary ", "---\n", "...\n", "? ", "|\n  ", ">-\n  ", "'", '"', "#", "%YAML 1.1\n",
    "name", "calendars", "week", "mon", "start", "\"08:00\"", "25:99", "2026-02-30", "null",
    "~", "true", "1e309", "-0", "0x1F", "99999999999999999999999", "Europe/Oslo", "Mars/Olympus",
    "{{ x }}", "{% for %}", "\t", "\x00", "\ufeff", "æøå", "\u202e", "id", "types", "duration",
])


@FAST
@given(st.lists(st.one_of(YAML_BITS, st.text(max_size=10)), max_size=60))
def test_loader_never_raises_on_yaml_like_text(bits: list[str]) -> None:
    _loads_quietly("".join(bits).encode("utf-8", "surrogatepass"))


@st.composite
def mutated_demo(draw) -> bytes:
    data = bytearray(DEMO)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace_line", "duplicate_line"]))
        pos = draw(st.integers(0, len(data)))
        if kind == "delete":
            del data[pos:pos + draw(st.integers(1, 200))]
        elif kind == "insert":
            bit = draw(st.one_of(YAML_BITS.map(lambda s: s.encode("utf-8", "surrogatepass")),
                                 st.binary(max_size=20)))
            data[pos:pos] = bit
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "replace_line":
                indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
                lines[i] = indent + draw(YAML_BITS).encode("utf-8", "surrogatepass") + b"x"
            else:
                lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FAST
@given(mutated_demo())
def test_loader_never_raises_on_mutations_of_the_demo_clinic(data: bytes) -> None:
    _loads_quietly(data)


@pytest.mark.parametrize("data", [
    b"name: " + b"[" * 5000 + b"]" * 5000,  # PyYAML composes recursively
    b"name: " + b"{a: " * 5000 + b"1" + b"}" * 5000,
    b"a: &a [*a]",
    b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    b"name: !!python/object/apply:os.system ['touch /tmp/ledig-pwned']",
    b"\xef\xbb\xbfname: x", b"\xff\xfe\x00n", b"name: \x00", b"",
], ids=["deep-list", "deep-map", "recursive-alias", "alias-bomb", "python-tag", "bom",
        "utf16", "nul", "empty"])
def test_loader_hostile_files_are_issues(data: bytes) -> None:
    _loads_quietly(data)
    assert not Path("/tmp/ledig-pwned").exists()


def test_the_demo_clinic_itself_loads() -> None:
    clinic, issues = load_clinic_bytes(DEMO, slug="fjordlegene", file="fjordlegene.yaml")
    assert clinic is not None, issues


# -- the identity parser -------------------------------------------------------------------

NEAR_DIGITS = st.sampled_from(list("0123456789") * 6 + [" ", "-", "٣", "３", "𝟎", "²", "\n",
                                                       "\u200b", "+", "O", "l", "\x00"])


@FAST
@given(st.one_of(st.text(NEAR_DIGITS, min_size=9, max_size=14), st.text(max_size=200),
                 st.builds(lambda n, s: fnr(n)[:s] + fnr(n)[s + 1:], st.integers(0, 50),
                           st.integers(0, 10))),
       st.one_of(st.sampled_from(["fnr", "dnr"]), st.text(max_size=5)), st.booleans())
def test_identity_parser_raises_only_identity_errors(raw: str, id_type: str,
                                                     test_mode: bool) -> None:
    try:
        number = validate_national_id(raw, id_type, test_mode=test_mode)
    except IdentityError as exc:
        assert exc.code and exc.message
    else:
        assert len(number) == 11 and number.isascii() and number.isdigit()
        assert id_type in ("fnr", "dnr")


# -- the booking request parser ------------------------------------------------------------

CLINIC, _ = load_clinic_bytes(grenda_yaml().encode(), slug="grenda", file="grenda.yaml")
VALID = booking_body(local(__import__("datetime").date(2026, 12, 3), 10))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=20)


def _parses_or_problem(body: object) -> None:
    try:
        request = booking_request(body, CLINIC)
    except Problem as problem:
        assert problem.status == 422 and problem.code == "validation"
        assert problem.errors
        assert all(set(e) == {"field", "code", "message"} for e in problem.errors)
    else:
        assert request.start.tzinfo is not None and len(request.patient.national_id) == 11


@FAST
@given(JSON)
def test_booking_parser_on_any_json_value(body: object) -> None:
    _parses_or_problem(body)


@FAST
@given(st.dictionaries(st.sampled_from(sorted(VALID)), JSON, max_size=6),
       st.dictionaries(st.sampled_from(sorted(VALID["patient"])), JSON, max_size=8))
def test_booking_parser_on_the_right_keys_with_any_values(top: dict, person: dict) -> None:
    body = {**VALID, **top}
    if isinstance(body.get("patient"), dict):
        body["patient"] = {**VALID["patient"], **person}
    _parses_or_problem(body)


@FAST
@given(st.sampled_from(["calendar", "type", "start", "note", "id_type", "national_id",
                        "first_name", "last_name", "phone", "email"]),
       st.one_of(st.text(max_size=2000), st.text(NEAR_DIGITS, max_size=15)))
def test_booking_parser_on_one_field_of_any_text(field: str, value: str) -> None:
    body = {**VALID, "patient": dict(VALID["patient"])}
    (body["patient"] if field in body["patient"] else body)[field] = value
    _parses_or_problem(body)


def test_the_valid_body_parses() -> None:
    assert booking_request(VALID, CLINIC).calendar == "a"
