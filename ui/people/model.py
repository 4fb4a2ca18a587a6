"""The people table's model: plain ``PersonRow`` tuples, replaced wholesale when the search or
the filters change, and sorted by real values (dates as dates, counts as numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from scs_victims.services.people_directory import PersonRow
from ui.widgets import ALIGN_RIGHT, uk_date

Index = QModelIndex | QPersistentModelIndex
PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

HEADERS = ("Name", "Date of birth", "Age", "Gender", "Ward", "ASB", "Burglary", "DV",
           "Last incident", "Flags")
NAME, BORN, AGE, GENDER, WARD, ASB, BURGLARY, DV, LAST, FLAGS = range(len(HEADERS))
_NUMBERS = {AGE, ASB, BURGLARY, DV}


def _text(row: PersonRow, column: int) -> str:
    if column == NAME:
        return row.name
    if column == BORN:
        return uk_date(row.date_of_birth)
    if column == AGE:
        return "" if row.age is None else str(row.age)
    if column == GENDER:
        return (row.gender or "").capitalize()
    if column == WARD:
        return row.ward
    if column in (ASB, BURGLARY, DV):
        return str(row[column + 2])  # the count fields follow ward_id and ward
    if column == LAST:
        return uk_date(row.last_incident)
    return row.flags


def _blank_last(value: Any) -> tuple[bool, Any]:
    """Sort blanks after every value, and compare values only with values."""
    return (value is None or value == "", value if value is not None else 0)


SORT_KEYS: dict[int, Callable[[PersonRow], Any]] = {
    NAME: lambda row: row.name.casefold(),
    BORN: lambda row: _blank_last(row.date_of_birth),
    AGE: lambda row: _blank_last(row.age),
    GENDER: lambda row: _blank_last(row.gender),
    WARD: lambda row: _blank_last(row.ward.casefold()),
    ASB: lambda row: row.asb,
    BURGLARY: lambda row: row.burglary,
    DV: lambda row: row.dv,
    LAST: lambda row: _blank_last(row.last_incident),
    FLAGS: lambda row: (not row.repeat, not row.perpetrator),
}

# Given a column and an order, returns the rows in that order (the page sorts its whole
# directory once, so later searches come out already sorted).
Sorter = Callable[[int, Qt.SortOrder], list[PersonRow] | None]


class PeopleTableModel(QAbstractTableModel):
    """Rows of people; ``set_rows`` replaces them all (a search or a filter)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonRow] = []
        self.sort_column = NAME
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.sorter: Sorter | None = None

    # Qt's interface ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return int(ALIGN_RIGHT.value)
        if role == Qt.ItemDataRole.ToolTipRole and column == FLAGS and row.flags:
            parts = []
            if row.repeat:
                parts.append("At least one of their incidents is a repeat.")
            if row.perpetrator:
                parts.append("Named as the perpetrator on at least one incident.")
            return " ".join(parts)
        if role == PERSON_ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            return SORT_KEYS[column](row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in _NUMBERS:
                return int(ALIGN_RIGHT.value)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.sort_column, self.sort_order = column, order
        rows = self.sorter(column, order) if self.sorter is not None else None
        if rows is None:
            rows = sorted(self._rows, key=SORT_KEYS[column],
                          reverse=order == Qt.SortOrder.DescendingOrder)
        # A reset rather than a layout change: persistent indexes need no remapping, and the
        # selection of a sorted list of 300,000 is not worth keeping.
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # Ours -------------------------------------------------------------------------------

    def set_rows(self, rows: list[PersonRow], *, ordered: bool = False) -> None:
        """Show these rows; ``ordered``: they are already in the current sort order."""
        if not ordered:
            rows = sorted(rows, key=SORT_KEYS[self.sort_column],
                          reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> PersonRow:
        return self._rows[row]

    def person_ids(self) -> list[int]:
        return [row.id for row in self._rows]
