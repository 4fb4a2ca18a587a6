"""The saved import profiles: name, kind of file, file name, and why one cannot be used."""

from __future__ import annotations

from typing import ClassVar

from scs_victims.importing.profile import SavedProfile
from ui.table_model import RowsTableModel

NAME, KIND, FILE, PROBLEM = range(4)
_KINDS = {"incidents": "Incidents", "marac-referrals": "MARAC referrals"}


class ProfilesModel(RowsTableModel[SavedProfile]):
    """One row per profile file; a file that cannot be used shows its problem."""

    HEADERS: ClassVar[tuple[str, ...]] = ("Name", "For", "File", "Problem")

    def display(self, row: SavedProfile, column: int) -> str:
        profile = row.profile
        if column == NAME:
            return profile.name if profile is not None else row.path.stem
        if column == KIND:
            return _KINDS[profile.kind] if profile is not None else ""
        if column == FILE:
            return row.path.name
        return row.problem or ""

    def tooltip(self, row: SavedProfile, column: int) -> str | None:
        if column == FILE:
            return str(row.path)
        if column == PROBLEM:
            return row.problem
        return None
