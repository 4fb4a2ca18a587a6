"""One incident row against formats.md "Incidents": every field rule, checked by RowChecker.

Every name, address and reference here is invented. Tests compare values and never print them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import RowError
from scs_victims.importing.incident_rows import (
    INCIDENT_COLUMNS,
    REQUIRED_COLUMNS,
    IncidentDraft,
    ParsedIncident,
    RowChecker,
    check_incident,
    fingerprint,
)

TODAY = date(2025, 6, 1)
ROW = 7  # any Excel row number; every error must carry it

BURGLARY = {"reference": "TB1", "crime_type": "burglary", "occurred_on": "2024-05-31",
            "address_line1": "1 Testing Road", "postcode": "N3 1AA"}
ENVIRONMENTAL_ASB = {"reference": "TA1", "crime_type": "asb", "occurred_on": "2024-05-31"}
DV = {"reference": "TD1", "crime_type": "dv", "occurred_on": "2024-05-31",
      "victim_forename": "Quilla", "victim_surname": "Fictitia", "victim_dob": "1990-01-01"}


def checker(*, wards: set[str] | None = None, columns: tuple[str, ...] = INCIDENT_COLUMNS,
            today: date = TODAY) -> RowChecker:
    return RowChecker({name: index for index, name in enumerate(columns)}, today=today,
                      wards_configured=bool(wards), ward_keys=set(wards or ()))


def check(base: dict[str, str], *, wards: set[str] | None = None, today: date = TODAY,
          **changes: str) -> ParsedIncident | list[RowError]:
    fields = {**base, **changes}
    cells = [fields.get(name, "") for name in INCIDENT_COLUMNS]
    return checker(wards=wards, today=today).check(ROW, cells)


def valid(base: dict[str, str], **changes: str) -> ParsedIncident:
    result = check(base, **changes)
    assert isinstance(result, ParsedIncident), [str(error) for error in result]
    return result


def errors(base: dict[str, str], *, wards: set[str] | None = None, today: date = TODAY,
           **changes: str) -> list[str]:
    result = check(base, wards=wards, today=today, **changes)
    assert isinstance(result, list), "the row was accepted but should have been refused"
    assert result, "a refused row must carry at least one error"
    assert all(error.row == ROW for error in result)
    return [str(error) for error in result]


# --- the base rows are valid ---------------------------------------------------------------


@pytest.mark.parametrize("base", [BURGLARY, ENVIRONMENTAL_ASB, DV], ids=["burglary", "asb", "dv"])
def test_base_rows_are_valid(base: dict[str, str]) -> None:
    parsed = valid(base)
    assert parsed.reference == base["reference"]


def test_only_the_required_columns_are_needed() -> None:
    row_checker = checker(columns=REQUIRED_COLUMNS)
    parsed = row_checker.check(2, ["TA9", "ASB", "2024-05-31"])
    assert isinstance(parsed, ParsedIncident)
    assert parsed.crime_type is CrimeType.ASB
    assert parsed.victim_key is None and parsed.address_key is None


def test_values_are_trimmed() -> None:
    parsed = valid(BURGLARY, reference="  TB1  ", crime_type=" Burglary ",
                   occurred_on=" 2024-05-31 ", address_line1="  1 Testing Road ")
    assert parsed.reference == "TB1"
    assert parsed.crime_type is CrimeType.BURGLARY
    assert parsed.occurred_on == date(2024, 5, 31)
    assert parsed.address_line1 == "1 Testing Road"


# --- reference -----------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   "])
def test_reference_is_required(blank: str) -> None:
    assert errors(BURGLARY, reference=blank) == [f"row {ROW}: reference: is required"]


def test_reference_longer_than_100_characters_is_refused() -> None:
    assert errors(BURGLARY, reference="R" * 101) == [
        f"row {ROW}: reference: is longer than 100 characters"]
    assert valid(BURGLARY, reference="R" * 100).reference == "R" * 100


# --- crime_type (definitions §1) -----------------------------------------------------------


@pytest.mark.parametrize(("spelling", "code"), [
    ("asb", CrimeType.ASB), ("ASB", CrimeType.ASB),
    ("Anti-social behaviour", CrimeType.ASB), ("ANTI-SOCIAL BEHAVIOUR", CrimeType.ASB),
    ("Antisocial behaviour", CrimeType.ASB), ("  antisocial behaviour  ", CrimeType.ASB),
    ("burglary", CrimeType.BURGLARY), ("Burglary", CrimeType.BURGLARY),
    ("BURGLARY", CrimeType.BURGLARY), ("Domestic burglary", CrimeType.BURGLARY),
    ("Residential burglary", CrimeType.BURGLARY), ("Burglary - dwelling", CrimeType.BURGLARY),
    ("burglary - DWELLING", CrimeType.BURGLARY),
    ("dv", CrimeType.DV), ("DV", CrimeType.DV), ("DA", CrimeType.DV), ("da", CrimeType.DV),
    ("Domestic abuse", CrimeType.DV), ("DOMESTIC ABUSE", CrimeType.DV),
    ("Domestic violence", CrimeType.DV), (" domestic violence ", CrimeType.DV),
])
def test_crime_type_spellings_of_definitions_1(spelling: str, code: CrimeType) -> None:
    # A DV victim who can be linked makes the row valid whatever the type.
    base = {**DV, "address_line1": "1 Testing Road", "postcode": "N3 1AA"}
    assert valid(base, crime_type=spelling).crime_type is code


@pytest.mark.parametrize("spelling", [
    "Robbery", "Theft", "burglary-dwelling", "anti social", "domestic", "asb.", "D V", "A S B",
])
def test_unknown_crime_type_is_refused(spelling: str) -> None:
    assert errors(BURGLARY, crime_type=spelling) == [
        f"row {ROW}: crime_type: '{spelling}' is not a crime type this application records "
        "(ASB, burglary or domestic abuse)"]


def test_crime_type_is_required() -> None:
    assert errors(BURGLARY, crime_type="") == [f"row {ROW}: crime_type: is required"]


# --- occurred_on ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "on", "at"), [
    ("2024-05-31", date(2024, 5, 31), None),
    ("31/05/2024", date(2024, 5, 31), None),
    ("31/5/2024", date(2024, 5, 31), None),
    ("1/5/2024", date(2024, 5, 1), None),
    ("01/05/2024", date(2024, 5, 1), None),
    ("2024-05-31 14:05", date(2024, 5, 31), time(14, 5)),
    ("2024-05-31T14:05", date(2024, 5, 31), time(14, 5)),
    ("31/05/2024 14:05", date(2024, 5, 31), time(14, 5)),
    ("31/5/2024 07:15", date(2024, 5, 31), time(7, 15)),
    ("2024-02-29", date(2024, 2, 29), None),
])
def test_occurred_on_accepted_formats(text: str, on: date, at: time | None) -> None:
    parsed = valid(BURGLARY, occurred_on=text)
    assert (parsed.occurred_on, parsed.occurred_time) == (on, at)


@pytest.mark.parametrize("text", [
    "31/02/2024",        # no such day
    "2023-02-29",        # not a leap year
    "2024-13-01",
    "31/05/2024T14:05",  # 'T' only in the ISO form
    "2024-05-31 25:00",
    "2024-05-31 14:60",
    "31-05-2024",
    "2024/05/31",
    "31/05/24",
    "May 31 2024",
    "20240531",
    "2024-5-31",
    "yesterday",
])
def test_occurred_on_invalid_dates_are_refused(text: str) -> None:
    assert errors(BURGLARY, occurred_on=text) == [
        f"row {ROW}: occurred_on: '{text}' is not a date"]


def test_occurred_on_example_of_formats_md() -> None:
    result = checker().check(14, [
        {"reference": "TB14", "crime_type": "burglary", "occurred_on": "31/02/2024",
         "address_line1": "1 Testing Road", "postcode": "N3 1AA"}.get(name, "")
        for name in INCIDENT_COLUMNS])
    assert isinstance(result, list)
    assert [str(error) for error in result] == ["row 14: occurred_on: '31/02/2024' is not a date"]


def test_occurred_on_is_required() -> None:
    assert errors(BURGLARY, occurred_on="") == [f"row {ROW}: occurred_on: is required"]


def test_occurred_on_in_the_future_is_refused() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert errors(BURGLARY, occurred_on=tomorrow) == [
        f"row {ROW}: occurred_on: '{tomorrow}' is in the future"]


def test_occurred_on_today_is_accepted() -> None:
    assert valid(BURGLARY, occurred_on=TODAY.strftime("%d/%m/%Y")).occurred_on == TODAY


# --- reported_on ---------------------------------------------------------------------------


def test_reported_on_before_occurred_on_is_refused() -> None:
    assert errors(BURGLARY, occurred_on="2024-05-31", reported_on="30/05/2024") == [
        f"row {ROW}: reported_on: '30/05/2024' is before occurred_on"]


@pytest.mark.parametrize("text", ["2024-05-31", "31/05/2024", "31/5/2024 09:00", "2024-06-02"])
def test_reported_on_same_day_or_later_is_accepted(text: str) -> None:
    parsed = valid(BURGLARY, occurred_on="2024-05-31 14:05", reported_on=text)
    assert parsed.reported_on is not None and parsed.reported_on >= parsed.occurred_on


def test_reported_on_is_optional() -> None:
    assert valid(BURGLARY, reported_on="").reported_on is None


def test_reported_on_not_a_date_is_refused() -> None:
    assert errors(BURGLARY, reported_on="31/04/2024") == [
        f"row {ROW}: reported_on: '31/04/2024' is not a date"]


def test_reported_on_in_the_future_is_refused() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert errors(BURGLARY, reported_on=tomorrow) == [
        f"row {ROW}: reported_on: '{tomorrow}' is in the future"]


# --- victim_dob, perpetrator_dob -----------------------------------------------------------


@pytest.mark.parametrize("text", ["1990-01-01", "01/01/1990", "1/1/1990"])
def test_victim_dob_formats(text: str) -> None:
    assert valid(DV, victim_dob=text).victim_dob == date(1990, 1, 1)


def test_victim_dob_in_the_future_is_refused() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert errors(BURGLARY, victim_dob=tomorrow) == [
        f"row {ROW}: victim_dob: '{tomorrow}' is in the future"]


def test_victim_dob_not_a_date_is_refused() -> None:
    assert errors(BURGLARY, victim_dob="30/02/1990") == [
        f"row {ROW}: victim_dob: '30/02/1990' is not a date"]


def test_victim_dob_with_a_time_is_refused() -> None:
    assert errors(BURGLARY, victim_dob="1990-01-01 10:00") == [
        f"row {ROW}: victim_dob: '1990-01-01 10:00' should be a date without a time"]


def test_perpetrator_dob_is_checked_and_keys_the_perpetrator() -> None:
    assert errors(DV, perpetrator_dob="1/13/1980") == [
        f"row {ROW}: perpetrator_dob: '1/13/1980' is not a date"]
    keyed = valid(DV, perpetrator_forename="Ulric", perpetrator_surname="Madeup",
                  perpetrator_dob="1980-03-04")
    assert keyed.perpetrator_key == "name:ulric|madeup|1980-03-04"
    unkeyed = valid(DV, perpetrator_forename="Ulric", perpetrator_surname="Madeup")
    assert unkeyed.perpetrator_key is None
    assert unkeyed.perpetrator_name == "Ulric Madeup"


# --- victim_gender -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "gender"), [
    ("female", "female"), ("Female", "female"), ("FEMALE", "female"), ("F", "female"),
    ("f", "female"), ("male", "male"), ("Male", "male"), ("M", "male"), ("m", "male"),
    ("other", "other"), ("Other", "other"), ("unknown", "unknown"), ("UNKNOWN", "unknown"),
    (" F ", "female"), ("", None),
])
def test_victim_gender_values(text: str, gender: str | None) -> None:
    assert valid(DV, victim_gender=text).victim_gender == gender


@pytest.mark.parametrize("text", ["x", "fem", "woman", "U", "O", "n/a", "1"])
def test_bad_victim_gender_is_refused(text: str) -> None:
    assert errors(DV, victim_gender=text) == [
        f"row {ROW}: victim_gender: '{text}' is not one of female, male, other, unknown "
        "(or F, M)"]


# --- postcode ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "stored"), [
    ("M1 1AA", "M1 1AA"),        # A9 9AA
    ("M60 1NW", "M60 1NW"),      # A99 9AA
    ("W1A 0AX", "W1A 0AX"),      # A9A 9AA
    ("CR2 6XH", "CR2 6XH"),      # AA9 9AA
    ("DN55 1PT", "DN55 1PT"),    # AA99 9AA
    ("EC1A 1BB", "EC1A 1BB"),    # AA9A 9AA
    ("GIR 0AA", "GIR 0AA"),
    ("n31aa", "N3 1AA"),
    ("nw4  2ab", "NW4 2AB"),
    ("  ec1a1bb ", "EC1A 1BB"),
    ("E C 1 A 1 B B", "EC1A 1BB"),
])
def test_postcode_shapes_any_spacing_or_case(text: str, stored: str) -> None:
    assert valid(BURGLARY, postcode=text).postcode == stored


@pytest.mark.parametrize("text", [
    "N3", "1AA", "12345", "N3 1AAA", "NNN 1AA", "N3 AAA", "N31 1A", "ABC123", "N3-1AA",
    "N3 1ÅA", "Ｎ３ １ＡＡ",
])
def test_postcode_without_a_uk_shape_is_refused(text: str) -> None:
    assert errors(BURGLARY, postcode=text) == [
        f"row {ROW}: postcode: '{text}' is not a UK postcode"]


# --- uprn ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "stored"), [
    ("1", "1"),
    ("100012345678", "100012345678"),     # 12 digits
    ("0100012345678", "100012345678"),    # 13 characters with a leading zero (fixture row B6)
    ("000042", "42"),
    (" 10023 ", "10023"),
])
def test_uprn_one_to_twelve_digits(text: str, stored: str) -> None:
    parsed = valid(BURGLARY, uprn=text)
    assert parsed.uprn == stored
    assert parsed.address_key == f"uprn:{stored}"


@pytest.mark.parametrize("text", [
    "1000123456789",  # 13 significant digits
    "12A", "ABC", "-1", "1.0", "1e5", "10 023", "１２３",
    "0",  # UPRNs start at 1: zero is not one (the implementation's reading of "1-12 digits")
])
def test_uprn_not_digits_or_too_long_is_refused(text: str) -> None:
    assert errors(BURGLARY, uprn=text) == [
        f"row {ROW}: uprn: '{text}' is not a UPRN (1 to 12 digits)"]


# --- ward ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Testford North", "TESTFORD NORTH", " testford north "])
def test_ward_must_be_a_configured_ward_case_insensitively(text: str) -> None:
    wards = {"testford north", "testford south"}
    result = check(BURGLARY, wards=wards, ward=text)
    assert isinstance(result, ParsedIncident)
    assert result.ward_key == "testford north"


def test_ward_not_configured_is_refused() -> None:
    assert errors(BURGLARY, wards={"testford north"}, ward="Elsewhere") == [
        f"row {ROW}: ward: 'Elsewhere' is not one of the area's wards"]


def test_any_ward_is_accepted_when_none_are_configured() -> None:
    assert valid(BURGLARY, ward="Any Old Ward").ward_key == "any old ward"


def test_ward_is_optional() -> None:
    result = check(BURGLARY, wards={"testford north"}, ward="")
    assert isinstance(result, ParsedIncident) and result.ward_key is None


# --- relationship and source ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["partner", "ex-partner", "family", "other", "Partner",
                                  "EX-PARTNER", " family "])
def test_relationship_values(text: str) -> None:
    assert valid(DV, relationship=text).relationship == text.strip().lower()


@pytest.mark.parametrize("text", ["spouse", "ex partner", "expartner", "friend"])
def test_bad_relationship_is_refused(text: str) -> None:
    assert errors(DV, relationship=text) == [
        f"row {ROW}: relationship: '{text}' is not one of partner, ex-partner, family, other"]


@pytest.mark.parametrize("text", ["police", "council", "housing", "health", "self", "other",
                                  "Police", "COUNCIL"])
def test_source_values(text: str) -> None:
    assert valid(BURGLARY, source=text).source == text.lower()


@pytest.mark.parametrize("text", ["neighbour", "fire", "police service"])
def test_bad_source_is_refused(text: str) -> None:
    assert errors(BURGLARY, source=text) == [
        f"row {ROW}: source: '{text}' is not one of police, council, housing, health, self, "
        "other"]


# --- victims: asb and dv -------------------------------------------------------------------


def test_asb_with_no_victim_is_accepted_environmental() -> None:
    parsed = valid(ENVIRONMENTAL_ASB, address_line1="Car park off Testing Road",
                   postcode="N3 1AB")
    assert parsed.victim_key is None


def test_asb_with_forename_only_is_refused() -> None:
    assert errors(ENVIRONMENTAL_ASB, victim_forename="Quilla", victim_dob="1990-01-01") == [
        f"row {ROW}: victim_surname: is needed when the other name is given"]


def test_asb_with_surname_only_is_refused() -> None:
    assert errors(ENVIRONMENTAL_ASB, victim_surname="Fictitia", postcode="N3 1AA") == [
        f"row {ROW}: victim_forename: is needed when the other name is given"]


def test_asb_with_names_but_no_ref_dob_or_postcode_is_refused() -> None:
    assert errors(ENVIRONMENTAL_ASB, victim_forename="Quilla", victim_surname="Fictitia") == [
        f"row {ROW}: victim_dob: the victim cannot be linked: give a victim_ref, a date of "
        "birth or a postcode"]


@pytest.mark.parametrize(("changes", "key"), [
    ({"victim_dob": "1990-01-01"}, "name:quilla|fictitia|1990-01-01"),
    ({"postcode": "n3 1aa"}, "name:quilla|fictitia|pc:N31AA"),
    ({"victim_ref": " P-77 "}, "ref:p-77"),
])
def test_asb_with_names_and_a_linking_field_is_accepted(changes: dict[str, str],
                                                       key: str) -> None:
    parsed = valid(ENVIRONMENTAL_ASB, victim_forename="Quilla", victim_surname="Fictitia",
                   **changes)
    assert parsed.victim_key == key


def test_asb_with_victim_ref_only_is_linked() -> None:
    assert valid(ENVIRONMENTAL_ASB, victim_ref="ASB-REF-9").victim_key == "ref:asb-ref-9"


def test_dv_without_a_victim_is_refused() -> None:
    assert errors(DV, victim_forename="", victim_surname="", victim_dob="") == [
        f"row {ROW}: victim_ref: a domestic abuse incident needs a victim who can be linked: "
        "give a victim_ref, or forename and surname with a date of birth or postcode"]


def test_dv_with_names_but_nothing_to_link_them_is_refused() -> None:
    assert errors(DV, victim_dob="") == [
        f"row {ROW}: victim_surname: a domestic abuse incident needs a victim who can be "
        "linked: give a victim_ref, or forename and surname with a date of birth or postcode"]


def test_dv_with_forename_only_is_refused() -> None:
    assert errors(DV, victim_surname="") == [
        f"row {ROW}: victim_surname: is needed when the other name is given"]


@pytest.mark.parametrize("changes", [
    {"victim_forename": "", "victim_surname": "", "victim_dob": "", "victim_ref": "V-1"},
    {"victim_dob": "", "postcode": "HA8 0AB"},
    {},
])
def test_dv_with_a_linkable_victim_is_accepted(changes: dict[str, str]) -> None:
    assert valid(DV, **changes).victim_key is not None


# --- burglary addresses --------------------------------------------------------------------


def test_burglary_without_address_or_uprn_is_refused() -> None:
    assert errors(BURGLARY, address_line1="", postcode="") == [
        f"row {ROW}: address_line1: is required for a burglary unless uprn is given",
        f"row {ROW}: postcode: is required for a burglary unless uprn is given",
    ]


def test_burglary_without_postcode_is_refused() -> None:
    assert errors(BURGLARY, postcode="") == [
        f"row {ROW}: postcode: is required for a burglary unless uprn is given"]


def test_burglary_without_address_line1_is_refused() -> None:
    assert errors(BURGLARY, address_line1="") == [
        f"row {ROW}: address_line1: is required for a burglary unless uprn is given"]


def test_burglary_with_uprn_only_is_accepted() -> None:
    parsed = valid(BURGLARY, address_line1="", postcode="", uprn="100012345678")
    assert parsed.address_key == "uprn:100012345678"


def test_burglary_address_line_without_letters_or_digits_is_refused() -> None:
    assert errors(BURGLARY, address_line1="--") == [
        f"row {ROW}: address_line1: has no letters or digits to identify the dwelling"]


def test_burglary_address_key_uses_abbreviations_and_compact_postcode() -> None:
    long_form = valid(BURGLARY, address_line1="12 Testing Street", postcode="N3 1AA")
    short_form = valid(BURGLARY, address_line1="12 Testing St.", postcode="n31aa")
    assert long_form.address_key == short_form.address_key == "addr:12 TESTING STREET|N31AA"


# --- several problems, description, fingerprint --------------------------------------------


def test_every_problem_in_a_row_is_listed() -> None:
    found = errors(BURGLARY, occurred_on="31/02/2024", victim_gender="x", postcode="nope",
                   uprn="12A", source="fire")
    assert [error.split(":")[1].strip() for error in found] == [
        "occurred_on", "victim_gender", "postcode", "uprn", "source"]


def test_description_is_kept_verbatim() -> None:
    text = '  First line, with "quotes"\r\nsecond line\n\tindented  '
    assert valid(BURGLARY, description=text).description == text


def test_formula_like_description_is_kept_verbatim() -> None:
    text = '=HYPERLINK("http://example.invalid","click")'
    assert valid(BURGLARY, description=text).description == text


def test_blank_description_is_none() -> None:
    assert valid(BURGLARY, description=" \n ").description is None


def test_same_meaning_written_differently_has_the_same_fingerprint() -> None:
    iso = valid(BURGLARY, occurred_on="2024-05-01", postcode="N3 1AA", victim_gender="female",
                source="police")
    uk = valid(BURGLARY, occurred_on="1/5/2024", postcode="n31aa", victim_gender="F",
               source="Police")
    assert iso.content_hash() == uk.content_hash()


@pytest.mark.parametrize("changes", [
    {"occurred_on": "2024-05-02"}, {"address_line1": "2 Testing Road"}, {"source": "council"},
    {"description": "something else"}, {"occurred_on": "2024-05-31 10:00"},
])
def test_a_different_field_changes_the_fingerprint(changes: dict[str, str]) -> None:
    assert valid(BURGLARY).content_hash() != valid(BURGLARY, **changes).content_hash()


@pytest.mark.parametrize("changes", [
    {}, {"occurred_on": "31/5/2024 14:05:09"}, {"occurred_on": "2024-05-31T00:00"},
    {"reported_on": "1/6/2024 08:00", "victim_gender": "m", "source": "Housing"},
    {"victim_forename": "Zoë", "victim_surname": "O'Madeup", "victim_dob": "29/2/2000",
     "perpetrator_forename": "Ulric", "perpetrator_surname": "Madeup",
     "perpetrator_dob": "1980-03-04", "relationship": "Ex-Partner", "ward": "Testford North",
     "uprn": "0100012345678", "address_line2": "Block B", "town": "Testford",
     "victim_ref": "V-1", "description": "  kept as written  "},
])
def test_the_fingerprint_is_that_of_the_fields_up_to_the_description(
        changes: dict[str, str]) -> None:
    """The checker builds the fingerprint's text from parts (dates with their ISO text): the
    result must be ``fingerprint`` of the fields as ParsedIncident holds them."""
    for base in (BURGLARY, DV, ENVIRONMENTAL_ASB):
        for _ in range(2):  # the second time the dates come from the memo
            parsed = valid(base, **changes)
            assert parsed.fingerprint == fingerprint(tuple(parsed)[:22])


# --- case_ref and hate_motivated (formats.md, added after files were already imported) -----


@pytest.mark.parametrize("base", [BURGLARY, ENVIRONMENTAL_ASB, DV], ids=["burglary", "asb", "dv"])
def test_case_ref_is_trimmed_and_kept_on_any_crime_type(base: dict[str, str]) -> None:
    assert valid(base, case_ref="  ASB-CASE-77 ").case_ref == "ASB-CASE-77"
    assert valid(base).case_ref is None
    assert valid(base, case_ref="   ").case_ref is None


def test_case_ref_longer_than_100_characters_is_refused() -> None:
    assert valid(ENVIRONMENTAL_ASB, case_ref="C" * 100).case_ref == "C" * 100
    assert errors(ENVIRONMENTAL_ASB, case_ref="C" * 101) == [
        "row 7: case_ref: is longer than 100 characters"]


@pytest.mark.parametrize(("text", "answer"), [
    ("Y", True), ("y", True), ("Yes", True), ("TRUE", True), ("1", True), (" yes ", True),
    ("N", False), ("no", False), ("False", False), ("0", False), ("", None), ("  ", None),
])
def test_hate_motivated_takes_the_y_n_spellings_of_marac(text: str, answer: bool | None) -> None:
    assert valid(ENVIRONMENTAL_ASB, hate_motivated=text).hate_motivated is answer


@pytest.mark.parametrize("text", ["maybe", "2", "Yess", "✓"])
def test_hate_motivated_that_is_not_y_or_n_is_refused(text: str) -> None:
    assert errors(ENVIRONMENTAL_ASB, hate_motivated=text) == [
        f"row 7: hate_motivated: '{text}' is not Y or N (also Yes/No, True/False, 1/0)"]


# Fingerprints stored by imports made before case_ref and hate_motivated existed (computed by
# that version of the checker): a re-import of such a file must find its rows unchanged.
OLD_FINGERPRINTS = [
    (BURGLARY, "7ba452de129215683634befcb9999ba538f12456"),
    (ENVIRONMENTAL_ASB, "8537c2505e6cc90a7d9691ce1f411cac1010b503"),
    (DV, "5930d8298932910ad39a67855190c65fd8e42b70"),
]


@pytest.mark.parametrize(("base", "stored"), OLD_FINGERPRINTS,
                         ids=["burglary", "asb", "dv"])
def test_rows_without_the_new_columns_keep_the_fingerprints_stored_before(
        base: dict[str, str], stored: str) -> None:
    assert valid(base).fingerprint == stored
    assert valid(base, case_ref=" ", hate_motivated="").fingerprint == stored
    parsed = checker(columns=tuple(name for name in INCIDENT_COLUMNS
                                   if name not in ("case_ref", "hate_motivated"))).check(
        ROW, [base.get(name, "") for name in INCIDENT_COLUMNS[:21]])
    assert isinstance(parsed, ParsedIncident) and parsed.fingerprint == stored


@pytest.mark.parametrize("changes", [
    {"case_ref": "ASB-CASE-1"}, {"hate_motivated": "Y"}, {"hate_motivated": "N"},
    {"case_ref": "ASB-CASE-1", "hate_motivated": "yes"},
])
def test_the_new_columns_count_in_the_fingerprint_when_given(changes: dict[str, str]) -> None:
    for base, stored in OLD_FINGERPRINTS:
        parsed = valid(base, **changes)
        assert parsed.fingerprint != stored
        assert parsed.fingerprint == fingerprint(parsed.meaning())
        assert len(parsed.meaning()) == 24


def test_yes_and_no_and_a_case_ref_alone_are_three_meanings() -> None:
    prints = {valid(ENVIRONMENTAL_ASB, **changes).fingerprint for changes in (
        {}, {"hate_motivated": "Y"}, {"hate_motivated": "N"}, {"case_ref": "C1"},
        {"case_ref": "C1", "hate_motivated": "Y"})}
    assert len(prints) == 5
    assert valid(ENVIRONMENTAL_ASB, hate_motivated="yes").fingerprint == valid(
        ENVIRONMENTAL_ASB, hate_motivated="1").fingerprint


# --- the form's path: values checked by the same code, never written out and read back -----


def draft(base: dict[str, str], **changes: object) -> IncidentDraft:
    return IncidentDraft(**{**base, **changes})


def check_values(value: IncidentDraft, today: date = TODAY) -> ParsedIncident | list[RowError]:
    return check_incident(value, today=today, wards_configured=False, ward_keys=set(), row=ROW)


@pytest.mark.parametrize("base", [BURGLARY, ENVIRONMENTAL_ASB, DV], ids=["burglary", "asb", "dv"])
def test_a_draft_of_text_is_checked_exactly_as_the_row(base: dict[str, str]) -> None:
    row = valid(base, reported_on="1/6/2024", case_ref="C1", hate_motivated="N")
    assert check_values(draft(base, reported_on="1/6/2024", case_ref="C1",
                              hate_motivated="N")) == row


def test_dates_given_as_date_values_are_taken_as_they_are() -> None:
    as_text = valid(DV, occurred_on="31/05/2024 14:05", reported_on="2024-06-01",
                    victim_dob="1990-01-01", perpetrator_forename="Ulric",
                    perpetrator_surname="Madeup", perpetrator_dob="4/3/1980")
    typed = check_values(draft(DV, occurred_on=datetime(2024, 5, 31, 14, 5),
                               reported_on=date(2024, 6, 1), victim_dob=date(1990, 1, 1),
                               perpetrator_forename="Ulric", perpetrator_surname="Madeup",
                               perpetrator_dob=date(1980, 3, 4)))
    assert typed == as_text
    assert isinstance(typed, ParsedIncident)
    assert (typed.occurred_on, typed.occurred_time) == (date(2024, 5, 31), time(14, 5))


def test_a_bool_hate_motivated_is_taken_as_it_is() -> None:
    for answer in (True, False):
        typed = check_values(draft(ENVIRONMENTAL_ASB, hate_motivated=answer))
        assert isinstance(typed, ParsedIncident) and typed.hate_motivated is answer
        assert typed == valid(ENVIRONMENTAL_ASB, hate_motivated="Y" if answer else "N")


def test_wrong_values_are_errors_on_their_columns() -> None:
    result = check_values(draft(DV, occurred_on=TODAY + timedelta(days=1),
                                victim_dob=datetime(1990, 1, 1, 9, 30),
                                hate_motivated="perhaps", case_ref="C" * 101))
    assert isinstance(result, list)
    assert {(error.row, error.column) for error in result} == {
        (ROW, "occurred_on"), (ROW, "victim_dob"), (ROW, "hate_motivated"), (ROW, "case_ref")}
    reasons = {error.column: error.reason for error in result}
    assert reasons["occurred_on"] == "'2025-06-02' is in the future"
    assert reasons["victim_dob"] == "'1990-01-01 09:30:00' should be a date without a time"


def test_a_file_checker_still_takes_the_columns_where_the_header_puts_them() -> None:
    shuffled = tuple(reversed(INCIDENT_COLUMNS))
    cells = [ENVIRONMENTAL_ASB.get(name, "") for name in shuffled]
    cells[shuffled.index("hate_motivated")] = "no"
    parsed = checker(columns=shuffled).check(ROW, cells)
    assert parsed == valid(ENVIRONMENTAL_ASB, hate_motivated="no")
