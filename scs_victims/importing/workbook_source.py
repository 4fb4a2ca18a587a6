"""Streaming the rows of an Excel workbook (.xlsx) as an import reads them.

One sheet (the first, or one named case-insensitively), its header in any row, and rows
numbered as the sheet numbers them. Cells become text as a user sees them: whole numbers
without a decimal point or an exponent (a reference ``123000000000`` stays digits), dates as
ISO text, a date at midnight as the date alone. A profile may ask for date cells as ``date``
values instead (``rows(typed=True)``). openpyxl reads the sheet in read-only mode, so memory
stays flat whatever the number of rows.

A file is recognised by its first bytes, not its name: a zip archive is an .xlsx; an OLE2
compound file is either an encrypted workbook or the old .xls format, and both are refused
with what to do about it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn

from scs_victims.errors import FileRefused

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

# A cell as a profile reads it: text, or a date (a ``datetime`` when it has a time).
Cell = str | date


def is_workbook(path: Path) -> bool:
    """True when ``path`` is (or claims by its name to be) an Excel file, not CSV."""
    with path.open("rb") as handle:
        start = handle.read(len(OLE_MAGIC))
    return (start.startswith(ZIP_MAGIC) or start == OLE_MAGIC
            or path.suffix.casefold() in WORKBOOK_SUFFIXES)


def cell_text(value: object) -> str:
    """A cell's value as text: whole numbers as digits, dates as ISO text (midnight as the
    date alone), times as ``HH:MM`` (``HH:MM:SS`` with seconds)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        value = _to_second(value)
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_time_text(value.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _time_text(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def cell_value(value: object) -> Cell:
    """A cell as a profile reads it: a date (midnight is a date alone) or its text."""
    if isinstance(value, datetime):
        value = _to_second(value)
        return value.date() if value.time() == time(0, 0) else value
    if isinstance(value, date):
        return value
    return cell_text(value)


def _to_second(value: datetime) -> datetime:
    """Excel keeps times as fractions of a day: 14:05 may read back as 14:04:59.999999."""
    if value.microsecond:
        value = value.replace(microsecond=0) + timedelta(seconds=value.microsecond >= 500_000)
    return value


def _time_text(at: time) -> str:
    return at.isoformat("seconds" if at.second else "minutes")


def _refuse_unreadable(path: Path) -> NoReturn:
    """Refuse a file that claims to be a workbook but openpyxl cannot read, saying why."""
    with path.open("rb") as handle:
        start = handle.read(len(OLE_MAGIC))
        if start != OLE_MAGIC:
            raise FileRefused(f"{path.name} is not an Excel workbook (.xlsx).")
        handle.seek(0)
        try:
            import msoffcrypto

            encrypted = msoffcrypto.OfficeFile(handle).is_encrypted()
        except Exception:  # any OLE file that msoffcrypto cannot read is no workbook of ours
            raise FileRefused(f"{path.name} is not an Excel workbook (.xlsx).") from None
    if encrypted:
        raise FileRefused(f"{path.name} is password-protected: remove the password in Excel "
                          "and save it again.")
    raise FileRefused(f"{path.name} is in the old .xls format: save it as .xlsx or CSV UTF-8.")


def _open_workbook(path: Path) -> tuple[Any, IO[bytes]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    with path.open("rb") as handle:
        start = handle.read(len(ZIP_MAGIC))
    if start != ZIP_MAGIC:
        _refuse_unreadable(path)
    handle = path.open("rb")  # read-only workbooks read their file as rows are asked for
    try:
        # A handle, not the path: openpyxl would refuse a workbook by its name's suffix.
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, ParseError,
            InvalidFileException):
        handle.close()
        raise FileRefused(f"{path.name} is not an Excel workbook (.xlsx).") from None
    except BaseException:
        handle.close()
        raise
    return workbook, handle


def workbook_sheets(path: Path) -> list[str]:
    """The names of the sheets of a workbook, in order."""
    workbook, handle = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()
        handle.close()


class Sheet:
    """One sheet of an open workbook, from its header row on."""

    def __init__(self, path: Path, sheet: str | None, header_row: int) -> None:
        self.path = path
        self.size = path.stat().st_size
        self.header_row = header_row
        self._workbook, self._handle = _open_workbook(path)
        try:
            self.name = self._choose(sheet)
            self._sheet = self._workbook[self.name]
            if not hasattr(self._sheet, "iter_rows"):
                raise FileRefused(f"{path.name}: the sheet '{self.name}' is a chart, not rows "
                                  "of cells.")
            self._xml: IO[bytes] | None = None
            self._xml_size = self._watch_progress()
            # The size a sheet declares can be wrong (some writers never update it), and
            # openpyxl would stop at it or pad every row to it: read what is there instead.
            self._sheet.reset_dimensions()
            self._rows = self._sheet.iter_rows(min_row=header_row, values_only=True)
            header = next(self._rows, None)
            if header is None:
                raise FileRefused(f"{path.name} has no row {header_row} in sheet "
                                  f"'{self.name}' to read the header from."
                                  if header_row > 1 else "The file is empty: it has no header "
                                  "row.")
            cells = [cell_text(value) for value in header]
            while cells and not cells[-1].strip():
                cells.pop()
            self.header = cells
        except BaseException:
            self.close()
            raise

    def _choose(self, wanted: str | None) -> str:
        names: list[str] = list(self._workbook.sheetnames)
        if wanted is None:
            return names[0]
        for name in names:
            if name.strip().casefold() == wanted.strip().casefold():
                return name
        raise FileRefused(f"{self.path.name} has no sheet '{wanted}' (its sheets: "
                          f"{', '.join(names)}).")

    def _watch_progress(self) -> int:
        """Keep the sheet's XML stream as openpyxl opens it, so progress can be told by how
        far into it reading has got; 0 when openpyxl no longer works this way."""
        try:
            opener = self._sheet._get_source
            size = int(self._workbook._archive.getinfo(self._sheet._worksheet_path).file_size)
        except (AttributeError, KeyError):
            return 0

        def watched() -> IO[bytes]:
            self._xml = opener()
            return self._xml

        self._sheet._get_source = watched
        return size

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(the sheet's row number, cells as text) of every row after the header."""
        number = self.header_row
        for values in self._rows:
            number += 1
            yield number, ["" if value is None else value if value.__class__ is str
                           else cell_text(value) for value in values]

    def typed_rows(self) -> Iterator[tuple[int, list[Cell], list[str]]]:
        """``rows`` with the cells also as a profile reads them (dates as dates)."""
        number = self.header_row
        for values in self._rows:
            number += 1
            yield number, [cell_value(value) for value in values], [cell_text(value)
                                                                   for value in values]

    def bytes_read(self) -> int:
        """How far reading has got, in bytes of the workbook file (approximate)."""
        if self._xml is None or not self._xml_size:
            return 0
        try:
            return min(self.size, self._xml.tell() * self.size // self._xml_size)
        except (OSError, ValueError):
            return self.size

    def close(self) -> None:
        self._workbook.close()
        self._handle.close()


def open_sheet(path: Path, *, sheet: str | None = None, header_row: int = 1) -> Sheet:
    """The sheet of ``path`` to import, read up to its header row; refuses (``FileRefused``)
    an encrypted workbook, an .xls file, a file that is no workbook, or a missing sheet."""
    return Sheet(path, sheet, header_row)
