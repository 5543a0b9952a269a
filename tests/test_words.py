"""Words live in one place: the language tables say every code in nb, nn and en.

Expected sentences are written out here, not read from the tables under test.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

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


def test_the_staff_pages_stamps_and_spans():
    from datetime import datetime

    from common.words.dates import format_span, numeric_when
    assert numeric_when(datetime(2026, 11, 28, 14, 3)) == "28.11.2026 kl. 14:03"
    assert numeric_when(datetime(2026, 12, 1, 8, 0), year=False) == "01.12. kl. 08:00"
    assert format_span(datetime(2026, 12, 1, 8, 0), datetime(2026, 12, 1, 8, 20)) == (
        "tirsdag 1. desember 2026 kl. 08:00–08:20")
    assert format_span(datetime(2026, 12, 1, 8, 0), datetime(2026, 12, 2, 9, 0)) == (
        "tirsdag 1. desember 2026 kl. 08:00 – onsdag 2. desember 2026 kl. 09:00")


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


# -- the staff pages' sentences live in common/words/staff.py -------------------------------

STAFF_VIEWS = Path(__file__).resolve().parents[1] / "endpoint" / "staff"
#: where a staff module speaks English on purpose: to API clients (problem details) and to
#: operators at the command line (docs/staff.md#commands); these are not staff pages' words
ENGLISH_MODULES = frozenset({"api.py", "api_parsing.py", "api_views.py", "commands.py",
                             "users.py"})


#: a letter outside ASCII (æ, ø, å, é) or the « » quotes: no code or English text has them
NORWEGIAN_MARKS = re.compile(r"[«»]|(?![\x00-\x7f])[^\W\d_]")
#: shorter words ("av", "er", "på") are left out: two letters collide with codes ("nb", "ip")
MIN_LETTERS = 3
#: codes that are also Norwegian words: the product's name, the staff feature's name
CODE_NAMES = frozenset({"ledig", "timebok"})


def _words(text: str) -> set[str]:
    """The words of a text as prose has them: a run of letters (or two joined by a hyphen,
    "D-nummer") between spaces and punctuation, of three letters or more, not in capitals.
    A run joined to others by "_", ".", "/" is part of a code ("alt_time", "ledig.staff");
    capitals are HTTP's and iCalendar's ("POST", "CONFIRMED")."""
    found = set()
    for token in text.split():
        token = token.strip(".,;:!?()«»\"'")
        if re.fullmatch(r"[^\W\d_]+(-[^\W\d_]+)*", token) and not token.isupper():
            found |= {w.lower() for w in token.split("-") if len(w) >= MIN_LETTERS}
    return found - CODE_NAMES


@functools.cache
def norwegian_vocabulary() -> frozenset[str]:
    """Every word of three letters or more that the bokmål and nynorsk tables use and the
    English tables do not: the staff tables (common.words.staff, bokmål but for the
    by-language SMS tables), the booking pages' and the field errors' nb and nn words.
    A word the English tables use too ("time", "status") is left out."""
    from collections.abc import Mapping

    from common.words import conflicts, dates, errors, export, messages, pages
    from common.words import staff as words

    def texts(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, Mapping):
            return [t for v in value.values() for t in texts(v)]
        return []

    english = {*texts(pages.STRINGS["en"]), *texts(pages.EN_LOGIN),
               *texts(errors.FIELD_WORDS["en"]), *texts(messages.TEXTS["en"]),
               *texts(conflicts.REASON_WORDS["en"]), *texts(export.EXPORT_WORDS["en"]),
               *dates.MONTHS["en"], *dates.WEEKDAYS["en"],
               *(t for table in (words.SMS_KINDS, words.DELIVERY_REASONS, words.SMS_REPORT)
                 for t in texts(table["en"])), words.PUSH_BUSY["en"]}
    norwegian = {*texts(pages.STRINGS["nb"]), *texts(pages.STRINGS["nn"]),
                 *texts(pages.NB_LOGIN), *texts(pages.NN_LOGIN),
                 *texts(errors.FIELD_WORDS["nb"]), *texts(errors.FIELD_WORDS["nn"]),
                 *(t for name, value in vars(words).items() if name.isupper()
                   and name not in ("SMS_KINDS", "DELIVERY_REASONS", "SMS_REPORT")
                   for t in texts(value)),
                 *(t for table in (words.SMS_KINDS, words.DELIVERY_REASONS, words.SMS_REPORT)
                   for t in texts(table["nb"]))}
    return frozenset(set().union(*map(_words, norwegian)) - set().union(*map(_words, english)))


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                 ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def _logged(tree: ast.AST) -> set[int]:
    """The literals handed to a logger (`log.info(…)`): operators read those, in English."""
    return {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "log" for arg in ast.walk(node)}


def sentences_in(source: str, vocabulary: frozenset[str]) -> list[str]:
    """The string literals of a module that are Norwegian: ones holding a letter outside
    ASCII (æ, ø, å, é) or the « » quotes, or a word of the Norwegian vocabulary.
    Docstrings and what is logged are not read by staff, and not counted."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _logged(tree)
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip
            and (re.search(NORWEGIAN_MARKS, node.value) or _words(node.value) & vocabulary)]


def test_the_check_finds_norwegian_and_lets_codes_and_english_be():
    """The check itself, on sentences the staff modules once held and on what they must
    keep: codes, routes, formats, HTTP headers, English for API clients and operators."""
    vocabulary = norwegian_vocabulary()
    held = ('x = "Lagt inn av klinikken"\n'
            'y = f"{kind} hos {where}"\n'
            'z = {"dnr": "D-nummer"}.get(t, "Identitetsnummer")\n'
            'w = "Tiden er blokkert."\n')
    assert sorted(sentences_in(held, vocabulary)) == sorted(
        ["Lagt inn av klinikken", " hos ", "D-nummer", "Identitetsnummer",
         "Tiden er blokkert."])
    kept = ('"""Flyttet fra Kari til Ole: a docstring may quote the page."""\n'
            'log.info("staff user %s of %s cancelled booking %s", a, b, c)\n'
            'h = {"Retry-After": "60", "WWW-Authenticate": \'Bearer realm="ledig staff"\'}\n'
            'e = "No such clinic."; r = "/<slug>/login/totp"; f = "%d.%m.%Y"\n'
            'k = {"note": 1, "arrived": 2, "no_show": 3, "cancelled": 4, "en": 5, "nb": 6}\n')
    assert sentences_in(kept, vocabulary) == []


@pytest.mark.parametrize("module", sorted(p.name for p in STAFF_VIEWS.glob("*.py")
                                          if p.name not in ENGLISH_MODULES))
def test_a_staff_view_module_holds_no_norwegian_sentence(module):
    """Every sentence the staff pages show lives in common/words/staff.py (issue #24: one
    owner per fact). A Norwegian sentence is told by its words, not its shape: English
    prose (problem details, log lines) and codes share its shape, but not its vocabulary.
    The vocabulary is read from the tables, so each sentence moved there is caught if it
    comes back, and a new one is caught by the common words it shares with them (ikke,
    til, fra, med, har, den, …). What it cannot see: a text made only of words shorter
    than three letters ("kl.") or of words the English tables use too. The English of
    `auth.py`'s API problem details passes because the English tables hold its words;
    the modules that speak English throughout are left out (ENGLISH_MODULES)."""
    source = (STAFF_VIEWS / module).read_text(encoding="utf-8")
    assert sentences_in(source, norwegian_vocabulary()) == []
