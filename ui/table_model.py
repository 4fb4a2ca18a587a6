"""The shared base of the read-only table models: a list of plain rows under fixed headers.

A subclass names its ``HEADERS`` and says what a cell shows in ``display``; the other hooks
(tooltip, alignment, sort value, any other role) answer ``None`` unless overridden, so each
model states only what differs. ``data`` has already checked the index and the row when a hook
runs, so hooks never see a row that is not there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ui.widgets import ALIGN_RIGHT

Index = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
_ROOT = QModelIndex()


class RowsTableModel(QAbstractTableModel, Generic[R]):
    """Rows of type ``R``, replaced wholesale by ``set_rows``; one column per header."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    # The roles answered with the display text (some models also give it to screen readers).
    DISPLAY_ROLES: ClassVar[tuple[int, ...]] = (Qt.ItemDataRole.DisplayRole,)
    # Columns of numbers, aligned right.
    RIGHT_ALIGNED: ClassVar[Collection[int]] = ()
    # The role a sort proxy sorts by, answered by ``sort_value``; None: the model has none.
    SORT_ROLE: ClassVar[int | None] = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    # Hooks ------------------------------------------------------------------------------

    def display(self, row: R, column: int) -> Any:
        raise NotImplementedError

    def tooltip(self, row: R, column: int) -> Any:  # noqa: ARG002 - a hook's default
        return None

    def alignment(self, column: int) -> Qt.AlignmentFlag | None:
        return ALIGN_RIGHT if column in self.RIGHT_ALIGNED else None

    def sort_value(self, row: R, column: int) -> Any:
        return self.display(row, column)

    def role_data(self, row: R, column: int, role: int) -> Any:  # noqa: ARG002
        """Any role the hooks above do not cover (ids, edit text, filter keys)."""
        return None

    # Qt's interface ---------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in self.DISPLAY_ROLES:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            alignment = self.alignment(column)
            return None if alignment is None else int(alignment.value)
        if self.SORT_ROLE is not None and role == self.SORT_ROLE:
            return self.sort_value(row, column)
        return self.role_data(row, column, role)


def change_filter(proxy: QSortFilterProxyModel, apply: Callable[[], None]) -> None:
    """Change what a filter proxy accepts (``apply`` sets its state) and refilter its rows.

    Qt 6.10 replaced invalidateRowsFilter() (now deprecated) with begin/endFilterChange.
    """
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        apply()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        apply()
        proxy.invalidateRowsFilter()
