"""Mobile phone numbers: parse what the patient typed, store E.164.

``phonenumbers`` does the parsing (default region Norway). The number must be
valid and of type mobile, or fixed-line-or-mobile where the numbering plan
cannot tell (as in the US); any country's mobile is accepted, since patients
with a D-number often have a foreign one. Extensions are refused.
phonenumbers also reads non-ASCII digits (full-width and so on); the result is
always ASCII E.164, so that is harmless here.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import phonenumbers

from booking.errors import LedigError

__all__ = ["PhoneError", "normalize_mobile"]

_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


class PhoneError(LedigError, ValueError):
    """A phone number that cannot be used for SMS; never raised itself.

    The patient's words for each ``code`` are in the language tables.
    """

    code = "phone"


class PhoneFormatError(PhoneError):
    code = "format"
    message = "not a phone number"


class NotMobileError(PhoneError):
    code = "not_mobile"
    message = "not a mobile number"


def normalize_mobile(raw: str, default_region: str = "NO") -> str:
    """Return ``raw`` as an E.164 mobile number (``+4740612345``).

    Raises :class:`PhoneError` with code ``format`` when it is not a valid
    phone number, ``not_mobile`` when it is valid but not a mobile.
    """
    if not isinstance(raw, str):
        raise PhoneFormatError()
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise PhoneFormatError() from None
    if number.extension or not phonenumbers.is_valid_number(number):
        raise PhoneFormatError()
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise NotMobileError()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
