"""Import profiles (formats.md "Import profiles"): the file's rules and refusals, and how a
profile bound to a header turns their rows into ours."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from scs_victims.errors import FileRefused, InputRefused
from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incident_rows import (
    INCIDENT_COLUMNS,
    REQUIRED_COLUMNS,
    ParsedIncident,
    RowChecker,
)
from scs_victims.importing.profile import (
    BoundProfile,
    Profile,
    ProfileRefused,
    Skipped,
    bind,
    full_year,
    list_profiles,
    load_profile,
    profile_text,
    save_profile,
    split_name,
)
from tests.conftest import SHARED_DATA

TODAY = date(2026, 12, 8)
THEIRS = ["Case Ref", "Category", "Incident Date", "Incident Time", "Complainant", "DOB",
          "Sex", "Post Code", "postcode", "Notes"]


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str, kind: str | None = "incidents") -> str:
    with pytest.raises(ProfileRefused) as caught:
        load_profile(write(tmp_path, text), kind)  # type: ignore[arg-type]
    return str(caught.value)


def council(**changes: object) -> Profile:
    settings: dict[str, object] = dict(
        name="Council", kind="incidents", dates="dd/mm/yy",
        columns={"reference": "Case Ref", "crime_type": "Category",
                 "occurred_on": "{Incident Date} {Incident Time}",
                 "victim_name": "Complainant", "victim_dob": "DOB", "victim_gender": "Sex",
                 "description": "Notes"},
        constants={"source": "council"},
        values={"crime_type": {"Personal ASB": "asb", "ASB": "asb", "Domestic Abuse Incident": "dv",
                               "Noise (Statutory)": "Skip", "*": "skip"},
                "victim_gender": {"F": "female", "U": "unknown"}})
    settings.update(changes)
    return Profile(**settings)  # type: ignore[arg-type]


def bound(profile: Profile | None = None, header: list[str] | None = None,
          today: date = TODAY) -> BoundProfile:
    return bind(profile or council(), header or THEIRS, ours=INCIDENT_COLUMNS,
                required=REQUIRED_COLUMNS, today=today)


def row(**cells: str) -> list[str]:
    """A row of THEIRS with the cells named (spaces in names written as _)."""
    named = {name.replace("_", " "): value for name, value in cells.items()}
    return [named.get(name, "") for name in THEIRS]


def ours(profile: BoundProfile, cells: list[str]) -> dict[str, str]:
    result = profile.apply(cells)
    assert isinstance(result, list)
    return dict(zip(profile.header, result, strict=True))


# --- the profile file ------------------------------------------------------------------------


def test_the_fixture_profiles_load(shared_data: Path) -> None:
    profile = load_profile(shared_data / "council-export-medium.xlsx.toml", "incidents")
    assert (profile.name, profile.kind, profile.sheet, profile.header_row, profile.dates) == (
        "Council case system (workbook)", "incidents", "Cases", 3, None)
    assert profile.columns["victim_name"] == "Complainant"
    assert profile.values["crime_type"]["*"] == "skip"
    assert profile.source == str(shared_data / "council-export-medium.xlsx.toml")
    assert load_profile(shared_data / "council-export-medium.csv.toml").dates == "dd/mm/yy"


def test_invalid_toml_is_refused_naming_the_file_and_the_place(tmp_path: Path) -> None:
    message = refused(tmp_path, 'kind = "incidents"\n[columns\nreference = "Ref"\n')
    assert message.startswith("p.toml is not a valid profile: ")
    assert "line 2" in message


def test_a_key_written_twice_is_invalid_toml(tmp_path: Path) -> None:
    message = refused(tmp_path, 'kind = "incidents"\n[columns]\nreference = "A"\n'
                                'reference = "B"\n')
    assert "p.toml is not a valid profile" in message and "line 4" in message


def test_a_missing_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="There is no profile at"):
        load_profile(tmp_path / "absent.toml", "incidents")


def test_a_profile_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b'kind = "incidents"\nname = "Caf\xe9"\n')
    with pytest.raises(ProfileRefused, match="p.toml is not a valid profile: it is not UTF-8"):
        load_profile(path, "incidents")


@pytest.mark.parametrize(("text", "reason"), [
    ('kind = "incidents"\nheader-row = 3\n', "unknown setting 'header-row'"),
    ('name = "x"\n', 'kind is missing ("incidents" or "marac-referrals")'),
    ('kind = "wards"\n', 'kind must be "incidents" or "marac-referrals", not \'wards\''),
    ('kind = "incidents"\nheader_row = 0\n', "header_row must be a whole number, 1 or more"),
    ('kind = "incidents"\nheader_row = "3"\n', "header_row must be a whole number, 1 or more"),
    ('kind = "incidents"\nheader_row = true\n', "header_row must be a whole number, 1 or more"),
    ('kind = "incidents"\nsheet = 2\n', "sheet must be the name of a sheet"),
    ('kind = "incidents"\nname = 7\n', "name must be text"),
    ('kind = "incidents"\ndates = "dd.mm.yyyy"\n',
     "dates must be one of dd/mm/yyyy, dd/mm/yy, yyyy-mm-dd, mm/dd/yyyy, not 'dd.mm.yyyy'"),
    ('kind = "incidents"\ncolumns = "Ref"\n', "[columns] must be a table"),
    ('kind = "incidents"\n[columns]\nrefrence = "Ref"\n',
     "[columns] refrence: not a column of incident files"),
    ('kind = "incidents"\n[columns]\nreference = 7\n',
     "[columns] reference: must be the name of one of your columns"),
    ('kind = "incidents"\n[columns]\noccurred_on = "{Incident Date {Time}"\n',
     "[columns] occurred_on: '{Incident Date {Time}' has a brace without its pair"),
    ('kind = "incidents"\n[columns]\noccurred_on = "Incident Date}"\n',
     "[columns] occurred_on: 'Incident Date}' has a brace without its pair"),
    ('kind = "incidents"\n[columns]\noccurred_on = "{Incident Date} { }"\n',
     "[columns] occurred_on: '{Incident Date} { }' has empty braces"),
])
def test_a_setting_that_is_not_understood_is_refused(tmp_path: Path, text: str,
                                                     reason: str) -> None:
    message = refused(tmp_path, text)
    assert message.startswith("p.toml is not a valid profile: ")
    assert reason in message


def test_a_profile_for_the_other_kind_of_file_is_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, 'kind = "incidents"\n', "marac-referrals") == (
        "p.toml is not a valid profile: it is a profile for incident files, not MARAC "
        "referral files.")
    assert load_profile(write(tmp_path, 'kind = "incidents"\n')).kind == "incidents"


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    message = refused(tmp_path, 'kind = "incidents"\nheader-row = 3\ndates = "dmy"\n'
                                '[constants]\nsource = "fire"\n')
    assert message.count(";") == 2 and message.endswith(".")


@pytest.mark.parametrize(("text", "reason"), [
    ('[columns]\nsource = "Agency"\n[constants]\nsource = "council"\n',
     "source is both mapped to a column and given a constant"),
    ('[columns]\nvictim_name = "Complainant"\nvictim_forename = "First"\n',
     "victim_name and victim_forename both fill victim_forename"),
    ('[columns]\nperpetrator_name = "Suspect"\n[constants]\nperpetrator_surname = "Smith"\n',
     "perpetrator_name and perpetrator_surname both fill perpetrator_surname"),
])
def test_a_column_filled_twice_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    assert reason in refused(tmp_path, 'kind = "incidents"\n' + text)


@pytest.mark.parametrize(("text", "reason"), [
    ('[constants]\nsource = "fire"\n',
     "[constants] source = \"fire\": 'fire' is not one of police, council, housing, health, "
     "self, other"),
    ('[constants]\nsauce = "police"\n', "[constants] sauce: not a column of incident files"),
    ('[constants]\nsource = 1.5\n', "[constants] source: must be text"),
    ('[constants]\ncrime_type = "theft"\n', "'theft' is not a crime type this application "
                                            "records (ASB, burglary or domestic abuse)"),
    ('[constants]\noccurred_on = "yesterday"\n', "'yesterday' is not a date"),
    ('[constants]\nvictim_gender = "woman"\n',
     "'woman' is not one of female, male, other, unknown (or F, M)"),
])
def test_a_constant_our_checks_would_refuse_is_refused(tmp_path: Path, text: str,
                                                       reason: str) -> None:
    assert reason in refused(tmp_path, 'kind = "incidents"\n' + text)


def test_constants_that_we_accept_load(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, 'kind = "incidents"\n[constants]\nsource = '
                                           '"Council"\ncrime_type = "ASB"\nward = "Hendon"\n'
                                           'occurred_on = "31/05/2024"\n'), "incidents")
    assert profile.constants == {"source": "Council", "crime_type": "ASB", "ward": "Hendon",
                                 "occurred_on": "31/05/2024"}


def test_a_true_false_constant_is_y_or_n(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, 'kind = "marac-referrals"\n[constants]\n'
                                           'victim_lgbt = false\nchildren_count = 2\n'))
    assert profile.constants == {"victim_lgbt": "N", "children_count": "2"}


@pytest.mark.parametrize(("text", "reason"), [
    ('[values.source]\n"NHS" = "hospital"\n',
     "[values.source] \"NHS\" = \"hospital\": 'hospital' is not one of police, council, "
     "housing, health, self, other"),
    ('[values.crime_type]\n"Theft" = "theft"\n', "'theft' is not a crime type"),
    ('[values.relationship]\n"Mother" = "parent"\n',
     "'parent' is not one of partner, ex-partner, family, other"),
    ('[values.victim_gender]\n"W" = "woman"\n', "'woman' is not one of female, male, other"),
    ('[values.sex]\n"F" = "female"\n', "[values.sex]: not a column of incident files"),
    ('[values.victim_gender]\n"F" = "female"\n"f " = "female"\n',
     '[values.victim_gender] "F" and "f " are the same value'),
    ('[values.victim_gender]\n" " = "unknown"\n',
     '[values.victim_gender] " ": blank cells are never translated'),
    ('[values.victim_gender]\n"F" = 1\n', '[values.victim_gender] "F": must be text'),
    ('values = 3\n', "[values] must be a table"),
    ('[values]\nsource = "police"\n', "[values.source] must be a table"),
])
def test_a_translation_our_checks_would_refuse_is_refused(tmp_path: Path, text: str,
                                                          reason: str) -> None:
    assert reason in refused(tmp_path, 'kind = "incidents"\n' + text)


@pytest.mark.parametrize(("column", "target", "reason"), [
    ("referring_agency", "Fire brigade", "'Fire brigade' is not one of the SafeLives"),
    ("referring_agency", "Police; Fire", "'Fire' is not one of the SafeLives"),
    ("victim_ethnicity", "Martian", "'Martian' is not an ONS 2021 ethnic group"),
    ("victim_disabled", "maybe", "'maybe' is not Y or N (also Yes/No, True/False, 1/0)"),
    ("professional_judgement", "perhaps", "'perhaps' is not Y or N"),
    ("relationship", "lodger", "'lodger' is not one of partner"),
])
def test_marac_translations_meet_the_referral_rules(tmp_path: Path, column: str, target: str,
                                                    reason: str) -> None:
    message = refused(tmp_path, f'kind = "marac-referrals"\n[values.{column}]\n'
                                f'"theirs" = "{target}"\n', "marac-referrals")
    assert reason in message


def test_marac_translations_we_accept_load(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, (
        'kind = "marac-referrals"\n[values.referring_agency]\n"Met" = "Police"\n'
        '"Both" = "Police; IDVA"\n"Other" = "skip"\n[values.victim_lgbt]\n"Yes" = "Y"\n'
        '[values.victim_ethnicity]\n"WI" = "White: Irish"\n')), "marac-referrals")
    assert profile.values["referring_agency"]["Both"] == "Police; IDVA"


def test_a_dash_version_must_be_one_we_ship(tmp_path: Path) -> None:
    assert "'v9' is not a DASH question set this application has" in refused(
        tmp_path, 'kind = "marac-referrals"\n[constants]\ndash_version = "v9"\n',
        "marac-referrals")


def test_hate_motivated_takes_y_or_n(tmp_path: Path) -> None:
    assert "'perhaps' is not Y or N" in refused(
        tmp_path, 'kind = "incidents"\n[values.hate_motivated]\n"?" = "perhaps"\n')
    profile = load_profile(write(tmp_path, 'kind = "incidents"\n[constants]\n'
                                           'hate_motivated = true\n'))
    assert profile.constants == {"hate_motivated": "Y"}


def test_skip_and_free_text_targets_are_always_accepted(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, (
        'kind = "incidents"\n[values.source]\n"Fire" = "SKIP"\n[values.ward]\n'
        '"OAK" = "Oakleigh"\n[values.description]\n"-" = "anything at all"\n')))
    assert profile.values["source"] == {"Fire": "SKIP"}


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, 'kind = "incidents"\n', "police-extract.toml"))
    assert profile.name == "police-extract"


# --- writing, saving and listing ---------------------------------------------------------------


def test_a_profile_saved_loads_back_the_same(tmp_path: Path) -> None:
    profile = council(sheet="Cases", header_row=3, values={
        "crime_type": {"Burglary – Residential": "burglary", "*": "skip"},
        "victim_gender": {"F": "female"}})
    path = save_profile(tmp_path / "profiles", profile)
    assert path == tmp_path / "profiles" / "council.toml"
    text = path.read_text(encoding="utf-8")
    assert text == profile_text(profile)
    assert "[values.crime_type]" in text and '"Burglary – Residential" = "burglary"' in text
    again = load_profile(path, "incidents")
    assert again == Profile(**{**profile.__dict__, "source": str(path)})


def test_saving_replaces_a_profile_of_the_same_name(tmp_path: Path) -> None:
    save_profile(tmp_path, council(dates="dd/mm/yyyy"))
    path = save_profile(tmp_path, council(dates="mm/dd/yyyy"))
    assert load_profile(path).dates == "mm/dd/yyyy"
    assert [item.name for item in tmp_path.iterdir()] == ["council.toml"]


def test_a_profile_that_would_not_load_back_is_not_saved(tmp_path: Path) -> None:
    with pytest.raises(ProfileRefused, match="not a column of incident files"):
        save_profile(tmp_path, council(columns={"sauce": "Agency"}))
    assert not list(tmp_path.iterdir())


def test_profiles_are_listed_with_their_problems(tmp_path: Path) -> None:
    save_profile(tmp_path, council(name="Police extract"))
    save_profile(tmp_path, Profile(name="MARAC", kind="marac-referrals"))
    write(tmp_path, "kind = [\n", "broken.toml")
    listed = list_profiles(tmp_path)
    assert [(item.path.name, item.profile is None) for item in listed] == [
        ("broken.toml", True), ("marac.toml", False), ("police-extract.toml", False)]
    assert listed[0].problem is not None and "broken.toml is not a valid profile" in \
        listed[0].problem
    assert [item.path.name for item in list_profiles(tmp_path, "incidents")] == [
        "broken.toml", "police-extract.toml"]
    assert list_profiles(tmp_path / "none") == []


# --- binding to a header -----------------------------------------------------------------------


def test_the_header_lists_our_columns_that_get_a_value_in_our_order() -> None:
    profile = bound()
    assert profile.header == ["reference", "crime_type", "occurred_on", "victim_forename",
                              "victim_surname", "victim_dob", "victim_gender", "postcode",
                              "source", "description"]
    assert profile.unknown_columns == ["Post Code"]


def test_a_column_the_file_lacks_is_refused_before_any_row() -> None:
    with pytest.raises(FileRefused) as caught:
        bound(council(header_row=3), ["Case Ref", "Category", "Incident Date", "Notes"])
    assert str(caught.value) == "The header row has problems; nothing was imported."
    errors = [(error.row, error.column) for error in caught.value.errors]
    assert errors == [(3, "Incident Time"), (3, "Complainant"), (3, "DOB"), (3, "Sex")]
    assert caught.value.errors[0].reason == (
        "the profile reads it for occurred_on, but the file has no column of that name (its "
        "columns: Case Ref, Category, Incident Date, Notes)")


def test_the_file_columns_named_in_a_refusal_are_summarised() -> None:
    header = ["Case Ref", "Category", *[f"c{number}" for number in range(100_000)]]
    with pytest.raises(FileRefused) as caught:
        bound(council(), header)
    assert caught.value.errors[0].reason.endswith(", c17 and 99,982 more)")


def test_a_column_named_twice_in_the_header_is_refused() -> None:
    with pytest.raises(FileRefused) as caught:
        bound(header=[*THEIRS, " complainant "])
    assert [(e.column, e.reason) for e in caught.value.errors] == [
        ("Complainant", "this column appears twice in the header")]


def test_a_required_column_nothing_fills_is_refused() -> None:
    profile = council(columns={"reference": "Case Ref", "occurred_on": "Incident Date"},
                      values={})
    with pytest.raises(FileRefused) as caught:
        bound(profile, ["Case Ref", "Incident Date"])
    assert [(e.row, e.column, e.reason) for e in caught.value.errors] == [
        (1, "crime_type", "required column is missing: map one of your columns to it")]


def test_a_constant_fills_a_required_column() -> None:
    profile = council(columns={"reference": "Case Ref", "occurred_on": "Incident Date"},
                      constants={"crime_type": "asb"}, values={}, dates=None)
    assert ours(bound(profile, ["Case Ref", "Incident Date"]), ["R1", "2024-05-01"]) == {
        "reference": "R1", "crime_type": "asb", "occurred_on": "2024-05-01"}


def test_their_column_with_our_name_keeps_its_meaning() -> None:
    profile = bound()
    assert ours(profile, row(postcode="N3 1AA", Post_Code="ignored"))["postcode"] == "N3 1AA"
    assert profile.label("postcode") == "postcode"
    assert bound(header=[*THEIRS[:8], " Postcode ", "Notes"]).label("postcode") == "Postcode"


def test_a_column_the_profile_reads_is_not_also_read_by_its_own_name() -> None:
    profile = council(columns={"reference": "case_ref", "crime_type": "Category",
                               "occurred_on": "When"}, values={}, constants={})
    bound_profile = bound(profile, ["When", "Category", "case_ref", "description"])
    assert bound_profile.header == ["reference", "crime_type", "occurred_on", "description"]
    assert bound_profile.unknown_columns == []


def test_a_column_the_profile_maps_is_not_read_by_its_own_name() -> None:
    header = [*THEIRS, "source", "description"]
    profile = bound(header=header)
    cells = [*row(Notes="their notes"), "police", "our notes"]
    assert ours(profile, cells)["source"] == "council"
    assert ours(profile, cells)["description"] == "their notes"
    assert profile.unknown_columns == ["Post Code", "source", "description"]


# --- applying to rows --------------------------------------------------------------------------


def test_a_template_is_filled_and_trimmed() -> None:
    profile = bound(council(dates=None))
    assert ours(profile, row(Incident_Date="30/11/21", Incident_Time="14:05"))[
        "occurred_on"] == "30/11/21 14:05"
    assert ours(profile, row(Incident_Date=" 30/11/21", Incident_Time=""))[
        "occurred_on"] == "30/11/21"


@pytest.mark.parametrize(("full", "forename", "surname"), [
    ("ST JOHN, KWAME", "KWAME", "ST JOHN"),
    ("VAN DER BERG,  Amira ", "Amira", "VAN DER BERG"),
    ("Smith, Anne, Marie", "Anne, Marie", "Smith"),
    ("Keisha Okafor", "Keisha", "Okafor"),
    (" Mary Ann  Smith ", "Mary Ann", "Smith"),
    ("Cher", "", "Cher"),
    ("  ", "", ""),
    ("", "", ""),
])
def test_a_full_name_fills_forename_and_surname(full: str, forename: str,
                                                surname: str) -> None:
    assert split_name(full) == (forename, surname)
    values = ours(bound(), row(Complainant=full))
    assert (values["victim_forename"], values["victim_surname"]) == (forename, surname)


def test_a_full_name_may_be_a_template() -> None:
    profile = council(columns={**council().columns, "victim_name": "{Sex} {Complainant}"})
    values = ours(bound(profile), row(Complainant="Okafor", Sex="Keisha"))
    assert (values["victim_forename"], values["victim_surname"]) == ("Keisha", "Okafor")


def test_values_are_translated_case_insensitively_after_trimming() -> None:
    profile = bound()
    assert ours(profile, row(Category=" personal asb "))["crime_type"] == "asb"
    assert ours(profile, row(Category="DOMESTIC ABUSE INCIDENT"))["crime_type"] == "dv"
    assert ours(profile, row(Category="asb", Sex="f "))["victim_gender"] == "female"


def test_a_value_not_listed_passes_through_untranslated() -> None:
    assert ours(bound(), row(Category="asb", Sex="Male"))["victim_gender"] == "Male"


def test_star_matches_every_other_value_that_is_not_blank() -> None:
    profile = bound()
    assert profile.apply(row(Category="Vehicle Crime")) == Skipped("crime_type")
    assert profile.apply(row(Category="Noise (Statutory)")) == Skipped("crime_type")
    assert ours(profile, row(Category=" "))["crime_type"] == " "
    starred = bound(council(values={"victim_gender": {"*": "unknown"}}))
    assert ours(starred, row(Sex="X"))["victim_gender"] == "unknown"
    assert ours(starred, row(Sex=""))["victim_gender"] == ""


def test_a_constant_is_the_value_of_every_row() -> None:
    assert ours(bound(), row(Category="asb"))["source"] == "council"


def test_cells_that_are_dates_are_iso_text() -> None:
    profile = bound(council(dates=None))
    cells: list[str | date] = list(row(Category="asb"))
    cells[THEIRS.index("Incident Date")] = date(2024, 5, 31)
    cells[THEIRS.index("Incident Time")] = "14:05"
    cells[THEIRS.index("DOB")] = datetime(1988, 4, 1)
    values = ours(profile, cells)  # type: ignore[arg-type]
    assert (values["occurred_on"], values["victim_dob"]) == ("2024-05-31 14:05", "1988-04-01")
    cells[THEIRS.index("DOB")] = datetime(1988, 4, 1, 9, 30)
    assert ours(profile, cells)["victim_dob"] == "1988-04-01 09:30"  # type: ignore[arg-type]


@pytest.mark.parametrize(("form", "text", "iso"), [
    ("dd/mm/yy", "13/05/62", "1962-05-13"),
    ("dd/mm/yy", "01/04/24", "2024-04-01"),
    ("dd/mm/yy", "1/4/24 9:05", "2024-04-01 09:05"),
    ("dd/mm/yy", "01/04/2024 14:05:30", "2024-04-01 14:05:30"),
    ("dd/mm/yy", "31/12/26", "2026-12-31"),  # the year decides: this year, not 1926
    ("dd/mm/yy", "01/01/27", "1927-01-01"),
    ("dd/mm/yy", "2024-05-31", "2024-05-31"),  # ISO is always read
    ("dd/mm/yyyy", "31/5/2024", "2024-05-31"),
    ("dd/mm/yyyy", "31/5/24", "31/5/24"),
    ("mm/dd/yyyy", "05/31/2024 23:59", "2024-05-31 23:59"),
    ("mm/dd/yyyy", "31/05/2024", "31/05/2024"),
    ("yyyy-mm-dd", "2024-05-31T14:05", "2024-05-31 14:05"),
    ("yyyy-mm-dd", "31/05/2024", "31/05/2024"),
    ("dd/mm/yy", "31/02/24", "31/02/24"),  # not a date: passed on as written
    ("dd/mm/yy", "01/04/24 25:00", "01/04/24 25:00"),
    ("dd/mm/yy", "yesterday", "yesterday"),
])
def test_dates_are_read_in_the_profiles_form(form: str, text: str, iso: str) -> None:
    assert ours(bound(council(dates=form)), row(Incident_Date=text))["occurred_on"] == iso


def test_a_two_digit_year_is_the_latest_not_after_this_year() -> None:
    assert full_year(62, date(2026, 12, 8)) == 1962
    assert full_year(26, date(2026, 1, 1)) == 2026
    assert full_year(27, date(2026, 12, 31)) == 1927
    assert full_year(0, date(2026, 1, 1)) == 2000
    profile = bound(council(), today=date(2025, 6, 1))
    assert ours(profile, row(DOB="01/01/26"))["victim_dob"] == "1926-01-01"


def test_without_a_dates_form_text_dates_are_left_to_our_checks() -> None:
    values = ours(bound(council(dates=None)), row(Incident_Date="13/05/62", DOB="1/2/1990"))
    assert (values["occurred_on"], values["victim_dob"]) == ("13/05/62", "1/2/1990")


def test_errors_name_their_column() -> None:
    profile = bound()
    assert profile.label("reference") == "Case Ref"
    assert profile.label("occurred_on") == "Incident Date"
    assert profile.label("occurred_on", row(Incident_Date="1/1/24", Incident_Time="10:00")) \
        == "Incident Date + Incident Time"
    assert profile.label("occurred_on", row(Incident_Date="1/1/24")) == "Incident Date"
    assert profile.label("victim_forename") == profile.label("victim_surname") == "Complainant"
    assert profile.label("source") == "source"  # a constant
    assert profile.label("victim_ref") == "victim_ref"  # nothing fills it


def test_their_text_is_what_their_row_says_before_translation() -> None:
    profile = bound()
    cells = row(Category=" personal asb ", Incident_Date="31/12/26", Incident_Time="10:00",
                Complainant="ST JOHN, KWAME")
    assert ours(profile, cells)["occurred_on"] == "2026-12-31 10:00"
    assert profile.their_text("occurred_on", cells) == "31/12/26 10:00"
    assert profile.their_text("crime_type", cells) == " personal asb "
    assert profile.their_text("victim_surname", cells) == "ST JOHN"
    assert profile.their_text("source", cells) == "council"
    assert profile.their_text("victim_ref", cells) == ""


def test_the_checker_reports_a_bad_date_as_they_wrote_it() -> None:
    profile = bound()
    cells = row(Case_Ref="R1", Category="Personal ASB", Incident_Date="31/02/24")
    result = profile.apply(cells)
    assert isinstance(result, list)
    columns = {name: index for index, name in enumerate(profile.header)}
    errors = RowChecker(columns, today=TODAY, wards_configured=False,
                        ward_keys=set()).check(14, result)
    assert isinstance(errors, list)
    assert [f"row {e.row}: {profile.label(e.column, cells)}: {e.reason}" for e in errors] == [
        "row 14: Incident Date: '31/02/24' is not a date"]


# --- the shared fixtures -----------------------------------------------------------------------


def _parsed(path: Path, profile: Profile | None) -> tuple[dict[str, ParsedIncident], Counter[str]]:
    skipped: Counter[str] = Counter()
    parsed: dict[str, ParsedIncident] = {}
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS, profile=profile,
                  today=TODAY) as source:
        checker = RowChecker(source.columns, today=TODAY, wards_configured=False,
                             ward_keys=set())
        for record in source.rows():
            if record.skipped:
                skipped[record.skipped] += 1
                continue
            result = checker.check(record.number, record.cells)
            assert not isinstance(result, list), result
            parsed[result.reference] = result
    return parsed, skipped


@pytest.mark.parametrize("name", ["council-export-medium.csv", "council-export-medium.xlsx"])
def test_the_council_export_reads_as_the_incidents_it_holds(name: str) -> None:
    profile = load_profile(SHARED_DATA / f"{name}.toml", "incidents")
    theirs, skipped = _parsed(SHARED_DATA / name, profile)
    expected, _none = _parsed(SHARED_DATA / "incidents-medium.csv", None)
    assert skipped == {"crime_type": 97}
    assert len(theirs) == 1500
    assert set(theirs) == set(expected)
    same = ("crime_type", "occurred_on", "occurred_time", "reported_on", "victim_ref",
            "victim_dob", "postcode", "uprn", "ward_key", "perpetrator_dob", "relationship",
            "source", "victim_key", "address_key", "perpetrator_key")
    for reference, incident in theirs.items():
        assert [getattr(incident, name) for name in same] == [
            getattr(expected[reference], name) for name in same], reference


def test_the_council_csv_counts_its_rows(shared_data: Path) -> None:
    with (shared_data / "council-export-medium.csv").open(encoding="utf-8-sig") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 1 + 1500 + 97
