"""A file looked at before anything is imported (no database): its first rows as written,
as an import profile will store them, the distinct values of the columns a profile
translates, and samples of its dates."""

from __future__ import annotations

import csv
import dataclasses
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from scs_victims.importing.csv_source import CsvSource, detect_encoding, open_csv, text_stream
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS, RowChecker
from scs_victims.importing.mapping import headers_match
from scs_victims.importing.profile import DATE_COLUMNS, BoundProfile, Profile, kind_columns
from scs_victims.importing.workbook_source import is_workbook, open_sheet, workbook_sheets
from scs_victims.progress import ProgressCallback, no_progress

PREVIEW_ROWS = 20
# Rows looked at for the dates of a file, and distinct values listed per column.
DATE_SAMPLE_ROWS = 500
DISTINCT_LIMIT = 200


@dataclass(frozen=True)
class FilePreview:
    """What the import wizard shows of a file before it is checked."""

    path: Path
    encoding: str
    headers: list[str]  # as written in the file, spaces trimmed
    rows: list[list[str]]  # cells in header order, one list per row
    row_numbers: list[int]  # Excel row numbers of ``rows`` (the header is row 1)
    unknown_columns: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)

    @property
    def needs_mapping(self) -> bool:
        """True when the headers are not those of formats.md and must be mapped."""
        return not headers_match(self.headers)


def preview_incidents(path: Path, rows: int = PREVIEW_ROWS) -> FilePreview:
    """Headers, encoding and the first ``rows`` rows of ``path``; refuses an empty file or an
    unreadable header (``FileRefused``), never looks at the database."""
    with open_csv(path, required=(), known=INCIDENT_COLUMNS) as source:
        headers = [cell.strip() for cell in source.original_header]
        shown: list[list[str]] = []
        numbers: list[int] = []
        for row in source.rows():
            if len(shown) >= rows:
                break
            shown.append(row.cells)
            numbers.append(row.number)
        missing = [column for column in REQUIRED_COLUMNS if column not in source.columns]
        return FilePreview(path, source.encoding, headers, shown, numbers,
                           list(source.unknown_columns), missing)


# --- the start of a file, as written ---------------------------------------------------------


@dataclass(frozen=True)
class FileStart:
    """The first rows of a file as written, before any header is chosen: for a workbook,
    of one sheet (``sheet``; ``sheets`` lists them all)."""

    path: Path
    encoding: str  # "UTF-8", "Windows-1252", "UTF-16", or "Excel workbook"
    rows: list[list[str]]  # cells as text, trailing empty cells dropped
    numbers: list[int]  # the row number of each (the file's first row is 1)
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None

    def header(self, row: int) -> list[str]:
        """The cells of row ``row`` (a header row), trimmed; empty past the rows read."""
        for number, cells in zip(self.numbers, self.rows, strict=True):
            if number == row:
                return [cell.strip() for cell in cells]
        return []


def file_start(path: Path, *, sheet: str | None = None, rows: int = PREVIEW_ROWS
               ) -> FileStart:
    """The first ``rows`` rows of ``path`` (a CSV file, or a sheet of a workbook: ``sheet``,
    default the first) with their row numbers; refuses a file that cannot be read
    (``FileRefused``)."""
    if is_workbook(path):
        sheets = workbook_sheets(path)
        opened = open_sheet(path, sheet=sheet, header_row=1)
        try:
            read = [(1, opened.header)]
            read.extend(itertools.islice(opened.rows(), rows - 1))
            return FileStart(path, "Excel workbook", [_trimmed(cells) for _n, cells in read],
                             [number for number, _cells in read], sheets, opened.name)
        finally:
            opened.close()
    encoding = detect_encoding(path)
    with path.open("rb") as binary, text_stream(binary, encoding) as text:
        records = list(itertools.islice(csv.reader(text), rows))
    return FileStart(path, encoding, [_trimmed(cells) for cells in records],
                     list(range(1, len(records) + 1)))


def _trimmed(cells: Sequence[str]) -> list[str]:
    kept = list(cells)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def guess_header_row(start: FileStart) -> int:
    """The row that most likely names the columns: the first with as many filled cells as
    any row shown (a title above a header fills fewer)."""
    filled = [sum(1 for cell in cells if cell.strip()) for cells in start.rows]
    most = max(filled, default=0)
    for number, count in zip(start.numbers, filled, strict=True):
        if count == most:
            return number
    return 1


# --- rows as a profile stores them -----------------------------------------------------------


@dataclass(frozen=True)
class StoredRow:
    """One row of the file as a profile turns it into ours."""

    number: int  # the file's own row number
    cells: list[str]  # our columns (``ProfilePreview.header``); empty when left out
    skipped: str | None = None  # our column whose value leaves the row out
    problems: list[str] = field(default_factory=list)  # "Incident Date: '31/02/24' is ..."
    their_value: str = ""  # of a row left out: their value that leaves it out


@dataclass(frozen=True)
class ProfilePreview:
    """What a profile makes of the first rows of a file."""

    path: Path
    encoding: str  # as the import summary says it ("Excel workbook, sheet 'Cases'")
    their_header: list[str]
    header: list[str]  # our columns the profile fills, in our order
    rows: list[StoredRow]
    unknown_columns: list[str]  # their columns the profile does not read


