"""The people table's model: plain ``PersonRow`` tuples, replaced wholesale when the search or
the filters change, and sorted by real values (dates as dates, counts as numbers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from scs_victims.services.people_directory import PersonRow
from ui.table_model import RowsTableModel
from ui.widgets import ALIGN_RIGHT, uk_date

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


class PeopleTableModel(RowsTableModel[PersonRow]):
    """Rows of people; ``set_rows`` replaces them all (a search or a filter)."""

    HEADERS = HEADERS
    DISPLAY_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
    RIGHT_ALIGNED = _NUMBERS
    SORT_ROLE = SORT_ROLE

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.sort_column = NAME
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.sorter: Sorter | None = None

    # The base model's hooks -------------------------------------------------------------

    def display(self, row: PersonRow, column: int) -> str:
        return _text(row, column)

    def tooltip(self, row: PersonRow, column: int) -> str | None:
        if column != FLAGS or not row.flags:
            return None
        parts = []
        if row.repeat:
            parts.append("At least one of their incidents is a repeat.")
        if row.perpetrator:
            parts.append("Named as the perpetrator on at least one incident.")
        return " ".join(parts)

    def sort_value(self, row: PersonRow, column: int) -> Any:
        return SORT_KEYS[column](row)

    def role_data(self, row: PersonRow, column: int, role: int) -> Any:  # noqa: ARG002
        return row.id if role == PERSON_ID_ROLE else None

    # Qt's interface ---------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and section in _NUMBERS):
            return int(ALIGN_RIGHT.value)
        return super().headerData(section, orientation, role)

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
        super().set_rows(rows)

    # Ours -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[PersonRow], *, ordered: bool = False) -> None:
        """Show these rows; ``ordered``: they are already in the current sort order."""
        if not ordered:
            rows = sorted(rows, key=SORT_KEYS[self.sort_column],
                          reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        super().set_rows(rows)

    def person_ids(self) -> list[int]:
        return [row.id for row in self._rows]
