"""Streaming CSV rows the way Excel users think of them.

UTF-8 with or without a BOM, otherwise Windows-1252; header names matched case-insensitively
with surrounding spaces ignored; Excel row numbers (the header is row 1, a record with a
multi-line cell is still one row); a cell we wrote with an apostrophe against formula
injection reads as the original text (``spreadsheets.read_cell_text``). Memory stays flat:
the file is read once to choose the encoding, then streamed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from scs_victims.errors import FileRefused, InputRefused, RowError
from scs_victims.spreadsheets import read_cell_text

if TYPE_CHECKING:
    from scs_victims.importing.mapping import ColumnMapping

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
# The encoding check decodes the whole file before an import starts. Pieces of 64 KB decode
# with their text still in the processor's cache: 0.12 s for a 162 MB file, 0.32 s in 1 MB.
_CHUNK = 1 << 16
# A description can be long, but a cell beyond this is a broken file, not a record.
MAX_CELL_CHARS = 100_000


def detect_encoding(path: Path) -> str:
    """``UTF-8`` when every byte decodes as UTF-8 (BOM or not), else ``Windows-1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return WINDOWS_1252
    return UTF8


class CsvRow(NamedTuple):
    """One record: its Excel row number, its cells in header order, and any shape problem.

    ``cells`` may be the very list ``raw`` is (when the row has the header's width): neither
    is ever changed. A NamedTuple because a million of them are made for a large file."""

    number: int
    cells: list[str]
    raw: list[str]
    problem: str | None = None


_new_tuple = tuple.__new__


@dataclass
class CsvSource:
    """An open CSV file: header mapping, encoding, and an iterator over its rows."""

    path: Path
    encoding: str
    header: list[str]
    original_header: list[str]
    columns: dict[str, int]
    unknown_columns: list[str]
    size: int
    _binary: BinaryIO = field(repr=False)
    _reader: Iterator[list[str]] = field(repr=False)

    def bytes_read(self) -> int:
        """How far into the file reading has got (for progress; approximate)."""
        try:
            return min(self._binary.tell(), self.size)
        except (OSError, ValueError):
            return self.size

    def rows(self) -> Iterator[CsvRow]:
        width = len(self.header)
        number = 1
        try:
            for as_read in self._reader:
                number += 1
                raw = as_read
                # Whole-row tests on the cells joined by a line feed (cheaper than a test per
                # cell): a cell starts with "'" just after a line feed or at the very start.
                joined = "\n".join(raw)
                if joined.startswith("'") or "\n'" in joined:
                    # Cells we protected against formula injection read back as their
                    # original text (scs_victims.spreadsheets).
                    raw = [read_cell_text(cell) for cell in as_read]
                    joined = "\n".join(raw)
                if not joined or joined.isspace():
                    continue  # Excel leaves empty rows; they are not records.
                if len(raw) == width:
                    # tuple.__new__ skips NamedTuple's own __new__, a Python function.
                    yield _new_tuple(CsvRow, (number, raw, raw, None))
                    continue
                problem = None
                if len(raw) > width and any(cell.strip() for cell in raw[width:]):
                    problem = f"has {len(raw)} cells but the header has {width}"
                yield CsvRow(number, raw[:width] + [""] * (width - len(raw)), raw, problem)
        except csv.Error as exc:
            raise FileRefused(
                f"row {number + 1}: the file cannot be read past this row ({exc}).",
                [RowError(number + 1, "", f"the file cannot be read past this row ({exc})")],
            ) from exc

    def close(self) -> None:
        self._binary.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_csv(path: Path, *, required: Sequence[str], known: Sequence[str],
             encoding: str | None = None, mapping: ColumnMapping | None = None) -> CsvSource:
    """Open a CSV file and check its header; refuses the file when a required column is missing.

    With a ``mapping`` each header is read as the column it maps to (ignored columns are
    listed as unknown); headers it does not mention are read by their own name."""
    if not path.is_file():
        raise InputRefused(f"There is no file at {path}.")
    encoding = encoding or detect_encoding(path)
    binary = path.open("rb")
    try:
        if encoding == WINDOWS_1252 and binary.read(3) != codecs.BOM_UTF8:
            binary.seek(0)  # a BOM on a file that is not UTF-8 after all is not data
        text = io.TextIOWrapper(
            binary,
            encoding="utf-8-sig" if encoding == UTF8 else "cp1252",
            errors="strict" if encoding == UTF8 else "replace",
            newline="",
        )
        reader = csv.reader(text)
        try:
            header_cells = [read_cell_text(cell) for cell in next(reader)]
        except StopIteration:
            raise FileRefused("The file is empty: it has no header row.") from None
        except csv.Error as exc:
            raise FileRefused(f"row 1: the header cannot be read ({exc}).") from exc
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
        unknown = ignored + [header_cells[index].strip() for name, index in columns.items()
                             if name not in known_set]
        return CsvSource(path, encoding, header, header_cells, columns, unknown,
                         path.stat().st_size, binary, reader)
    except BaseException:
        binary.close()
        raise


csv.field_size_limit(MAX_CELL_CHARS)
