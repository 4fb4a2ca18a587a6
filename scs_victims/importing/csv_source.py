"""Streaming the rows of an import file the way Excel users think of them.

CSV: UTF-8 with or without a BOM, otherwise Windows-1252, or UTF-16 when the file starts with
its byte-order mark; header names matched case-insensitively with surrounding spaces ignored;
Excel row numbers (the header is row 1, a record with a multi-line cell is still one row); a
cell we wrote with an apostrophe against formula injection reads as the original text
(``spreadsheets.read_cell_text``). Memory stays flat: the file is read once to choose the
encoding, then streamed. An Excel workbook is read through ``workbook_source`` instead (told
by its first bytes), and an import profile (``profile``) turns another system's rows into ours.

A file that cannot be read right is refused whole, naming the row: a quote opened and never
closed (it would swallow the rows after it into one cell), a cell longer than any record
needs. A NUL character in a cell makes that row a problem, never stored.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, cast

from scs_victims.errors import FileRefused, InputRefused, RowError
from scs_victims.importing.workbook_source import Cell, Sheet, is_workbook, open_sheet
from scs_victims.spreadsheets import read_cell_text

if TYPE_CHECKING:
    from scs_victims.importing.mapping import ColumnMapping
    from scs_victims.importing.profile import BoundProfile, Profile

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
UTF16 = "UTF-16"
# The encoding check decodes the whole file before an import starts. Pieces of 64 KB decode
# with their text still in the processor's cache: 0.12 s for a 162 MB file, 0.32 s in 1 MB.
_CHUNK = 1 << 16
# How much of a file without a byte-order mark is looked at for the NULs of UTF-16 text.
_UTF16_SNIFF = 4096
# A description can be long, but a cell beyond this is a broken file, not a record.
MAX_CELL_CHARS = 100_000
# A cell holding more lines than this (not counting blank ones) is taken for rows swallowed
# by a quote that is never closed, as is one holding 2 lines shaped like the file's rows (1 in
# a file of at least WIDE_HEADER columns, where a line of a note rarely has that many commas).
MAX_CELL_LINES = 50
WIDE_HEADER = 8
# Python's csv stops at a cell longer than this (its default limit, left alone: it is one
# setting for the whole process).
CSV_CELL_LIMIT = 131_072
_NUL = "\x00"


class CsvRow(NamedTuple):
    """One record: its Excel row number, its cells in header order, and any shape problem;
    ``skipped`` names our column whose value an import profile leaves out (then ``cells`` is
    empty).

    ``cells`` may be the very list ``raw`` is (when the row has the header's width): neither
    is ever changed. A NamedTuple because a million of them are made for a large file."""

    number: int
    cells: list[str]
    raw: list[str]
    problem: str | None = None
    skipped: str | None = None


_new_tuple = tuple.__new__


def summarise(names: Sequence[str], shown: int = 20) -> str:
    """``a, b, c`` for a few names; the first ``shown`` and ``and 99,980 more`` for many."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


def detect_encoding(path: Path) -> str:
    """``UTF-16`` when the file starts with its byte-order mark, else ``UTF-8`` when every byte
    decodes as UTF-8 (BOM or not), else ``Windows-1252``; refuses UTF-16 without a BOM."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        start = handle.read(_UTF16_SNIFF)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return UTF16
        if max(start[0::2].count(0), start[1::2].count(0)) > 0.3 * len(start):
            raise FileRefused(f"{path.name} is saved as UTF-16: save it as CSV UTF-8.")
        try:
            decoder.decode(start)
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return WINDOWS_1252
    return UTF8


def text_stream(binary: BinaryIO, encoding: str) -> io.TextIOWrapper:
    if encoding == WINDOWS_1252 and binary.read(3) != codecs.BOM_UTF8:
        binary.seek(0)  # a BOM on a file that is not UTF-8 after all is not data
    codec = {UTF8: "utf-8-sig", UTF16: "utf-16"}.get(encoding, "cp1252")
    return io.TextIOWrapper(binary, encoding=codec,
                            errors="strict" if encoding == UTF8 else "replace", newline="")


def _open_quote(number: int, column: str, lost: int) -> FileRefused:
    rows = "row" if lost == 1 else "rows"
    error = RowError(number, column, f"a quote opened here is never closed; {lost:,} {rows} "
                                     "after it would be lost")
    return FileRefused(f"{error}.", [error])


def _long_cell(number: int) -> FileRefused:
    reason = (f"the file cannot be read past this row (a cell is longer than "
              f"{MAX_CELL_CHARS:,} characters)")
    return FileRefused(f"row {number}: {reason}.", [RowError(number, "", reason)])


def _lines(cell: str) -> list[str]:
    return cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass
class CsvSource:
    """An open CSV file or workbook sheet: header mapping, encoding, and its rows.

    With a profile, ``header`` and ``columns`` are our columns the profile fills (rows come
    in that layout) and ``original_header`` is their header row; ``raw`` cells stay theirs."""

    path: Path
    encoding: str  # "UTF-8", "Windows-1252", "UTF-16", or "Excel workbook, sheet 'Cases'"
    header: list[str]
    original_header: list[str]
    columns: dict[str, int]
    unknown_columns: list[str]
    size: int
    header_row: int = 1
    sheet: str | None = None  # the sheet read, for a workbook
    bound: BoundProfile | None = None  # the profile matched to this file's header, if any
    _binary: BinaryIO | None = field(default=None, repr=False)
    _reader: Iterator[list[str]] | None = field(default=None, repr=False)
    _sheet: Sheet | None = field(default=None, repr=False)
    _used: tuple[int, ...] = ()  # positions of the file's columns the import reads

    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress; approximate)."""
        if self._sheet is not None:
            return self._sheet.bytes_read()
        assert self._binary is not None
        try:
            return min(self._binary.tell(), self.size)
        except (OSError, ValueError):
            return self.size

    def rows(self) -> Iterator[CsvRow]:
        """Every record after the header (empty rows are not records), in our layout when
        a profile is used."""
        if self.bound is not None:
            return self._profiled(self.bound)
        if self._sheet is not None:
            return (CsvRow(number, cast(list[str], cells), raw, problem)
                    for number, cells, raw, problem in self._sheet_records(typed=False))
        return self._csv_rows()

    def _profiled(self, bound: BoundProfile) -> Iterator[CsvRow]:
        records = (self._sheet_records(typed=True) if self._sheet is not None else
                   ((row.number, row.cells, row.raw, row.problem) for row in self._csv_rows()))
        apply = bound.apply
        for number, cells, raw, problem in records:
            ours = apply(cells)
            if isinstance(ours, list):
                yield CsvRow(number, ours, raw, problem)
            else:
                yield CsvRow(number, [], raw, None, ours.column)

    def _csv_rows(self) -> Iterator[CsvRow]:
        assert self._reader is not None
        width = len(self.original_header)
        number = self.header_row
        try:
            for as_read in self._reader:
                number += 1
                raw = as_read
                # Whole-row tests on the cells joined by a character no cell holds (cheaper
                # than a test per cell): a cell starts with "'" just after one or at the start
                # (tested only when there is a "'" at all: a one-character search is quicker).
                joined = "\x1f".join(raw)
                if "'" in joined and (joined.startswith("'") or "\x1f'" in joined):
                    # Cells we protected against formula injection read back as their
                    # original text (scs_victims.spreadsheets).
                    raw = [read_cell_text(cell) for cell in as_read]
                    joined = "\x1f".join(raw)
                if not joined or joined.isspace():  # "\x1f" is a space to isspace()
                    continue  # Excel leaves empty rows; they are not records.
                if "\n" in joined or "\r" in joined:
                    self._refuse_open_quote(number, raw)
                if len(joined) > MAX_CELL_CHARS and max(map(len, raw)) > MAX_CELL_CHARS:
                    raise _long_cell(number)
                if len(raw) == width and _NUL not in joined:
                    # tuple.__new__ skips NamedTuple's own __new__, a Python function.
                    yield _new_tuple(CsvRow, (number, raw, raw, None, None))
                    continue
                problem = None
                if len(raw) > width and any(cell.strip() for cell in raw[width:]):
                    problem = f"has {len(raw)} cells but the header has {width}"
                elif _NUL in joined:
                    problem = self._nul_problem(raw)
                cells = raw if len(raw) == width else raw[:width] + [""] * (width - len(raw))
                yield CsvRow(number, cells, raw, problem)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise self._unclosed_from(number + 1) from exc
            raise FileRefused(
                f"row {number + 1}: the file cannot be read past this row ({exc}).",
                [RowError(number + 1, "", f"the file cannot be read past this row ({exc})")],
            ) from exc

    def _sheet_records(self, *, typed: bool,
                       ) -> Iterator[tuple[int, Sequence[Cell], list[str], str | None]]:
        assert self._sheet is not None
        width = len(self.original_header)
        records: Iterator[tuple[int, Sequence[Cell], list[str]]] = (
            self._sheet.typed_rows() if typed
            else ((number, raw, raw) for number, raw in self._sheet.rows()))
        for number, cells, raw in records:
            joined = "\x1f".join(raw)
            if not joined or joined.isspace():
                continue  # an empty row is not a record
            if len(raw) == width:
                yield number, cells, raw, None
                continue
            problem = None
            if len(raw) > width and any(cell.strip() for cell in raw[width:]):
                problem = f"has {len(raw)} cells but the header has {width}"
            yield number, [*cells[:width], *[""] * (width - len(cells))], raw, problem

    def _label(self, position: int) -> str:
        """The file's name for its column at ``position`` ("" past the header)."""
        if position < len(self.original_header):
            return self.original_header[position].strip()
        return ""

    def _refuse_open_quote(self, number: int, raw: list[str]) -> None:
        """Refuse the file when a cell of this row holds what looks like the rows after it:
        a quote opened in it and never closed has swallowed them."""
        width = len(self.original_header)
        for position, cell in enumerate(raw):
            if "\n" not in cell and "\r" not in cell:
                continue
            lines = [line for line in _lines(cell)[1:] if line.strip()]
            shaped = sum(1 for cells in csv.reader(lines)
                         if len(cells) == width and any(text.strip() for text in cells))
            if shaped >= 2 or (shaped and width >= WIDE_HEADER) or len(lines) > MAX_CELL_LINES:
                raise _open_quote(number, self._label(position), len(lines))

    def _unclosed_from(self, number: int) -> FileRefused:
        """The refusal of a file whose row ``number`` has a cell longer than csv reads: a
        quote opened there and never closed, unless the cell is that long on its own line."""
        with self.path.open("rb") as binary:
            text = text_stream(binary, self.encoding)
            reader = csv.reader(text)
            for _ in range(number - 1):
                next(reader, None)
            first = next(text, "")
            if len(first) > CSV_CELL_LIMIT:
                return _long_cell(number)
            opened = next(csv.reader([first]), [""])
            lost = sum(1 for line in text if line.strip())
        return _open_quote(number, self._label(len(opened) - 1), lost)

    def _nul_problem(self, raw: list[str]) -> str | None:
        for position in self._used:
            if position < len(raw) and _NUL in raw[position]:
                return (f"{self._label(position)}: contains a NUL character: nothing from "
                        "this row is stored")
        return None

    def close(self) -> None:
        if self._sheet is not None:
            self._sheet.close()
        if self._binary is not None:
            self._binary.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_csv(path: Path, *, required: Sequence[str], known: Sequence[str],
             encoding: str | None = None, mapping: ColumnMapping | None = None,
             profile: Profile | None = None, today: date | None = None) -> CsvSource:
    """Open a CSV file or an Excel workbook and check its header; refuses the file when a
    required column is missing.

    With a ``mapping`` each header is read as the column it maps to (ignored columns are
    listed as unknown); headers it does not mention are read by their own name. With a
    ``profile`` (``known`` being our columns) rows come out as our columns, and ``today``
    dates its two-digit years (default: today)."""
    if not path.is_file():
        raise InputRefused(f"There is no file at {path}.")
    if mapping is not None and profile is not None:
        raise ValueError("a file is read with a mapping or a profile, not both")
    header_row = 1 if profile is None else profile.header_row
    if is_workbook(path):
        sheet = open_sheet(path, sheet=None if profile is None else profile.sheet,
                           header_row=header_row)
        try:
            return _checked(CsvSource(path, f"Excel workbook, sheet '{sheet.name}'", [],
                                      sheet.header, {}, [], sheet.size, header_row,
                                      sheet=sheet.name, _sheet=sheet),
                            required, known, mapping, profile, today)
        except BaseException:
            sheet.close()
            raise
    encoding = encoding or detect_encoding(path)
    binary = path.open("rb")
    try:
        reader = csv.reader(text_stream(binary, encoding))
        try:
            for _title in range(header_row - 1):
                next(reader)
            header_cells = [read_cell_text(cell) for cell in next(reader)]
        except StopIteration:
            raise FileRefused("The file is empty: it has no header row." if header_row == 1
                              else f"The file has no row {header_row} to read the header "
                              "from.") from None
        except csv.Error as exc:
            raise FileRefused(f"row {header_row}: the header cannot be read ({exc}).") from exc
        return _checked(CsvSource(path, encoding, [], header_cells, {}, [],
                                  path.stat().st_size, header_row, _binary=binary,
                                  _reader=reader),
                        required, known, mapping, profile, today)
    except BaseException:
        binary.close()
        raise


def _checked(source: CsvSource, required: Sequence[str], known: Sequence[str],
             mapping: ColumnMapping | None, profile: Profile | None,
             today: date | None) -> CsvSource:
    """``source`` with its header matched to our columns."""
    header_cells = source.original_header
    if profile is not None:
        from scs_victims.importing.profile import bind

        bound = bind(profile, header_cells, ours=known, required=required,
                     today=today or date.today())
        source.bound = bound
        source.header = list(bound.header)
        source.columns = {name: index for index, name in enumerate(bound.header)}
        source.unknown_columns = list(bound.unknown_columns)
        source._used = tuple(sorted(bound.used))
        return source
    header = [cell.strip().casefold() for cell in header_cells]
    ignored: list[str] = []
    if mapping is not None:
        for index, cell in enumerate(header_cells):
            ours = mapping.column_for(cell)
            if ours is not None:
                header[index] = ours
                if not ours and cell.strip():
                    ignored.append(cell.strip())
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(header):
        if not name:
            continue
        if name in columns:
            errors.append(RowError(1, name, "this column appears twice in the header"
                                   if mapping is None else
                                   "more than one of your columns is mapped to it"))
        else:
            columns[name] = index
    missing = [name for name in required if name not in columns]
    reason = ("required column is missing" if mapping is None
              else "required column is missing: map one of your columns to it")
    errors.extend(RowError(1, name, reason) for name in missing)
    if errors:
        raise FileRefused("The header row has problems; nothing was imported.", errors)
    known_set = set(known)
    source.header = header
    source.columns = columns
    source.unknown_columns = ignored + [header_cells[index].strip()
                                        for name, index in columns.items()
                                        if name not in known_set]
    source._used = tuple(sorted(index for name, index in columns.items() if name in known_set))
    return source

