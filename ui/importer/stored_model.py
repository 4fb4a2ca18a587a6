"""The first rows of a file as an import profile stores them: what happens to each row (stored,
left out, or its problems), then our columns; the row headers are the file's row numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from scs_victims.importing.preview import StoredRow

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
OUTCOME = 0  # the first column; our columns follow
_LONGEST = 80  # characters shown of a cell (the tooltip has it whole)


def outcome(row: StoredRow) -> str:
    """What the import does with the row, in a few words."""
    if row.skipped is not None:
        return f"left out ({row.skipped} '{row.their_value}')"
    if row.problems:
        return "; ".join(row.problems)
    return "stored"


class StoredRowsModel(QAbstractTableModel):
    """"Outcome" and our columns over the rows as stored."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[StoredRow] = []

    def set_rows(self, header: Sequence[str], rows: Sequence[StoredRow]) -> None:
        self.beginResetModel()
        self._header = ["Outcome", *header]
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> StoredRow:
        return self._rows[row]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = outcome(row) if column == OUTCOME else (
            row.cells[column - 1] if column - 1 < len(row.cells) else "")
        if role == Qt.ItemDataRole.DisplayRole and len(text) > _LONGEST:
            return text[:_LONGEST - 1] + "\u2026"
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        return str(self._rows[section].number) if 0 <= section < len(self._rows) else None
