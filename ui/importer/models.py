"""Table models of the import wizard: the first rows of a file as written, and the row errors
found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from scs_victims.errors import RowError
from ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class PreviewModel(QAbstractTableModel):
    """The first rows of a file as text under column headers (the spreadsheet's letters);
    the row headers are the file's own row numbers."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[list[str]] = []
        self._numbers: list[int] = []

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 numbers: Sequence[int]) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self._rows = [list(row) for row in rows]
        self._numbers = list(numbers)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        text = row[index.column()] if index.column() < len(row) else ""
        # A long description would make the table unreadable; the tooltip has it whole.
        if role == Qt.ItemDataRole.DisplayRole and len(text) > 80:
            return text[:79] + "\u2026"
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(self._numbers[section]) if 0 <= section < len(self._numbers) else None


class RowErrorsModel(RowsTableModel[RowError]):
    """Row number, column and problem of each error (the column as the import names it:
    theirs when a profile was used)."""

    HEADERS = ("Row", "Column", "Problem")
    RIGHT_ALIGNED = (0,)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._label: Callable[[str], str] = str

    def set_errors(self, errors: Sequence[RowError],
                   label: Callable[[str], str] | None = None) -> None:
        self._label = label or str
        self.set_rows(errors)

    def display(self, row: RowError, column: int) -> Any:
        if column == 0:
            return row.row
        if column == 1:
            return self._label(row.column) if row.column else ""
        return row.reason

    def tooltip(self, row: RowError, column: int) -> str | None:
        return row.reason if column == 2 else None
