"""Tests for ``booking.identity``: Norwegian identity-number rules.

Covers normalisation (spaces, the one hyphen, ASCII digits only), the kinds
``classify`` tells apart, every rule of ``validate_national_id`` in a table
(2032 control digits, dates, kinds per mode, id_type), the shared vector file
(every vector, and that the file equals what its generator produces now), the
error hierarchy and its messages, the module's purity, and hypothesis
properties over constructed numbers (with python-stdnum as a cross-check).
"""

from __future__ import annotations

import ast
import datetime
import importlib.util
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from booking import identity
from booking.identity import (
    ChecksumError,
    DateError,
    FormatError,
    IdentityError,
    IdTypeMismatchError,
    Kind,
    KindNotAcceptedError,
    UnknownIdTypeError,
    classify,
    normalize_national_id,
    validate_national_id,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "data" / "identity_vectors.json"
GENERATOR = ROOT / "tests" / "data" / "make_identity_vectors.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_identity_vectors", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _load_generator()
VECTOR_LIST = json.loads(VECTORS.read_text(encoding="utf-8"))


# -- an independent construction of numbers, for the tables and properties --

def build(first6: str, individual: int, remainder: int = 0) -> str | None:
    """``first6 + individual`` with a K1 leaving ``remainder`` and its K2."""
    first9 = f"{first6}{individual:03d}"
    s1 = sum(int(d) * w for d, w in zip(first9, [3, 7, 6, 1, 8, 9, 4, 5, 2], strict=True))
    k1s = [k for k in range(10) if (s1 + k) % 11 == remainder]
    if not k1s:
        return None
    first10 = first9 + str(k1s[0])
    s2 = sum(int(d) * w for d, w in zip(first10, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2], strict=True))
    k2s = [k for k in range(10) if (s2 + k) % 11 == 0]
    return first10 + str(k2s[0]) if k2s else None


def some(first6: str, remainder: int = 0) -> str:
    for individual in range(100, 1000):
        result = build(first6, individual, remainder)
        if result:
            return result
    raise AssertionError(first6)


def code_of(raw: str, id_type: str = "fnr", test_mode: bool = False) -> str | None:
    try:
        validate_national_id(raw, id_type, test_mode=test_mode)
    except IdentityError as exc:
        return exc.code
    return None


# -- normalisation ----------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15108695088", "15108695088"),
        ("151086 95088", "15108695088"),
        ("151086-95088", "15108695088"),
        ("  151086 - 95088  ", "15108695088"),
        ("1 5 1 0 8 6 9 5 0 8 8", "15108695088"),
        ("00000000000", "00000000000"),
    ],
)
def test_normalize_accepts(raw: str, expected: str) -> None:
    assert normalize_national_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "-",
        "1510869508",
        "151086950880",
        "1510869-5088",
        "-15108695088",
        "15108695088-",
        "151086--95088",
        "151086-95-088",
        "151086\u201395088",
        "151086\u00a095088",
        "151086\t95088",
        "\uff11\uff15\uff11\uff10\uff18\uff16\uff19\uff15\uff10\uff18\uff18",
        "\u0661\u0665\u0661\u0660\u0668\u0666\u0669\u0665\u0660\u0668\u0668",
        "1510869508\u0668",
        "\u00b95108695088",
        "1510869508a",
        "1" * 10_000,
    ],
)
def test_normalize_rejects(raw: str) -> None:
    with pytest.raises(FormatError):
        normalize_national_id(raw)


def test_normalize_rejects_non_string() -> None:
    with pytest.raises(FormatError):
        normalize_national_id(15108695088)  # type: ignore[arg-type]


# -- classification ---------------------------------------------------------

