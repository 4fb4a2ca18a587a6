"""Table models of the Settings screen: the editable ward list and the list of backups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from scs_victims.services.backups import BackupFile
from scs_victims.services.wards import (
    MAX_CODE_CHARS,
    MAX_NAME_CHARS,
    WardEdit,
    WardRecord,
    count_problem,
)
from ui.widgets import ALIGN_RIGHT, uk_date_time

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
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


class WardsModel(QAbstractTableModel):
    """The ward list being edited. A refused value is not stored: ``problem`` says why."""

    HEADERS = ("Name", "Code", "Population", "Households", "Incidents")
    problem = Signal(str)
    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._wards: list[_Ward] = []
        self.dirty = False

    def set_wards(self, wards: Sequence[WardRecord]) -> None:
        self.beginResetModel()
        self._wards = [_Ward(ward.id, ward.name, ward.code, ward.population, ward.households,
                             ward.incidents) for ward in wards]
        self.dirty = False
        self.endResetModel()

    def edits(self) -> list[WardEdit]:
        return [WardEdit(ward.id, ward.name, ward.code, ward.population, ward.households)
                for ward in self._wards]

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._wards)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != INCIDENTS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ward = self._wards[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = (ward.name, ward.code, ward.population, ward.households,
                     ward.incidents)[column]
            if value is None:
                return ""
            if isinstance(value, int) and role == Qt.ItemDataRole.DisplayRole:
                return f"{value:,}"
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= POPULATION:
            return int(ALIGN_RIGHT)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802 - Qt override
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        ward = self._wards[index.row()]
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
        row = len(self._wards)
        self.beginInsertRows(QModelIndex(), row, row)
        self._wards.append(_Ward(None, name, None, None, None, 0))
        self.endInsertRows()
        self.dirty = True
        self.edited.emit()
        return row

    def remove_ward(self, row: int) -> str | None:
        """Remove a row, or say why it cannot go (incidents use it)."""
        ward = self._wards[row]
        if ward.incidents:
            return (f"{ward.name} cannot be removed: {ward.incidents:,} incident"
                    f"{'s are' if ward.incidents != 1 else ' is'} recorded in it.")
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._wards[row]
        self.endRemoveRows()
        self.dirty = True
        self.edited.emit()
        return None


class BackupsModel(QAbstractTableModel):
    """The backup files: name, when, how big."""

    HEADERS = ("File", "Made", "Size")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._backups: list[BackupFile] = []

    def set_backups(self, backups: Sequence[BackupFile]) -> None:
        self.beginResetModel()
        self._backups = list(backups)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent: Index = _ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        backup = self._backups[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return backup.path.name
            if column == 1:
                return uk_date_time(backup.modified)
            return _size(backup.size)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return str(backup.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(ALIGN_RIGHT)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return None


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.1f} MB"
    return f"{max(1, round(size / 1024)):,} KB"
