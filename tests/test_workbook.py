"""The figures workbook, read back with openpyxl and compared with the figures CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from scs_victims.domain.periods import PeriodKind, periods_between
from scs_victims.exports import figures_csv_text
from scs_victims.figures import ALL_AREA, FigureRow, compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.reports.suppression import describe_rule, suppress_figures
from scs_victims.reports.workbook import figures_definitions, write_figures_workbook
from scs_victims.settings import load_rules
from scs_victims.storage.database import Database
from tests.conftest import SHARED_DATA
from tests.helpers.cli import run_cli

FIRST, LAST = date(2023, 4, 1), date(2025, 3, 31)
HEADER_ROWS = 8  # the header block (7 rows) and the column names
COUNTS = ("incidents", "linked_incidents", "victims", "repeat_incidents", "repeat_victims")
RATES = ("repeat_incident_rate", "repeat_victim_rate", "concentration", "per_1000")
PERCENT = {"repeat_incident_rate", "repeat_victim_rate"}


@pytest.fixture
def figures(database: Database) -> list[FigureRow]:
    load_wards(database, SHARED_DATA / "wards.csv")
    import_incidents(database, SHARED_DATA / "incidents-small.csv", today=date(2025, 6, 1))
    with database.session() as session:
        return compute_figures(session, periods_between(FIRST, LAST, PeriodKind.QUARTER),
                               by_ward=True)


def _csv_rows(rows: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(figures_csv_text(rows))))


def _write(path: Path, rows: list[FigureRow], *, publish: bool) -> None:
    write_figures_workbook(path, rows, area_name="=Barnet & Co", period_label="2023/24 to 2024/25",
                           marking="OFFICIAL-SENSITIVE", publish=publish,
                           definitions=["Incidents: counted by date."],
                           produced_at=datetime(2025, 4, 2, 9, 30))


def _cell_text(value: Any, column: str) -> str:
    """A workbook cell as the CSV prints it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if column in PERCENT:
        return f"{value * 100:.2f}"
    if column in RATES:
        return f"{value:.2f}"
    return str(value)


def _sheet_rows(sheet: Any, with_ward: bool) -> list[dict[str, str]]:
    found = []
    for values in sheet.iter_rows(min_row=HEADER_ROWS + 1, values_only=True):
        period, start, end, crime_type_label, *rest = values
        ward = rest.pop(0) if with_ward else ALL_AREA
        assert isinstance(start, datetime) and isinstance(end, datetime)
        row = {"period": period, "period_start": start.date().isoformat(),
               "period_end": end.date().isoformat(), "ward": ward, "type_label": crime_type_label}
        for column, value in zip((*COUNTS, *RATES), rest, strict=True):
            if column in COUNTS:
                assert isinstance(value, int) or value in ("<5", "*")
            else:
                assert value is None or isinstance(value, int | float)
            row[column] = _cell_text(value, column)
        found.append(row)
    return found


@pytest.mark.parametrize("publish", [False, True], ids=["internal", "published"])
def test_every_number_agrees_with_the_figures_csv(tmp_path: Path, figures: list[FigureRow],
                                                  publish: bool) -> None:
    path = tmp_path / "figures.xlsx"
    _write(path, figures, publish=publish)
    expected = _csv_rows(suppress_figures(figures) if publish else figures)
    labels = {row.crime_type.label: row.crime_type.value for row in figures}
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Summary", "By ward", "Trend", "Definitions"]
    read = (_sheet_rows(workbook["Summary"], False) + _sheet_rows(workbook["By ward"], True))
    for row in read:
        row["crime_type"] = labels[row.pop("type_label")]
    key = ("period", "crime_type", "ward")

    def keyed(rows: list[dict[str, str]]) -> dict[tuple[str, ...], dict[str, str]]:
        return {tuple(row[name] for name in key): row for row in rows}

    assert keyed(read) == {name: {column: row[column] for column in keyed(read)[name]}
                           for name, row in keyed(expected).items()}
    if publish:
        assert any(row["incidents"] == "<5" for row in read)
    else:
        assert not any(row["incidents"] == "<5" for row in read)


def test_trend_sheet_holds_the_whole_area_rates_by_period(tmp_path: Path,
                                                          figures: list[FigureRow]) -> None:
    path = tmp_path / "figures.xlsx"
    _write(path, figures, publish=False)
    sheet = load_workbook(path)["Trend"]
    names = [cell.value for cell in sheet[HEADER_ROWS]]
    whole = {(row.period.label, row.crime_type.label): row for row in figures
             if row.area == ALL_AREA}
    checked = 0
    for values in sheet.iter_rows(min_row=HEADER_ROWS + 1, values_only=True):
        for name, value in zip(names[3:], values[3:], strict=True):
            label, measure = name.split(": ")
            figure = whole[(values[0], label)]
            if measure == "incidents":
                assert value == figure.incidents
            else:
                attribute = measure.replace(" ", "_")
                expected = getattr(figure, attribute)
                assert (value is None) == (expected is None)
                if expected is not None:
                    assert round(value * 100, 2) == float(expected)
            checked += 1
    assert checked == len(whole) * 3


def test_layout_header_frozen_rows_formats_and_widths(tmp_path: Path,
                                                      figures: list[FigureRow]) -> None:
    path = tmp_path / "figures.xlsx"
    _write(path, figures, publish=True)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        header = {row[0].value: row[1].value for row in sheet.iter_rows(max_row=6)
                  if len(row) > 1 and row[1].value is not None}
        assert header["Area"] == "=Barnet & Co"
        assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix  # not a formula
        assert header["Period"] == "2023/24 to 2024/25"
        assert header["Marking"] == "OFFICIAL-SENSITIVE"
        assert sheet.freeze_panes in ("A9", "B9")
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE"
    summary = workbook["Summary"]
    names = [cell.value for cell in summary[HEADER_ROWS]]
    first = summary[HEADER_ROWS + 1]
    rate = first[names.index("Repeat victim rate")]
    assert rate.number_format == "0.00%"
    assert first[names.index("Incidents")].number_format == "#,##0"
    assert first[names.index("From")].number_format == "dd/mm/yyyy"
    for index, name in enumerate(names):
        letter = first[index].column_letter
        assert summary.column_dimensions[letter].width >= len(name)
    definitions = [row[0] for row in workbook["Definitions"].iter_rows(
        min_row=HEADER_ROWS + 1, values_only=True)]
    assert definitions == ["Incidents: counted by date.", describe_rule()]


def test_definitions_name_the_windows_and_dates(database: Database) -> None:
    with database.session() as session:
        lines = figures_definitions(load_rules(session), first=FIRST, last=LAST, publish=True)
    assert any("12 months" in line for line in lines)
    assert any("01/04/2023 to 31/03/2025" in line for line in lines)
    assert lines[-1] == describe_rule()


def test_command_line_writes_the_workbook(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db).returncode == 0
    assert run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-small.csv",
                   db=db).returncode == 0
    out = tmp_path / "figures.xlsx"
    result = run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31",
                     "--by-ward", "--format", "xlsx", "--out", out, "--publish", db=db)
    assert result.returncode == 0, result.stderr
    assert load_workbook(out)["Definitions"]["A9"].value
    csv_out = tmp_path / "figures.csv"
    result = run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31",
                     "--by-ward", "--format", "csv", "--out", csv_out, "--publish", db=db)
    assert result.returncode == 0, result.stderr
    assert "<5" in csv_out.read_text(encoding="utf-8")
    refused = run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31",
                      "--format", "xlsx", "--out", "-", db=db)
    assert refused.returncode == 1 and "needs a file" in refused.stderr
