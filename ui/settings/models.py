"""Table models of the Settings screen: the editable ward list and the list of backups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from scs_victims.services.backups import BackupFile
from scs_victims.services.wards import (
    MAX_CODE_CHARS,
    MAX_NAME_CHARS,
    WardEdit,
    WardRecord,
    count_problem,
)
from ui.table_model import RowsTableModel
from ui.widgets import uk_date_time

Index = QModelIndex | QPersistentModelIndex
NAME, CODE, POPULATION, HOUSEHOLDS, INCIDENTS = range(5)


@dataclass
class _Ward:
    id: int | None
    name: str
    code: str | None
    population: int | None
    households: int | None
    incidents: int


def parse_count(text: str) -> tuple[int | None, str | None]:
    """A population or household count typed by the user: (value, problem)."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None, None
    negative = cleaned.startswith("-")
    digits = cleaned[1:] if negative else cleaned
    if not digits.isascii() or not digits.isdigit():
        return None, "must be a whole number of 0 or more"
    value = -int(digits) if negative else int(digits)
    return value, count_problem(value)


class WardsModel(RowsTableModel[_Ward]):
    """The ward list being edited. A refused value is not stored: ``problem`` says why."""

    HEADERS = ("Name", "Code", "Population", "Households", "Incidents")
    RIGHT_ALIGNED = (POPULATION, HOUSEHOLDS, INCIDENTS)
    problem = Signal(str)
    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.dirty = False

    def set_wards(self, wards: Sequence[WardRecord]) -> None:
        self.dirty = False
        self.set_rows([_Ward(ward.id, ward.name, ward.code, ward.population, ward.households,
                             ward.incidents) for ward in wards])

    def edits(self) -> list[WardEdit]:
        return [WardEdit(ward.id, ward.name, ward.code, ward.population, ward.households)
                for ward in self._rows]

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != INCIDENTS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def display(self, row: _Ward, column: int) -> str:
        value = _value(row, column)
        if isinstance(value, int):
            return f"{value:,}"
        return value or ""

    def role_data(self, row: _Ward, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            value = _value(row, column)
            return "" if value is None else str(value)
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802 - Qt override
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        ward = self._rows[index.row()]
        text = "" if value is None else str(value)
        column = index.column()
        if column == NAME:
            name = text.strip()
            if not name:
                return self._refuse("A ward needs a name.")
            if len(name) > MAX_NAME_CHARS:
                return self._refuse(f"A ward name can be at most {MAX_NAME_CHARS} characters.")
            ward.name = name
        elif column == CODE:
            code = text.strip()
            if len(code) > MAX_CODE_CHARS:
                return self._refuse(f"A ward code can be at most {MAX_CODE_CHARS} characters.")
            ward.code = code or None
        elif column in (POPULATION, HOUSEHOLDS):
            label = self.HEADERS[column]
            count, problem = parse_count(text)
            if problem:
                return self._refuse(f"{label} {problem}; '{text.strip()}' was not accepted.")
            if column == POPULATION:
                ward.population = count
            else:
                ward.households = count
        else:
            return False
        self.dirty = True
        self.problem.emit("")
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole,
                                             Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def _refuse(self, message: str) -> bool:
        self.problem.emit(message)
        return False

    def add_ward(self, name: str) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(_Ward(None, name, None, None, None, 0))
        self.endInsertRows()
        self.dirty = True
        self.edited.emit()
        return row

    def remove_ward(self, row: int) -> str | None:
        """Remove a row, or say why it cannot go (incidents use it)."""
        ward = self._rows[row]
        if ward.incidents:
            return (f"{ward.name} cannot be removed: {ward.incidents:,} incident"
                    f"{'s are' if ward.incidents != 1 else ' is'} recorded in it.")
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self.dirty = True
        self.edited.emit()
        return None


class BackupsModel(RowsTableModel[BackupFile]):
    """The backup files: name, when, how big."""

    HEADERS = ("File", "Made", "Size")
    RIGHT_ALIGNED = (2,)

    def set_backups(self, backups: Sequence[BackupFile]) -> None:
        self.set_rows(backups)

    def display(self, row: BackupFile, column: int) -> str:
        if column == 0:
            return row.path.name
        if column == 1:
            return uk_date_time(row.modified)
        return _size(row.size)

    def tooltip(self, row: BackupFile, column: int) -> str | None:
        return str(row.path) if column == 0 else None


def _value(ward: _Ward, column: int) -> str | int | None:
    return (ward.name, ward.code, ward.population, ward.households, ward.incidents)[column]


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.1f} MB"
    return f"{max(1, round(size / 1024)):,} KB"
