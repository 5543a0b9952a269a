"""Norwegian national identity numbers: normalise, classify, validate.

The rules are those of ``IDENTITY.md`` (summarised in ``docs/identity.md``).
A number is 11 ASCII digits ``DDMMYY III K1 K2``:

* K1 uses the weights 3 7 6 1 8 9 4 5 2; ``(S1 + K1) % 11`` may be 0, 1, 2
  or 3 (the rule Skatteetaten applies from 2032, accepted already now).
* K2 uses the weights 5 4 3 2 7 6 5 4 3 2 over the first ten digits;
  ``(S2 + K2) % 11 == 0``.
* The date, after removing the kind's offset, must be a real calendar date,
  with 29 February valid when ``YY % 4 == 0``. The century is never derived
  from the individual number (that broke with the 2021 D-number series and
  means nothing at all from 2032).

Kinds, as returned by :func:`classify` (checked in this order):

========== ============================================ ============ =========
kind       how to tell                                  production   test_mode
========== ============================================ ============ =========
fh         first digit 8 or 9                           reject       reject
h          month + 40 (41-52); day may also be + 40     reject       reject
nhn        month + 65 (66-77), Norsk Helsenett          reject       reject
tenor_dnr  month + 80 (81-92) and day + 40              reject       accept
tenor_fnr  month + 80 (81-92)                           reject       accept
dnr        first digit 4-7 (day + 40)                   accept       accept
fnr        anything else                                accept       accept
========== ============================================ ============ =========

A number whose month fits none of the offsets classifies as ``fnr`` or
``dnr`` and then fails the date check.

python-stdnum's ``no.fodselsnummer`` is not used here: it lacks the 2032
rule and Tenor numbers, derives the century from the individual number and
reads the clock. The tests use it as a cross-check only.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from booking.errors import LedigError

__all__ = [
    "ChecksumError",
    "identify",
    "DateError",
    "FormatError",
    "IdTypeMismatchError",
    "IdentityError",
    "Kind",
    "KindNotAcceptedError",
    "UnknownIdTypeError",
    "classify",
    "normalize_national_id",
    "validate_national_id",
]

ID_TYPES = ("fnr", "dnr")

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_K1_REMAINDERS = frozenset({0, 1, 2, 3})
_DIGITS = "0123456789"


class Kind(StrEnum):
    """What an 11-digit number claims to be (its value is a plain string)."""

    FNR = "fnr"
    DNR = "dnr"
    H = "h"
    FH = "fh"
    TENOR_FNR = "tenor_fnr"
    TENOR_DNR = "tenor_dnr"
    NHN = "nhn"


_KIND_NAMES = {
    Kind.FNR: "a national identity number",
    Kind.DNR: "a D-number",
    Kind.H: "an H-number (help number)",
    Kind.FH: "an FH-number",
    Kind.TENOR_FNR: "a synthetic Tenor test number",
    Kind.TENOR_DNR: "a synthetic Tenor test D-number",
    Kind.NHN: "a synthetic Norsk Helsenett test number",
}


class IdentityError(LedigError, ValueError):
    """Base of the identity-number errors; never raised itself.

    ``code`` is stable and machine-readable; what the patient reads for it is in
    the language tables (`common.words.errors`). The message is for developers
    and never contains the number.
    """

    code: str = "identity"
    message: str = "invalid identity number"

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class FormatError(IdentityError):
    code = "format"
    message = "not 11 digits (spaces, and one hyphen after the sixth, allowed)"


class ChecksumError(IdentityError):
    code = "checksum"
    message = "the control digits do not match"


class DateError(IdentityError):
    code = "date"
    message = "the first six digits are not a date (DDMMYY)"


class KindNotAcceptedError(IdentityError):
    """The number is well-formed but of a kind the clinic cannot take."""

    code = "kind_not_accepted"

    def __init__(self, kind: Kind, message: str | None = None) -> None:
        self.kind = kind
        super().__init__(message or f"{_KIND_NAMES[kind]} cannot be used to book")


class IdTypeMismatchError(IdentityError):
    """The number is valid, but of the other type than the one picked."""

    code = "id_type_mismatch"

    def __init__(self, id_type: str, actual: str, message: str | None = None) -> None:
        self.id_type = id_type
        self.actual = actual
        super().__init__(message or f"the number is a {actual}, not a {id_type}")


class UnknownIdTypeError(IdentityError):
    code = "id_type"
    message = "the id type is neither fnr nor dnr"


def normalize_national_id(raw: str) -> str:
    """Strip the formatting a patient may type and return the 11 digits.

    Spaces (U+0020) may appear anywhere; one hyphen may appear, directly after
    the sixth digit. Everything else, including non-ASCII digits, is a
    :class:`FormatError`.
    """
    if not isinstance(raw, str):
        raise FormatError()
    digits: list[str] = []
    hyphen_seen = False
    for char in raw:
        if char == " ":
            continue
        if char == "-":
            if hyphen_seen or len(digits) != 6:
                raise FormatError()
            hyphen_seen = True
        elif char in _DIGITS:
            digits.append(char)
            if len(digits) > 11:
                raise FormatError()
        else:
            raise FormatError()
    if len(digits) != 11:
        raise FormatError()
    return "".join(digits)


def _require_digits(number: str) -> list[int]:
    if len(number) != 11 or any(char not in _DIGITS for char in number):
        raise FormatError()
    return [ord(char) - ord("0") for char in number]


def _checksums_ok(values: list[int]) -> bool:
    s1 = sum(w * v for w, v in zip(_K1_WEIGHTS, values, strict=False))
    if (s1 + values[9]) % 11 not in _K1_REMAINDERS:
        return False
    s2 = sum(w * v for w, v in zip(_K2_WEIGHTS, values, strict=False))
    return (s2 + values[10]) % 11 == 0


def with_control_digits(first_nine: str) -> str | None:
    """The 11-digit number for nine digits (date + individual number) under today's K1
    rule, or None when no control digit fits (a K1 or K2 of 10). For test data."""
    values = _require_digits(first_nine + "00")[:9]
    k1 = -sum(w * v for w, v in zip(_K1_WEIGHTS, values, strict=True)) % 11
    k2 = -sum(w * v for w, v in zip(_K2_WEIGHTS, [*values, k1], strict=True)) % 11
    if k1 == 10 or k2 == 10:
        return None
    return first_nine + f"{k1}{k2}"


def classify(number: str) -> Kind:
    """Return the kind an 11-digit number claims to be (see the module table).

    Only the first digit and the month decide; the date and the control digits
    are not checked here. Raises :class:`FormatError` unless ``number`` is
    exactly 11 ASCII digits.
    """
    values = _require_digits(number)
    first = values[0]
    month = values[2] * 10 + values[3]
    if first >= 8:
        return Kind.FH
    if 41 <= month <= 52:
        return Kind.H
    if 66 <= month <= 77:
        return Kind.NHN
    if 81 <= month <= 92:
        return Kind.TENOR_DNR if first >= 4 else Kind.TENOR_FNR
    return Kind.DNR if first >= 4 else Kind.FNR


def _date_ok(values: list[int], kind: Kind) -> bool:
    day = values[0] * 10 + values[1]
    month = values[2] * 10 + values[3]
    year = values[4] * 10 + values[5]
    if kind in (Kind.DNR, Kind.TENOR_DNR):
        day -= 40
    if kind in (Kind.TENOR_FNR, Kind.TENOR_DNR):
        month -= 80
    try:
        # 2000-2099 has a leap year exactly when YY % 4 == 0; the real century
        # is unknowable, so this stands in for it.
        datetime.date(2000 + year, month, day)
    except ValueError:
        return False
    return True


_ACCEPTED = {
    Kind.FNR: "fnr",
    Kind.DNR: "dnr",
    Kind.TENOR_FNR: "fnr",
    Kind.TENOR_DNR: "dnr",
}
_TEST_ONLY = frozenset({Kind.TENOR_FNR, Kind.TENOR_DNR})


def validate_national_id(raw: str, id_type: str, *, test_mode: bool) -> str:
    """Check a typed identity number and return its 11 digits.

    ``id_type`` is what the patient picked, ``"fnr"`` or ``"dnr"``; the number
    must be of that type (a Tenor D-number counts as ``"dnr"``). Tenor test
    numbers pass only when ``test_mode`` is true. The checks run in this order
    and the first failure is raised: ``id_type``, ``format``, ``checksum``,
    ``kind_not_accepted``, ``date``, ``id_type_mismatch``.
    """
    if id_type not in ID_TYPES:
        raise UnknownIdTypeError()
    number = normalize_national_id(raw)
    values = _require_digits(number)
    if not _checksums_ok(values):
        raise ChecksumError()
    kind = classify(number)
    if kind not in _ACCEPTED or (kind in _TEST_ONLY and not test_mode):
        raise KindNotAcceptedError(kind)
    if not _date_ok(values, kind):
        raise DateError()
    if _ACCEPTED[kind] != id_type:
        raise IdTypeMismatchError(id_type, _ACCEPTED[kind])
    return number


def identify(raw: str, *, test_mode: bool) -> tuple[str, str]:
    """Check a number whose type nobody picked (an identity provider's claim): its 11 digits
    and its `id_type` (``"fnr"`` or ``"dnr"``), by the same rules as
    :func:`validate_national_id`; raises the same errors."""
    number = normalize_national_id(raw)
    values = _require_digits(number)
    if not _checksums_ok(values):
        raise ChecksumError()
    kind = classify(number)
    if kind not in _ACCEPTED or (kind in _TEST_ONLY and not test_mode):
        raise KindNotAcceptedError(kind)
    id_type = _ACCEPTED[kind]
    return validate_national_id(number, id_type, test_mode=test_mode), id_type