def _open(path: Path, profile: Profile, today: date) -> CsvSource:
    ours, required = kind_columns(profile.kind)
    return open_csv(path, required=required, known=ours, profile=profile, today=today)


def preview(path: Path, profile: Profile, *, today: date, rows: int = PREVIEW_ROWS
            ) -> ProfilePreview:
    """The first ``rows`` rows of ``path`` as ``profile`` will store them, each with the
    problems the import will find in it (wards are not checked: that needs the database),
    or the column that leaves it out; refuses a file the profile does not fit
    (``FileRefused``: a column it names is missing, a required column is not filled)."""
    with _open(path, profile, today) as source:
        bound = source.bound
        assert bound is not None
        checker = (RowChecker(source.columns, today=today, wards_configured=False,
                              ward_keys=set()) if profile.kind == "incidents" else None)
        shown: list[StoredRow] = []
        for row in itertools.islice(source.rows(), rows):
            theirs = _their_cells(row.raw, bound)
            if row.skipped is not None:
                shown.append(StoredRow(row.number, [], row.skipped,
                                       their_value=bound.their_text(row.skipped, theirs)))
                continue
            problems = [] if row.problem is None else [row.problem]
            checked = [] if checker is None else checker.check(row.number, row.cells)
            if isinstance(checked, list):
                problems.extend(f"{bound.label(error.column, theirs)}: {error.reason}"
                                for error in checked)
            shown.append(StoredRow(row.number, list(row.cells), None, problems))
        return ProfilePreview(path, source.encoding, list(bound.their_header),
                              list(bound.header), shown, list(bound.unknown_columns))


def _their_cells(raw: list[str], bound: BoundProfile) -> list[str]:
    """A row's cells as written, as wide as their header (a short row padded)."""
    width = len(bound.their_header)
    return raw + [""] * (width - len(raw)) if len(raw) < width else raw


# --- what a profile must translate -----------------------------------------------------------


class ColumnValues(NamedTuple):
    """The values of one of our columns in a file, before any translation."""

    counts: list[tuple[str, int]]  # (their value, rows), most rows first; blank not listed
    blank: int = 0  # rows where it is blank (never translated)
    other_rows: int = 0  # rows with a value past the listed ones (more than the limit)


def _untranslated(profile: Profile) -> Profile:
    """``profile`` reading their values as they are: no translation, no reading of dates."""
    return dataclasses.replace(profile, values={}, dates=None)


def distinct_values(path: Path, profile: Profile, columns: Sequence[str], *, today: date,
                    limit: int = DISTINCT_LIMIT, progress: ProgressCallback = no_progress
                    ) -> dict[str, ColumnValues]:
    """Their values of each of ``columns`` (ours, as ``profile`` fills them: a cell, a
    template or a part of a full name) with the number of rows of each, in one pass over
    the file. Values equal but for case and surrounding spaces are one value (a profile
    matches them so), shown as most often written. The first ``limit`` values met are
    listed per column; rows with others are counted together. Columns the profile gives a
    constant, or does not fill, are left out."""
    with _open(path, _untranslated(profile), today) as source:
        bound = source.bound
        assert bound is not None
        wanted = [(column, source.columns[column]) for column in columns
                  if column in source.columns and column not in profile.constants]
        counts: dict[str, Counter[str]] = {column: Counter() for column, _at in wanted}
        spellings: dict[str, dict[str, Counter[str]]] = {column: {} for column, _at in wanted}
        blank = dict.fromkeys(counts, 0)
        other = dict.fromkeys(counts, 0)
        total = source.size
        for number, row in enumerate(source.rows()):
            if number % 1000 == 0:
                progress(source.bytes_read(), total)
            for column, at in wanted:
                text = row.cells[at].strip()
                key = text.casefold()
                if not key:
                    blank[column] += 1
                elif key in counts[column] or len(counts[column]) < limit:
                    counts[column][key] += 1
                    spellings[column].setdefault(key, Counter())[text] += 1
                else:
                    other[column] += 1
        progress(total, total)
    return {column: ColumnValues(
                [(spellings[column][key].most_common(1)[0][0], rows)
                 for key, rows in counts[column].most_common()],
                blank[column], other[column])
            for column, _at in wanted}


def date_samples(path: Path, profile: Profile, *, today: date, rows: int = DATE_SAMPLE_ROWS
                 ) -> dict[str, list[str]]:
    """Their text of each of our date columns the profile fills from the file, as written
    (a workbook's date cells as ISO text), over the first ``rows`` rows: blank cells left
    out, each value once."""
    with _open(path, _untranslated(profile), today) as source:
        columns = [(column, source.columns[column]) for column in DATE_COLUMNS[profile.kind]
                   if column in source.columns and column not in profile.constants]
        samples: dict[str, dict[str, None]] = {column: {} for column, _at in columns}
        for row in itertools.islice(source.rows(), rows):
            for column, at in columns:
                text = row.cells[at].strip()
                if text:
                    samples[column][text] = None
    return {column: list(texts) for column, texts in samples.items()}
