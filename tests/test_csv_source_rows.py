"""CsvSource.rows: Excel row numbers, empty rows skipped, the apostrophe of formula protection
undone, short rows padded and long ones flagged, whatever the cells hold."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scs_victims.importing.csv_source import CsvRow, open_csv
from scs_victims.spreadsheets import read_cell_text

HEADER = ["reference", "crime_type", "occurred_on"]

cell_text = st.one_of(
    st.sampled_from(["", " ", "\t", "\n", "'", "''", "'=1+1", "''=x", "'\t", "'\n", "O'Brien",
                     "x\n'=y", "'quoted'", "=cmd", "ASB", "31/05/2024", " ' "]),
    st.text(alphabet=st.sampled_from(" '\t\n\r=+-@aZ,\"\u00a0\u3000é"), max_size=6),
)


def _expected_rows(records: list[list[str]]) -> list[CsvRow]:
    """The rows as formats.md describes them, one plain step after another."""
    width = len(HEADER)
    rows = []
    for number, record in enumerate(records, start=2):
        raw = [read_cell_text(cell) for cell in record]
        if all(not cell.strip() for cell in raw):
            continue
        problem = None
        if len(raw) > width and any(cell.strip() for cell in raw[width:]):
            problem = f"has {len(raw)} cells but the header has {width}"
        rows.append(CsvRow(number, (raw + [""] * width)[:width], raw, problem))
    return rows


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.lists(cell_text, min_size=1, max_size=5), max_size=8))
def test_rows_are_read_as_described(tmp_path: Path, records: list[list[str]]) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(records)
    with open_csv(path, required=HEADER, known=HEADER) as source:
        assert list(source.rows()) == _expected_rows(records)


def test_an_empty_line_is_not_a_record_but_still_counts_as_a_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("reference,crime_type,occurred_on\r\n\r\n , ,\t\r\n'\t,,\r\nR1,ASB,x\r\n",
                    encoding="utf-8")
    with open_csv(path, required=HEADER, known=HEADER) as source:
        assert list(source.rows()) == [CsvRow(5, ["R1", "ASB", "x"], ["R1", "ASB", "x"])]


def test_a_protected_cell_reads_as_its_text_in_any_position(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("reference,crime_type,occurred_on\r\n'=R1,ASB,'-1\r\nR2,\"a\n'=b\",''@\r\n",
                    encoding="utf-8")
    with open_csv(path, required=HEADER, known=HEADER) as source:
        assert [row.cells for row in source.rows()] == [["=R1", "ASB", "-1"],
                                                        ["R2", "a\n'=b", "'@"]]
