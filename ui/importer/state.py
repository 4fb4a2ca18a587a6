"""What the import wizard's pages learn and pass on, kept in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scs_victims.importing.incidents import ImportSummary
from scs_victims.importing.mapping import ColumnMapping
from scs_victims.importing.preview import FilePreview


@dataclass
class ImportState:
    path: Path | None = None
    preview: FilePreview | None = None
    offered: ColumnMapping | None = None  # the mapping first shown on the mapping page
    offered_was_saved: bool = False
    mapping: ColumnMapping | None = None  # None: the file has our headers
    save_mapping: bool = False  # the user confirmed ``mapping``: remember it
    check: ImportSummary | None = None
    skip_invalid: bool = False
    rejects_path: Path | None = None
    result: ImportSummary | None = None

    def label(self, column: str) -> str:
        """A column for messages: ours, and theirs when the file was mapped."""
        return column if self.mapping is None else self.mapping.label(column)


# Page ids, in the order the wizard shows them.
CHOOSE, PREVIEW, MAPPING, CHECK, IMPORT, SUMMARY = range(6)
