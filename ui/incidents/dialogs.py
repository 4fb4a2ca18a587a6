"""The Incidents page's small dialogs: the reason for a deletion, and "Recently deleted".

Both are non-modal to the code that opens them (``open()``): tests drive them directly.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import incidents
from scs_victims.domain.crime_types import CrimeType
from scs_victims.services.incidents import DeletedIncident, FormInvalid, IncidentResult
from ui.context import AppContext
from ui.table_model import RowsTableModel
from ui.widgets import error_label, mark_invalid, uk_date, uk_date_time


class DeleteDialog(QDialog):
    """Asks why an incident is deleted (required) and deletes it."""

    def __init__(self, context: AppContext, incident_id: int, reference: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.incident_id = incident_id
        self.setWindowTitle(f"Delete incident {reference}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Incident {reference} will stop counting in every figure. It can be "
                       "restored from <i>Recently deleted</i>.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        label = QLabel("&Reason for deleting (required):")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for deleting")
        label.setBuddy(self.reason)
        self.error = error_label()
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = self.buttons.addButton("&Delete",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.delete_button.setDefault(True)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(420, self.sizeHint().height())

    def confirm(self) -> None:
        reason = self.reason.text()
        if not reason.strip():
            self._show_error("Give a reason for deleting the incident.")
            return
        user, incident_id = self.context.user, self.incident_id

        def failed(error: BaseException) -> bool:
            if isinstance(error, FormInvalid):
                self._show_error(error.errors.get("reason", str(error)))
                return True
            return False

        def done(_result: None) -> None:
            self.accept()

        self.delete_button.setEnabled(False)
        self.context.operations.run(
            lambda _progress: incidents.delete_incident(user, incident_id, reason), done,
            parent=self, on_failure=failed)

    def _show_error(self, message: str) -> None:
        self.delete_button.setEnabled(True)
        self.error.setText(message)
        self.error.setVisible(True)
        mark_invalid(self.reason, message)
        self.reason.setFocus()


class DeletedModel(RowsTableModel[DeletedIncident]):
    """Recently deleted incidents (a short list: fifty at most)."""

    HEADERS = ("Reference", "Type", "Date", "Deleted", "Reason")

    def display(self, row: DeletedIncident, column: int) -> str:
        return (row.reference, CrimeType(row.crime_type).label, uk_date(row.occurred_on),
                uk_date_time(row.deleted_at), row.deleted_reason or "")[column]


class RecentlyDeletedDialog(QDialog):
    """Deleted incidents, most recent first, each of which can be restored."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Recently deleted incidents")
        layout = QVBoxLayout(self)
        self.model = DeletedModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Recently deleted incidents")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTabKeyNavigation(False)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table)
        self.status = QLabel("Loading…")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.restore_button.setEnabled(bool(self.selected())))
        self.resize(680, 380)
        self.load()

    def load(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: incidents.recently_deleted(user),
                                    self._loaded, parent=self)

    def _loaded(self, rows: list[DeletedIncident]) -> None:
        self.model.set_rows(rows)
        if rows and not self.status.text().startswith("Restored"):
            self.status.setText("Select an incident and choose Restore to count it again.")
        elif not rows:
            self.status.setText(self.status.text() if self.status.text().startswith(
                "Restored") else "No incidents have been deleted.")
        if rows:
            self.table.selectRow(0)

    def selected(self) -> DeletedIncident | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        user = self.context.user

        def done(result: IncidentResult) -> None:
            self.status.setText(f"Restored {result.reference}. {result.explanation}")
            self.load()

        self.context.operations.run(
            lambda _progress: incidents.restore_incident(user, chosen.id), done, parent=self)
