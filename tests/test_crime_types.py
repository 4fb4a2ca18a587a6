"""Crime types and their import spellings (definitions §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType, parse_crime_type

# Every spelling in the table of definitions §1, plus the codes themselves.
SPEC_SPELLINGS: list[tuple[str, CrimeType]] = [
    ("asb", CrimeType.ASB),
    ("ASB", CrimeType.ASB),
    ("Anti-social behaviour", CrimeType.ASB),
    ("Antisocial behaviour", CrimeType.ASB),
    ("burglary", CrimeType.BURGLARY),
    ("Burglary", CrimeType.BURGLARY),
    ("Domestic burglary", CrimeType.BURGLARY),
    ("Residential burglary", CrimeType.BURGLARY),
    ("Burglary - dwelling", CrimeType.BURGLARY),
    ("Burglary - Residential", CrimeType.BURGLARY),
    ("Burglary \u2013 Residential", CrimeType.BURGLARY),  # any dash counts as "-" (§1)
    ("Burglary \u2014 dwelling", CrimeType.BURGLARY),
    ("Burglary (residential)", CrimeType.BURGLARY),
    ("dv", CrimeType.DV),
    ("DV", CrimeType.DV),
    ("DA", CrimeType.DV),
    ("Domestic abuse", CrimeType.DV),
    ("Domestic violence", CrimeType.DV),
]


@pytest.mark.parametrize(("spelling", "expected"), SPEC_SPELLINGS)
def test_every_spelling_of_the_definitions_is_accepted(spelling: str, expected: CrimeType) -> None:
    assert parse_crime_type(spelling) is expected


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("Asb", CrimeType.ASB),
        ("aNTI-SOCIAL BEHAVIOUR", CrimeType.ASB),
        ("ANTISOCIAL BEHAVIOUR", CrimeType.ASB),
        ("BURGLARY", CrimeType.BURGLARY),
        ("DOMESTIC BURGLARY", CrimeType.BURGLARY),
        ("residential BURGLARY", CrimeType.BURGLARY),
        ("burglary - DWELLING", CrimeType.BURGLARY),
        ("Dv", CrimeType.DV),
        ("da", CrimeType.DV),
        ("DOMESTIC ABUSE", CrimeType.DV),
        ("domestic Violence", CrimeType.DV),
    ],
)
def test_spellings_are_matched_case_insensitively(spelling: str, expected: CrimeType) -> None:
    assert parse_crime_type(spelling) is expected


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("  ASB  ", CrimeType.ASB),
        ("\tBurglary\n", CrimeType.BURGLARY),
        ("\u00a0DA\u00a0", CrimeType.DV),  # non-breaking spaces, as Excel leaves them
        (" Domestic abuse\r\n", CrimeType.DV),
    ],
)
def test_spellings_are_matched_after_trimming(spelling: str, expected: CrimeType) -> None:
    assert parse_crime_type(spelling) is expected


@pytest.mark.parametrize(
    "spelling",
    [
        "",
        "   ",
        "anti social behaviour",
        "anti-social",
        "social behaviour",
        "A.S.B.",
        "ASB2",
        "Burglary-dwelling",
        "Burglary  -  dwelling",  # only the ends are trimmed
        "Commercial burglary",
        "Burglary other than dwelling",
        "Burglary - Business and Community",  # not domestic burglary (§1)
        "Domestic",
        "D V",
        "DVA",
        "Violence",
        "Domestic  abuse",
        "Theft",
    ],
)
def test_any_other_spelling_is_not_a_crime_type(spelling: str) -> None:
    assert parse_crime_type(spelling) is None


@given(st.data())
def test_any_case_and_surrounding_whitespace_of_a_spelling_is_accepted(
    data: st.DataObject,
) -> None:
    spelling, expected = data.draw(st.sampled_from(SPEC_SPELLINGS))
    cased = "".join(
        ch.upper() if data.draw(st.booleans()) else ch.lower() for ch in spelling
    )
    before = data.draw(st.text(alphabet=" \t\r\n\u00a0", max_size=3))
    after = data.draw(st.text(alphabet=" \t\r\n\u00a0", max_size=3))
    assert parse_crime_type(before + cased + after) is expected


@given(st.text())
def test_any_text_gives_a_crime_type_or_none(text: str) -> None:
    result = parse_crime_type(text)
    assert result is None or result in CRIME_TYPES


def test_codes_and_report_order() -> None:
    assert [t.value for t in CRIME_TYPES] == ["asb", "burglary", "dv"]
    assert set(CRIME_TYPES) == set(CrimeType)


@pytest.mark.parametrize(
    ("crime_type", "by_address"),
    [(CrimeType.ASB, False), (CrimeType.BURGLARY, True), (CrimeType.DV, False)],
)
def test_subject_of_a_repeat_is_the_dwelling_only_for_burglary(
    crime_type: CrimeType, by_address: bool
) -> None:
    assert crime_type.subject_is_address is by_address


@pytest.mark.parametrize("crime_type", list(CrimeType))
def test_every_crime_type_has_a_label(crime_type: CrimeType) -> None:
    assert crime_type.label
