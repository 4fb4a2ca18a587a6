"""Properties of the incident import: whatever text a file holds, a row is imported or reported.

Hypothesis writes rows with ``csv.writer`` (as Excel would quote them) into a fresh database per
example. The import may refuse a whole file only when it cannot be read, and then with a row
number; it never fails any other way. Every name and reference here is invented.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from scs_victims.domain.dates import DateFormatError, parse_date_time
from scs_victims.domain.yes_no import parse_yes_no
from scs_victims.errors import FileRefused, RowError
from scs_victims.importing.incident_rows import (
    INCIDENT_COLUMNS,
    IncidentDraft,
    ParsedIncident,
    RowChecker,
    check_incident,
    fingerprint,
)
from scs_victims.importing.incidents import ImportSummary, import_incidents
from scs_victims.spreadsheets import FORMULA_TRIGGERS, read_cell_text
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import Incident, Ward
from tests.helpers.records import stored_records

TODAY = date(2025, 6, 1)
HEADER = list(INCIDENT_COLUMNS)
ROW_NUMBERED = re.compile(r"^row \d+: ")
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])

VALID_ROWS: dict[str, dict[str, str]] = {
    "burglary": {"reference": "PB-1", "crime_type": "Burglary", "occurred_on": "2024-05-31",
                 "address_line1": "1 Testing Road", "postcode": "N3 1AA", "source": "police"},
    "asb": {"reference": "PA-1", "crime_type": "ASB", "occurred_on": "31/5/2024 14:05",
            "victim_forename": "Quilla", "victim_surname": "Fictitia", "postcode": "N3 1AB",
            "description": "Noise"},
    "dv": {"reference": "PD-1", "crime_type": "Domestic abuse", "occurred_on": "2024-05-31",
           "victim_ref": "V-9", "victim_gender": "F", "relationship": "ex-partner",
           "perpetrator_forename": "Ulric", "perpetrator_surname": "Madeup",
           "perpetrator_dob": "1980-03-04", "ward": "Testford North"},
}

SPECIAL = ['"', ",", "\n", "\r", "\x00", "\ufeff", " ", "'", "=", ";", "\t", "\u2028",
           "\x85", "\xa0", "ß", "ﬀ", "Ｎ", "２", "é", "\U0001f600"]
# Lone surrogates cannot be written to a file in any encoding, so no CSV can hold them.
encodable = st.characters(blacklist_categories=("Cs",))
any_text = st.one_of(
    st.text(alphabet=encodable, max_size=40),
    st.text(alphabet=st.one_of(encodable, st.sampled_from(SPECIAL)), max_size=40),
    st.lists(st.sampled_from([*SPECIAL, "\r\n", "a", "1"]), max_size=12).map("".join),
)

# Values that are valid for a column, so random rows are sometimes whole and valid.
GOOD: dict[str, list[str]] = {
    "reference": ["R1", "R2", "R3", " R1 ", "r1"],
    "crime_type": ["asb", "Burglary", "DV", "DA", "Domestic abuse", "Residential burglary"],
    "occurred_on": ["2024-05-31", "31/5/2024", "2024-05-31T14:05", "01/01/2023 00:00"],
    "reported_on": ["", "2024-06-01", "31/12/2024"],
    "victim_ref": ["", "P1", "p1"],
    "victim_forename": ["", "Quilla", "ZOË"],
    "victim_surname": ["", "Fictitia", "O'Madeup"],
    "victim_dob": ["", "1990-01-01", "1/1/1990"],
    "victim_gender": ["", "F", "male", "unknown"],
    "address_line1": ["", "1 Testing Rd", "1 TESTING ROAD", "Flat 2, 3 Madeup St"],
    "address_line2": ["", "Block B"],
    "town": ["", "Testford"],
    "postcode": ["", "N3 1AA", "n31aa", "GIR 0AA"],
    "uprn": ["", "100012345678", "0100012345678", "42"],
    "ward": ["", "Testford North", "TESTFORD NORTH", "Testford South"],
    "perpetrator_forename": ["", "Ulric"],
    "perpetrator_surname": ["", "Madeup"],
    "perpetrator_dob": ["", "1980-03-04"],
    "relationship": ["", "partner", "Ex-Partner"],
    "source": ["", "police", "Council"],
    "description": ["", "text", "multi\nline, \"quoted\""],
    "case_ref": ["", "ASB-CASE-1", " asb-case-1 "],
    "hate_motivated": ["", "Y", "no", "1", "False"],
}
assert set(GOOD) == set(INCIDENT_COLUMNS)


def cell_for(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(GOOD[column]), st.sampled_from(GOOD[column]), any_text)


random_row = st.tuples(
    st.tuples(*(cell_for(column) for column in INCIDENT_COLUMNS)),
    st.lists(any_text, max_size=2),  # cells beyond the header
).map(lambda parts: [*parts[0], *parts[1]])


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, copied for every example (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path).close()
    return path


@contextmanager
def fresh_database(template: Path, *, wards: Sequence[str] = ()) -> Iterator[
        tuple[Database, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "example.db"
        shutil.copyfile(template, copy)
        database = open_database(copy)
        try:
            if wards:
                with database.session() as session:
                    for position, name in enumerate(wards):
                        session.add(Ward(name=name, name_key=name.casefold(),
                                         position=position))
            yield database, Path(folder)
        finally:
            database.close()


def write_rows(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def incident_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Incident)) or 0


def import_or_refusal(database: Database, path: Path) -> ImportSummary | FileRefused:
    """The import, allowed to fail only with a row-numbered FileRefused (unreadable file)."""
    try:
        return import_incidents(database, path, skip_invalid=True,
                                rejects_path=path.with_name("rejects.csv"), today=TODAY)
    except FileRefused as refusal:
        assert ROW_NUMBERED.match(str(refusal)), "an unreadable file must name the row"
        assert refusal.errors and all(isinstance(e, RowError) for e in refusal.errors)
        assert all(ROW_NUMBERED.match(str(e)) for e in refusal.errors)
        assert incident_count(database) == 0
        return refusal


def read_rejects(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@PROPERTY_SETTINGS
@given(kind=st.sampled_from(sorted(VALID_ROWS)), column=st.sampled_from(HEADER), text=any_text)
def test_any_text_in_one_cell_is_imported_or_rejected(template_db: Path, kind: str,
                                                      column: str, text: str) -> None:
    row = [{**VALID_ROWS[kind], column: text}.get(name, "") for name in HEADER]
    with fresh_database(template_db) as (database, folder):
        path = write_rows(folder / "one-cell.csv", [row])
        outcome = import_or_refusal(database, path)
        if isinstance(outcome, FileRefused):
            return
        assert outcome.rows_read == 1
        assert outcome.imported + outcome.rejected == 1
        if outcome.imported:
            assert outcome.errors == [] and outcome.rejects_path is None
            with database.session() as session:
                incident = session.scalars(select(Incident)).one()
            # Our import reads a cell protected against formula injection as its text.
            assert incident.reference == read_cell_text(row[HEADER.index("reference")]).strip()
            if column == "description":
                read = read_cell_text(text)
                assert incident.description == (read if read.strip() else None)
        else:
            assert outcome.errors and all(error.row == 2 for error in outcome.errors)
            assert all(isinstance(error, RowError) and error.reason for error in outcome.errors)
            assert incident_count(database) == 0
            assert outcome.rejects_path is not None
            rejects = read_rejects(outcome.rejects_path)
            assert rejects[0] == [*HEADER, "error"]
            assert len(rejects) == 2
            # The original cells as our import reads them; protected against formula
            # injection in the file (scs_victims.spreadsheets).
            assert [read_cell_text(cell) for cell in rejects[1][:-1]] == [
                read_cell_text(cell) for cell in row]
            assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in rejects[1])
            assert rejects[1][-1]


@PROPERTY_SETTINGS
@given(rows=st.lists(random_row, min_size=1, max_size=6), with_wards=st.booleans())
def test_random_rows_are_imported_or_rejected_and_reimport_changes_nothing(
        template_db: Path, rows: list[list[str]], with_wards: bool) -> None:
    wards = ("Testford North",) if with_wards else ()
    records = [number for number, row in enumerate(rows, start=2)
               if any(cell.strip() for cell in row)]
    with fresh_database(template_db, wards=wards) as (database, folder):
        path = write_rows(folder / "random.csv", rows)
        first = import_or_refusal(database, path)
        if isinstance(first, FileRefused):
            return
        assert first.rows_read == len(records)
        assert first.imported + first.unchanged + first.rejected == first.rows_read
        assert first.unchanged == 0
        error_rows = {error.row for error in first.errors}
        assert error_rows <= set(records)
        assert len(error_rows) == first.rejected
        assert incident_count(database) == first.imported
        if first.rejected:
            assert first.rejects_path is not None
            assert len(read_rejects(first.rejects_path)) == first.rejected + 1
        else:
            assert first.rejects_path is None

        before = stored_records(database)
        second = import_or_refusal(database, path)
        assert isinstance(second, ImportSummary)
        assert (second.imported, second.unchanged, second.rejected) == (
            0, first.imported, first.rejected)
        assert {error.row for error in second.errors} == error_rows
        assert stored_records(database) == before


@settings(max_examples=300, deadline=None)
@given(
    columns=st.lists(st.sampled_from(HEADER), unique=True),
    data=st.data(),
    wards=st.sets(st.text(alphabet=encodable, max_size=10), max_size=3),
    today=st.dates(),
    number=st.integers(min_value=2, max_value=10**7),
)
def test_row_checker_never_raises(columns: list[str], data: st.DataObject, wards: set[str],
                                  today: date, number: int) -> None:
    cells = data.draw(st.lists(st.one_of(any_text, *(st.sampled_from(GOOD[c]) for c in columns)),
                               min_size=len(columns), max_size=len(columns)))
    checker = RowChecker({name: index for index, name in enumerate(columns)}, today=today,
                         wards_configured=bool(wards),
                         ward_keys={ward.casefold() for ward in wards})
    result = checker.check(number, cells)
    if isinstance(result, ParsedIncident):
        assert result.reference and result.occurred_on <= today
        assert result.reported_on is None or result.reported_on >= result.occurred_on
        assert len(result.content_hash()) == 40
        # The checker puts its fingerprint's text together from parts: it must be exactly
        # the fingerprint of its meaning, which is the fields up to the description (as
        # before case_ref and hate_motivated existed) unless either of those is given.
        assert result.fingerprint == fingerprint(result.meaning())
        if result.case_ref is None and result.hate_motivated is None:
            assert result.fingerprint == fingerprint(tuple(result)[:22])
    else:
        assert result and all(error.row == number and error.column in HEADER
                              for error in result)


def _typed(column: str, cell: str) -> object:
    """A cell as the form may give it: a date column's text that parses as a date value (a
    datetime when it has a time), a Y/N cell as a bool; anything else as the text."""
    if column in ("occurred_on", "reported_on", "victim_dob", "perpetrator_dob"):
        try:
            on, at = parse_date_time(cell)
        except DateFormatError:
            return cell
        return on if at is None else datetime.combine(on, at)
    if column == "hate_motivated" and parse_yes_no(cell) is not None:
        return parse_yes_no(cell)
    return cell


@settings(max_examples=300, deadline=None)
@given(cells=st.tuples(*(cell_for(column) for column in INCIDENT_COLUMNS)),
       typed=st.booleans(), today=st.dates(min_value=date(2020, 1, 1)))
def test_the_form_and_the_import_are_one_validator(cells: tuple[str, ...], typed: bool,
                                                   today: date) -> None:
    """A row given as values (the form's) has exactly the outcome of the same row read from a
    file: the same incident and fingerprint, or errors on the same columns. Dates given as
    date values change nothing but the text an error quotes."""
    row = RowChecker({name: index for index, name in enumerate(INCIDENT_COLUMNS)}, today=today,
                     wards_configured=False, ward_keys=set()).check(5, list(cells))
    values = IncidentDraft._make(_typed(column, cell) if typed else cell
                                 for column, cell in zip(INCIDENT_COLUMNS, cells, strict=True))
    form = check_incident(values, today=today, wards_configured=False, ward_keys=set(), row=5)
    if isinstance(row, ParsedIncident):
        assert form == row
    else:
        assert isinstance(form, list)
        assert [(e.row, e.column) for e in form] == [(e.row, e.column) for e in row]
        if not typed:
            assert form == row
