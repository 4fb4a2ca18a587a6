"""Excel workbooks as import files (formats.md, opening paragraph): the first sheet or the
profile's, the header in any row, the sheet's own row numbers, cells as a user sees them, and
a sentence for each workbook we cannot read."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

from scs_victims.errors import FileRefused
from scs_victims.importing.csv_source import CsvRow, open_csv
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS, RowChecker
from scs_victims.importing.profile import Profile
from scs_victims.importing.wards import read_wards
from scs_victims.importing.workbook_source import cell_text, workbook_sheets

HEADER = ["reference", "crime_type", "occurred_on"]
TODAY = date(2025, 6, 1)


def save(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook of ``sheets`` (name -> rows; None leaves a cell empty) at ``path``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def rows_of(path: Path, known: list[str] = HEADER, **options: object) -> list[CsvRow]:
    with open_csv(path, required=(), known=known, **options) as source:  # type: ignore[arg-type]
        return list(source.rows())


def refusal(path: Path, known: list[str] = HEADER, **options: object) -> str:
    with pytest.raises(FileRefused) as caught:
        rows_of(path, known, **options)
    return str(caught.value)


# --- reading ---------------------------------------------------------------------------------


def test_a_workbook_in_our_layout_reads_like_our_csv(tmp_path: Path) -> None:
    path = save(tmp_path / "ours.xlsx", {"Incidents": [
        [" Reference ", "CRIME_TYPE", "occurred_on", "reported_on", "uprn", "notes"],
        ["R1", "asb", datetime(2024, 5, 31, 14, 5), date(2024, 6, 1), 123000000000.0, 1.5],
        ["R2", "dv", datetime(2024, 5, 31), datetime(2024, 6, 1, 9, 0, 30), 42, True],
    ]})
    with open_csv(path, required=HEADER, known=[*HEADER, "reported_on", "uprn"]) as source:
        assert source.encoding == "Excel workbook, sheet 'Incidents'"
        assert source.sheet == "Incidents"
        assert source.columns == {"reference": 0, "crime_type": 1, "occurred_on": 2,
                                  "reported_on": 3, "uprn": 4, "notes": 5}
        assert source.unknown_columns == ["notes"]
        assert [row.cells for row in source.rows()] == [
            ["R1", "asb", "2024-05-31 14:05", "2024-06-01", "123000000000", "1.5"],
            ["R2", "dv", "2024-05-31", "2024-06-01 09:00:30", "42", "True"]]


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("  text ", "  text "), (7, "7"), (123000000000.0, "123000000000"),
    (1e-05, "0.00001"), (2.5, "2.5"), (-3.0, "-3"), (True, "True"), (False, "False"),
    (date(2024, 2, 29), "2024-02-29"), (datetime(2024, 2, 29), "2024-02-29"),
    (datetime(2024, 2, 29, 14, 4, 59, 999_000), "2024-02-29 14:05"),
    (datetime(2024, 2, 29, 0, 0, 1), "2024-02-29 00:00:01"),
    (time(9, 5), "09:05"), (time(9, 5, 7), "09:05:07"),
])
def test_cells_read_as_a_user_sees_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_rows_are_numbered_as_the_sheet_numbers_them(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet["A5"], sheet["B5"], sheet["C5"] = "R5", "asb", "2024-05-01"
    sheet["A7"] = "   "  # a blank row is not a record, but it still counts
    sheet["A9"], sheet["B9"], sheet["C9"] = "R9", "dv", "2024-05-02"
    workbook.save(tmp_path / "gaps.xlsx")
    assert [(row.number, row.cells[0]) for row in rows_of(tmp_path / "gaps.xlsx")] == [
        (5, "R5"), (9, "R9")]


def test_short_rows_are_padded_and_long_ones_flagged(tmp_path: Path) -> None:
    path = save(tmp_path / "ragged.xlsx", {"Sheet": [
        [*HEADER, None, None], ["R1"], ["R2", "asb", "2024-05-01", None, "extra"]]})
    assert rows_of(path) == [
        CsvRow(2, ["R1", "", ""], ["R1"]),
        CsvRow(3, ["R2", "asb", "2024-05-01"], ["R2", "asb", "2024-05-01", "", "extra"],
               "has 5 cells but the header has 3")]


def test_a_sheet_whose_stated_size_is_wrong_is_read_whole(tmp_path: Path) -> None:
    path = save(tmp_path / "sized.xlsx", {"Sheet": [
        HEADER, *[[f"R{number}", "asb", "2024-05-01"] for number in range(2, 12)]]})
    # Some writers never update the size a sheet declares; openpyxl would stop at it.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B3"', parts[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    rows = rows_of(path)
    assert [row.number for row in rows] == list(range(2, 12))
    assert rows[0].cells == ["R2", "asb", "2024-05-01"]


def test_a_workbook_is_known_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    path = save(tmp_path / "export.xlsx", {"Data": [HEADER, ["R1", "asb", "2024-05-01"]]})
    renamed = path.rename(tmp_path / "export.csv")
    assert [row.cells for row in rows_of(renamed)] == [["R1", "asb", "2024-05-01"]]


def test_progress_is_told_in_bytes_of_the_file(tmp_path: Path) -> None:
    path = save(tmp_path / "big.xlsx", {"Data": [
        HEADER, *[[f"R{number}", "asb", f"note {number}" * 20] for number in range(3000)]]})
    with open_csv(path, required=(), known=HEADER) as source:
        seen = [source.bytes_read() for _row in source.rows()]
        assert source.size == path.stat().st_size
    assert 0 < seen[len(seen) // 2] < seen[-1] <= source.size
    assert seen == sorted(seen)


def test_an_empty_sheet_has_no_header(tmp_path: Path) -> None:
    assert refusal(save(tmp_path / "empty.xlsx", {"Sheet": []})) == (
        "The file is empty: it has no header row.")


def test_wards_load_from_a_workbook(tmp_path: Path) -> None:
    path = save(tmp_path / "wards.xlsx", {"Wards": [
        ["ward", "code", "population"], ["Hendon", "E05013628", 17522.0]]})
    wards, summary = read_wards(path)
    assert [(ward.name, ward.code, ward.population) for ward in wards] == [
        ("Hendon", "E05013628", 17522)]
    assert summary.encoding == "Excel workbook, sheet 'Wards'"


# --- with a profile --------------------------------------------------------------------------


def council_profile(**changes: object) -> Profile:
    settings: dict[str, object] = dict(
        name="Council", kind="incidents", sheet="cases", header_row=3,
        columns={"reference": "Case Ref", "crime_type": "Category",
                 "occurred_on": "{Incident Date} {Incident Time}",
                 "victim_name": "Complainant", "victim_dob": "DOB"},
        values={"crime_type": {"Personal ASB": "asb", "*": "skip"}})
    settings.update(changes)
    return Profile(**settings)  # type: ignore[arg-type]


def council_workbook(path: Path) -> Path:
    return save(path, {
        "Notes": [["not this sheet"]],
        "Cases": [
            ["ASB cases: export"], [],
            ["Case Ref", "Category", "Incident Date", "Incident Time", "Complainant", "DOB"],
            ["A1", "Personal ASB", datetime(2024, 5, 31), time(14, 5), "OKAFOR, Keisha",
             datetime(1990, 2, 1)],
            [],
            ["A2", "Vehicle crime", datetime(2024, 6, 1), None, None, None],
            ["A3", "Personal ASB", datetime(2024, 6, 2), None, "Amira Khan", "13/05/62"],
        ]})


def test_the_profile_chooses_the_sheet_and_the_header_row(tmp_path: Path) -> None:
    path = council_workbook(tmp_path / "council.xlsx")
    assert workbook_sheets(path) == ["Notes", "Cases"]
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS,
                  profile=council_profile(dates="dd/mm/yy"), today=TODAY) as source:
        assert source.encoding == "Excel workbook, sheet 'Cases'"
        assert source.header == ["reference", "crime_type", "occurred_on", "victim_forename",
                                 "victim_surname", "victim_dob"]
        rows = list(source.rows())
    assert rows == [
        CsvRow(4, ["A1", "asb", "2024-05-31 14:05", "Keisha", "OKAFOR", "1990-02-01"],
               ["A1", "Personal ASB", "2024-05-31", "14:05", "OKAFOR, Keisha", "1990-02-01"]),
        CsvRow(6, [], ["A2", "Vehicle crime", "2024-06-01"], None, "crime_type"),
        CsvRow(7, ["A3", "asb", "2024-06-02", "Amira", "Khan", "1962-05-13"],
               ["A3", "Personal ASB", "2024-06-02", "", "Amira Khan", "13/05/62"]),
    ]


def test_date_cells_need_no_dates_form(tmp_path: Path) -> None:
    path = council_workbook(tmp_path / "council.xlsx")
    for form in (None, "mm/dd/yyyy"):
        cells = [row.cells for row in rows_of(path, known=list(INCIDENT_COLUMNS),
                                              profile=council_profile(dates=form), today=TODAY)
                 if not row.skipped]
        assert [row[2] for row in cells] == ["2024-05-31 14:05", "2024-06-02"]
        assert cells[0][5] == "1990-02-01"


def test_a_date_cell_with_a_time_in_a_date_column_is_refused_by_our_checks(
        tmp_path: Path) -> None:
    path = save(tmp_path / "dob.xlsx", {"Sheet": [
        ["reference", "crime_type", "occurred_on", "victim_dob"],
        ["R1", "asb", datetime(2024, 5, 1), datetime(1990, 2, 1, 10, 30)]]})
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS) as source:
        row = next(source.rows())
        errors = RowChecker(source.columns, today=TODAY, wards_configured=False,
                            ward_keys=set()).check(row.number, row.cells)
    assert isinstance(errors, list)
    assert [str(error) for error in errors] == [
        "row 2: victim_dob: '1990-02-01 10:30' should be a date without a time"]


def test_a_sheet_the_workbook_lacks_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path / "x.xlsx", {"Sheet1": [HEADER], "Data": [HEADER]})
    assert refusal(path, profile=Profile(name="p", kind="incidents", sheet="Cases")) == (
        "x.xlsx has no sheet 'Cases' (its sheets: Sheet1, Data).")


def test_a_chart_sheet_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
    workbook.create_chartsheet("Chart", 0).add_chart(chart)
    workbook.save(tmp_path / "x.xlsx")
    assert refusal(tmp_path / "x.xlsx") == (
        "x.xlsx: the sheet 'Chart' is a chart, not rows of cells.")


def test_a_header_row_past_the_end_of_the_sheet_is_refused(tmp_path: Path) -> None:
    path = save(tmp_path / "x.xlsx", {"Data": [HEADER]})
    assert refusal(path, known=list(INCIDENT_COLUMNS),
                   profile=Profile(name="p", kind="incidents", header_row=4)) == (
        "x.xlsx has no row 4 in sheet 'Data' to read the header from.")


# --- workbooks we cannot read ----------------------------------------------------------------


def test_a_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    plain = save(tmp_path / "plain.xlsx", {"Data": [HEADER]})
    protected = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.read_bytes())).encrypt("Correct horse 42!", protected)
    path = tmp_path / "cases.xlsx"
    path.write_bytes(protected.getvalue())
    assert refusal(path) == ("cases.xlsx is password-protected: remove the password in Excel "
                             "and save it again.")


def _old_xls() -> bytes:
    """A minimal Excel 97-2003 file: an OLE2 compound file whose Workbook stream holds a BIFF8
    globals substream (BOF, EOF), padded to 4,096 bytes to live in ordinary sectors."""
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    workbook = (struct.pack("<HH", 0x0809, 16) + bytes(16) + struct.pack("<HH", 0x000A, 0))
    workbook = workbook.ljust(4096, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    fat = struct.pack("<128I", fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end, *[free] * 118)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind,
                                                       1 if name else 0, none, none, child)
                + bytes(16 + 4 + 16) + struct.pack("<3I", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, none, 2, 4096)
                 + entry("", 0, none, 0, 0) * 2)
    return header + fat + directory + workbook


def test_an_old_xls_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.xls"
    path.write_bytes(_old_xls())
    assert refusal(path) == "cases.xls is in the old .xls format: save it as .xlsx or CSV UTF-8."


@pytest.mark.parametrize("content", [
    b"reference,crime_type,occurred_on\r\n",  # a CSV file named .xlsx
    b"",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an OLE2 signature and nothing else
])
def test_a_file_named_xlsx_that_is_no_workbook_is_refused(tmp_path: Path,
                                                          content: bytes) -> None:
    path = tmp_path / "cases.xlsx"
    path.write_bytes(content)
    assert refusal(path) == "cases.xlsx is not an Excel workbook (.xlsx)."


def test_a_zip_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert refusal(path) == "cases.xlsx is not an Excel workbook (.xlsx)."
