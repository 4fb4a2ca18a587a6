"""Formula injection: no cell we write can run in a spreadsheet, and our import reads every
protected cell back as the original text."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS
from scs_victims.importing.incidents import import_incidents
from scs_victims.spreadsheets import (
    FORMULA_TRIGGERS,
    SafeCsvWriter,
    read_cell_text,
    safe_cell_text,
    xlsx_cell,
    xlsx_text,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident

# Texts that start like formulas, with and without our apostrophe in front.
formula_like = st.builds(lambda quotes, trigger, rest: "'" * quotes + trigger + rest,
                         st.integers(0, 3), st.sampled_from(FORMULA_TRIGGERS), st.text())
any_text = st.one_of(st.text(), formula_like)


@pytest.mark.parametrize(("text", "written"), [
    ("=1+1", "'=1+1"), ("+44 20 7946 0000", "'+44 20 7946 0000"), ("-3", "'-3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"),
    ("'=x", "''=x"), ("''-", "'''-"), ("O'Brien", "O'Brien"), ("'quoted'", "'quoted'"),
    ("a=b", "a=b"), ("", ""), ("'", "'"),
])
def test_the_owasp_triggers_get_an_apostrophe(text: str, written: str) -> None:
    assert safe_cell_text(text) == written
    assert read_cell_text(written) == text


@given(any_text)
def test_protection_is_reversible_and_never_starts_a_formula(text: str) -> None:
    written = safe_cell_text(text)
    assert not written.startswith(FORMULA_TRIGGERS)
    assert read_cell_text(written) == text


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(texts=st.lists(any_text, min_size=1, max_size=8))
def test_csv_round_trip_through_our_reader(tmp_path: Path, texts: list[str]) -> None:
    path = tmp_path / "round-trip.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["text", "row"])
        writer.writerows([text, str(number)] for number, text in enumerate(texts))
    # What a spreadsheet opening the file sees: no cell starts like a formula.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for cells in csv.reader(handle):
            assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in cells)
    with open_csv(path, required=["text", "row"], known=["text", "row"]) as source:
        assert [row.cells[0] for row in source.rows()] == texts


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60,
          deadline=None)
@given(texts=st.lists(any_text, min_size=1, max_size=8))
def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path, texts: list[str]) -> None:
    for write_only in (False, True):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("S") if write_only else workbook.active
        for text in texts:
            sheet.append([xlsx_cell(sheet, text)])
        path = tmp_path / f"cells-{write_only}.xlsx"
        workbook.save(path)
        read = load_workbook(path)["S" if write_only else "Sheet"]
        for text, (cell,) in zip(texts, read.iter_rows(max_row=len(texts)), strict=True):
            expected = xlsx_text(text).replace("\r\n", "\n").replace("\r", "\n")
            if not expected:
                assert cell.value is None  # an empty cell
                continue
            assert cell.data_type == "s"
            # Line ends come back as written (lxml, which pikepdf brings, escapes a lone CR)
            # or normalised to LF (the standard library's XML writer): both are the text.
            assert cell.value.replace("\r\n", "\n").replace("\r", "\n") == expected
            assert cell.quotePrefix == expected.lstrip("'").startswith(FORMULA_TRIGGERS)


def test_xlsx_replaces_characters_xml_cannot_hold() -> None:
    assert xlsx_text("a\x00b\x1fc\td\ne") == "a\ufffdb\ufffdc\td\ne"


# Our import undoes the protection, and rejects files are protected again -----------------


def _incident(**cells: str) -> list[str]:
    return [cells.get(column, "") for column in INCIDENT_COLUMNS]


def test_an_exported_formula_like_cell_imports_as_the_original_text(
        database: Database, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    description = "=HYPERLINK(\"http://example.invalid\",\"click\")"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(INCIDENT_COLUMNS)
        writer.writerow(_incident(reference="-R1", crime_type="asb", occurred_on="2024-05-01",
                                  victim_ref="V1", description=description))
        writer.writerow(_incident(reference="R2", crime_type="asb", occurred_on="not a date",
                                  victim_ref="V2", description="@cmd|' /C calc'!A0"))
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    summary = import_incidents(database, path, skip_invalid=True, rejects_path=rejects,
                               today=date(2025, 1, 1))
    assert (summary.imported, summary.rejected) == (1, 1)
    with database.session() as session:
        stored = session.execute(select(Incident.reference, Incident.description)).one()
    assert tuple(stored) == ("-R1", description)
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        header, rejected = list(csv.reader(handle))
    assert rejected[header.index("description")] == "'@cmd|' /C calc'!A0"
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in rejected)
    # The rejects file, fixed and imported again, gives the original text.
    with open_csv(rejects, required=["description"], known=[*INCIDENT_COLUMNS, "error"]) as src:
        (row,) = list(src.rows())
    assert row.cells[src.columns["description"]] == "@cmd|' /C calc'!A0"
