"""CsvSource.rows: Excel row numbers, empty rows skipped, the apostrophe of formula protection
undone, short rows padded and long ones flagged, whatever the cells hold."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scs_victims.errors import FileRefused
from scs_victims.importing.csv_source import (
    CSV_CELL_LIMIT,
    MAX_CELL_CHARS,
    CsvRow,
    open_csv,
    summarise,
)
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from scs_victims.importing.profile import Profile
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


# --- bad input (issue 18) -----------------------------------------------------------------------

WIDE = ["reference", "crime_type", "occurred_on", "source", "Notes"]


def _write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def _refusal(path: Path, header: list[str] = WIDE, **options: object) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        with open_csv(path, required=(), known=header, **options) as source:  # type: ignore[arg-type]
            list(source.rows())
    return caught.value


def _stray_quote_file(path: Path, rows: int, *, opened_in: int = 4, at_row: int = 2) -> Path:
    """A file of ``rows`` records whose record on ``at_row`` opens a quote in one cell and
    never closes it (what a hand-edited export looks like)."""
    lines = [",".join(WIDE)]
    for number in range(2, rows + 2):
        cells = [f"R{number}", "asb", "2024-05-01", "police", "a note"]
        if number == at_row:
            cells[opened_in] = '"' + cells[opened_in]
        lines.append(",".join(cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_a_quote_never_closed_is_refused_naming_the_row_and_the_column(tmp_path: Path) -> None:
    error = _refusal(_stray_quote_file(tmp_path / "stray.csv", 500))
    assert str(error) == ("row 2: Notes: a quote opened here is never closed; 499 rows after "
                          "it would be lost.")
    assert [(e.row, e.column) for e in error.errors] == [(2, "Notes")]


def test_the_column_named_is_the_one_where_the_quote_opened(tmp_path: Path) -> None:
    path = _stray_quote_file(tmp_path / "stray.csv", 40, opened_in=1, at_row=30)
    assert str(_refusal(path)) == ("row 30: crime_type: a quote opened here is never closed; "
                                   "11 rows after it would be lost.")


def test_a_quote_never_closed_in_a_large_file_is_refused_the_same_way(tmp_path: Path) -> None:
    # The swallowed rows run past csv's own limit on a cell (131,072 characters).
    path = _stray_quote_file(tmp_path / "stray.csv", 6000, opened_in=4, at_row=11)
    assert str(_refusal(path)) == ("row 11: Notes: a quote opened here is never closed; 5,990 "
                                   "rows after it would be lost.")


def test_a_quote_never_closed_names_their_column_with_a_profile(tmp_path: Path) -> None:
    header = ["Ref", "Type", "When", "Agency", "Free text"]
    path = tmp_path / "stray.csv"
    path.write_text(",".join(header) + "\r\nR1,asb,2024-05-01,police,\"oops\r\n"
                    "R2,asb,2024-05-01,police,x\r\nR3,asb,2024-05-01,police,y\r\n",
                    encoding="utf-8")
    profile = Profile(name="p", kind="incidents", columns={
        "reference": "Ref", "crime_type": "Type", "occurred_on": "When",
        "description": "Free text"})
    error = _refusal(path, header=list(INCIDENT_COLUMNS), profile=profile)
    assert str(error) == ("row 2: Free text: a quote opened here is never closed; 2 rows after "
                          "it would be lost.")


def test_notes_over_several_lines_are_not_mistaken_for_a_stray_quote(tmp_path: Path) -> None:
    notes = ["first line\nsecond line, with a comma\n\nthird",
             "called, no answer, left card, will return",  # one line shaped like a row
             "a\nb, c, d, e\n", "x\n" * 50]
    path = _write_rows(tmp_path / "notes.csv", WIDE,
                       [[f"R{n}", "asb", "2024-05-01", "police", note]
                        for n, note in enumerate(notes)])
    with open_csv(path, required=(), known=WIDE) as source:
        assert [row.cells[4] for row in source.rows()] == notes


def test_a_cell_with_many_lines_is_refused(tmp_path: Path) -> None:
    path = _write_rows(tmp_path / "lines.csv", WIDE,
                       [["R1", "asb", "2024-05-01", "police", "x\n" * 52]])
    assert str(_refusal(path)).startswith("row 2: Notes: a quote opened here is never closed; "
                                          "51 rows after it")


def test_a_cell_longer_than_a_record_needs_is_refused(tmp_path: Path) -> None:
    path = _write_rows(tmp_path / "long.csv", WIDE,
                       [["R1", "asb", "2024-05-01", "police", "ok"],
                        ["R2", "asb", "2024-05-01", "police", "x" * (MAX_CELL_CHARS + 1)]])
    assert str(_refusal(path)) == ("row 3: the file cannot be read past this row (a cell is "
                                   "longer than 100,000 characters).")
    huge = _write_rows(tmp_path / "huge.csv", WIDE,
                       [["R1", "asb", "2024-05-01", "police", "x" * 200_000]])
    assert str(_refusal(huge)).startswith("row 2: the file cannot be read past this row (a cell")


def test_reading_never_changes_csvs_limit_on_a_cell() -> None:
    assert csv.field_size_limit() == CSV_CELL_LIMIT


def test_a_nul_character_makes_the_row_a_problem(tmp_path: Path) -> None:
    path = _write_rows(tmp_path / "nul.csv", [*WIDE, "extra"],
                       [["R1", "asb", "2024-05-01", "police", "a\x00b", ""],
                        ["R2", "asb", "2024-05-01", "police", "fine", "ignored\x00"]])
    with open_csv(path, required=(), known=[name.casefold() for name in WIDE]) as source:
        rows = list(source.rows())
    assert [row.problem for row in rows] == [
        "Notes: contains a NUL character: nothing from this row is stored", None]


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    for codec in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{codec}.csv"
        bom = "\ufeff" if codec == "utf-16-be" else ""
        path.write_text(bom + "reference,crime_type,occurred_on\r\nR1,ASB,31/05/2024\r\n"
                        "R2,Anti-social behaviour,1/6/2024\r\n", encoding=codec)
        with open_csv(path, required=HEADER, known=HEADER) as source:
            assert source.encoding == "UTF-16"
            assert [row.cells for row in source.rows()] == [
                ["R1", "ASB", "31/05/2024"], ["R2", "Anti-social behaviour", "1/6/2024"]]


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes("reference,crime_type,occurred_on\r\nR1,ASB,31/05/2024\r\n"
                     .encode("utf-16-le"))
    with pytest.raises(FileRefused, match=r"^wide.csv is saved as UTF-16: save it as CSV "
                                          r"UTF-8.$"):
        open_csv(path, required=HEADER, known=HEADER)


def test_long_lists_of_names_are_summarised() -> None:
    assert summarise(["a", "b"]) == "a, b"
    names = [f"c{number}" for number in range(100_000)]
    assert summarise(names) == ", ".join(names[:20]) + " and 99,980 more"
    assert summarise(names[:21], shown=20).endswith("c19 and 1 more")


def test_a_profile_gives_rows_in_our_layout_and_skipped_rows_empty(tmp_path: Path) -> None:
    path = tmp_path / "theirs.csv"
    path.write_text("Council export\r\n\r\nRef,Type,When,Where\r\nR1,Noise,1/5/24,x\r\n"
                    "R2,Personal ASB,2/5/24,y\r\n", encoding="utf-8")
    profile = Profile(name="p", kind="incidents", header_row=3, dates="dd/mm/yy",
                      columns={"reference": "Ref", "crime_type": "Type", "occurred_on": "When"},
                      values={"crime_type": {"Personal ASB": "asb", "*": "skip"}})
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS, profile=profile,
                  today=date(2025, 6, 1)) as source:
        assert source.header == ["reference", "crime_type", "occurred_on"]
        assert source.columns == {"reference": 0, "crime_type": 1, "occurred_on": 2}
        assert source.original_header == ["Ref", "Type", "When", "Where"]
        assert source.unknown_columns == ["Where"]
        assert list(source.rows()) == [
            CsvRow(4, [], ["R1", "Noise", "1/5/24", "x"], None, "crime_type"),
            CsvRow(5, ["R2", "asb", "2024-05-02"], ["R2", "Personal ASB", "2/5/24", "y"])]


def test_a_header_row_below_the_end_of_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("title\r\n", encoding="utf-8")
    profile = Profile(name="p", kind="incidents", header_row=3)
    with pytest.raises(FileRefused, match="The file has no row 3 to read the header from."):
        open_csv(path, required=(), known=INCIDENT_COLUMNS, profile=profile)
