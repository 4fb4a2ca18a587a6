"""Identity rules of definitions §2: postcodes, name keys, person keys and address keys.

Every person and address here is invented.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain.identity import (
    ADDRESS_ABBREVIATIONS,
    address_key,
    normalise_address_line,
    normalise_name,
    normalise_postcode,
    normalise_uprn,
    person_key,
)

# The six UK shapes of definitions §2 (A = letter, 9 = digit) plus GIR 0AA, as stored.
VALID_STORED_POSTCODE = re.compile(
    r"^(?:GIR 0AA"
    r"|(?:[A-Z][0-9]|[A-Z][0-9]{2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]|[A-Z]{2}[0-9]{2}|[A-Z]{2}[0-9][A-Z])"
    r" [0-9][A-Z]{2})$"
)

# The abbreviation table of definitions §2, written out again here so that a change to the
# module's table is caught.
SPEC_ABBREVIATIONS: dict[str, str] = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE",
    "CL": "CLOSE", "CRES": "CRESCENT", "DR": "DRIVE",
    "GDNS": "GARDENS", "GRN": "GREEN", "GR": "GROVE", "GRO": "GROVE",
    "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "CT": "COURT", "TER": "TERRACE", "TERR": "TERRACE", "PK": "PARK",
    "HSE": "HOUSE", "MWS": "MEWS", "WY": "WAY",
    "FLT": "FLAT",
}  # fmt: skip


# --- Postcodes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N3 1AA", "N3 1AA"),  # A9 9AA
        ("N12 8PP", "N12 8PP"),  # A99 9AA
        ("W1A 1AA", "W1A 1AA"),  # A9A 9AA
        ("NW4 2AB", "NW4 2AB"),  # AA9 9AA
        ("NW10 5QQ", "NW10 5QQ"),  # AA99 9AA
        ("SW1A 1AA", "SW1A 1AA"),  # AA9A 9AA
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcode_each_of_the_six_shapes_and_gir_is_accepted(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n31aa", "N3 1AA"),
        ("nw4  2ab", "NW4 2AB"),
        (" ha80ab ", "HA8 0AB"),
        ("s w 1 a 1 a a", "SW1A 1AA"),
        ("En5 1xY", "EN5 1XY"),
        ("n12\t8pp", "N12 8PP"),
        ("\u00a0NW10\u00a05QQ\u00a0", "NW10 5QQ"),  # non-breaking spaces, as Excel pastes them
        ("gir0aa", "GIR 0AA"),
        ("Gir 0Aa", "GIR 0AA"),
        ("W1A1AA\n", "W1A 1AA"),
    ],
)
def test_postcode_lower_case_and_odd_spacing_give_outward_space_inward(
    text: str, expected: str
) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "N3",
        "1AA",
        "N3 1A",
        "N3 1AAA",
        "N3 AAA",
        "N3 11A",
        "3N 1AA",
        "NWW4 2AB",  # AAA9: not a shape
        "N123 1AA",  # A999: not a shape
        "NW1AB 1AA",
        "SW1AA 1AA",
        "N3-1AA",
        "N3.1AA",
        "N3 1AA X",
        "GIR 0AB",
        "GIR 0A",
        "GIRO 0AA",
        "N3 1ÅA",
        "n3 1ß",  # would become N3 1SS if upper-cased before checking
        "N3 1\ufb00",  # the 'ff' ligature would become FF
        "nı3 1aa",  # dotless i would become I
        "\uff2e\uff13 \uff11\uff21\uff21",  # full-width N3 1AA
    ],
)
def test_postcode_with_no_uk_shape_is_rejected(text: str) -> None:
    assert normalise_postcode(text) is None


_LETTER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = st.sampled_from("0123456789")
_SHAPES = ("A9", "A99", "A9A", "AA9", "AA99", "AA9A")


@st.composite
def _valid_postcode(draw: st.DrawFn) -> str:
    """A postcode of a valid shape in its stored form ('OUTWARD INWARD')."""
    if draw(st.integers(0, 49)) == 0:
        return "GIR 0AA"
    shape = draw(st.sampled_from(_SHAPES))
    outward = "".join(draw(_LETTER if ch == "A" else _DIGIT) for ch in shape)
    inward = draw(_DIGIT) + draw(_LETTER) + draw(_LETTER)
    return f"{outward} {inward}"


@st.composite
def _scrambled(draw: st.DrawFn, stored: str) -> str:
    """The same postcode as someone might type it: any case, any spacing."""
    chars = []
    for ch in stored.replace(" ", ""):
        chars.append(draw(st.sampled_from(["", " ", "  ", "\t"])))
        chars.append(ch.lower() if draw(st.booleans()) else ch)
    chars.append(draw(st.sampled_from(["", " ", "\n"])))
    return "".join(chars)


@given(st.data())
def test_postcode_normalising_is_idempotent_for_any_valid_shape(data: st.DataObject) -> None:
    stored = data.draw(_valid_postcode())
    typed = data.draw(_scrambled(stored))
    normalised = normalise_postcode(typed)
    assert normalised == stored
    assert normalise_postcode(normalised) == normalised


@given(st.text())
def test_postcode_of_any_text_is_none_or_a_valid_stored_shape(text: str) -> None:
    result = normalise_postcode(text)
    assert result is None or VALID_STORED_POSTCODE.match(result)
    if result is not None:
        assert normalise_postcode(result) == result


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ",
               max_size=10))
def test_postcode_of_near_miss_text_is_none_or_a_valid_stored_shape(text: str) -> None:
    result = normalise_postcode(text)
    assert result is None or VALID_STORED_POSTCODE.match(result)


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O'Brien", "obrien"),
        ("o brien", "obrien"),
        ("OBRIEN", "obrien"),
        ("O\u2019Brien", "obrien"),  # typographic apostrophe
        ("Zoë", "zoe"),
        ("ZOË", "zoe"),
        ("Zoe\u0308", "zoe"),  # e + combining diaeresis
        ("Zoe", "zoe"),
        ("Quillby-Fenwick", "quillbyfenwick"),
        ("  Marlo  ", "marlo"),
        ("Ann-Marie 2nd", "annmariend"),
        ("Strauß", "strauss"),  # case-folding keeps ß as ss
        ("Ångelina", "angelina"),
        ("Renée", "renee"),
        ("\ufb01nch", "finch"),  # 'fi' ligature, NFKD compatibility form
        ("\uff3a\uff4f\uff45", "zoe"),  # full-width Zoe
        ("", ""),
        ("'-. ", ""),
    ],
)
def test_name_is_nfkd_without_marks_casefolded_and_only_a_to_z(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [("O'Brien", "o brien"), ("o brien", "OBRIEN"), ("Zoë", "Zoe"), ("ZOË", "zoe")],
)
def test_name_spellings_of_the_definitions_are_one_name(first: str, second: str) -> None:
    assert normalise_name(first) == normalise_name(second)


@given(st.text())
def test_name_output_only_contains_a_to_z(text: str) -> None:
    assert re.fullmatch(r"[a-z]*", normalise_name(text))


@given(st.text())
def test_name_normalising_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


def _name_by_the_definition(text: str) -> str:
    """definitions §2 step by step, without the module's shortcut for ASCII names."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]+", "", without_marks.casefold())


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))))
def test_name_shortcut_for_ascii_agrees_with_the_definition(text: str) -> None:
    assert normalise_name(text) == _name_by_the_definition(text)


