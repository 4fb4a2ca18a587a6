"""Settings > Wards: the ward list with populations and households, edited in a table or
loaded from a CSV file, saved in one step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import settings as settings_actions
from scs_victims.actions.permissions import Permission
from scs_victims.errors import FileRefused, UserError
from scs_victims.importing.wards import WardsSummary
from scs_victims.services.wards import WardRecord, WardsInvalid, WardsSaved
from ui.context import AppContext
from ui.settings.labels import wrapped_label
from ui.settings.models import NAME, WardsModel

FileChooser = Callable[[QWidget], Path | None]


def choose_wards_file(parent: QWidget) -> Path | None:
    """The system's open-file dialog (tests pass their own chooser)."""
    name, _ = QFileDialog.getOpenFileName(parent, "Load wards from a CSV file", "",
                                          "CSV files (*.csv);;All files (*)")
    return Path(name) if name else None


class WardsTab(QWidget):
    def __init__(self, context: AppContext, choose_file: FileChooser = choose_wards_file
                 ) -> None:
        super().__init__()
        self.context = context
        self.choose_file = choose_file
        self.model = WardsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Wards")
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(WardsModel.HEADERS)):
            self.table.setColumnWidth(column, 120)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.problem = QLabel()
        self.problem.setObjectName("wardsProblem")
        self.problem.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.model.problem.connect(self.problem.setText)
        self.model.edited.connect(self._edited)
        self.add_button = QPushButton("&Add ward")
        self.remove_button = QPushButton("&Remove ward")
        self.load_button = QPushButton("&Load from CSV\u2026")
        self.save_button = QPushButton("&Save wards")
        self.revert_button = QPushButton("Re&vert")
        self.add_button.clicked.connect(self.add_ward)
        self.remove_button.clicked.connect(self.remove_ward)
        self.load_button.clicked.connect(self.load_file)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.load_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        # Read-only for a role that may not change settings (the actions refuse anyway).
        self.editable = context.user.can(Permission.CHANGE_SETTINGS)
        hint = ("Populations and households are whole numbers; they are the denominators of "
                "the rates per 1,000.")
        if self.editable:
            hint += " Double-click or type to edit."
        else:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            for button in (self.add_button, self.remove_button, self.load_button,
                           self.save_button, self.revert_button):
                button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(hint))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._edited()

    def load(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: settings_actions.list_wards(user),
                                    self._show, parent=self, latest_key="settings-wards")

    def _show(self, wards: list[WardRecord]) -> None:
        self.model.set_wards(wards)
        self.problem.setText("")
        self._edited()

    def _edited(self) -> None:
        self.save_button.setEnabled(self.model.dirty)
        self.revert_button.setEnabled(self.model.dirty)

    def add_ward(self) -> None:
        row = self.model.add_ward(f"New ward {self.model.rowCount() + 1}")
        index = self.model.index(row, NAME)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_ward(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.problem.setText("Choose the ward to remove first.")
            return
        refusal = self.model.remove_ward(index.row())
        self.problem.setText(refusal or "")

    def save(self) -> None:
        edits = self.model.edits()
        user = self.context.user

        def saved(_saved: WardsSaved) -> None:
            self.status.setText("The wards were saved.")
            self.load()

        self.context.operations.run(lambda _progress: settings_actions.save_wards(user, edits),
                                    saved, parent=self, on_failure=self._refused)

    def _refused(self, error: BaseException) -> bool:
        if not isinstance(error, UserError):
            return False
        self.problem.setText(str(error))
        if isinstance(error, WardsInvalid):
            first = error.errors[0]
            self.table.setCurrentIndex(self.model.index(first.row - 1, NAME))
        return True

    def load_file(self) -> None:
        path = self.choose_file(self)
        if path is None:
            return
        user = self.context.user

        def loaded(summary: WardsSummary) -> None:
            self.status.setText(f"Loaded {summary.file_name}: {summary.added} added, "
                                f"{summary.updated} updated, {summary.removed} removed.")
            self.load()

        def refused(error: BaseException) -> bool:
            if isinstance(error, FileRefused) and error.errors:
                lines = [str(row_error) for row_error in error.errors[:5]]
                more = error.total - len(lines)
                self.problem.setText("\n".join([str(error), *lines]
                                               + ([f"... and {more} more."] if more else [])))
                return True
            return self._refused(error)

        self.context.operations.run(
            lambda _progress: settings_actions.load_wards_file(user, path), loaded,
            parent=self, on_failure=refused)

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
