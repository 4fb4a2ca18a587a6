"""Files with other headers (mapped to ours), the preview, and checking without importing.

Every name, address and reference written here is invented.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.errors import Cancelled, FileRefused
from scs_victims.importing.incidents import check_incidents, import_incidents
from scs_victims.importing.mapping import (
    IGNORE,
    ColumnMapping,
    header_signature,
    suggest_mapping,
)
from scs_victims.importing.preview import preview_incidents
from scs_victims.importing.saved_mappings import offered_mapping, save_mapping, saved_mapping
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import AuditEvent, ImportRun, Setting
from tests.helpers.records import stored_records
from tests.test_import_incidents import HEADER, TODAY, asb, burglary, dv, write_csv

# Their names for our columns, as another system might export them.
THEIRS = {"reference": "Crime Ref", "crime_type": "Type", "occurred_on": "Date Occurred",
          "reported_on": "Reported", "victim_ref": "Person ID", "victim_forename": "First Name",
          "victim_surname": "Last Name", "victim_dob": "DOB", "victim_gender": "Sex",
          "address_line1": "Address 1", "postcode": "Post Code", "uprn": "UPRN",
          "ward": "Ward Name", "relationship": "Relationship", "source": "Agency",
          "description": "Notes"}
ROWS = [burglary("B-1"), dv("D-1"),
        asb("A-1", victim_forename="Orla", victim_surname="Imaginary", victim_dob="1980-01-01"),
        dv("D-2", occurred_on="2024-07-01")]


def write_theirs(path: Path, rows: list[dict[str, str]], extra: str | None = None) -> Path:
    header = [THEIRS[name] for name in HEADER] + ([extra] if extra else [])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in HEADER] + (["x"] if extra else []))
    return path


def their_mapping(extra: str | None = None) -> ColumnMapping:
    columns = {theirs: ours for ours, theirs in THEIRS.items()}
    if extra:
        columns[extra] = IGNORE
    return ColumnMapping(columns)


def test_suggestion_maps_synonyms_and_case() -> None:
    headers = [THEIRS[name] for name in HEADER] + ["Officer"]
    suggested = suggest_mapping(headers)
    assert dict(suggested.columns) == {**their_mapping().columns, "Officer": IGNORE}
    assert suggested.problems() == []
    assert suggest_mapping(["REFERENCE", " Crime_Type ", "occurred on"]).columns == {
        "REFERENCE": "reference", " Crime_Type ": "crime_type", "occurred on": "occurred_on"}


def test_suggestion_never_maps_two_headers_to_one_column() -> None:
    suggested = suggest_mapping(["Ref", "reference", "crime_type", "occurred_on"])
    assert suggested.columns["reference"] == "reference"
    assert suggested.columns["Ref"] == IGNORE
    assert suggested.mapped_twice() == []


def test_problems_name_missing_and_doubled_columns() -> None:
    mapping = ColumnMapping({"A": "reference", "B": "reference", "C": IGNORE})
    problems = mapping.problems()
    assert problems[0] == "Choose a column for crime_type, occurred_on (required)."
    assert problems[1] == "A and B are both mapped to reference: choose one."


def test_mapped_import_stores_the_same_records_as_our_headers(tmp_path: Path,
                                                              database: Database) -> None:
    ours = write_csv(tmp_path / "ours.csv", ROWS)
    theirs = write_theirs(tmp_path / "theirs.csv", ROWS, extra="Officer")
    summary = import_incidents(database, theirs, today=TODAY, mapping=their_mapping("Officer"))
    assert (summary.imported, summary.rejected, summary.unknown_columns) == (4, 0, ["Officer"])
    mapped = stored_records(database)

    other = open_database(tmp_path / "other.db")
    try:
        import_incidents(other, ours, today=TODAY)
        plain = stored_records(other)
    finally:
        other.close()

    def without_times(records: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
        # created/updated times differ between the two runs; everything else must not.
        return {table: [tuple(value for value in row if not hasattr(value, "microsecond"))
                        for row in rows] for table, rows in records.items()}

    assert without_times(mapped) == without_times(plain)
    assert sum(len(rows) for rows in mapped.values()) > 4
    # Reading the same file the same way again changes nothing: the fingerprints agree.
    again = import_incidents(database, theirs, today=TODAY, mapping=their_mapping("Officer"))
    assert (again.imported, again.unchanged) == (0, 4)


def test_mapped_errors_name_our_column_and_theirs_in_rejects(tmp_path: Path,
                                                             database: Database) -> None:
    theirs = write_theirs(tmp_path / "theirs.csv",
                          [burglary("B-1"), burglary("B-2", occurred_on="31/02/2024")])
    with pytest.raises(FileRefused) as caught:
        import_incidents(database, theirs, today=TODAY, mapping=their_mapping())
    assert [str(error) for error in caught.value.errors] == [
        "row 3: occurred_on: '31/02/2024' is not a date"]
    rejects = tmp_path / "rejects.csv"
    summary = import_incidents(database, theirs, today=TODAY, mapping=their_mapping(),
                               skip_invalid=True, rejects_path=rejects)
    assert (summary.imported, summary.rejected) == (1, 1)
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle))
    assert rejected[1][-1] == ("occurred_on (your column 'Date Occurred'): '31/02/2024' "
                               "is not a date")


def test_mapping_without_a_required_column_is_refused(tmp_path: Path,
                                                      database: Database) -> None:
    theirs = write_theirs(tmp_path / "theirs.csv", ROWS)
    columns = dict(their_mapping().columns)
    columns["Date Occurred"] = IGNORE
    with pytest.raises(FileRefused) as caught:
        import_incidents(database, theirs, today=TODAY, mapping=ColumnMapping(columns))
    assert [str(error) for error in caught.value.errors] == [
        "row 1: occurred_on: required column is missing: map one of your columns to it"]


def test_saved_mapping_is_offered_next_time(database: Database) -> None:
    headers = [THEIRS[name] for name in HEADER]
    with database.session() as session:
        offered, was_saved = offered_mapping(session, headers)
        assert not was_saved
        chosen = ColumnMapping({**offered.columns, "Notes": IGNORE})
        save_mapping(session, headers, chosen)
    # Same layout, other case and spacing: the same mapping, keyed by the new spelling.
    respelled = [f" {header.upper()}" for header in headers]
    with database.session() as session:
        offered, was_saved = offered_mapping(session, respelled)
        assert was_saved
        assert offered.column_for(" NOTES") == IGNORE
        assert offered.column_for("CRIME REF") == "reference"
        assert saved_mapping(session, headers[:-1]) is None
        names = session.scalars(select(Setting.name)).all()
    assert f"import_mapping:{header_signature(headers)}" in names


def test_preview_shows_headers_encoding_and_first_rows(tmp_path: Path) -> None:
    path = write_theirs(tmp_path / "theirs.csv", [burglary(f"B-{n}") for n in range(30)])
    preview = preview_incidents(path, rows=20)
    assert preview.headers[:3] == ["Crime Ref", "Type", "Date Occurred"]
    assert preview.encoding == "UTF-8"
    assert len(preview.rows) == 20
    assert preview.row_numbers[:2] == [2, 3]
    assert preview.rows[0][0] == "B-0"
    assert preview.needs_mapping
    assert preview.missing_required == ["reference", "crime_type", "occurred_on"]
    ours = preview_incidents(write_csv(tmp_path / "ours.csv", ROWS))
    assert not ours.needs_mapping
    assert ours.unknown_columns == []


def _counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        return (session.scalar(select(func.count()).select_from(ImportRun)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_check_lists_row_errors_and_writes_nothing(tmp_path: Path, database: Database) -> None:
    import_incidents(database, write_csv(tmp_path / "first.csv", [burglary("B-1")]),
                     today=TODAY)
    before, counts_before = stored_records(database), _counts(database)
    path = write_csv(tmp_path / "check.csv", [
        burglary("B-1", postcode="N3 1AB"),  # a conflict with the stored B-1
        burglary("B-2"), burglary("B-2"),  # the second is a repeat within the file
        dv("D-1", occurred_on="2099-01-01"), asb("A-1")])
    summary = check_incidents(database, path, today=TODAY, skip_invalid=True,
                              rejects_path=tmp_path / "never.csv")
    assert [(error.row, error.column) for error in summary.errors] == [
        (2, "reference"), (4, "reference"), (5, "occurred_on")]
    assert (summary.imported, summary.rejected, summary.conflicts) == (2, 3, 1)
    assert summary.checked_only and not summary.committed
    assert stored_records(database) == before
    assert _counts(database) == counts_before
    assert not (tmp_path / "never.csv").exists()
    assert list(tmp_path.glob("*.partial")) == []


def test_check_can_be_cancelled(tmp_path: Path, database: Database) -> None:
    path = write_csv(tmp_path / "check.csv", [burglary(f"B-{n}") for n in range(50)])
    before = stored_records(database)

    def cancel(_done: int, _total: int | None) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        check_incidents(database, path, today=TODAY, progress=cancel)
    assert stored_records(database) == before
    assert _counts(database) == (0, 0)
