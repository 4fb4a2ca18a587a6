"""What the import wizard's pages learn and pass on, kept in one place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from scs_victims.importing.incidents import ImportSummary
from scs_victims.importing.preview import ColumnValues, FileStart
from scs_victims.importing.profile import Profile


@dataclass
class ImportState:
    path: Path | None = None
    chosen: Profile | None = None  # a saved profile picked with the file, if any
    start: FileStart | None = None  # the file's first rows as written
    headers: list[str] = field(default_factory=list)  # their header row, as written
    profile: Profile | None = None  # None: the file is in our own layout
    values: dict[str, ColumnValues] | None = None  # their values of the translated columns
    values_for: Profile | None = None  # what ``values`` were counted for (``counted``)
    saved_path: Path | None = None  # where the profile was saved, if it was
    check: ImportSummary | None = None
    skip_invalid: bool = False
    rejects_path: Path | None = None
    result: ImportSummary | None = None

    def forget_file(self) -> None:
        """Another file (or profile) was chosen: nothing read from the last one holds."""
        self.start, self.headers, self.profile = None, [], None
        self.values, self.values_for, self.saved_path = None, None, None
        self.check = self.result = None

    def label(self, column: str) -> str:
        """A column named in an error: as the import names it (theirs, with a profile)."""
        return column


def counted(profile: Profile) -> Profile:
    """What decides the values a file has for a profile's columns: its columns alone."""
    return dataclasses.replace(profile, name="", values={}, dates=None)


# Page ids, in the order the wizard shows them.
CHOOSE, LAYOUT, COLUMNS, VALUES, DATES, STORED, SAVE, CHECK, IMPORT, SUMMARY = range(10)
