"""The first rows of an incident file as text, before anything is imported (no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from scs_victims.importing.mapping import headers_match

PREVIEW_ROWS = 20


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