# --- Person keys ------------------------------------------------------------------------------

DOB = date(1990, 2, 3)


def _person(
    reference: str | None = None,
    forename: str | None = None,
    surname: str | None = None,
    date_of_birth: date | None = None,
    postcode: str | None = None,
) -> str | None:
    return person_key(
        reference=reference,
        forename=forename,
        surname=surname,
        date_of_birth=date_of_birth,
        postcode=postcode,
    )


def test_person_key_reference_wins_over_everything_else() -> None:
    assert _person("P123", "Zoë", "O'Brien", DOB, "HA8 0AB") == "ref:p123"


@pytest.mark.parametrize("reference", ["P123", "p123", "  P123  ", "\tp123\n"])
def test_person_key_reference_is_trimmed_and_casefolded(reference: str) -> None:
    assert _person(reference) == "ref:p123"


def test_person_key_reference_casefold_is_full_casefold() -> None:
    assert _person("STRASSE-7") == _person("Straße-7") == "ref:strasse-7"


def test_person_key_same_reference_with_other_names_is_same_person() -> None:
    assert _person("P123", "Tamsin", "Vellacott", DOB) == _person(
        "p123", "Tamsin", "Vellacott-Orme", DOB
    )


def test_person_key_reference_keeps_inner_characters() -> None:
    assert _person(" CAD 2024/001-A ") == "ref:cad 2024/001-a"


@pytest.mark.parametrize("reference", [None, "", "   "])
def test_person_key_blank_reference_falls_back_to_name_and_dob(reference: str | None) -> None:
    assert _person(reference, "Zoë", "O'Brien", DOB) == "name:zoe|obrien|1990-02-03"


def test_person_key_name_and_dob_format() -> None:
    assert _person(None, "Zoë", "O'Brien", DOB, None) == "name:zoe|obrien|1990-02-03"


def test_person_key_dob_wins_over_postcode() -> None:
    assert _person(None, "Zoë", "O'Brien", DOB, "HA8 0AB") == "name:zoe|obrien|1990-02-03"