@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("15108695088", Kind.FNR),
        ("01010000000", Kind.FNR),
        ("31129900000", Kind.FNR),
        ("55108695000", Kind.DNR),
        ("41010100000", Kind.DNR),
        ("71129900000", Kind.DNR),
        ("15418600000", Kind.H),
        ("15528600000", Kind.H),
        ("55458600000", Kind.H),
        ("82314251342", Kind.FH),
        ("99999999999", Kind.FH),
        ("15668600000", Kind.NHN),
        ("15778600000", Kind.NHN),
        ("15818600000", Kind.TENOR_FNR),
        ("15928600000", Kind.TENOR_FNR),
        ("55858600000", Kind.TENOR_DNR),
        # months that fit no offset claim fnr/dnr and fail on the date
        ("15408600000", Kind.FNR),
        ("15538600000", Kind.FNR),
        ("15658600000", Kind.FNR),
        ("15788600000", Kind.FNR),
        ("55938600000", Kind.DNR),
    ],
)
def test_classify(number: str, kind: Kind) -> None:
    assert classify(number) == kind
    assert classify(number) == kind.value


@pytest.mark.parametrize("number", ["151086 95088", "1510869508", "\uff11" * 11, ""])
def test_classify_needs_eleven_ascii_digits(number: str) -> None:
    with pytest.raises(FormatError):
        classify(number)


# -- the rules, one row each ------------------------------------------------

RULES = [
    # 2032 rule: K1 may leave remainder 0-3, never 4-10
    *[(some("150190", r), "fnr", False, None) for r in range(4)],
    *[(some("150190", r), "fnr", False, "checksum") for r in range(4, 11) if some("150190", r)],
    *[(some("550190", r), "dnr", False, None) for r in range(4)],
    (some("150190")[:10] + str((int(some("150190")[10]) + 1) % 10), "fnr", False, "checksum"),
    # dates
    (some("290296"), "fnr", False, None),
    (some("290200"), "fnr", False, None),
    (some("290201"), "fnr", False, "date"),
    (some("290299"), "fnr", False, "date"),
    (some("310490"), "fnr", False, "date"),
    (some("310290"), "fnr", False, "date"),
    (some("300490"), "fnr", False, None),
    (some("000190"), "fnr", False, "date"),
    (some("150090"), "fnr", False, "date"),
    (some("151390"), "fnr", False, "date"),
    (some("690296"), "dnr", False, None),
    (some("690297"), "dnr", False, "date"),
    (some("400190"), "dnr", False, "date"),
    (some("720190"), "dnr", False, "date"),
    # kinds per mode
    (some("154590"), "fnr", False, "kind_not_accepted"),
    (some("154590"), "fnr", True, "kind_not_accepted"),
    (some("812345"), "fnr", True, "kind_not_accepted"),
    (some("912345"), "dnr", True, "kind_not_accepted"),
    (some("157090"), "fnr", True, "kind_not_accepted"),
    (some("158590"), "fnr", False, "kind_not_accepted"),
    (some("158590"), "fnr", True, None),
    (some("558590"), "dnr", False, "kind_not_accepted"),
    (some("558590"), "dnr", True, None),
    (some("318490"), "fnr", True, "date"),
    # id_type must match
    (some("150190"), "dnr", False, "id_type_mismatch"),
    (some("550190"), "fnr", False, "id_type_mismatch"),
    (some("158590"), "dnr", True, "id_type_mismatch"),
    (some("558590"), "fnr", True, "id_type_mismatch"),
    (some("150190"), "FNR", False, "id_type"),
    (some("150190"), "hnr", False, "id_type"),
    # the old century rule is not applied: year 45 with individual 600-899
    (build("440345", 600) or some("440345"), "dnr", False, None),
]


@pytest.mark.parametrize(("raw", "id_type", "test_mode", "code"), RULES)
def test_rules(raw: str, id_type: str, test_mode: bool, code: str | None) -> None:
    assert code_of(raw, id_type, test_mode) == code


def test_valid_returns_normalized() -> None:
    assert validate_national_id(" 151086-95088 ", "fnr", test_mode=False) == "15108695088"


