"""The incident list for analysts: one row per incident, its repeat flag and reason."""

from __future__ import annotations

import csv
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import Cancelled, UserError
from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.reports.incident_list import (
    LIST_COLUMNS,
    count_incidents,
    export_incident_list,
    listed_incidents,
)
from scs_victims.services.incidents import explain_incident
from scs_victims.spreadsheets import FORMULA_TRIGGERS, SafeCsvWriter
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident
from tests.conftest import SHARED_DATA
from tests.helpers.cli import run_cli

FIRST, LAST = date(2023, 4, 1), date(2025, 3, 31)
TODAY = date(2025, 6, 1)


@pytest.fixture
def small(database: Database) -> Database:
    load_wards(database, SHARED_DATA / "wards.csv")
    import_incidents(database, SHARED_DATA / "incidents-small.csv", today=TODAY)
    return database


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_lists_every_incident_with_the_reason_its_own_view_gives(
        small: Database, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    with small.session() as session:
        written = export_incident_list(session, path, FIRST, LAST, [], "csv")
        stored = {row.reference: row for row in session.execute(
            select(Incident.id, Incident.reference, Incident.is_repeat)
            .where(Incident.deleted_at.is_(None), Incident.occurred_on >= FIRST,
                   Incident.occurred_on <= LAST))}
        explained = {reference: explain_incident(session, row.id)
                     for reference, row in stored.items()}
    rows = _read_csv(path)
    assert written == len(rows) == len(stored) > 0
    assert list(rows[0]) == list(LIST_COLUMNS)
    assert [row["occurred_on"] for row in rows] == sorted(row["occurred_on"] for row in rows)
    repeats = 0
    for row in rows:
        result = explained[row["reference"]]
        assert row["repeat"] == ("yes" if result.is_repeat else "no")
        if result.is_repeat:
            repeats += 1
            assert row["reason"] == result.explanation
            assert row["previous_reference"] == result.previous_reference
        else:
            # The incident's own view may add the date of an earlier one outside the window.
            assert result.explanation.startswith(row["reason"][:-1])
    assert repeats > 0


def test_type_filter_and_period(small: Database, tmp_path: Path) -> None:
    path = tmp_path / "burglary.csv"
    with small.session() as session:
        written = export_incident_list(session, path, date(2024, 4, 1), LAST,
                                       [CrimeType.BURGLARY], "csv")
        assert written == count_incidents(session, date(2024, 4, 1), LAST, [CrimeType.BURGLARY])
    rows = _read_csv(path)
    assert rows and {row["crime_type"] for row in rows} == {"burglary"}
    assert all("2024-04-01" <= row["occurred_on"] <= "2025-03-31" for row in rows)


def test_xlsx_has_the_same_rows_as_real_values(small: Database, tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "list.csv", tmp_path / "list.xlsx"
    with small.session() as session:
        export_incident_list(session, csv_path, FIRST, LAST, [], "csv")
        written = export_incident_list(session, xlsx_path, FIRST, LAST, [], "xlsx")
    expected = _read_csv(csv_path)
    sheet = load_workbook(xlsx_path)["Incidents"]
    assert sheet.freeze_panes == "B9"
    assert sheet["B4"].value == "OFFICIAL-SENSITIVE"
    assert [cell.value for cell in sheet[8]] == list(LIST_COLUMNS)
    rows = list(sheet.iter_rows(min_row=9, values_only=True))
    assert len(rows) == written == len(expected)
    for values, row in zip(rows, expected, strict=True):
        cells = dict(zip(LIST_COLUMNS, values, strict=True))
        assert cells["reference"] == row["reference"]
        assert isinstance(cells["occurred_on"], datetime)
        assert cells["occurred_on"].date().isoformat() == row["occurred_on"]
        assert cells["repeat"] == row["repeat"] and cells["reason"] == row["reason"]
        assert str(cells["subject_id"] or "") == row["subject_id"]


def _formula_like_database(database: Database, tmp_path: Path) -> None:
    source = tmp_path / "formula.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["reference", "crime_type", "occurred_on", "victim_ref", "ward"])
        writer.writerow(["=1+1", "asb", "2024-05-01", "V1", "@Ward"])
        writer.writerow(["-2", "asb", "2024-05-02", "V1", "+Ward"])
    import_incidents(database, source, today=TODAY)


def test_formula_like_cells_are_protected_and_read_back(database: Database,
                                                        tmp_path: Path) -> None:
    _formula_like_database(database, tmp_path)
    csv_path, xlsx_path = tmp_path / "list.csv", tmp_path / "list.xlsx"
    with database.session() as session:
        export_incident_list(session, csv_path, FIRST, LAST, [], "csv")
        export_incident_list(session, xlsx_path, FIRST, LAST, [], "xlsx")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cells in csv.reader(handle)
                       for cell in cells)
    with open_csv(csv_path, required=["reference"], known=LIST_COLUMNS) as read:
        rows = [(row.cells[read.columns["reference"]], row.cells[read.columns["ward"]])
                for row in read.rows()]
    assert rows == [("=1+1", "@Ward"), ("-2", "+Ward")]
    sheet = load_workbook(xlsx_path)["Incidents"]
    for cell in (sheet["A9"], sheet["G9"], sheet["A10"], sheet["G10"]):
        assert cell.data_type == "s" and cell.quotePrefix
    assert (sheet["A9"].value, sheet["G10"].value) == ("=1+1", "+Ward")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cancelling_leaves_no_file(small: Database, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"list.{fmt}"

    def cancel(done: int, _total: int | None) -> None:
        if done == 0:
            raise Cancelled

    with small.session() as session, pytest.raises(Cancelled):
        export_incident_list(session, path, FIRST, LAST, [], fmt, progress=cancel)  # type: ignore[arg-type]
    assert list(tmp_path.glob("list.*")) == []


def test_bad_dates_are_refused(small: Database, tmp_path: Path) -> None:
    with small.session() as session, pytest.raises(UserError):
        export_incident_list(session, tmp_path / "x.csv", LAST, FIRST, [], "csv")


def test_rows_are_streamed_not_collected(database: Database) -> None:
    """Memory while reading 20,000 rows stays near that of a batch, not of the list."""
    from scs_victims.demo import load_demo_borough

    load_demo_borough(database, 20_000, 1, lambda _done, _total: None)
    with database.session() as session:
        rows = listed_incidents(session, date(2000, 1, 1), date(2100, 1, 1), [])
        next(rows)
        tracemalloc.start()
        count = 1 + sum(1 for _row in rows)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert count > 10_000
    assert peak < 6 * 1024 * 1024  # collected in a list they take about 12 MB


def test_command_line_export(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db).returncode == 0
    assert run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-small.csv",
                   db=db).returncode == 0
    out = tmp_path / "dv.xlsx"
    result = run_cli(tmp_path, "export", "incidents", "--from", "01/04/2023", "--to",
                     "2025-03-31", "--type", "dv", "--format", "xlsx", "--out", out, db=db)
    assert result.returncode == 0, result.stderr
    assert "incidents to" in result.stdout
    assert {row[4] for row in load_workbook(out)["Incidents"].iter_rows(
        min_row=9, values_only=True)} == {"dv"}
