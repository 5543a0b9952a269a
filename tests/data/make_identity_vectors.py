"""Generate ``tests/data/identity_vectors.json`` from ``booking.identity``.

The vector file is what the browser's JavaScript check is tested against, so
the page and the endpoint apply the same rules. Each vector is::

    {"input": str, "id_type": "fnr" | "dnr" | other, "test_mode": bool,
     "valid": bool, "normalized": str | None, "code": str | None,
     "source": str}

Inputs and their expected outcome are declared below; ``valid``,
``normalized`` and ``code`` are then produced by the Python implementation,
and generation fails if the implementation disagrees with a declared outcome,
so a regression can never be baked into the file. Published cases come from
navikt/fnrvalidator (``tests/fnr.spec.ts``), Skatteetaten's
``foedselsnummer.csv`` (folkeregisteret-api-dokumentasjon,
``docs/dokumenter/foedselsEllerDNummerValidator/``) and python-stdnum
(``tests/test_no_fodselsnummer.doctest`` and the ``no.fodselsnummer``
docstring); the rest are constructed here, control digits computed with the
weights of ``IDENTITY.md``.

Regenerate (after changing the rules or the cases) with::

    python tests/data/make_identity_vectors.py

``tests/booking/test_identity.py`` fails while the file is out of step.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUT = HERE / "identity_vectors.json"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from booking.identity import IdentityError, validate_national_id  # noqa: E402

NAVIKT = "navikt/fnrvalidator tests/fnr.spec.ts"
SKATT = "Skatteetaten foedselsnummer.csv"
STDNUM = "python-stdnum tests/test_no_fodselsnummer.doctest"
STDNUM_DOC = "python-stdnum stdnum/no/fodselsnummer.py docstring"
OURS = "constructed"

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _weighted(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * (ord(c) - 48) for w, c in zip(weights, digits, strict=False))


def complete(first9: str, remainder: int = 0) -> str | None:
    """Append K1 with ``(S1 + K1) % 11 == remainder`` and the matching K2.

    Returns None when that K1 or K2 would have to be 10.
    """
    k1 = (remainder - _weighted(K1_WEIGHTS, first9)) % 11
    if k1 == 10:
        return None
    first10 = first9 + str(k1)
    k2 = -_weighted(K2_WEIGHTS, first10) % 11
    if k2 == 10:
        return None
    return first10 + str(k2)


def number(first6: str, individual: int = 123, remainder: int = 0) -> str:
    """A number for a birth-date part, from the first individual number that works."""
    for ind in range(individual, individual + 1000):
        result = complete(f"{first6}{ind % 1000:03d}", remainder)
        if result is not None:
            return result
    raise AssertionError(f"no completion for {first6}")


def bad_k2(valid: str) -> str:
    return valid[:10] + str((int(valid[10]) + 1) % 10)


# (input, id_type, test_mode, expected code or None for valid, source)
Case = tuple[str, str, bool, str | None, str]


def published() -> list[Case]:
    cases: list[Case] = [
        ("13097248022", "fnr", False, None, f"{NAVIKT}: fnr should accept a valid one"),
        ("29029648784", "fnr", False, None, f"{NAVIKT}: standard leap year"),
        ("29020075838", "fnr", False, None, f"{NAVIKT}: year 00 as valid leap year"),
        ("29020112345", "fnr", False, "checksum", f"{NAVIKT}: 29 Feb in non-leap year"),
        ("15021951940", "fnr", False, None, f"{NAVIKT}: checksum digits that are 11"),
        ("1234567890", "fnr", False, "format", f"{NAVIKT}: less than 11 digits"),
        ("123456789101", "fnr", False, "format", f"{NAVIKT}: more than 11 digits"),
        ("1234567891A", "fnr", False, "format", f"{NAVIKT}: non-digits present"),
        ("13097248032", "fnr", False, "checksum", f"{NAVIKT}: checksum 1 invalid"),
        ("13097248023", "fnr", False, "checksum", f"{NAVIKT}: checksum 2 invalid"),
        ("32127248022", "fnr", False, "checksum", f"{NAVIKT}: day invalid"),
        ("13137248022", "fnr", False, "checksum", f"{NAVIKT}: month invalid"),
        ("53097248016", "dnr", False, None, f"{NAVIKT}: dnr should accept a valid one"),
        ("13527248013", "fnr", False, "kind_not_accepted", f"{NAVIKT}: hnr (valid there)"),
        ("13527248013", "fnr", True, "kind_not_accepted", f"{NAVIKT}: hnr (valid there)"),
        ("10915596784", "fnr", True, None, f"{NAVIKT}: tnr (Tenor) in test mode"),
        ("10915596784", "fnr", False, "kind_not_accepted", f"{NAVIKT}: tnr in production"),
        ("68467038838", "dnr", True, "kind_not_accepted", f"{NAVIKT}: dnr-and-hnr"),
        ("50846202355", "dnr", True, None, f"{NAVIKT}: dnr-and-tnr in test mode"),
        ("50846202355", "dnr", False, "kind_not_accepted", f"{NAVIKT}: dnr-and-tnr, production"),
        ("02013299997", "fnr", False, None, f"{NAVIKT}: 2032 checksum, born 02.01.2032"),
        ("30108299920", "fnr", False, None, f"{NAVIKT}: 2032 checksum, rest=0"),
        ("30108299939", "fnr", False, None, f"{NAVIKT}: 2032 checksum, rest=1"),
        ("02013299987", "fnr", False, "checksum", f"{NAVIKT}: 2032, invalid checksum"),
        ("02013299996", "fnr", False, "checksum", f"{NAVIKT}: 2032, invalid k2"),
        ("70108299914", "dnr", False, None, f"{NAVIKT}: 2032 checksum, dnr"),
        ("30108299939", "fnr", True, None, f"{SKATT}: reelt 2032-nummer, in test mode"),
        ("30908299902", "fnr", True, None, f"{SKATT}: syntetisk 2032-nummer"),
        ("30908299902", "fnr", False, "kind_not_accepted", f"{SKATT}: syntetisk, production"),
        ("20036914700", "fnr", False, None, f"{SKATT}: reelt 1964-nummer"),
        ("03851598730", "fnr", True, None, f"{SKATT}: syntetisk 1964-nummer"),
        ("03851598730", "fnr", False, "kind_not_accepted", f"{SKATT}: syntetisk, production"),
        ("20036914712", "fnr", False, "checksum", f"{SKATT}: reelt 1964-nummer (erGyldig false)"),
        ("29020073150", "fnr", False, None, f"{SKATT}: skuddag i skuddår"),
        ("29020105729", "fnr", False, "date", f"{SKATT}: skuddag i ikke-skuddår"),
        ("55102499947", "dnr", False, None, f"{SKATT}: reelt 2032-D-nummer"),
        ("41819077906", "dnr", True, None, f"{SKATT}: syntetisk 2032-D-nummer"),
        ("41819077906", "dnr", False, "kind_not_accepted", f"{SKATT}: syntetisk D, production"),
        ("41819077302", "dnr", True, None, f"{SKATT}: syntetisk 1964-D-nummer"),
        ("26111593816", "fnr", False, None, f"{STDNUM}: check digits validated independently"),
        ("26111593817", "fnr", False, "checksum", f"{STDNUM}: only last digit changed"),
        ("26111593826", "fnr", False, "checksum", f"{STDNUM}: only first check digit changed"),
        ("26111593875", "fnr", False, "checksum", f"{STDNUM}: first changed, second correct"),
        ("42485176432123", "fnr", False, "format", f"{STDNUM}: invalid length"),
        ("a0gzaB30529", "fnr", False, "format", f"{STDNUM}: invalid format"),
        ("11111598403", "fnr", False, None, f"{STDNUM}: birth date example"),
        ("180615 92527", "fnr", False, None, f"{STDNUM}: birth date example"),
        ("10 04 87 44 732", "fnr", False, None, f"{STDNUM}: birth date example"),
        ("13-04-99-58441", "fnr", False, "format", f"{STDNUM}: valid there; hyphens ours"),
        ("19575770838", "fnr", False, "date", f"{STDNUM}: invalid birth date"),
        ("45014054018", "dnr", False, None, f"{STDNUM}: century undeterminable there"),
        ("82314251342", "fnr", False, "checksum", f"{STDNUM}: FH-number example"),
        ("82938389280", "fnr", False, "kind_not_accepted", f"{STDNUM}: FH-number (gender)"),
        ("18103970861", "fnr", False, None, f"{STDNUM}: 'not born yet' there; no clock"),
        ("100487 45526", "fnr", False, None, f"{STDNUM}: valid list"),
        ("10048744732", "fnr", False, None, f"{STDNUM}: valid list"),
        ("10048745364", "fnr", False, None, f"{STDNUM}: valid list"),
        ("111115984-03", "fnr", False, "format", f"{STDNUM}: valid list; hyphen place ours"),
        ("151086-95088", "fnr", False, None, f"{STDNUM}: valid list"),
        ("18-06-15-92527", "fnr", False, "format", f"{STDNUM}: valid list; hyphens ours"),
        ("231140-38547", "fnr", False, None, f"{STDNUM}: valid list"),
        ("23114048690", "fnr", False, None, f"{STDNUM}: valid list"),
        ("26 11 15 940 14", "fnr", False, None, f"{STDNUM}: valid list"),
        ("26111594286", "fnr", False, None, f"{STDNUM}: valid list"),
        ("26111594448", "fnr", False, None, f"{STDNUM}: valid list"),
        ("151086 95088", "fnr", False, None, f"{STDNUM_DOC}: validate"),
        ("15108695077", "fnr", False, "checksum", f"{STDNUM_DOC}: invalid checksum"),
    ]
    return cases


def rule_2032() -> list[Case]:
    cases: list[Case] = []
    first9 = "150190" + "123"
    while not all(complete(first9, r) for r in range(5)):
        first9 = first9[:6] + f"{int(first9[6:]) + 1:03d}"
    for remainder in range(4):
        cases.append(
            (complete(first9, remainder), "fnr", False, None,
             f"{OURS}: 2032 rule, K1 remainder {remainder}")
        )
    cases.append(
        (complete(first9, 4), "fnr", False, "checksum",
         f"{OURS}: K1 remainder 4 (never valid), K2 matching")
    )
    cases.append(
        (bad_k2(complete(first9, 2)), "fnr", False, "checksum",
         f"{OURS}: 2032 K1 remainder 2, wrong K2")
    )
    for remainder in range(1, 4):
        cases.append(
            (number("550190", 500, remainder), "dnr", False, None,
             f"{OURS}: 2032 rule D-number, K1 remainder {remainder}")
        )
        cases.append(
            (number("158590", 500, remainder), "fnr", True, None,
             f"{OURS}: 2032 rule Tenor, K1 remainder {remainder}")
        )
    return cases


def kinds() -> list[Case]:
    d_2021 = [number("440345", 600), number("710160", 800), number("410185", 780)]
    tenor_fnr = number("158590")
    tenor_dnr = number("558590")
    h = number("154590")
    nhn = number("157090")
    fnr = number("150190")
    dnr = number("550190")
    cases: list[Case] = [
        (n, "dnr", False, None, f"{OURS}: D-number, individual outside the old century ranges")
        for n in d_2021
    ]
    cases += [
        (fnr, "fnr", False, None, f"{OURS}: fnr"),
        (dnr, "dnr", False, None, f"{OURS}: D-number"),
        (number("710190"), "dnr", False, None, f"{OURS}: D-number day 31 (71)"),
        (number("400190"), "dnr", False, "date", f"{OURS}: D-number day 0 (40)"),
        (number("720190"), "dnr", False, "date", f"{OURS}: D-number day 32 (72)"),
        (fnr, "dnr", False, "id_type_mismatch", f"{OURS}: fnr typed as D-number"),
        (dnr, "fnr", False, "id_type_mismatch", f"{OURS}: D-number typed as fnr"),
        (tenor_fnr, "fnr", True, None, f"{OURS}: Tenor fnr, test mode"),
        (tenor_fnr, "fnr", False, "kind_not_accepted", f"{OURS}: Tenor fnr, production"),
        (tenor_fnr, "dnr", True, "id_type_mismatch", f"{OURS}: Tenor fnr typed as D-number"),
        (tenor_dnr, "dnr", True, None, f"{OURS}: Tenor D-number, test mode"),
        (tenor_dnr, "dnr", False, "kind_not_accepted", f"{OURS}: Tenor D-number, production"),
        (tenor_dnr, "fnr", True, "id_type_mismatch", f"{OURS}: Tenor D-number typed as fnr"),
        (number("318190"), "fnr", True, None, f"{OURS}: Tenor month 81 (Jan)"),
        (number("319290"), "fnr", True, None, f"{OURS}: Tenor month 92 (Dec)"),
        (number("298296"), "fnr", True, None, f"{OURS}: Tenor 29 Feb (82), YY=96"),
        (number("718490"), "dnr", True, "date", f"{OURS}: Tenor D-number 31 Apr"),
        (number("298297"), "fnr", True, "date", f"{OURS}: Tenor 29 Feb (82), YY=97"),
        (number("159390"), "fnr", True, "date", f"{OURS}: month 93"),
        (number("158090"), "fnr", True, "date", f"{OURS}: month 80"),
        (h, "fnr", False, "kind_not_accepted", f"{OURS}: H-number, production"),
        (h, "fnr", True, "kind_not_accepted", f"{OURS}: H-number, test mode"),
        (number("154190"), "fnr", True, "kind_not_accepted", f"{OURS}: H-number month 41"),
        (number("155290"), "fnr", True, "kind_not_accepted", f"{OURS}: H-number month 52"),
        (number("554590"), "dnr", True, "kind_not_accepted", f"{OURS}: D- and H-number"),
        (number("154090"), "fnr", False, "date", f"{OURS}: month 40"),
        (number("155390"), "fnr", False, "date", f"{OURS}: month 53"),
        (number("156590"), "fnr", False, "date", f"{OURS}: month 65"),
        (nhn, "fnr", False, "kind_not_accepted", f"{OURS}: Norsk Helsenett, production"),
        (nhn, "fnr", True, "kind_not_accepted", f"{OURS}: Norsk Helsenett, test mode"),
        (number("156690"), "fnr", True, "kind_not_accepted", f"{OURS}: NHN month 66"),
        (number("157790"), "fnr", True, "kind_not_accepted", f"{OURS}: NHN month 77"),
        (number("157890"), "fnr", True, "date", f"{OURS}: month 78"),
        (number("812345"), "fnr", False, "kind_not_accepted", f"{OURS}: FH-number (8)"),
        (number("912345"), "dnr", True, "kind_not_accepted", f"{OURS}: FH-number (9)"),
    ]
    return cases


def dates() -> list[Case]:
    return [
        (number("290296"), "fnr", False, None, f"{OURS}: 29 Feb, YY=96"),
        (number("290200"), "fnr", False, None, f"{OURS}: 29 Feb, YY=00 (YY%4==0)"),
        (number("290204"), "fnr", False, None, f"{OURS}: 29 Feb, YY=04"),
        (number("690296"), "dnr", False, None, f"{OURS}: D-number 29 Feb, YY=96"),
        (number("290201"), "fnr", False, "date", f"{OURS}: 29 Feb, YY=01"),
        (number("290298"), "fnr", False, "date", f"{OURS}: 29 Feb, YY=98"),
        (number("690297"), "dnr", False, "date", f"{OURS}: D-number 29 Feb, YY=97"),
        (number("300296"), "fnr", False, "date", f"{OURS}: 30 Feb"),
        (number("310290"), "fnr", False, "date", f"{OURS}: 31 Feb"),
        (number("310490"), "fnr", False, "date", f"{OURS}: 31 Apr"),
        (number("711190"), "dnr", False, "date", f"{OURS}: D-number 31 Nov"),
        (number("300490"), "fnr", False, None, f"{OURS}: 30 Apr"),
        (number("311299"), "fnr", False, None, f"{OURS}: 31 Dec"),
        (number("010100"), "fnr", False, None, f"{OURS}: 1 Jan 00"),
        (number("000190"), "fnr", False, "date", f"{OURS}: day 00"),
        (number("150090"), "fnr", False, "date", f"{OURS}: month 00"),
        (number("151390"), "fnr", False, "date", f"{OURS}: month 13"),
        (number("321290"), "fnr", False, "date", f"{OURS}: day 32"),
        (number("391290"), "fnr", False, "date", f"{OURS}: day 39"),
    ]


def formats() -> list[Case]:
    fw = "".join(chr(0xFF10 + int(c)) for c in "15108695088")
    arabic = "".join(chr(0x0660 + int(c)) for c in "15108695088")
    persian = "".join(chr(0x06F0 + int(c)) for c in "15108695088")
    rows = [
        ("15108695088", None, "plain"),
        (" 15108695088 ", None, "leading and trailing spaces"),
        ("1 5 1 0 8 6 9 5 0 8 8", None, "spaces between every digit"),
        ("151086   95088", None, "several spaces"),
        ("151086 - 95088", None, "spaces around the hyphen"),
        ("151086- 95088", None, "hyphen then space"),
        ("15 10 86-950 88", None, "spaces and hyphen"),
        ("1510869-5088", "format", "hyphen after the 7th digit"),
        ("15108-695088", "format", "hyphen after the 5th digit"),
        ("-15108695088", "format", "leading hyphen"),
        ("15108695088-", "format", "trailing hyphen"),
        ("151086--95088", "format", "two hyphens together"),
        ("151086-95-088", "format", "two hyphens"),
        ("151086\u201395088", "format", "en dash"),
        ("151086\u221295088", "format", "minus sign"),
        ("151086\u00a095088", "format", "no-break space"),
        ("151086\t95088", "format", "tab"),
        ("15108695088\n", "format", "trailing newline"),
        ("151086.95088", "format", "dot"),
        (fw, "format", "full-width digits"),
        ("1510869508\uff18", "format", "one full-width digit"),
        (arabic, "format", "Arabic-Indic digits"),
        (persian, "format", "Extended Arabic-Indic digits"),
        ("\u00b95108695088", "format", "superscript digit"),
        ("1510869508", "format", "10 digits"),
        ("151086950880", "format", "12 digits"),
        ("151086-9508", "format", "10 digits with hyphen"),
        ("", "format", "empty string"),
        ("   ", "format", "spaces only"),
        ("-", "format", "hyphen only"),
        ("15108695O88", "format", "letter O for zero"),
        ("+15108695088", "format", "plus sign"),
    ]
    cases: list[Case] = [(raw, "fnr", False, code, f"{OURS}: {what}") for raw, code, what in rows]
    cases += [
        ("15108695088", "hnr", False, "id_type", f"{OURS}: unknown id_type"),
        ("15108695088", "", True, "id_type", f"{OURS}: empty id_type"),
        ("", "x", False, "id_type", f"{OURS}: id_type checked before the number"),
    ]
    return cases


def all_cases() -> list[Case]:
    return published() + rule_2032() + kinds() + dates() + formats()


def outcome(raw: str, id_type: str, test_mode: bool) -> dict[str, object]:
    """What ``validate_national_id`` says, as the vector's result fields."""
    try:
        normalized = validate_national_id(raw, id_type, test_mode=test_mode)
    except IdentityError as exc:
        return {"valid": False, "normalized": None, "code": exc.code}
    return {"valid": True, "normalized": normalized, "code": None}


def build_vectors() -> list[dict[str, object]]:
    """All vectors; raises AssertionError where the code disagrees with a case."""
    vectors: list[dict[str, object]] = []
    problems: list[str] = []
    for raw, id_type, test_mode, expected, source in all_cases():
        result = outcome(raw, id_type, test_mode)
        if result["code"] != expected:
            problems.append(f"{raw!r} {id_type} {test_mode}: {result['code']} != {expected}")
        if result["valid"] and result["normalized"] != raw.replace(" ", "").replace("-", ""):
            problems.append(f"{raw!r}: normalised to {result['normalized']}")
        vectors.append(
            {"input": raw, "id_type": id_type, "test_mode": test_mode, **result, "source": source}
        )
    if problems:
        raise AssertionError("implementation disagrees with cases:\n" + "\n".join(problems))
    return vectors


def render(vectors: list[dict[str, object]]) -> str:
    return json.dumps(vectors, indent=1, ensure_ascii=True) + "\n"


def main() -> None:
    text = render(build_vectors())
    if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
        OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: {text.count(chr(10) + ' {')} vectors")


if __name__ == "__main__":
    main()
