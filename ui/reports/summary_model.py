"""The quarterly report's summary table for one crime type, as on its page in the PDF: a row
per measure; the quarter, the previous quarter, the same quarter last year and the year to
date; then the target, the baseline and the status (its word, and its colour behind it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from scs_victims.reports.quarterly_data import SummaryLine, TypeSummary, status_word
from ui.dashboard.widgets import STATUS_COLOURS

FIXED_HEADERS = ("Target", "Baseline", "Status")
Index = QModelIndex | QPersistentModelIndex


class SummaryModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.columns: tuple[str, ...] = ()
        self.lines: tuple[SummaryLine, ...] = ()

    def set_summary(self, columns: tuple[str, ...], summary: TypeSummary | None) -> None:
        self.beginResetModel()
        self.columns = columns
        self.lines = () if summary is None else summary.lines
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns) + len(FIXED_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self.lines[section].measure if 0 <= section < len(self.lines) else None
        headers = (*self.columns, *FIXED_HEADERS)
        return headers[section] if 0 <= section < len(headers) else None

    def text(self, row: int, column: int) -> str:
        line = self.lines[row]
        count = len(self.columns)
        if column < count:
            return line.values[column]
        return (line.target, line.baseline, status_word(line))[column - count]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        is_status = column == self.columnCount() - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignCenter if is_status
                          else Qt.AlignmentFlag.AlignRight)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and is_status:
            return self.lines[row].rule or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.lines[row].measure}: {self.text(row, column) or 'none'}"
        status = self.lines[row].status
        colours = STATUS_COLOURS.get(status) if is_status and status is not None else None
        if colours is not None:
            background, foreground = colours
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(background))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(foreground))
        return None