@pytest.mark.parametrize(
    ("forename", "surname"),
    [("Zoë", "O'Brien"), ("ZOE", "OBRIEN"), ("zoe", "o brien"), (" Zoe ", "O\u2019Brien")],
)
def test_person_key_name_spellings_give_one_key(forename: str, surname: str) -> None:
    assert _person(None, forename, surname, DOB) == "name:zoe|obrien|1990-02-03"


def test_person_key_name_and_postcode_when_no_dob() -> None:
    # The postcode is given already normalised; the key carries it without its space.
    key = _person(None, "Tamsin", "Vellacott", None, "NW9 5QQ")
    assert key == "name:tamsin|vellacott|pc:NW95QQ"


def test_person_key_another_postcode_is_another_person() -> None:
    first = _person(None, "Tamsin", "Vellacott", None, "NW9 5QQ")
    second = _person(None, "Tamsin", "Vellacott", None, "HA8 7AA")
    assert first != second


def test_person_key_another_dob_is_another_person() -> None:
    assert _person(None, "Zoë", "O'Brien", DOB) != _person(None, "Zoë", "O'Brien", date(1990, 3, 2))


def test_person_key_forename_and_surname_are_not_interchangeable() -> None:
    assert _person(None, "Marlo", "Quill", DOB) != _person(None, "Quill", "Marlo", DOB)


def test_person_key_name_without_dob_or_postcode_cannot_be_linked() -> None:
    assert _person(None, "Zoë", "O'Brien", None, None) is None


@pytest.mark.parametrize(
    ("forename", "surname"),
    [(None, "O'Brien"), ("Zoë", None), ("", "O'Brien"), ("Zoë", ""), (None, None),
     ("   ", "O'Brien"), ("Zoë", " \t ")],
)
def test_person_key_needs_both_names_when_no_reference(
    forename: str | None, surname: str | None
) -> None:
    assert _person(None, forename, surname, DOB, "HA8 0AB") is None


def test_person_key_with_nothing_is_none() -> None:
    assert _person() is None


# --- Address lines, UPRNs and address keys ----------------------------------------------------


def test_address_abbreviation_table_is_the_table_of_the_definitions() -> None:
    assert ADDRESS_ABBREVIATIONS == SPEC_ABBREVIATIONS


@pytest.mark.parametrize(("short", "long"), sorted(SPEC_ABBREVIATIONS.items()))
def test_address_each_abbreviation_becomes_its_long_form(short: str, long: str) -> None:
    assert normalise_address_line(f"7 Larkfield {short.lower()}") == f"7 LARKFIELD {long}"


@pytest.mark.parametrize("long", sorted(set(SPEC_ABBREVIATIONS.values())))
def test_address_long_forms_are_unchanged(long: str) -> None:
    assert normalise_address_line(f"7 Larkfield {long}") == f"7 LARKFIELD {long}"


@given(st.text())
def test_address_line_words_are_the_runs_of_upper_case_letters_and_digits(line: str) -> None:
    # Written as the definition puts it: all else becomes a space, then spaces collapse.
    words = re.sub(r"[^A-Z0-9]+", " ", line.upper()).split()
    expected = " ".join(SPEC_ABBREVIATIONS.get(word, word) for word in words)
    assert normalise_address_line(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("12 High St.", "12 HIGH STREET"),
        ("12 HIGH STREET", "12 HIGH STREET"),
        ("12 high street", "12 HIGH STREET"),
        ("Flat 2, 7 Station Road", "FLAT 2 7 STATION ROAD"),
        ("FLAT 2 7 STATION RD", "FLAT 2 7 STATION ROAD"),
        ("Flt 2 7 Station Rd", "FLAT 2 7 STATION ROAD"),
        ("3 Oak Gdns", "3 OAK GARDENS"),
        ("14 Park Ave", "14 PARK AVENUE"),
        ("9 Rose Mws", "9 ROSE MEWS"),
        ("3-5 Oak/Gdns", "3 5 OAK GARDENS"),
        ("  22   Elm   Gr  ", "22 ELM GROVE"),
        ("22,Elm;Gro", "22 ELM GROVE"),
        ("1a Tenter Ter.", "1A TENTER TERRACE"),
        ("O'Dell Ct", "O DELL COURT"),
        ("Unit\t4\nMill Ln", "UNIT 4 MILL LANE"),
    ],
)
def test_address_line_upper_punctuation_spaces_and_abbreviations(line: str, expected: str) -> None:
    assert normalise_address_line(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("7 Station Road", "7 STATION ROAD"),  # ST inside STATION is not a word
        ("7 Stanley Pk", "7 STANLEY PARK"),
        ("2 Drake Dr", "2 DRAKE DRIVE"),
        ("4 Grange Grn", "4 GRANGE GREEN"),
        ("5 Avenue Rd", "5 AVENUE ROAD"),
        ("6 Plover Pl", "6 PLOVER PLACE"),
        ("8 Cloister Cl", "8 CLOISTER CLOSE"),
        ("1 STR", "1 STR"),
        ("1 RDS", "1 RDS"),
        ("1 STS", "1 STS"),
        ("1 ST2", "1 ST2"),
        ("1 2ST", "1 2ST"),
        ("Westway", "WESTWAY"),
        ("WYVERN HOUSE", "WYVERN HOUSE"),
    ],
)
def test_address_abbreviations_are_replaced_as_whole_words_only(line: str, expected: str) -> None:
    assert normalise_address_line(line) == expected


