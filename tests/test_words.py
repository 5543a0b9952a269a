"""Words live in one place: the language tables say every code in nb, nn and en.

Expected sentences are written out here, not read from the tables under test.
"""

from __future__ import annotations

import pytest

from booking.identity import IdTypeMismatchError, validate_national_id
from common.words.dates import format_when, long_date, short_date
from common.words.errors import CORE_CODES, FIELD_WORDS, field_message
from common.words.pages import STRINGS
from common.words.plural import count
from endpoint.api.parsing import identity_code

LANGUAGES = ("nb", "nn", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_code_has_words_in_every_language(language):
    assert set(FIELD_WORDS[language]) == set(FIELD_WORDS["nb"])
    for code in (*CORE_CODES, *FIELD_WORDS["nb"]):
        assert field_message(language, code, {"limit": 3, "days": 2, "min": 1, "max": 9})


@pytest.mark.parametrize("key", sorted(set(CORE_CODES.values())))
def test_the_api_and_the_page_say_the_same_for_a_core_code(key):
    for language in LANGUAGES:
        assert key in STRINGS[language]


def test_sentences_in_each_language():
    assert field_message("nb", "identity.checksum") == (
        "Kontrollsifrene stemmer ikke. Sjekk at nummeret er riktig skrevet.")
    assert field_message("nn", "identity.checksum") == (
        "Kontrollsifra stemmer ikkje. Sjekk at nummeret er rett skrive.")
    assert field_message("en", "too_long", {"limit": 100}) == "At most 100 characters."
    assert field_message("xx", "required") == "Må fylles ut."  # unknown language: nb


def test_a_mismatch_names_the_type_the_number_is():
    with pytest.raises(IdTypeMismatchError) as info:
        validate_national_id("41018036736", "fnr", test_mode=False)  # a D-number
    assert identity_code(info.value) == "identity.id_type_mismatch.dnr"
    assert field_message("nb", identity_code(info.value)) == (
        "Dette er et D-nummer. Velg «D-nummer» under «Type nummer».")


@pytest.mark.parametrize(("n", "noun", "language", "expected"), [
    (1, "free", "nb", "1 ledig"), (2, "free", "nb", "2 ledige"), (0, "free", "nb", "0 ledige"),
    (1, "appointment", "nb", "1 time"), (2, "appointment", "nb", "2 timer"),
    (2, "appointment", "nn", "2 timar"), (1, "appointment", "en", "1 appointment"),
    (5, "free", "en", "5 free"),
])
def test_plural_forms(n, noun, language, expected):
    assert count(n, noun, language) == expected


def test_dates_are_written_once_per_language():
    from datetime import date, datetime
    assert long_date(date(2026, 12, 2)) == "onsdag 2. desember 2026"
    assert long_date(date(2026, 12, 1), "nn") == "tysdag 1. desember 2026"
    assert short_date(date(2026, 12, 2)) == "ons 2.12."
    assert format_when(datetime(2026, 12, 2, 8, 20), "en") == "Wednesday 2 December 2026 at 08:20"


#: the problem code each status answers with when its description names none
#: (endpoint/problems.py)
STATUS_CODES = {401: "unauthorized", 404: "not_found", 413: "payload_too_large",
                415: "unsupported_media_type", 422: "validation", 429: "rate_limited",
                503: "unavailable"}


def public_problem_codes() -> set[str]:
    """Every problem code of an operation the public pages call (`/api/v1/clinics/…`), as
    the OpenAPI document says: the status's own code and each code its description names."""
    import re

    from endpoint.api.openapi import SPEC

    known = set(SPEC["components"]["schemas"]["Problem"]["properties"]["code"]["enum"])
    found: set[str] = set()
    for path, operations in SPEC["paths"].items():
        if not path.startswith("/api/v1/clinics/"):
            continue
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if "application/problem+json" not in answer.get("content", {}):
                    continue
                named = set(re.findall(r"[a-z_]+", answer["description"])) & known
                found |= named or {STATUS_CODES[int(status)]}
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_have_a_sentence_for_every_problem_code_they_can_get(language):
    from common.words.pages import client_strings

    table = client_strings(language)
    codes = public_problem_codes()
    assert {"waitlist_ended", "hold_expired", "slot_unavailable"} <= codes  # the parse works
    missing = sorted(code for code in codes if not table.get(f"err_{code}"))
    assert missing == []
    generic = table["err_generic"]
    assert sorted(code for code in codes if table[f"err_{code}"] == generic) == []


@pytest.mark.parametrize(("language", "expected"), [
    ("nb", "Fjord: Du står på venteliste for Konsultasjon til tor 10.12. "
           "Se eller forlat plassen: https://x.example/v"),
    ("nn", "Fjord: Du står på venteliste for Konsultasjon til tor 10.12. "
           "Sjå eller forlat plassen: https://x.example/v"),
    ("en", "Fjord: You are on the wait list for Konsultasjon until Thu 10.12. "
           "See or leave it: https://x.example/v"),
])
def test_the_wait_list_sms_ends_the_date_with_one_full_stop(language, expected):
    from datetime import date

    from common.words.messages import WaitFacts, waitlist_sms

    facts = WaitFacts(language=language, clinic="Fjord", first_name="Kari", type="Konsultasjon",
                      first=short_date(date(2026, 12, 3), language),
                      last=short_date(date(2026, 12, 10), language), url="https://x.example/v")
    assert waitlist_sms("waitlist_joined", facts) == expected