def test_test_mode_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        validate_national_id("15108695088", "fnr", False)  # type: ignore[misc]


# -- the shared vector file -------------------------------------------------

def test_vector_file_matches_generator() -> None:
    """Run ``python tests/data/make_identity_vectors.py`` when this fails."""
    assert VECTORS.read_text(encoding="utf-8") == generator.render(generator.build_vectors())


def test_vector_file_shape() -> None:
    keys = {"input", "id_type", "test_mode", "valid", "normalized", "code", "source"}
    sources = {v["source"].split(":")[0] for v in VECTOR_LIST}
    assert all(set(v) == keys for v in VECTOR_LIST)
    assert {
        generator.NAVIKT, generator.SKATT, generator.STDNUM, generator.STDNUM_DOC, "constructed"
    } == sources
    assert len({(v["input"], v["id_type"], v["test_mode"]) for v in VECTOR_LIST}) == len(
        VECTOR_LIST
    )


@pytest.mark.parametrize(
    "case", generator.all_cases(), ids=lambda c: f"{c[0]!r}-{c[1]}-{c[2]}"
)
def test_declared_case(case: tuple[str, str, bool, str | None, str]) -> None:
    raw, id_type, test_mode, expected, _source = case
    assert code_of(raw, id_type, test_mode) == expected


@pytest.mark.parametrize(
    "vector", VECTOR_LIST, ids=lambda v: f"{v['input']!r}-{v['id_type']}-{v['test_mode']}"
)
def test_vector(vector: dict) -> None:
    raw, id_type, test_mode = vector["input"], vector["id_type"], vector["test_mode"]
    if vector["valid"]:
        assert vector["code"] is None
        assert validate_national_id(raw, id_type, test_mode=test_mode) == vector["normalized"]
    else:
        assert vector["normalized"] is None
        with pytest.raises(IdentityError) as info:
            validate_national_id(raw, id_type, test_mode=test_mode)
        assert info.value.code == vector["code"]
        digits = "".join(c for c in raw if c in "0123456789")
        if len(digits) >= 6:
            assert digits not in str(info.value)
            assert digits[:6] not in str(info.value)


# -- errors -----------------------------------------------------------------

ERRORS = [
    FormatError,
    ChecksumError,
    DateError,
    KindNotAcceptedError,
    IdTypeMismatchError,
    UnknownIdTypeError,
]


def test_error_hierarchy() -> None:
    assert issubclass(IdentityError, ValueError)
    codes = [cls.code for cls in ERRORS]
    assert len(set(codes)) == len(codes)
    assert set(codes) == {
        "format", "checksum", "date", "kind_not_accepted", "id_type_mismatch", "id_type"
    }
    assert all(issubclass(cls, IdentityError) for cls in ERRORS)
    assert set(identity.__all__) >= {cls.__name__ for cls in ERRORS}


@pytest.mark.parametrize(
    "error",
    [
        FormatError(),
        ChecksumError(),
        DateError(),
        UnknownIdTypeError(),
        *[KindNotAcceptedError(kind) for kind in Kind],
        IdTypeMismatchError("fnr", "dnr"),
        IdTypeMismatchError("dnr", "fnr"),
    ],
    ids=repr,
)
def test_errors_carry_a_code_and_no_number(error: IdentityError) -> None:
    # the patient's words live in the language tables (tests/endpoint: test_words.py)
    assert str(error) == error.message
    assert error.code in {"format", "checksum", "date", "id_type", "kind_not_accepted",
                          "id_type_mismatch"}
    assert not any(c.isdigit() for c in error.message.replace("11", ""))


