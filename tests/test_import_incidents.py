"""Importing an incident file (formats.md "Incidents" and the CSV rules): whole files.

Every name, address and reference written here is invented; the public fixtures are synthetic.
Tests compare values through the database and never print personal data.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from sqlalchemy import func, select

from scs_victims.audit import IdRuns, events_for, record
from scs_victims.errors import Cancelled, FileRefused, InputRefused
from scs_victims.importing import incidents as incidents_module
from scs_victims.importing.csv_source import MAX_CELL_CHARS
from scs_victims.importing.incidents import ImportSummary, import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, AuditEvent, ImportRun, Incident, Person, Ward
from tests.helpers.records import stored_records

TODAY = date(2025, 6, 1)
HEADER = ["reference", "crime_type", "occurred_on", "reported_on", "victim_ref",
          "victim_forename", "victim_surname", "victim_dob", "victim_gender", "address_line1",
          "postcode", "uprn", "ward", "relationship", "source", "description"]
ROW_ERROR = re.compile(r"^row \d+: [a-z_0-9]+: \S")
COUNTED = (Incident, Person, Address, AuditEvent, ImportRun, Ward)


# --- helpers -------------------------------------------------------------------------------


def burglary(reference: str, **changes: str) -> dict[str, str]:
    return {"reference": reference, "crime_type": "burglary", "occurred_on": "2024-05-01",
            "address_line1": f"{len(reference)} Testing Road", "postcode": "N3 1AA",
            "source": "police", **changes}


def dv(reference: str, **changes: str) -> dict[str, str]:
    return {"reference": reference, "crime_type": "dv", "occurred_on": "2024-06-01",
            "victim_forename": "Quilla", "victim_surname": "Fictitia",
            "victim_dob": "1991-02-03", "victim_gender": "F", "address_line1": "9 Madeup Close",
            "postcode": "HA8 0AB", "relationship": "partner", **changes}


def asb(reference: str, **changes: str) -> dict[str, str]:
    return {"reference": reference, "crime_type": "asb", "occurred_on": "2024-04-02",
            "description": "Noise", **changes}


def write_csv(path: Path, rows: Iterable[dict[str, str]], header: Sequence[str] = HEADER, *,
              encoding: str = "utf-8", lineterminator: str = "\r\n") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator=lineterminator)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name.strip().lower(), "") for name in header])
    return path


def run(database: Database, path: Path, **options: Any) -> ImportSummary:
    options.setdefault("today", TODAY)
    return import_incidents(database, path, **options)


def refused(database: Database, path: Path, **options: Any) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        run(database, path, **options)
    return caught.value


def counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                or 0 for model in COUNTED}


def incidents_by_reference(database: Database) -> dict[str, Incident]:
    with database.session() as session:
        return {incident.reference: incident for incident in session.scalars(select(Incident))}


def error_strings(errors: Iterable[object]) -> list[str]:
    return sorted((str(error) for error in errors),
                  key=lambda text: int(text.split(":")[0].split()[1]))


def read_rejects(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def with_wards(database: Database, shared_data: Path) -> Database:
    load_wards(database, shared_data / "wards.csv")
    return database


@pytest.fixture
def populated(with_wards: Database, shared_data: Path) -> Database:
    """A database that already holds the small fixture, so 'unchanged' means something."""
    run(with_wards, shared_data / "incidents-small.csv")
    return with_wards


# --- the public fixtures import cleanly ----------------------------------------------------


def test_small_fixture_imports_whole(with_wards: Database, shared_data: Path) -> None:
    summary = run(with_wards, shared_data / "incidents-small.csv")
    assert (summary.rows_read, summary.imported, summary.unchanged, summary.rejected) == (
        20, 20, 0, 0)
    assert summary.errors == [] and summary.committed
    assert summary.encoding == "UTF-8" and summary.unknown_columns == []
    assert counts(with_wards)["incidents"] == 20


def test_medium_fixture_imports_whole(with_wards: Database, shared_data: Path) -> None:
    summary = run(with_wards, shared_data / "incidents-medium.csv")
    assert (summary.imported, summary.rejected) == (1500, 0)
    with with_wards.session() as session:
        run_row = session.scalars(select(ImportRun)).one()
        assert (run_row.rows_read, run_row.rows_imported, run_row.rows_rejected) == (1500, 1500, 0)


# --- whole file or nothing -----------------------------------------------------------------


def test_one_bad_row_refuses_the_whole_file_and_changes_nothing(populated: Database,
                                                                tmp_path: Path) -> None:
    before_counts, before = counts(populated), stored_records(populated)
    path = write_csv(tmp_path / "mixed.csv", [
        burglary("N-1"),
        burglary("N-2", occurred_on="31/02/2024"),
        dv("N-3"),
        asb("N-4", victim_gender="x", victim_forename="Quilla", victim_surname="Fictitia",
            victim_dob="1991-02-03"),
        burglary("N-5"),
    ])
    error = refused(populated, path)
    assert error_strings(error.errors) == [
        "row 3: occurred_on: '31/02/2024' is not a date",
        "row 5: victim_gender: 'x' is not one of female, male, other, unknown (or F, M)",
    ]
    assert all(ROW_ERROR.match(str(row_error)) for row_error in error.errors)
    assert "2 problems" in str(error) and "nothing was changed" in str(error)
    assert counts(populated) == before_counts
    assert stored_records(populated) == before
    assert not list(tmp_path.glob("*rejects*"))


def test_refusal_lists_every_error_with_excel_row_numbers(database: Database,
                                                          tmp_path: Path) -> None:
    rows = [burglary(f"E-{number}") for number in range(2, 20)]
    rows[12] = burglary("E-14", occurred_on="31/02/2024")  # Excel row 14
    rows[15] = burglary("E-17", postcode="", address_line1="")  # Excel row 17
    error = refused(database, write_csv(tmp_path / "rows.csv", rows))
    assert error_strings(error.errors) == [
        "row 14: occurred_on: '31/02/2024' is not a date",
        "row 17: address_line1: is required for a burglary unless uprn is given",
        "row 17: postcode: is required for a burglary unless uprn is given",
    ]
    assert counts(database)["incidents"] == 0


def test_row_after_a_multiline_cell_is_numbered_as_excel_shows(database: Database,
                                                               tmp_path: Path) -> None:
    path = write_csv(tmp_path / "multiline.csv", [
        burglary("M-1", description="first line\nsecond line\nthird line"),
        burglary("M-2", description="one\r\ntwo"),
        burglary("M-3", occurred_on="2024-02-30"),
    ])
    assert path.read_bytes().count(b"\n") > 5  # the file really has more lines than rows
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 4: occurred_on: '2024-02-30' is not a date"]


def test_blank_lines_count_as_excel_rows(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "blank-lines.csv"
    good = ",".join(burglary("BL-1").get(name, "") for name in HEADER)
    bad = ",".join(burglary("BL-2", occurred_on="nope").get(name, "") for name in HEADER)
    path.write_text(",".join(HEADER) + "\r\n" + good + "\r\n\r\n,,,\r\n" + bad + "\r\n",
                    encoding="utf-8")
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 5: occurred_on: 'nope' is not a date"]


def test_row_with_more_cells_than_the_header_is_an_error(database: Database,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("reference,crime_type,occurred_on\r\nW-1,asb,2024-01-01\r\n"
                    "W-2,asb,2024-01-01,surplus\r\nW-3,asb,2024-01-01,,\r\n", encoding="utf-8")
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 3: has 4 cells but the header has 3"]


def test_unreadable_file_is_refused_with_the_row_number(database: Database,
                                                        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "huge-cell.csv", [
        burglary("H-1"), burglary("H-2", description="x" * (MAX_CELL_CHARS + 1))])
    for skip_invalid in (False, True):
        error = refused(database, path, skip_invalid=skip_invalid)
        assert str(error).startswith("row 3: the file cannot be read past this row")
        assert [row_error.row for row_error in error.errors] == [3]
    assert counts(database)["incidents"] == 0
    assert not list(tmp_path.glob("*rejects*"))


def test_missing_file_is_refused(database: Database, tmp_path: Path) -> None:
    with pytest.raises(InputRefused):
        run(database, tmp_path / "absent.csv")


# --- skip invalid --------------------------------------------------------------------------


def test_skip_invalid_imports_valid_rows_and_writes_rejects(populated: Database,
                                                            tmp_path: Path) -> None:
    before = counts(populated)
    path = write_csv(tmp_path / "extract.csv", [
        burglary("S-1"),
        burglary("S-2", occurred_on="31/02/2024", description="kept, \"as\"\nwritten"),
        dv("S-3"),
        asb("S-4", source="fire", ward="Hendon"),
        asb("S-5", ward="hendon"),
    ])
    summary = run(populated, path, skip_invalid=True)
    assert (summary.rows_read, summary.imported, summary.unchanged, summary.rejected) == (
        5, 3, 0, 2)
    assert error_strings(summary.errors) == [
        "row 3: occurred_on: '31/02/2024' is not a date",
        "row 5: source: 'fire' is not one of police, council, housing, health, self, other",
    ]
    assert summary.rejects_path == tmp_path / "extract-rejects.csv"
    rejects = read_rejects(summary.rejects_path)
    assert rejects[0] == [*HEADER, "error"]
    with path.open(encoding="utf-8", newline="") as handle:
        original = list(csv.reader(handle))
    assert rejects[1] == [*original[2], "occurred_on: '31/02/2024' is not a date"]
    assert rejects[2] == [*original[4], "source: 'fire' is not one of police, council, "
                          "housing, health, self, other"]
    assert len(rejects) == 3
    assert set(incidents_by_reference(populated)) >= {"S-1", "S-3", "S-5"}
    assert not {"S-2", "S-4"} & set(incidents_by_reference(populated))
    after = counts(populated)
    assert after["incidents"] == before["incidents"] + 3
    assert after["import_runs"] == before["import_runs"] + 1
    with populated.session() as session:
        last = session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert last is not None
        assert (last.rows_read, last.rows_imported, last.rows_unchanged, last.rows_rejected) == (
            5, 3, 0, 2)
    assert not list(tmp_path.glob("*.partial"))


def test_skip_invalid_rejects_file_carries_every_error_of_a_row(database: Database,
                                                                tmp_path: Path) -> None:
    path = write_csv(tmp_path / "two-errors.csv", [
        burglary("T-1", occurred_on="bad", postcode="nope")])
    summary = run(database, path, skip_invalid=True,
                  rejects_path=tmp_path / "chosen-rejects.csv")
    assert summary.rejects_path == tmp_path / "chosen-rejects.csv"
    rejects = read_rejects(summary.rejects_path)
    assert rejects[1][-1] == (
        "occurred_on: 'bad' is not a date; postcode: 'nope' is not a UK postcode")
    assert not (tmp_path / "two-errors-rejects.csv").exists()


def test_skip_invalid_rejects_file_absent_when_nothing_rejected(database: Database,
                                                               tmp_path: Path) -> None:
    path = write_csv(tmp_path / "clean.csv", [burglary("C-1"), dv("C-2")])
    summary = run(database, path, skip_invalid=True)
    assert (summary.imported, summary.rejected) == (2, 0)
    assert summary.rejects_path is None
    assert not list(tmp_path.glob("*rejects*"))
    assert not list(tmp_path.glob("*.partial"))


def test_skip_invalid_with_every_row_bad(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "all-bad.csv", [burglary("A-1", crime_type="Theft"),
                                                 burglary("A-2", occurred_on="")])
    summary = run(database, path, skip_invalid=True)
    assert (summary.rows_read, summary.imported, summary.rejected) == (2, 0, 2)
    assert summary.committed
    assert summary.rejects_path is not None and len(read_rejects(summary.rejects_path)) == 3
    assert counts(database)["incidents"] == 0


def test_skip_invalid_keeps_rejects_of_a_short_row(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("reference,crime_type,occurred_on,description\r\nR-1,asb\r\n",
                    encoding="utf-8")
    summary = run(database, path, skip_invalid=True)
    assert summary.rejected == 1
    assert summary.rejects_path is not None
    assert read_rejects(summary.rejects_path)[1] == ["R-1", "asb", "occurred_on: is required"]


# --- re-import, conflicts, duplicates ------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(with_wards: Database,
                                                       shared_data: Path) -> None:
    path = shared_data / "incidents-small.csv"
    run(with_wards, path)
    before_counts, before = counts(with_wards), stored_records(with_wards)
    summary = run(with_wards, path)
    assert (summary.rows_read, summary.imported, summary.unchanged, summary.rejected) == (
        20, 0, 20, 0)
    assert stored_records(with_wards) == before
    after = counts(with_wards)
    # The only trace of the second run: its import_runs row and one 'import' audit event.
    assert after == {**before_counts, "import_runs": before_counts["import_runs"] + 1,
                     "audit_events": before_counts["audit_events"] + 1}
    with with_wards.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None and (last.action, last.entity) == ("import", "import_run")


def test_reimporting_the_medium_fixture_changes_nothing(with_wards: Database,
                                                        shared_data: Path) -> None:
    run(with_wards, shared_data / "incidents-medium.csv")
    before = stored_records(with_wards)
    summary = run(with_wards, shared_data / "incidents-medium.csv", skip_invalid=True)
    assert (summary.imported, summary.unchanged, summary.rejected) == (0, 1500, 0)
    assert summary.rejects_path is None
    assert stored_records(with_wards) == before


def test_an_import_names_every_record_it_created_once_in_runs_of_ids(
        database: Database, tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "one.csv",
                            [burglary("AU-1"), dv("AU-2"), asb("AU-3")]))
    with database.session() as session:
        run_ids = session.scalars(select(ImportRun.id).order_by(ImportRun.id)).all()
        events = session.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
                   AuditEvent.last_entity_id, AuditEvent.detail).order_by(AuditEvent.id)).all()
    detail = f'{{"import_run": {run_ids[0]}}}'
    # One run each: three incidents, two dwellings; a run of one names its record alone.
    assert events == [("insert", "person", 1, None, detail),
                      ("insert", "address", 1, 2, detail),
                      ("insert", "incident", 1, 3, detail),
                      ("import", "import_run", run_ids[0], None, ANY)]
    run(database, write_csv(tmp_path / "two.csv", [dv("AU-4"), asb("AU-5", victim_ref="V9")]))
    with database.session() as session:
        for model, entity in ((Incident, "incident"), (Person, "person"),
                              (Address, "address")):
            for record_id, import_id in session.execute(select(model.id, model.import_id)):
                inserts = [event for event in events_for(session, entity, record_id)
                           if event.action == "insert"]
                assert [event.detail for event in inserts] == [
                    f'{{"import_run": {import_id}}}'], (entity, record_id)


def test_id_runs_join_consecutive_ids_only() -> None:
    created = IdRuns()
    created.add([4, 5, 6])
    created.add([7, 9])
    created.add([10, 3])
    assert created.runs == [(4, 7), (9, 10), (3, 3)]
    assert len(created) == 7


@pytest.mark.parametrize("chunks", [
    [range(4, 7), range(7, 8), [9], range(10, 12), range(3, 4), range(5, 5), [4, 5]],
    [[4, 5, 6], range(7, 8), range(9, 10), [10, 11], [3], range(4, 6)],
])
def test_id_runs_of_ranges_join_as_the_same_ids_one_by_one(chunks: list[Any]) -> None:
    """Ranges (a bulk load's ids) are joined in one step: the runs are those of their ids
    added one by one."""
    by_range, one_by_one = IdRuns(), IdRuns()
    for chunk in chunks:
        by_range.add(chunk)
        one_by_one.add(list(chunk))
    assert by_range.runs == one_by_one.runs == [(4, 7), (9, 11), (3, 5)]


def test_a_records_events_are_its_own_and_the_runs_that_include_it(
        database: Database, tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "one.csv", [dv("AU-1"), dv("AU-2"), dv("AU-3")]))
    with database.session() as session:
        record(session, "update", "incident", 2, {"source": "police"})
        record(session, "update", "incident", 3, {"source": "council"})
    with database.session() as session:
        assert [(e.action, e.entity_id, e.last_entity_id)
                for e in events_for(session, "incident", 2)] == [("insert", 1, 3),
                                                                 ("update", 2, None)]
        assert [e.action for e in events_for(session, "incident", 1)] == ["insert"]
        assert [e.action for e in events_for(session, "incident", 3)] == ["insert", "update"]
        assert events_for(session, "incident", 4) == []
        assert events_for(session, "person", 2) == []


def test_same_reference_written_differently_is_unchanged(database: Database,
                                                         tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "iso.csv", [
        burglary("U-1", occurred_on="2024-05-01", postcode="N3 1AA"),
        dv("U-2", occurred_on="2024-06-01 14:05", victim_dob="1991-02-03", postcode="HA8 0AB",
           victim_gender="female", relationship="partner"),
    ]))
    before = stored_records(database)
    reordered = list(reversed(HEADER)) + ["Extra Column"]
    summary = run(database, write_csv(tmp_path / "uk.csv", [
        burglary("U-1", occurred_on="1/5/2024", postcode="n31aa"),
        dv(" U-2 ", occurred_on="01/06/2024 14:05", victim_dob="3/2/1991", postcode="ha80ab",
           victim_gender="F", relationship="Partner"),
    ], header=reordered))
    assert (summary.imported, summary.unchanged, summary.rejected) == (0, 2, 0)
    assert stored_records(database) == before


def test_same_reference_with_a_different_field_is_a_conflict(database: Database,
                                                             tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "first.csv", [burglary("K-1"), burglary("K-2")]))
    before = stored_records(database)
    path = write_csv(tmp_path / "second.csv", [burglary("K-1"),
                                                burglary("K-2", occurred_on="2024-05-02")])
    error = refused(database, path)
    assert len(error.errors) == 1
    text = str(error.errors[0])
    assert text.startswith("row 3: reference: 'K-2' is already in the database with different "
                           "details (a conflict)")
    assert stored_records(database) == before
    summary = run(database, path, skip_invalid=True)
    assert (summary.imported, summary.unchanged, summary.rejected) == (0, 1, 1)
    assert incidents_by_reference(database)["K-2"].occurred_on == date(2024, 5, 1)


# What an import made before case_ref and hate_motivated existed stored for these rows (the
# checker of that version computed them): the new columns must not change a row without them.
OLD_CONTENT_HASHES = {"OLD-B1": "638a1b3716a700319a7b81757f88d0d36fbe4ec9",
                      "OLD-D1": "aad5761b8edbe88fd3601114f746c606f114aa0b",
                      "OLD-A1": "6c14bf77b6d9ef80f5b4d43b808a6f28febf78a5"}
NEW_COLUMNS = ["case_ref", "hate_motivated"]


def test_a_file_imported_before_the_new_columns_reimports_unchanged(
        database: Database, tmp_path: Path) -> None:
    rows = [burglary("OLD-B1"), dv("OLD-D1"), asb("OLD-A1")]
    old_file = write_csv(tmp_path / "old.csv", rows)
    first = run(database, old_file)
    assert first.imported == 3
    stored = incidents_by_reference(database)
    assert {reference: incident.content_hash for reference, incident in stored.items()} == \
        OLD_CONTENT_HASHES
    assert all(incident.case_ref is None and incident.hate_motivated is None
               for incident in stored.values())
    before = stored_records(database)
    for path in (old_file, write_csv(tmp_path / "blank-new-columns.csv", rows,
                                     header=[*HEADER, *NEW_COLUMNS])):
        summary = run(database, path)
        assert (summary.imported, summary.unchanged, summary.rejected) == (0, 3, 0)
        assert summary.unknown_columns == []
    assert stored_records(database) == before
    # CHOICE (README): a row that now says more than was stored is another row, a conflict.
    summary = run(database, write_csv(tmp_path / "hate.csv", [
        *rows[:2], {**rows[2], "hate_motivated": "N"}], header=[*HEADER, *NEW_COLUMNS]),
        skip_invalid=True)
    assert (summary.unchanged, summary.conflicts) == (2, 1)


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "checking-process"])
def test_case_ref_and_hate_motivated_are_imported(database: Database, tmp_path: Path,
                                                  parallel: bool) -> None:
    path = write_csv(tmp_path / "new.csv", [
        asb("N-1", case_ref=" ASB/2024/17 ", hate_motivated="Yes"),
        asb("N-2", case_ref="ASB/2024/17", hate_motivated="0"),
        dv("N-3", hate_motivated="")], header=[*HEADER, *NEW_COLUMNS])
    summary = run(database, path, parallel=parallel)
    assert summary.imported == 3
    stored = {reference: (incident.case_ref, incident.hate_motivated)
              for reference, incident in incidents_by_reference(database).items()}
    assert stored == {"N-1": ("ASB/2024/17", True), "N-2": ("ASB/2024/17", False),
                      "N-3": (None, None)}
    again = run(database, path, parallel=parallel)
    assert (again.imported, again.unchanged) == (0, 3)
    error = refused(database, write_csv(tmp_path / "bad.csv", [
        asb("N-4", hate_motivated="maybe", case_ref="C" * 101)],
        header=[*HEADER, *NEW_COLUMNS]))
    assert error_strings(error.errors) == [
        "row 2: case_ref: is longer than 100 characters",
        "row 2: hate_motivated: 'maybe' is not Y or N (also Yes/No, True/False, 1/0)"]


@pytest.mark.parametrize("batch_rows", [2000, 1], ids=["one-batch", "batch-per-row"])
def test_reference_twice_in_one_file_is_an_error_on_the_second_row(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        batch_rows: int) -> None:
    monkeypatch.setattr(incidents_module, "BATCH_ROWS", batch_rows)
    path = write_csv(tmp_path / "twice.csv", [burglary("D-1"), burglary("D-2"),
                                              burglary("D-1", description="again")])
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 4: reference: 'D-1' appears on an earlier row of this file"]
    summary = run(database, path, skip_invalid=True)
    assert (summary.imported, summary.rejected) == (2, 1)
    assert incidents_by_reference(database)["D-1"].description is None


@pytest.mark.parametrize("batch_rows", [2000, 1], ids=["one-batch", "batch-per-row"])
def test_reference_twice_when_the_first_row_is_invalid(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        batch_rows: int) -> None:
    monkeypatch.setattr(incidents_module, "BATCH_ROWS", batch_rows)
    path = write_csv(tmp_path / "first-bad.csv", [burglary("F-1", occurred_on="bad"),
                                                  burglary("F-1")])
    error = refused(database, path)
    assert error_strings(error.errors) == [
        "row 2: occurred_on: 'bad' is not a date",
        "row 3: reference: 'F-1' appears on an earlier row of this file",
    ]
    summary = run(database, path, skip_invalid=True)
    assert (summary.imported, summary.rejected) == (0, 2)
    assert counts(database)["incidents"] == 0


@pytest.mark.parametrize("batch_rows", [2000, 1], ids=["one-batch", "batch-per-row"])
def test_reference_twice_when_the_second_row_is_invalid_keeps_the_first(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        batch_rows: int) -> None:
    monkeypatch.setattr(incidents_module, "BATCH_ROWS", batch_rows)
    path = write_csv(tmp_path / "second-bad.csv", [burglary("G-1"),
                                                   burglary("G-1", occurred_on="bad")])
    error = refused(database, path)
    assert [row_error.row for row_error in error.errors] == [3]
    summary = run(database, path, skip_invalid=True)
    assert (summary.imported, summary.rejected) == (1, 1)
    assert "G-1" in incidents_by_reference(database)


def test_reference_twice_in_a_file_whose_reference_is_already_stored(database: Database,
                                                                     tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "stored.csv", [burglary("Q-1")]))
    path = write_csv(tmp_path / "again-twice.csv", [burglary("Q-1"), burglary("Q-1")])
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 3: reference: 'Q-1' appears on an earlier row of this file"]


def test_reimport_of_a_file_with_a_duplicate_gives_the_same_rejects(database: Database,
                                                                    tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dupes.csv", [burglary("Z-1"), burglary("Z-1")])
    first = run(database, path, skip_invalid=True)
    second = run(database, path, skip_invalid=True)
    assert (first.imported, first.unchanged, first.rejected) == (1, 0, 1)
    assert (second.imported, second.unchanged, second.rejected) == (0, 1, 1)


def test_conflicting_row_then_its_duplicate(database: Database, tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "stored.csv", [burglary("CF-1")]))
    path = write_csv(tmp_path / "conflict-twice.csv", [
        burglary("CF-1", source="council"), burglary("CF-1", source="council")])
    error = refused(database, path)
    assert [str(row_error).split("'CF-1' ")[1][:14] for row_error in error.errors] == [
        "is already in ", "appears on an "]


# --- encodings and the shape of the file ---------------------------------------------------


def test_utf8_with_bom(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [dv("BOM-1", victim_forename="Zoë")],
                     encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfreference,")
    summary = run(database, path)
    assert (summary.encoding, summary.imported, summary.unknown_columns) == ("UTF-8", 1, [])
    with database.session() as session:
        assert session.scalar(select(Person.forename)) == "Zoë"


def test_utf8_without_bom(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plain.csv", [dv("U8-1", victim_forename="Zoë",
                                                 description="“curly” — dash")])
    summary = run(database, path)
    assert (summary.encoding, summary.imported) == ("UTF-8", 1)
    assert incidents_by_reference(database)["U8-1"].description == "“curly” — dash"


def test_windows_1252_is_read_and_reported(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "excel.csv", [dv("W-1", victim_forename="Zoë",
                                                 description="it’s £5 – “quoted”")],
                     encoding="cp1252")
    assert b"Zo\xeb" in path.read_bytes()
    summary = run(database, path)
    assert (summary.encoding, summary.imported) == ("Windows-1252", 1)
    assert incidents_by_reference(database)["W-1"].description == "it’s £5 – “quoted”"
    with database.session() as session:
        assert session.scalar(select(Person.forename)) == "Zoë"
        assert session.scalar(select(ImportRun.encoding)) == "Windows-1252"


def test_windows_1252_and_utf8_spellings_are_one_person(database: Database,
                                                        tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "a.csv", [dv("P-1", victim_forename="Zoë")],
                            encoding="cp1252"))
    run(database, write_csv(tmp_path / "b.csv", [dv("P-2", victim_forename="Zoë")]))
    found = incidents_by_reference(database)
    assert found["P-1"].victim_id == found["P-2"].victim_id is not None


@pytest.mark.parametrize("lineterminator", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_line_endings(database: Database, tmp_path: Path, lineterminator: str) -> None:
    path = write_csv(tmp_path / "endings.csv", [burglary("L-1"), burglary("L-2"),
                                                burglary("L-3", description="a\nb")],
                     lineterminator=lineterminator)
    assert (b"\r\n" in path.read_bytes()) == (lineterminator == "\r\n")
    summary = run(database, path)
    assert summary.imported == 3
    found = incidents_by_reference(database)
    assert found["L-1"].reference == "L-1"  # no stray '\r' on the last cell or the reference
    assert found["L-1"].source == "police"
    assert found["L-3"].description == "a\nb"


def test_header_case_and_surrounding_spaces(database: Database, tmp_path: Path) -> None:
    header = ["  Reference ", "CRIME_TYPE", " Occurred_On", "Address_Line1 ", " POSTCODE "]
    path = tmp_path / "header.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["HC-1", "Burglary", "2024-05-01", "1 Testing Road", "N3 1AA"])
    summary = run(database, path)
    assert (summary.imported, summary.unknown_columns) == (1, [])
    assert incidents_by_reference(database)["HC-1"].address_id is not None


def test_columns_in_any_order(database: Database, tmp_path: Path) -> None:
    header = ["postcode", "description", "occurred_on", "address_line1", "crime_type",
              "reference"]
    path = write_csv(tmp_path / "reordered.csv", [burglary("O-1", description="reordered")],
                     header=header)
    summary = run(database, path)
    assert summary.imported == 1
    incident = incidents_by_reference(database)["O-1"]
    assert (incident.crime_type, incident.occurred_on, incident.description) == (
        "burglary", date(2024, 5, 1), "reordered")


def test_unknown_columns_are_ignored_and_listed(database: Database, tmp_path: Path) -> None:
    header = ["reference", " Officer Notes ", "crime_type", "occurred_on", "EXTRA", ""]
    path = tmp_path / "unknown.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["UC-1", "not imported", "asb", "2024-05-01", "x", "y"])
    summary = run(database, path)
    assert summary.imported == 1
    assert summary.unknown_columns == ["Officer Notes", "EXTRA"]


def test_multiline_quoted_description_is_kept_verbatim(database: Database,
                                                       tmp_path: Path) -> None:
    text = '  Line one, with a comma\r\nline "two"\n\nline four  '
    path = write_csv(tmp_path / "verbatim.csv", [asb("V-1", description=text), asb("V-2")])
    assert run(database, path).imported == 2
    assert incidents_by_reference(database)["V-1"].description == text


def test_formula_like_description_is_kept_verbatim(database: Database,
                                                   shared_data: Path) -> None:
    run(database, shared_data / "incidents-small.csv")
    assert incidents_by_reference(database)["A4"].description == (
        '=HYPERLINK("http://example.invalid","fly-tipping")')


@pytest.mark.parametrize("missing", ["reference", "crime_type", "occurred_on"])
def test_missing_required_column_refuses_the_file(database: Database, tmp_path: Path,
                                                  missing: str) -> None:
    header = [name for name in HEADER if name != missing]
    error = refused(database, write_csv(tmp_path / "missing.csv", [burglary("MC-1")],
                                        header=header))
    assert [str(row_error) for row_error in error.errors] == [
        f"row 1: {missing}: required column is missing"]
    assert counts(database)["import_runs"] == 0


def test_column_twice_in_the_header_refuses_the_file(database: Database,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("reference,crime_type,occurred_on,Reference\r\nX,asb,2024-01-01,Y\r\n",
                    encoding="utf-8")
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 1: reference: this column appears twice in the header"]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf"], ids=["empty", "bom-only"])
def test_empty_file_is_refused(database: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    error = refused(database, path)
    assert "empty" in str(error)
    assert counts(database)["import_runs"] == 0


def test_header_only_imports_nothing(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "header-only.csv", [])
    summary = run(database, path, skip_invalid=True)
    assert (summary.rows_read, summary.imported, summary.unchanged, summary.rejected) == (
        0, 0, 0, 0)
    assert summary.rejects_path is None
    assert counts(database)["incidents"] == 0


# --- wards in the incident file ------------------------------------------------------------


def test_ward_must_be_a_loaded_ward(with_wards: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wards.csv", [burglary("WD-1", ward="hendon"),
                                              burglary("WD-2", ward="Nowhere Ward")])
    error = refused(with_wards, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 3: ward: 'Nowhere Ward' is not one of the area's wards"]
    summary = run(with_wards, path, skip_invalid=True)
    assert summary.imported == 1
    with with_wards.session() as session:
        hendon = session.scalar(select(Ward.id).where(Ward.name == "Hendon"))
    assert incidents_by_reference(with_wards)["WD-1"].ward_id == hendon
    assert counts(with_wards)["wards"] == 21


def test_any_ward_is_accepted_and_created_when_none_are_loaded(database: Database,
                                                               tmp_path: Path) -> None:
    path = write_csv(tmp_path / "new-wards.csv", [
        burglary("NW-1", ward="Testford North"), burglary("NW-2", ward="TESTFORD NORTH"),
        burglary("NW-3", ward="Testford South"), burglary("NW-4")])
    assert run(database, path).imported == 4
    with database.session() as session:
        wards = session.execute(select(Ward.name, Ward.id).order_by(Ward.position)).all()
    assert [name for name, _ in wards] == ["Testford North", "Testford South"]
    found = incidents_by_reference(database)
    assert found["NW-1"].ward_id == found["NW-2"].ward_id == wards[0][1]
    assert found["NW-3"].ward_id == wards[1][1]
    assert found["NW-4"].ward_id is None


def test_wards_created_by_an_import_do_not_restrict_the_next_one(database: Database,
                                                                 tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "one.csv", [burglary("WA-1", ward="Testford North")]))
    summary = run(database, write_csv(tmp_path / "two.csv",
                                      [burglary("WA-2", ward="Testford East")]))
    assert summary.imported == 1


# --- linking (definitions §2) through the small fixture -------------------------------------


def test_small_fixture_identity_cases_link_people_and_addresses(database: Database,
                                                               shared_data: Path) -> None:
    run(database, shared_data / "incidents-small.csv")
    found = incidents_by_reference(database)

    def victim(reference: str) -> int | None:
        return found[reference].victim_id

    def address(reference: str) -> int | None:
        return found[reference].address_id

    # Same victim: name spellings with one date of birth written two ways.
    assert victim("D1") is not None and victim("D1") == victim("D2") == victim("D3")
    # No date of birth: keyed by postcode, so another postcode is another person.
    assert victim("D4") is not None and victim("D4") == victim("D5") != victim("D6")
    assert victim("D6") is not None
    # One victim_ref in two cases (P123 / p123), whatever the surname says.
    assert victim("D7") is not None and victim("D7") == victim("D8")
    assert victim("D9") is not None and victim("D9") == victim("D10")
    assert victim("A1") is not None and victim("A1") == victim("A2") == victim("A3")
    assert len({victim(r) for r in ("D1", "D4", "D6", "D7", "D9", "A1")}) == 6
    # Environmental ASB and burglaries have no victim.
    assert victim("A4") is None
    assert all(victim(f"B{n}") is None for n in range(1, 7))
    # Dwellings: abbreviations and postcode spacing (B1/B2, B3/B4), UPRN leading zeros (B5/B6).
    assert address("B1") is not None and address("B1") == address("B2")
    assert address("B3") is not None and address("B3") == address("B4")
    assert address("B5") is not None and address("B5") == address("B6")
    assert len({address(f"B{n}") for n in (1, 3, 5)}) == 3
    assert address("A1") == address("A3")  # '14 Park Avenue' and '14 Park Ave'
    # Perpetrator named without a date of birth: kept as a name, not a person.
    assert found["D1"].perpetrator_id is None and found["D1"].perpetrator_name
    counted = counts(database)
    assert (counted["people"], counted["addresses"]) == (6, 10)


def test_burglary_subject_is_the_address_and_dv_subject_the_victim(database: Database,
                                                                  shared_data: Path) -> None:
    run(database, shared_data / "incidents-small.csv")
    found = incidents_by_reference(database)
    assert found["B6"].subject_id == found["B6"].address_id
    assert found["D2"].subject_id == found["D2"].victim_id
    # B6 is one day more than twelve months after B5; B2 exactly twelve months after B1.
    assert found["B2"].is_repeat and not found["B6"].is_repeat


def test_people_and_addresses_link_across_imports(database: Database, tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "a.csv", [dv("X-1"), burglary("X-2", uprn="00123")]))
    run(database, write_csv(tmp_path / "b.csv", [
        dv("X-3", victim_forename="QUILLA", victim_surname="fictitia", victim_dob="3/2/1991"),
        burglary("X-4", uprn="123", address_line1="", postcode="")]))
    found = incidents_by_reference(database)
    assert found["X-1"].victim_id == found["X-3"].victim_id is not None
    assert found["X-2"].address_id == found["X-4"].address_id is not None
    assert found["X-3"].is_repeat and found["X-4"].is_repeat


# --- progress and cancelling ---------------------------------------------------------------


def test_progress_reports_increasing_byte_counts(with_wards: Database,
                                                 shared_data: Path) -> None:
    path = shared_data / "incidents-medium.csv"
    size = path.stat().st_size
    calls: list[tuple[int, int | None]] = []
    run(with_wards, path, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, size)
    assert calls[-1] == (size, size)
    assert len(calls) > 2  # intermediate reports on a 1,500-row file
    done = [call[0] for call in calls]
    assert done == sorted(done)
    assert all(total == size and 0 <= count <= size for count, total in calls)


@pytest.mark.parametrize("cancel_at", ["first", "middle", "last"])
def test_cancel_from_progress_changes_nothing(populated: Database, shared_data: Path,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              cancel_at: str) -> None:
    monkeypatch.setattr(incidents_module, "BATCH_ROWS", 100)  # batches written before cancel
    path = shared_data / "incidents-medium.csv"
    size = path.stat().st_size
    before_counts, before = counts(populated), stored_records(populated)
    calls: list[int] = []

    def progress(done: int, total: int | None) -> None:
        assert total == size
        calls.append(done)
        if ((cancel_at == "first" and len(calls) == 1)
                or (cancel_at == "middle" and len(calls) == 2)
                or (cancel_at == "last" and done == size)):
            raise Cancelled("stopped by the user")

    rejects = tmp_path / "cancelled-rejects.csv"
    with pytest.raises(Cancelled):
        run(populated, path, progress=progress, skip_invalid=True, rejects_path=rejects)
    assert counts(populated) == before_counts
    assert stored_records(populated) == before
    assert not rejects.exists()
    assert not list(tmp_path.glob("*.partial"))


# --- dates relative to today ---------------------------------------------------------------


def test_future_dates_are_judged_against_today(database: Database, tmp_path: Path) -> None:
    tomorrow = TODAY + timedelta(days=1)
    path = write_csv(tmp_path / "future.csv", [
        burglary("FU-1", occurred_on=TODAY.isoformat()),
        burglary("FU-2", occurred_on=tomorrow.strftime("%d/%m/%Y")),
        dv("FU-3", victim_dob=tomorrow.isoformat()),
    ])
    error = refused(database, path)
    assert error_strings(error.errors) == [
        f"row 3: occurred_on: '{tomorrow:%d/%m/%Y}' is in the future",
        f"row 4: victim_dob: '{tomorrow.isoformat()}' is in the future",
    ]


def test_reported_before_occurred_is_refused_in_a_file(database: Database,
                                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "reported.csv", [
        burglary("RP-1", occurred_on="2024-05-01", reported_on="30/04/2024")])
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 2: reported_on: '30/04/2024' is before occurred_on"]


# --- large-load paths, forced on a small file ---------------------------------------------


@pytest.mark.parametrize(("parallel", "defer_indexes"), [(True, False), (False, True),
                                                          (True, True)])
def test_large_load_paths_give_the_same_figures(tmp_path: Path, shared_data: Path,
                                                parallel: bool, defer_indexes: bool) -> None:
    """Checking rows in a parsing process and building indexes afterwards change nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from scs_victims.domain.periods import PeriodKind, periods_between
    from scs_victims.exports import figures_csv_text
    from scs_victims.figures import compute_figures
    from scs_victims.importing.wards import load_wards
    from scs_victims.storage.database import open_database
    from scs_victims.storage.models import Base

    db = open_database(tmp_path / "large.db")
    try:
        load_wards(db, shared_data / "wards.csv")
        import_incidents(db, shared_data / "incidents-medium.csv", parallel=parallel,
                         defer_indexes=defer_indexes)
        periods = periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.QUARTER)
        with db.session() as session:
            text = figures_csv_text(compute_figures(session, periods, by_ward=True))
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        db.close()
    expected = (shared_data / "expected-figures-medium.csv").read_bytes().decode("utf-8")
    assert text == expected


def test_a_file_of_many_bad_rows_keeps_only_the_first_errors_in_memory(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat however many rows are bad; the count is still exact."""
    from scs_victims.importing import incidents as importer

    monkeypatch.setattr(importer, "MAX_KEPT_ERRORS", 5)
    path = tmp_path / "bad.csv"
    path.write_text("reference,crime_type,occurred_on\n"
                    + "".join(f"B{index},dv,31/02/2024\n" for index in range(40)),
                    encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        import_incidents(database, path)
    assert refused.value.total == 40 * 2  # each row: an impossible date and no linkable victim
    assert len(refused.value.errors) == 5
    assert "80 problems" in str(refused.value)
