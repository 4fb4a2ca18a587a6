"""Settings > Database: where the database is, and its backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.progress import ProgressCallback
from scs_victims.services.backups import (
    BackupFile,
    back_up_now,
    backups_folder,
    list_backups,
)
from ui.context import AppContext
from ui.settings.labels import wrapped_label
from ui.settings.models import BackupsModel

FolderOpener = Callable[[Path], None]


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager (never called by tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DatabaseTab(QWidget):
    def __init__(self, context: AppContext, open_folder: FolderOpener = open_folder) -> None:
        super().__init__()
        self.context = context
        self.open_folder = open_folder
        self.location = QLineEdit(context.location)
        self.location.setReadOnly(True)
        self.location.setAccessibleName("Database location")
        self.copy_button = QPushButton("&Copy path")
        self.copy_button.clicked.connect(self.copy_path)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location, 1)
        location_row.addWidget(self.copy_button)
        form = QFormLayout()
        label = QLabel("&Location:")
        label.setBuddy(self.location)
        form.addRow(label, location_row)
        self.model = BackupsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Backups")
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents)
        self.backup_button = QPushButton("Bac&k up now")
        self.backup_button.clicked.connect(self.back_up)
        self.folder_button = QPushButton("&Open backups folder")
        self.folder_button.clicked.connect(self.show_folder)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(wrapped_label("Backups are consistent copies made while the database "
                                       "is in use; copies made before an upgrade are kept "
                                       "here too."))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.is_file = context.database.path is not None
        if not self.is_file:
            for button in (self.backup_button, self.folder_button):
                button.setEnabled(False)
            self.status.setText("Backups of a server database are made on the server.")

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText(self.context.location)
        self.status.setText("The database location was copied.")

    def load(self) -> None:
        if not self.is_file:
            return
        database = self.context.database

        def work(_progress: ProgressCallback) -> list[BackupFile]:
            return list_backups(database)

        self.context.operations.run(work, self.model.set_backups, parent=self,
                                    latest_key="settings-backups")

    def back_up(self) -> None:
        database = self.context.database
        self.backup_button.setEnabled(False)
        self.status.setText("Backing up\u2026")

        def work(_progress: ProgressCallback) -> tuple[BackupFile, list[BackupFile]]:
            made = back_up_now(database)
            return made, list_backups(database)

        def done(result: tuple[BackupFile, list[BackupFile]]) -> None:
            made, backups = result
            self.backup_button.setEnabled(True)
            self.model.set_backups(backups)
            self.status.setText(f"Backed up to {made.path.name}.")

        def failed(_error: BaseException) -> bool:
            self.backup_button.setEnabled(True)
            self.status.setText("The backup was not made.")
            return False  # the error handler says why

        self.context.operations.run(work, done, parent=self, on_failure=failed)

    def show_folder(self) -> None:
        folder = backups_folder(self.context.database)
        folder.mkdir(parents=True, exist_ok=True)
        self.open_folder(folder)