@pytest.mark.parametrize("line", ["", "   ", ",.-/'"])
def test_address_line_of_only_punctuation_is_empty(line: str) -> None:
    assert normalise_address_line(line) == ""


@given(st.text())
def test_address_line_output_is_words_of_a_to_z_and_digits_single_spaced(text: str) -> None:
    result = normalise_address_line(text)
    assert re.fullmatch(r"(?:[A-Z0-9]+(?: [A-Z0-9]+)*)?", result)
    assert not set(result.split()) & set(SPEC_ABBREVIATIONS)


@given(st.text())
def test_address_line_normalising_is_idempotent(text: str) -> None:
    once = normalise_address_line(text)
    assert normalise_address_line(once) == once


@pytest.mark.parametrize(
    ("uprn", "expected"),
    [
        ("0100012345678", "100012345678"),
        ("100012345678", "100012345678"),
        ("000042", "42"),
        (" 0042 ", "42"),
        ("42", "42"),
        ("10", "10"),
        ("0", "0"),
        ("000", "0"),
    ],
)
def test_uprn_loses_leading_zeros_only(uprn: str, expected: str) -> None:
    assert normalise_uprn(uprn) == expected


def test_address_key_uprn_with_leading_zeros_is_the_same_dwelling() -> None:
    first = address_key(uprn="100012345678", line1="3 Oak Gardens", postcode="EN5 1XY")
    second = address_key(uprn="0100012345678", line1="3 Oak Gdns", postcode="EN5 1XY")
    assert first == second == "uprn:100012345678"


def test_address_key_uprn_wins_over_line_and_postcode() -> None:
    assert address_key(uprn="42", line1="1 Other Rd", postcode="N3 1AA") == "uprn:42"
    assert address_key(uprn="42", line1=None, postcode=None) == "uprn:42"


@pytest.mark.parametrize("uprn", [None, "", "  "])
def test_address_key_without_uprn_is_line_and_postcode(uprn: str | None) -> None:
    key = address_key(uprn=uprn, line1="12 High St.", postcode="N3 1AA")
    assert key == "addr:12 HIGH STREET|N31AA"


@pytest.mark.parametrize(
    ("line1", "typed_postcode"),
    [
        ("12 High Street", "N3 1AA"),
        ("12 High St.", "n31aa"),
        ("12 HIGH ST", "n3  1aa"),
        ("12, high  street", " N31AA "),
    ],
)
def test_address_key_spellings_of_one_dwelling_agree(line1: str, typed_postcode: str) -> None:
    postcode = normalise_postcode(typed_postcode)
    assert address_key(uprn=None, line1=line1, postcode=postcode) == "addr:12 HIGH STREET|N31AA"


def test_address_key_flat_spellings_agree() -> None:
    first = address_key(uprn=None, line1="Flat 2, 7 Station Road",
                        postcode=normalise_postcode("NW4 2AB"))
    second = address_key(uprn=None, line1="FLAT 2 7 STATION RD",
                         postcode=normalise_postcode("nw4  2ab"))
    assert first == second == "addr:FLAT 2 7 STATION ROAD|NW42AB"


def test_address_key_another_postcode_is_another_dwelling() -> None:
    first = address_key(uprn=None, line1="12 High St", postcode="N3 1AA")
    second = address_key(uprn=None, line1="12 High St", postcode="N3 1AB")
    assert first != second


def test_address_key_another_house_number_is_another_dwelling() -> None:
    first = address_key(uprn=None, line1="12 High St", postcode="N3 1AA")
    second = address_key(uprn=None, line1="14 High St", postcode="N3 1AA")
    assert first != second


@pytest.mark.parametrize(
    ("line1", "postcode"),
    [(None, "N3 1AA"), ("", "N3 1AA"), ("12 High St", None), ("12 High St", ""),
     (None, None), ("  ", "N3 1AA"), (",.", "N3 1AA")],
)
def test_address_key_without_uprn_needs_line_and_postcode(
    line1: str | None, postcode: str | None
) -> None:
    assert address_key(uprn=None, line1=line1, postcode=postcode) is None
