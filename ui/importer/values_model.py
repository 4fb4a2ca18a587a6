"""The values of one of their columns, each with its number of rows and the value of ours it
becomes (or "leave these rows out"): one table of the import wizard's values page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from scs_victims.importing.profile import ANY_VALUE
from ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
VALUE, ROWS, OURS = range(3)
AS_WRITTEN = ""  # no translation: the value goes to our checks as they wrote it
BLANK = "\x00blank"  # the row of blank cells (never translated)


@dataclass
class ValueChoice:
    value: str  # theirs as written; ANY_VALUE for every other value, BLANK for blank cells
    rows: int
    target: str  # one of our values, SKIP, or AS_WRITTEN


class ValueChoicesModel(RowsTableModel[ValueChoice]):
    """Their value, its rows, our value; only "Our value" is edited (an index of the
    choices' targets, given as EditRole text)."""

    HEADERS = ("Their value", "Rows", "Our value")
    RIGHT_ALIGNED = (ROWS,)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices: list[tuple[str, str]] = []  # (label, target)

    def set_choices(self, rows: Sequence[ValueChoice], choices: Sequence[tuple[str, str]]
                    ) -> None:
        self.choices = list(choices)
        self.set_rows(rows)

    def label_of(self, target: str) -> str:
        return next((label for label, known in self.choices if known == target), target)

    def display(self, row: ValueChoice, column: int) -> Any:
        if column == VALUE:
            return {ANY_VALUE: "(all other values)", BLANK: "(blank)"}.get(row.value,
                                                                           row.value)
        if column == ROWS:
            return f"{row.rows:,}"
        return "(stays blank)" if row.value == BLANK else self.label_of(row.target)

    def tooltip(self, row: ValueChoice, column: int) -> str | None:
        if column == VALUE and row.value == ANY_VALUE:
            return "Values not listed here, in this file or in later ones"
        if column == VALUE and row.value == BLANK:
            return "Blank cells are never translated"
        return None

    def role_data(self, row: ValueChoice, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == OURS:
            return row.target
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == OURS and self._rows[index.row()].value != BLANK:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any,  # noqa: N802 - Qt override
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != OURS
                or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
                or value not in {target for _label, target in self.choices}):
            return False
        self._rows[index.row()].target = str(value)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.EditRole])
        return True

    def translations(self) -> dict[str, str]:
        """Their value -> ours (or ``skip``) for a profile's ``[values.COLUMN]``: values left
        as written are not listed."""
        return {row.value: row.target for row in self._rows
                if row.value != BLANK and row.target != AS_WRITTEN}
