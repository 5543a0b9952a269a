"""SMS facts: who a message may come from, and how many segments a text takes.

A sender is alphanumeric (at most 11 characters, at least one letter: what a
phone shows instead of a number) or an E.164 number. A text in the GSM 03.38
alphabet (GSM-7: Norwegian's æøå included) fits 160 characters in one segment
and 153 in each of several; a character of the extension table (€, [, ], {, }, …)
counts twice. Any other character (an en dash, "…", emoji) makes the whole text
UCS-2: 70 in one segment, 67 in each of several, counted in UTF-16 units.

This module is pure: no I/O, no clock.
"""

from __future__ import annotations

import re

ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ._-]{1,11}$")
NUMERIC_SENDER = re.compile(r"^\+[1-9]\d{6,14}$")

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def valid_sms_sender(sender: str) -> bool:
    """Can an SMS carry this as its sender (alphanumeric ≤ 11, or an E.164 number)?"""
    return bool(ALPHANUMERIC_SENDER.match(sender) or NUMERIC_SENDER.match(sender))


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_length(text: str) -> tuple[str, int]:
    """("gsm7", septets) or ("ucs2", UTF-16 units) of a text."""
    if is_gsm7(text):
        return "gsm7", sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return "ucs2", len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """How many SMS segments the text is sent as."""
    encoding, units = sms_length(text)
    single, part = (160, 153) if encoding == "gsm7" else (70, 67)
    if units <= single:
        return 1
    return -(-units // part)
