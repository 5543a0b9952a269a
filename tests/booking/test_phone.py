"""Tests for ``booking.phone``: mobile numbers parsed and stored as E.164.

Covers Norwegian mobiles in the ways patients type them, foreign mobiles
(including fixed-line-or-mobile numbering plans), landlines and other
non-mobile types refused with ``not_mobile``, malformed input refused with
``format``, and a property: whatever is accepted is a fixed point.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.phone import PhoneError, normalize_mobile


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("40612345", "+4740612345"),
        ("406 12 345", "+4740612345"),
        ("406-12-345", "+4740612345"),
        ("+47 406 12 345", "+4740612345"),
        ("0047 40612345", "+4740612345"),
        ("(+47) 40612345", "+4740612345"),
        ("  90612345  ", "+4790612345"),
        ("+46 70 123 45 67", "+46701234567"),  # Swedish mobile
        ("0046701234567", "+46701234567"),  # international prefix from Norway
        ("+44 7911 123456", "+447911123456"),  # UK mobile
        ("+48 512 345 678", "+48512345678"),  # Polish mobile
        ("+1 201 555 0123", "+12015550123"),  # US: fixed line or mobile
    ],
)
def test_accepts_mobiles(raw: str, expected: str) -> None:
    assert normalize_mobile(raw) == expected


def test_default_region() -> None:
    assert normalize_mobile("070-123 45 67", default_region="SE") == "+46701234567"


@pytest.mark.parametrize(
    "raw",
    [
        "22225555",  # Oslo landline
        "+47 22 22 55 55",
        "815 55 555",  # shared-cost number
        "+46 8 123 456 78",  # Stockholm landline
    ],
)
def test_refuses_non_mobiles(raw: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_mobile(raw)
    assert info.value.code == "not_mobile"
    assert "mobil" in str(info.value)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "4061234",  # too short for Norway
        "406123456",  # too long for Norway
        "+4759123456",  # not a valid range
        "+999 1234567",  # no such country
        "40612345 ext. 12",  # extensions are no use for SMS
        "1" * 300,
    ],
)
def test_refuses_malformed(raw: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_mobile(raw)
    assert info.value.code == "format"


def test_refuses_non_string() -> None:
    with pytest.raises(PhoneError):
        normalize_mobile(40612345)  # type: ignore[arg-type]


def test_error_is_a_value_error() -> None:
    assert issubclass(PhoneError, ValueError)


@given(st.text(alphabet="0123456789 +-()", max_size=20))
def test_accepted_numbers_are_fixed_points(raw: str) -> None:
    try:
        e164 = normalize_mobile(raw)
    except PhoneError as exc:
        assert exc.code in {"format", "not_mobile"}
    else:
        assert e164.startswith("+") and e164[1:].isascii() and e164[1:].isdecimal()
        assert normalize_mobile(e164) == e164