def test_mismatch_says_which_type_the_number_is() -> None:
    with pytest.raises(IdTypeMismatchError) as mismatch:
        validate_national_id(some("550190"), "fnr", test_mode=False)
    assert (mismatch.value.id_type, mismatch.value.actual) == ("fnr", "dnr")
    with pytest.raises(IdTypeMismatchError) as other:
        validate_national_id(some("150190"), "dnr", test_mode=False)
    assert (other.value.id_type, other.value.actual) == ("dnr", "fnr")
    with pytest.raises(KindNotAcceptedError) as kind:
        validate_national_id(some("154590"), "fnr", test_mode=False)
    assert kind.value.kind == Kind.H
    with pytest.raises(KindNotAcceptedError, match="Tenor") as info:
        validate_national_id(some("158590"), "fnr", test_mode=False)
    assert info.value.kind == Kind.TENOR_FNR


# -- purity -----------------------------------------------------------------

FORBIDDEN_IMPORTS = {"os", "pathlib", "yaml", "flask", "peewee", "jinja2", "time", "io"}


@pytest.mark.parametrize("name", ["identity.py", "phone.py"])
def test_module_is_pure(name: str) -> None:
    tree = ast.parse((ROOT / "booking" / name).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Attribute):
            assert node.attr not in {"today", "now", "utcnow", "open"}
        elif isinstance(node, ast.Name):
            assert node.id not in {"open", "print", "input"}
    assert not imported & FORBIDDEN_IMPORTS


# -- properties -------------------------------------------------------------

dates = st.dates(datetime.date(1854, 1, 1), datetime.date(2099, 12, 31))
individuals = st.integers(0, 999)
remainders = st.integers(0, 3)


def _first6(day: datetime.date, day_offset: int = 0, month_offset: int = 0) -> str:
    return f"{day.day + day_offset:02d}{day.month + month_offset:02d}{day.year % 100:02d}"


@given(dates, individuals, remainders)
def test_any_real_date_with_valid_control_digits_is_an_fnr(
    day: datetime.date, individual: int, remainder: int
) -> None:
    number = build(_first6(day), individual, remainder)
    if number is not None:
        assert validate_national_id(number, "fnr", test_mode=False) == number
        assert validate_national_id(number, "fnr", test_mode=True) == number
        assert code_of(number, "dnr") == "id_type_mismatch"


@given(dates, individuals, remainders)
def test_any_real_date_plus_40_is_a_dnr(
    day: datetime.date, individual: int, remainder: int
) -> None:
    number = build(_first6(day, day_offset=40), individual, remainder)
    if number is not None:
        assert validate_national_id(number, "dnr", test_mode=False) == number
        assert code_of(number, "fnr") == "id_type_mismatch"


@given(dates, individuals, st.booleans())
def test_tenor_numbers_only_in_test_mode(
    day: datetime.date, individual: int, d_number: bool
) -> None:
    number = build(_first6(day, 40 * d_number, 80), individual)
    if number is not None:
        id_type = "dnr" if d_number else "fnr"
        assert validate_national_id(number, id_type, test_mode=True) == number
        assert code_of(number, id_type, test_mode=False) == "kind_not_accepted"


@given(dates, individuals, st.sampled_from([0, 40]), st.sampled_from([40, 65]), st.booleans())
def test_h_and_nhn_numbers_never_accepted(
    day: datetime.date, individual: int, day_offset: int, month_offset: int, test_mode: bool
) -> None:
    number = build(_first6(day, day_offset, month_offset), individual)
    if number is not None:
        for id_type in ("fnr", "dnr"):
            assert code_of(number, id_type, test_mode) == "kind_not_accepted"


@given(st.text("0123456789", min_size=11, max_size=11), st.booleans())
def test_fh_numbers_never_accepted(digits: str, test_mode: bool) -> None:
    number = build(str(8 + int(digits[0]) % 2) + digits[1:6], int(digits[6:9]))
    if number is not None:
        assert code_of(number, "fnr", test_mode) == "kind_not_accepted"


