"""Loading the ward list (formats.md "Wards"): replaces the list, whole file or nothing.

Ward names other than the public fixture's are invented.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from scs_victims.errors import FileRefused
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, AuditEvent, Incident, Ward

HEADER = ("ward", "code", "population", "households")


def write_wards(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, *,
                encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def wards(database: Database) -> list[tuple[Any, ...]]:
    with database.session() as session:
        return [tuple(row) for row in session.execute(
            select(Ward.name, Ward.code, Ward.population, Ward.households)
            .order_by(Ward.position))]


def ward_ids(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {name: ward_id for name, ward_id in session.execute(select(Ward.name, Ward.id))}


def refused(database: Database, path: Path) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        load_wards(database, path)
    return caught.value


def import_burglary_in(database: Database, tmp_path: Path, ward: str, reference: str) -> None:
    path = tmp_path / f"{reference}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "crime_type", "occurred_on", "address_line1", "postcode",
                         "ward"])
        writer.writerow([reference, "burglary", "2024-05-01", "1 Testing Road", "N3 1AA", ward])
    assert import_incidents(database, path, today=date(2025, 6, 1)).imported == 1


THREE = [["Testford North", "E05000001", "12000", "5000"],
         ["Testford South", "E05000002", "9000", "4000"],
         ["Testford East", "", "", ""]]


def test_load_the_public_ward_file(database: Database, shared_data: Path) -> None:
    summary = load_wards(database, shared_data / "wards.csv")
    assert (summary.added, summary.updated, summary.removed) == (21, 0, 0)
    assert summary.encoding == "UTF-8" and summary.unknown_columns == []
    loaded = wards(database)
    assert len(loaded) == 21
    assert loaded[0] == ("Brunswick Park", None, 15949, 5907)  # file order kept
    assert ("Hale", None, 14107, None) in loaded  # Hale has no household count
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.entity == "ward")) == 21


def test_load_keeps_code_and_blank_counts(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w.csv", THREE))
    assert wards(database) == [("Testford North", "E05000001", 12000, 5000),
                               ("Testford South", "E05000002", 9000, 4000),
                               ("Testford East", None, None, None)]


def test_reload_with_changed_populations_updates(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE))
    ids = ward_ids(database)
    changed = [["Testford North", "E05000001", "12500", "5000"],
               ["Testford South", "E05000002", "9000", "4100"],
               ["Testford East", "", "", ""]]
    summary = load_wards(database, write_wards(tmp_path / "w2.csv", changed))
    assert (summary.added, summary.updated, summary.removed) == (0, 2, 0)
    assert wards(database)[:2] == [("Testford North", "E05000001", 12500, 5000),
                                   ("Testford South", "E05000002", 9000, 4100)]
    assert ward_ids(database) == ids  # the same wards, updated in place
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "update")) == 2


def test_reload_of_the_same_file_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = write_wards(tmp_path / "w.csv", THREE)
    load_wards(database, path)
    summary = load_wards(database, path)
    assert (summary.added, summary.updated, summary.removed) == (0, 0, 0)
    assert [row[0] for row in wards(database)] == [row[0] for row in THREE]


def test_reload_matches_names_case_insensitively_and_keeps_new_order(database: Database,
                                                                    tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE))
    ids = ward_ids(database)
    reordered = [["testford east", "", "", ""], THREE[0], THREE[1]]
    summary = load_wards(database, write_wards(tmp_path / "w2.csv", reordered))
    assert (summary.added, summary.removed) == (0, 0)
    assert [row[0] for row in wards(database)] == ["testford east", "Testford North",
                                                   "Testford South"]
    assert ward_ids(database)["testford east"] == ids["Testford East"]


def test_duplicate_ward_names_are_refused(database: Database, tmp_path: Path) -> None:
    path = write_wards(tmp_path / "dupes.csv", [*THREE, [" TESTFORD NORTH ", "", "1", "1"]])
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 5: ward: 'TESTFORD NORTH' is already on row 2"]
    assert wards(database) == []


@pytest.mark.parametrize(("column", "value"), [
    ("population", "many"), ("population", "-5"), ("population", "12.5"),
    ("population", "1e4"), ("households", "lots"), ("households", "٣"),
])
def test_non_numeric_counts_are_refused_with_row_and_column(database: Database, tmp_path: Path,
                                                            column: str, value: str) -> None:
    load_wards(database, write_wards(tmp_path / "before.csv", THREE))
    before = wards(database)
    rows = [list(row) for row in THREE]
    rows[1][HEADER.index(column)] = value
    error = refused(database, write_wards(tmp_path / "bad.csv", rows))
    assert [str(row_error) for row_error in error.errors] == [
        f"row 3: {column}: '{value}' is not a whole number"]
    assert wards(database) == before


def test_counts_with_thousands_separators_are_whole_numbers(database: Database,
                                                            tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w.csv", [["Testford North", "", "15,949",
                                                           " 5907 "]]))
    assert wards(database) == [("Testford North", None, 15949, 5907)]


def test_every_problem_in_a_ward_file_is_listed(database: Database, tmp_path: Path) -> None:
    path = write_wards(tmp_path / "bad.csv", [
        ["", "", "1", "1"], ["Testford North", "", "x", "y"], ["Testford North", "", "", ""]])
    error = refused(database, path)
    assert [str(row_error) for row_error in error.errors] == [
        "row 2: ward: is required",
        "row 3: population: 'x' is not a whole number",
        "row 3: households: 'y' is not a whole number",
        "row 4: ward: 'Testford North' is already on row 3",
    ]


def test_ward_column_is_required(database: Database, tmp_path: Path) -> None:
    error = refused(database, write_wards(tmp_path / "w.csv", [["X", "1"]],
                                          header=("name", "population")))
    assert [str(row_error) for row_error in error.errors] == [
        "row 1: ward: required column is missing"]


def test_ward_file_without_wards_is_refused(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w.csv", THREE))
    with pytest.raises(FileRefused, match="lists no wards"):
        load_wards(database, write_wards(tmp_path / "empty.csv", []))
    assert len(wards(database)) == 3


def test_ward_header_case_spaces_and_unknown_columns(database: Database,
                                                     tmp_path: Path) -> None:
    path = write_wards(tmp_path / "w.csv", [["12000", "Testford North", "note"]],
                       header=(" Population", "WARD ", "Notes"))
    summary = load_wards(database, path)
    assert summary.unknown_columns == ["Notes"]
    assert wards(database) == [("Testford North", None, 12000, None)]


def test_ward_file_in_windows_1252(database: Database, tmp_path: Path) -> None:
    path = write_wards(tmp_path / "w.csv", [["Testford Höhe", "", "10", "5"]], encoding="cp1252")
    summary = load_wards(database, path)
    assert summary.encoding == "Windows-1252"
    assert wards(database)[0][0] == "Testford Höhe"


def test_removing_a_ward_used_by_incidents_is_refused(database: Database,
                                                      tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE))
    import_burglary_in(database, tmp_path, "testford south", "WB-1")
    before = wards(database)
    error = refused(database, write_wards(tmp_path / "w2.csv", [THREE[0], THREE[2]]))
    assert "Testford South (1 incidents)" in str(error)
    assert "Testford East" not in str(error)
    assert wards(database) == before


def test_removing_an_unused_ward_works(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE))
    import_burglary_in(database, tmp_path, "Testford North", "WB-2")
    summary = load_wards(database, write_wards(tmp_path / "w2.csv", [THREE[0], THREE[1]]))
    assert (summary.added, summary.updated, summary.removed) == (0, 0, 1)
    assert [row[0] for row in wards(database)] == ["Testford North", "Testford South"]
    with database.session() as session:
        incident = session.scalars(select(Incident)).one()
        address = session.get(Address, incident.address_id)
        assert address is not None
        assert incident.ward_id == address.ward_id == ward_ids(database)["Testford North"]


def test_removing_a_ward_only_an_address_uses_detaches_the_address(database: Database,
                                                                   tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE))
    import_burglary_in(database, tmp_path, "Testford East", "WB-3")
    with database.session() as session:
        incident = session.scalars(select(Incident)).one()
        incident.ward_id = None  # the incident moved out; its address still says East
    summary = load_wards(database, write_wards(tmp_path / "w2.csv", THREE[:2]))
    assert summary.removed == 1
    with database.session() as session:
        assert session.scalar(select(Address.ward_id)) is None


def test_adding_wards_on_reload(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w1.csv", THREE[:1]))
    summary = load_wards(database, write_wards(tmp_path / "w2.csv", THREE))
    assert (summary.added, summary.updated, summary.removed) == (2, 0, 0)
    assert len(wards(database)) == 3
