"""Building an import profile from a file, as the wizard does: the profile suggested from the
headers, our values suggested for theirs, the date form guessed; the file's first rows as
written and as stored, the distinct values of the translated columns, samples of its dates.

Every name, address and reference written here is invented.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from scs_victims.errors import Cancelled, FileRefused
from scs_victims.importing.mapping import guess_date_form, suggest_profile, suggest_value
from scs_victims.importing.preview import (
    ColumnValues,
    date_samples,
    distinct_values,
    file_start,
    guess_header_row,
    preview,
)
from scs_victims.importing.profile import Profile, load_profile
from tests.conftest import SHARED_DATA

TODAY = date(2026, 12, 8)
COUNCIL = ["Case Ref", "Category", "Incident Date", "Incident Time", "Date Reported",
           "Person ID", "Complainant", "DOB", "Sex", "Address 1", "Address 2", "Town",
           "Post Code", "UPRN", "Ward", "Perp Forename", "Perp Surname", "Perp DOB",
           "Relationship", "Reporting Agency", "Notes"]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


# --- suggestions ----------------------------------------------------------------------------


def test_the_council_headers_suggest_the_fixture_columns() -> None:
    fixture = load_profile(SHARED_DATA / "council-export-medium.csv.toml")
    suggested = suggest_profile(COUNCIL, "incidents", "Council")
    assert suggested.columns == fixture.columns
    assert (suggested.name, suggested.kind, suggested.constants, suggested.values) == (
        "Council", "incidents", {}, {})
    workbook = load_profile(SHARED_DATA / "council-export-medium.xlsx.toml")
    headers = [name for name in COUNCIL if name not in ("Incident Date", "Incident Time")]
    headers.insert(2, "Incident Date/Time")
    assert suggest_profile(headers).columns == workbook.columns


@pytest.mark.parametrize(("headers", "expected"), [
    # Synonyms of the issue: "Date of incident", "Type", "Complainant".
    (["Ref", "Type", "Date of incident", "Complainant"],
     {"reference": "Ref", "crime_type": "Type", "occurred_on": "Date of incident",
      "victim_name": "Complainant"}),
    (["URN", "Category", "Incident Date", "Suspect"],
     {"reference": "URN", "crime_type": "Category", "occurred_on": "Incident Date",
      "perpetrator_name": "Suspect"}),
    # Our own names in any case, before any synonym; one of their columns for each of ours.
    (["Ref", "REFERENCE", "crime type", "occurred_on", "Date"],
     {"reference": "REFERENCE", "crime_type": "crime type", "occurred_on": "occurred_on"}),
    # "Case Ref" is our case_ref when the file has a reference of its own.
    (["Reference", "Case Ref", "Type", "Date"],
     {"reference": "Reference", "crime_type": "Type", "occurred_on": "Date",
      "case_ref": "Case Ref"}),
    # A full name only where forename and surname are not separate columns.
    (["Ref", "Type", "Date", "Victim", "Surname"],
     {"reference": "Ref", "crime_type": "Type", "occurred_on": "Date",
      "victim_surname": "Surname"}),
    # A time joins its date; one with no date stays unread.
    (["Ref", "Type", "Date", "Time", "Time Reported", "Hate crime"],
     {"reference": "Ref", "crime_type": "Type", "occurred_on": "{Date} {Time}",
      "hate_motivated": "Hate crime"}),
])
def test_incident_headers_suggest_our_columns(headers: list[str],
                                              expected: dict[str, str]) -> None:
    assert suggest_profile(headers).columns == expected


def test_suggestions_are_per_kind() -> None:
    # incident_date is a synonym of occurred_on in an incident file, a column of its own in
    # a MARAC referral file; a "Case Ref" is the referral's reference there.
    assert suggest_profile(["Case Ref", "Incident Date"]).columns == {
        "reference": "Case Ref", "occurred_on": "Incident Date"}
    referrals = suggest_profile(["Case Ref", "Date of referral", "Incident Date", "Ethnicity",
                                 "Complainant"], "marac-referrals")
    assert referrals.columns == {"referral_ref": "Case Ref", "referral_date": "Date of referral",
                                 "victim_name": "Complainant",
                                 "victim_ethnicity": "Ethnicity",
                                 "incident_date": "Incident Date"}
    assert referrals.kind == "marac-referrals"


@pytest.mark.parametrize(("column", "theirs", "ours"), [
    ("crime_type", "Personal ASB", "asb"), ("crime_type", "personal asb ", "asb"),
    # Burglary is never guessed from a word: only §1's spellings are domestic burglary.
    ("crime_type", "BURGLARY (DWELLING)", None),
    ("crime_type", "Burglary - Business and Community", None),
    ("crime_type", "Burglary \u2013 Residential", "burglary"),
    ("crime_type", "DA - Non Crime", "dv"), ("crime_type", "Domestic abuse incident", "dv"),
    ("crime_type", "Vehicle Crime", None), ("crime_type", "", None),
    ("victim_gender", "F", "female"), ("victim_gender", "U", "unknown"),
    ("victim_gender", "Male", "male"), ("victim_gender", "X", None),
    ("relationship", "Ex Partner", "ex-partner"), ("relationship", "Ex-Partner", "ex-partner"),
    ("relationship", "Family member", "family"),
    ("source", "Met Police", "police"), ("source", "Housing Assoc", "housing"),
    ("source", "Self-referral", "self"), ("source", "NHS", None),
    # Two of ours named as often: no guess.
    ("source", "Police and council", None),
    ("ward", "Hendon", None),  # not a translated column
])
def test_their_values_suggest_ours(column: str, theirs: str, ours: str | None) -> None:
    assert suggest_value(column, theirs) == ours


@pytest.mark.parametrize(("samples", "form"), [
    (["30/11/21", "03/08/24 01:28", ""], "dd/mm/yy"),
    (["30/11/2021", "03/08/2024"], "dd/mm/yyyy"),
    (["30/11/2021", "03/08/24"], "dd/mm/yy"),
    (["11/30/2021", "08/03/2024"], "mm/dd/yyyy"),
    (["03/08/2024", "04/09/2024"], "dd/mm/yyyy"),  # either way: ours first
    (["2021-11-30", "2024-08-03 01:28"], "yyyy-mm-dd"),
    (["soon", ""], None), ([], None),
])
def test_the_date_form_is_guessed_from_samples(samples: list[str], form: str | None) -> None:
    assert guess_date_form(samples, TODAY) == form


# --- the file's start, as written -----------------------------------------------------------


def test_a_csv_start_is_its_first_rows_with_their_numbers(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "export.csv", [
        ["Invented case system export", "", ""], [], ["Ref", "Type", "Date"],
        *[[f"R-{n}", "ASB", "01/02/2024"] for n in range(30)]])
    start = file_start(path)
    assert (start.encoding, start.sheets, start.sheet) == ("UTF-8", [], None)
    assert start.numbers == list(range(1, 21))
    assert start.rows[:3] == [["Invented case system export"], [], ["Ref", "Type", "Date"]]
    assert guess_header_row(start) == 3
    assert start.header(3) == ["Ref", "Type", "Date"]
    assert start.header(99) == []


def test_a_workbook_start_is_a_sheet_of_its_choice(tmp_path: Path) -> None:
    workbook = Workbook()
    first = workbook.active
    first.title = "Summary"
    first.append(["Nothing to import here"])
    cases = workbook.create_sheet("Cases")
    cases.append(["Cases export"])
    cases.append([])
    cases.append(["Ref", "Type", "Opened"])
    cases.append(["R-1", "ASB", date(2024, 2, 1)])
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    start = file_start(path)
    assert (start.encoding, start.sheets, start.sheet) == ("Excel workbook",
                                                           ["Summary", "Cases"], "Summary")
    chosen = file_start(path, sheet="cases")
    assert chosen.sheet == "Cases"
    assert chosen.rows == [["Cases export"], [], ["Ref", "Type", "Opened"],
                           ["R-1", "ASB", "2024-02-01"]]
    assert guess_header_row(chosen) == 3
    with pytest.raises(FileRefused, match=r"has no sheet 'Other' \(its sheets: Summary, Cases"):
        file_start(path, sheet="Other")


# --- as a profile stores it -----------------------------------------------------------------


THEIRS = ["Ref", "Category", "Date", "Complainant", "Sex", "postcode"]
PROFILE = Profile(name="Invented", kind="incidents", dates="dd/mm/yy",
                  columns={"reference": "Ref", "crime_type": "Category", "occurred_on": "Date",
                           "victim_name": "Complainant", "victim_gender": "Sex"},
                  values={"crime_type": {"Personal ASB": "asb", "*": "skip"},
                          "victim_gender": {"F": "female"}})


def invented_file(tmp_path: Path) -> Path:
    rows = [["R-1", "Personal ASB", "13/05/24", "IMAGINARY, Orla", "F"],
            ["R-2", "Vehicle Crime", "14/05/24", "", ""],
            ["R-3", " personal asb", "31/02/24", "Test Person", "Q"],
            ["R-4", "", "15/05/24", "", "F"],
            ["R-5", "PERSONAL ASB", "16/05/24", "", "f"]]
    # Their column of our name (postcode) keeps its meaning without being named.
    return write_rows(tmp_path / "invented.csv", [THEIRS, *[[*row, "N3 1AA"] for row in rows]])


def test_the_preview_shows_rows_as_they_will_be_stored(tmp_path: Path) -> None:
    shown = preview(invented_file(tmp_path), PROFILE, today=TODAY, rows=4)
    assert shown.their_header == THEIRS
    assert shown.header == ["reference", "crime_type", "occurred_on", "victim_forename",
                            "victim_surname", "victim_gender", "postcode"]
    assert shown.encoding == "UTF-8" and shown.unknown_columns == []
    first, left_out, wrong, blank = shown.rows
    assert (first.number, first.cells, first.problems) == (
        2, ["R-1", "asb", "2024-05-13", "Orla", "IMAGINARY", "female", "N3 1AA"], [])
    assert (left_out.number, left_out.cells, left_out.skipped, left_out.their_value) == (
        3, [], "crime_type", "Vehicle Crime")
    assert wrong.problems == ["Date: '31/02/24' is not a date",
                              "Sex: 'Q' is not one of female, male, other, unknown (or F, M)"]
    assert blank.problems == ["Category: is required"]  # a blank is never translated


def test_a_profile_the_file_does_not_fit_is_refused_before_any_row(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "other.csv", [["Ref", "Type", "Date"], ["R-1", "ASB", "x"]])
    with pytest.raises(FileRefused) as refused:
        preview(path, PROFILE, today=TODAY)
    assert [str(error) for error in refused.value.errors][0].startswith(
        "row 1: Category: the profile reads it for crime_type, but the file has no column")


def test_distinct_values_count_rows_in_one_pass(tmp_path: Path) -> None:
    path = invented_file(tmp_path)
    reports: list[tuple[int, int | None]] = []
    found = distinct_values(path, PROFILE, ["crime_type", "victim_gender", "relationship",
                                            "source"], today=TODAY,
                            progress=lambda done, total: reports.append((done, total)))
    # Before translation; equal but for case and spaces is one value, as most often written.
    assert found == {"crime_type": ColumnValues([("Personal ASB", 3), ("Vehicle Crime", 1)],
                                                blank=1),
                     "victim_gender": ColumnValues([("F", 3), ("Q", 1)], blank=1)}
    assert reports[-1] == (path.stat().st_size, path.stat().st_size)
    limited = distinct_values(path, PROFILE, ["crime_type"], today=TODAY, limit=1)
    assert limited == {"crime_type": ColumnValues([("Personal ASB", 3)], 1, 1)}
    # A column given a constant has no values of theirs.
    constant = dataclasses.replace(PROFILE, constants={"source": "police"})
    assert list(distinct_values(path, constant, ["crime_type", "source"], today=TODAY)) == [
        "crime_type"]


def test_distinct_values_can_be_cancelled(tmp_path: Path) -> None:
    def cancel(_done: int, _total: int | None) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        distinct_values(invented_file(tmp_path), PROFILE, ["crime_type"], today=TODAY,
                        progress=cancel)


def test_date_samples_are_their_text(tmp_path: Path) -> None:
    samples = date_samples(invented_file(tmp_path), PROFILE, today=TODAY, rows=3)
    assert samples == {"occurred_on": ["13/05/24", "14/05/24", "31/02/24"]}


def test_the_fixture_export_reads_the_same_in_csv_and_workbook() -> None:
    counts = {}
    for name in ("council-export-medium.csv", "council-export-medium.xlsx"):
        profile = load_profile(SHARED_DATA / f"{name}.toml")
        counts[name] = distinct_values(SHARED_DATA / name, profile, ["crime_type"], today=TODAY)
        shown = preview(SHARED_DATA / name, profile, today=TODAY)
        assert all(not row.problems for row in shown.rows)
    values = counts["council-export-medium.csv"]["crime_type"]
    assert values == counts["council-export-medium.xlsx"]["crime_type"]
    assert sum(rows for _value, rows in values.counts) == 1597
    assert ("Burglary - Business and Community", 25) in values.counts