@given(dates, individuals, remainders, st.integers(0, 10), st.integers(1, 9))
def test_changing_one_digit_is_always_caught(
    day: datetime.date, individual: int, remainder: int, position: int, delta: int
) -> None:
    number = build(_first6(day), individual, remainder)
    if number is not None:
        changed = (
            number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
        )
        assert changed != number
        # K2's weights are all non-zero mod 11, so a single substitution can
        # never yield another valid number, old rule or 2032 rule.
        assert code_of(changed, "fnr", True) == "checksum"
        assert code_of(changed, "dnr", True) == "checksum"


@given(
    st.text("0123456789", min_size=11, max_size=11),
    st.lists(st.integers(0, 2), min_size=12, max_size=12),
)
def test_spaces_anywhere_change_nothing(digits: str, gaps: list[int]) -> None:
    spaced = "".join(" " * gap + c for gap, c in zip(gaps, digits + " ", strict=True))
    assert normalize_national_id(spaced) == digits
    assert normalize_national_id(digits[:6] + " " * gaps[0] + "-" + digits[6:]) == digits
    assert code_of(spaced, "fnr", True) == code_of(digits, "fnr", True)


@given(
    st.text("0123456789", min_size=11, max_size=11),
    st.integers(0, 10),
    st.characters(categories=["Nd"]).filter(lambda c: c not in "0123456789"),
)
def test_any_non_ascii_digit_is_a_format_error(digits: str, position: int, char: str) -> None:
    assert unicodedata.decimal(char) >= 0
    raw = digits[:position] + char + digits[position + 1:]
    assert code_of(raw, "fnr", True) == "format"


@given(dates, individuals, st.booleans())
def test_what_stdnum_accepts_we_accept(day: datetime.date, individual: int, d: bool) -> None:
    """stdnum is stricter (century, clock, old K1 rule), never more lenient."""
    number = build(_first6(day, 40 * d), individual)
    if number is not None and fodselsnummer.is_valid(number):
        assert validate_national_id(number, "dnr" if d else "fnr", test_mode=False) == number


@given(st.text(max_size=30), st.sampled_from(["fnr", "dnr", "x"]), st.booleans())
def test_only_identity_errors_escape(raw: str, id_type: str, test_mode: bool) -> None:
    try:
        result = validate_national_id(raw, id_type, test_mode=test_mode)
    except IdentityError as exc:
        assert type(exc) is not IdentityError
        assert exc.code in {cls.code for cls in ERRORS}
    else:
        assert len(result) == 11 and set(result) <= set("0123456789")


def test_with_control_digits_builds_numbers_the_validator_accepts():
    prefixes = [f"{day:02d}0385{individual:03d}" for day in range(1, 29)
                for individual in range(100, 140)]
    built = [identity.with_control_digits(p) for p in prefixes]
    assert 0 < built.count(None) < len(built) / 4  # K1 or K2 of 10: about one in six
    for first_nine, number in zip(prefixes, built, strict=True):
        if number is not None:
            assert number.startswith(first_nine)
            assert validate_national_id(number, "fnr", test_mode=False) == number


def test_identify_names_the_type_by_the_same_rules_as_the_vectors():
    """`identify` (an identity provider's claim, no type picked): the vectors' verdicts,
    the type being the one the number is."""
    vectors = json.loads((ROOT / "tests" / "data" / "identity_vectors.json").read_text())
    checked = 0
    for v in vectors:
        if v["code"] in ("id_type", "id_type_mismatch"):
            continue  # a picked type's own errors: identify picks none
        if v["valid"]:
            assert identity.identify(v["input"], test_mode=v["test_mode"]) == (
                v["normalized"], v["id_type"]), v
        else:
            with pytest.raises(IdentityError) as info:
                identity.identify(v["input"], test_mode=v["test_mode"])
            assert info.value.code == v["code"], v
        checked += 1
    assert checked > 20
    assert identity.identify("41018036736", test_mode=False) == ("41018036736", "dnr")
