"""The Users table: one plain ``Account`` per row (never a database object)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from scs_victims.accounts import ROLE_DESCRIPTIONS, Account
from ui.table_model import RowsTableModel
from ui.widgets import uk_date_time

SORT_ROLE = Qt.ItemDataRole.UserRole + 1

COL_NAME = 0
COL_FULL_NAME = 1
COL_ROLE = 2
COL_ENABLED = 3
COL_MUST_CHANGE = 4
COL_LAST_SIGN_IN = 5
COL_FAILED = 6
COL_LAST_FAILURE = 7


def _when(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


class UsersModel(RowsTableModel[Account]):
    HEADERS = ("User name", "Full name", "Role", "Enabled", "Must change password",
               "Last sign-in", "Failed sign-ins", "Last failure")
    RIGHT_ALIGNED = (COL_FAILED,)
    SORT_ROLE = SORT_ROLE

    def display(self, row: Account, column: int) -> Any:
        if column == COL_NAME:
            return row.name
        if column == COL_FULL_NAME:
            return row.full_name or ""
        if column == COL_ROLE:
            return row.role.value
        if column == COL_ENABLED:
            return "No (disabled)" if row.disabled else "Yes"
        if column == COL_MUST_CHANGE:
            return "Yes" if row.must_change_password else ""
        if column == COL_LAST_SIGN_IN:
            return uk_date_time(row.last_sign_in_at) or "never"
        if column == COL_FAILED:
            return f"{row.failed_sign_ins:,}"
        if column == COL_LAST_FAILURE:
            return uk_date_time(row.last_failed_at)
        return None

    def sort_value(self, row: Account, column: int) -> Any:
        if column == COL_NAME:
            return row.name.casefold()
        if column == COL_FULL_NAME:
            return (row.full_name or "").casefold()
        if column == COL_LAST_SIGN_IN:
            return _when(row.last_sign_in_at)
        if column == COL_FAILED:
            return row.failed_sign_ins
        if column == COL_LAST_FAILURE:
            return _when(row.last_failed_at)
        return self.display(row, column)

    def tooltip(self, row: Account, column: int) -> Any:
        if column == COL_ROLE:
            return ROLE_DESCRIPTIONS[row.role]
        if column == COL_FAILED and row.failed_sign_ins:
            return "Wrong passwords typed since the last sign-in that worked"
        return None

    def row_of(self, name: str) -> int | None:
        for number, account in enumerate(self.rows):
            if account.name == name:
                return number
        return None


def sorting_proxy(model: UsersModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
