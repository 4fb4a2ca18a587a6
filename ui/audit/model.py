"""The Audit screen's tables: events (plain ``AuditRow``s, newest first) and the accounts
that have seen one record (``Viewer``s)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from scs_victims.audit_trail import AuditRow, Viewer
from ui.table_model import RowsTableModel
from ui.widgets import uk_date_time

SORT_ROLE = Qt.ItemDataRole.UserRole + 1

# Every kind of event (the storage's AUDIT_ACTIONS: a test keeps the two the same), with the
# words the filter shows for it.
KIND_LABELS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in refused (wrong password, unknown or disabled user)",
    "sign_out": "Signed out",
    "unlock": "Unlocked after the idle lock",
    "view": "Opened a record (viewed)",
    "search": "Searched for people",
    "print": "Printed",
    "export": "Exported",
    "break_glass": "Break glass: opened a restricted record, with a reason",
    "refused": "Refused: the role does not allow it",
    "insert": "Added a record",
    "update": "Changed a record",
    "delete": "Deleted a record",
    "restore": "Restored a deleted record",
    "merge": "Merged two people",
    "unmerge": "Undid a merge",
    "import": "Imported a file",
    "load": "Loaded data (demo borough, wards)",
    "recompute": "Recomputed repeat flags",
    "setting": "Changed a setting",
    "restrict": "Restricted a record, or lifted it",
    "user": "Changed an account",
    "backup": "Made a backup",
}
# Kinds that deserve a second look: shown in bold.
NOTABLE_KINDS = frozenset({"break_glass", "refused", "sign_in_failed"})

COL_WHEN = 0
COL_USER = 1
COL_LOGIN = 2
COL_KIND = 3
COL_RECORD = 4
COL_DETAIL = 5


class AuditModel(RowsTableModel[AuditRow]):
    HEADERS = ("When", "User", "Login", "Kind", "Record", "Detail")
    SORT_ROLE = SORT_ROLE

    def display(self, row: AuditRow, column: int) -> Any:
        if column == COL_WHEN:
            return row.at.strftime("%d/%m/%Y %H:%M:%S")
        if column == COL_USER:
            return row.user
        if column == COL_LOGIN:
            return row.os_login or ""
        if column == COL_KIND:
            return row.kind
        if column == COL_RECORD:
            return row.record
        if column == COL_DETAIL:
            return row.detail or ""
        return None

    def sort_value(self, row: AuditRow, column: int) -> Any:
        if column == COL_WHEN:
            return row.id  # the chain's order, which is also the order of time
        if column == COL_RECORD:
            return f"{row.entity}\t{row.entity_id or 0:012d}"
        return self.display(row, column)

    def tooltip(self, row: AuditRow, column: int) -> Any:
        if column == COL_KIND:
            return KIND_LABELS.get(row.kind, row.kind)
        if column == COL_DETAIL and row.detail:
            return row.detail
        return None

    def role_data(self, row: AuditRow, column: int, role: int) -> Any:  # noqa: ARG002
        if role == Qt.ItemDataRole.FontRole and row.kind in NOTABLE_KINDS:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ViewersModel(RowsTableModel[Viewer]):
    HEADERS = ("User", "How", "Times", "Last time")
    RIGHT_ALIGNED = (2,)

    def display(self, row: Viewer, column: int) -> Any:
        return (row.user, KIND_LABELS.get(row.kind, row.kind), f"{row.times:,}",
                uk_date_time(row.last_at))[column]


def sorting_proxy(model: AuditModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
