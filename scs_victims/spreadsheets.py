"""Every CSV and XLSX cell we write, and the one rule that keeps spreadsheets from running it.

Formula injection (OWASP "CSV Injection"; research/reliability.md §4): a cell whose text starts
with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed may be run as a
formula by Excel or LibreOffice when the file is opened. What we do about it:

- CSV: such text is written with a leading apostrophe (OWASP's advice), so the spreadsheet
  shows it as text. ``safe_cell_text`` does it; our own import undoes it with
  ``read_cell_text``, so an exported cell imports as the original text.
- XLSX: the text is stored as it is, as a string cell (never a formula: openpyxl would make
  ``=...`` one) with the cell style's ``quotePrefix`` set. Excel and LibreOffice never evaluate
  a string cell, show the original text without an apostrophe, and the quote prefix keeps it
  text even when someone edits the cell and presses Enter.

CHOICE: the CSV rule must be reversible for every text, including text that itself starts
with apostrophes. So the apostrophe is added to any text that is *zero or more apostrophes
followed by a trigger character* (``=x`` -> ``'=x``, ``'=x`` -> ``''=x``), and the import
removes one apostrophe from exactly those cells. A file typed by hand with ``'=x`` in it
therefore imports as ``=x``: the same meaning a leading apostrophe has when typed into Excel
("what follows is text"). Any other apostrophe (``'quoted'``, ``O'Brien``) is kept as written.

CHOICE: XLSX cannot hold every character. XML turns a carriage return into a line feed (Excel
breaks lines in a cell with line feeds anyway), and control characters other than tab, CR and
LF cannot be stored at all: they are written as U+FFFD (the replacement character). CSV keeps
every character.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from scs_victims.errors import UserError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PERCENT_FORMAT = "0.00%"
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"
MIN_WIDTH = 6
MAX_WIDTH = 60


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def safe_cell_text(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula (OWASP CSV injection):
    text that starts with = + - @, a tab or a line break (after any apostrophes) gets one
    more leading apostrophe. ``read_cell_text`` undoes it exactly."""
    return "'" + text if _needs_quote(text) else text


def read_cell_text(text: str) -> str:
    """The original text of a cell written by ``safe_cell_text`` (used by our imports)."""
    return text[1:] if text.startswith("'") and _needs_quote(text) else text


def safe_row(cells: Iterable[str]) -> list[str]:
    return [safe_cell_text(cell) for cell in cells]


class SafeCsvWriter:
    """``csv.writer`` (Excel dialect, CRLF) whose every cell passes ``safe_cell_text``."""

    def __init__(self, handle: TextIO) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, cells: Iterable[str]) -> None:
        self._writer.writerow(safe_row(cells))

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        for cells in rows:
            self.writerow(cells)


# XLSX ------------------------------------------------------------------------------------


def xlsx_text(text: str) -> str:
    """``text`` as XLSX can hold it (see the module's CHOICE on characters)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def xlsx_cell(sheet: Any, value: object, number_format: str | None = None, *,
              bold: bool = False) -> Any:
    """A cell for ``sheet.append`` (normal or write-only sheets): text is always a string cell,
    with ``quotePrefix`` when it starts like a formula; Decimals become numbers."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    if isinstance(value, Decimal):
        value = float(value)
    if value == "":
        value = None  # an empty cell, not an empty string cell
    if value is None and number_format is None and not bold:
        return None  # append takes None as an empty cell, at no cost
    if isinstance(value, str):
        text = xlsx_text(value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl makes "=..." a formula otherwise
        if _needs_quote(text):
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(sheet, value=value)
        if number_format is None and isinstance(value, datetime):
            number_format = f"{DATE_FORMAT} {TIME_FORMAT}"
        elif number_format is None and isinstance(value, date):
            number_format = DATE_FORMAT
    if number_format is not None:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def header_block(sheet: Any, title: str, *, area_name: str, period_label: str, marking: str,
                 produced_at: datetime, note: str | None = None) -> int:
    """The rows naming the document, area, period and marking at the top of a sheet (and the
    marking in the printed header and footer); returns how many rows were appended."""
    lines: list[tuple[str, str]] = [
        ("", title), ("Area", area_name), ("Period", period_label),
        ("Marking", marking), ("Produced", produced_at.strftime("%d/%m/%Y %H:%M")),
    ]
    if note:
        lines.append(("", note))
    for label, text in lines:
        if label:
            sheet.append([xlsx_cell(sheet, label, bold=True), xlsx_cell(sheet, text)])
        else:
            sheet.append([xlsx_cell(sheet, text, bold=True)])
    sheet.append([])
    print_marking(sheet, marking)
    return len(lines) + 1


def print_marking(sheet: Any, marking: str) -> None:
    """The protective marking at the top and bottom of every printed page (definitions §7)."""
    # "&" starts a header code in Excel's header/footer language: double it to print it.
    text = marking.replace("&", "&&")
    sheet.oddHeader.center.text = text
    sheet.oddFooter.center.text = text
    sheet.oddFooter.right.text = "Page &P of &N"


def column_header(sheet: Any, names: Sequence[str]) -> None:
    sheet.append([xlsx_cell(sheet, name, bold=True) for name in names])


def freeze_below(sheet: Any, rows: int, columns: int = 0) -> None:
    """Keep the first ``rows`` rows (and ``columns`` columns) in view while scrolling."""
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet.freeze_panes = f"{get_column_letter(columns + 1)}{rows + 1}"


def display_width(value: object, number_format: str | None = None) -> int:
    """Roughly how many characters a value shows as (for column widths)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, float | Decimal | int) and not isinstance(value, bool):
        shown = f"{float(value) * 100:.2f}%" if number_format == PERCENT_FORMAT else (
            f"{float(value):.2f}" if number_format == DECIMAL_FORMAT else f"{value:,}")
        return len(shown)
    return max((len(line) for line in str(value).splitlines()), default=0)


def set_widths(sheet: Any, widths: Sequence[int]) -> None:
    """Column widths from the longest text in each column, within sensible bounds."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (
            min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))


def fit_columns(sheet: Any, *, skip_rows: int = 0) -> None:
    """Set widths to fit the cells of a (normal, not write-only) sheet below ``skip_rows``."""
    widths: list[int] = []
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for index, cell in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], display_width(cell.value, cell.number_format))
    set_widths(sheet, widths)


def save_workbook_atomically(workbook: Any, path: Path) -> None:
    """Save beside the target and rename, so a reader never sees half a workbook."""
    partial = path.with_name(path.name + ".partial")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
