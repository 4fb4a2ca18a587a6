"""Settings > Database: where the database is, the idle lock, and the backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import maintenance
from scs_victims.actions import settings as settings_actions
from scs_victims.actions.maintenance import Restored
from scs_victims.actions.permissions import Permission
from scs_victims.errors import UserError
from scs_victims.services.backups import BackupFile
from scs_victims.settings import IDLE_LOCK_MINUTES_MAX, IDLE_LOCK_MINUTES_MIN, SecuritySettings
from ui.context import AppContext
from ui.settings.labels import wrapped_label
from ui.settings.models import BackupsModel
from ui.widgets import uk_date_time

FolderOpener = Callable[[Path], None]


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager (never called by tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


# (parent, question) -> whether the user said yes; tests put their own answer in place.
Confirm = Callable[[QWidget, str], bool]


def ask_yes_no(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Restore a backup", question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class DatabaseTab(QWidget):
    def __init__(self, context: AppContext, open_folder: FolderOpener = open_folder,
                 confirm: Confirm | None = None) -> None:
        super().__init__()
        self.context = context
        self.open_folder = open_folder
        self.confirm = confirm or ask_yes_no
        self.security: SecuritySettings | None = None
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
        security = self._build_security()
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
        self.restore_button = QPushButton("&Restore this backup...")
        self.restore_button.setToolTip("Put the chosen backup back in place of the database "
                                       "(the database as it is now is backed up first)")
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setEnabled(False)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.restore_button.setEnabled(self._chosen_backup() is not None))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        self.backups_note = wrapped_label("Backups are consistent copies made while the "
                                          "database is in use; copies made before an upgrade "
                                          "are kept here too.")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(security)
        layout.addWidget(self.backups_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.is_file = context.user.database.path is not None
        # Backups are an administrator's: other roles do not see them (the actions refuse).
        self.sees_backups = context.user.can(Permission.BACKUPS)
        if not self.sees_backups:
            for widget in (self.backups_note, self.table, self.backup_button,
                           self.folder_button, self.restore_button):
                widget.setVisible(False)
            layout.addStretch(1)
        elif not self.is_file:
            for button in (self.backup_button, self.folder_button, self.restore_button):
                button.setEnabled(False)
            self.status.setText("Backups of a server database are made on the server.")

    def _build_security(self) -> QGroupBox:
        """The idle lock: how long the window may go without input before it is locked."""
        self.lock_spin = QSpinBox()
        self.lock_spin.setRange(IDLE_LOCK_MINUTES_MIN, IDLE_LOCK_MINUTES_MAX)
        self.lock_spin.setValue(SecuritySettings().idle_lock_minutes)
        self.lock_spin.setSuffix(" minutes")
        self.lock_spin.setMinimumWidth(140)
        self.lock_spin.setAccessibleName("Lock the window after this many minutes without "
                                         "input")
        self.lock_save_button = QPushButton("Sa&ve lock setting")
        self.lock_save_button.clicked.connect(self.save_security)
        self.lock_status = QLabel()
        self.lock_status.setWordWrap(True)
        caption = QLabel("Lock the window a&fter")
        caption.setBuddy(self.lock_spin)
        row = QHBoxLayout()
        row.addWidget(caption)
        row.addWidget(self.lock_spin)
        row.addWidget(QLabel("without input"))
        row.addStretch(1)
        row.addWidget(self.lock_save_button)
        box = QGroupBox("Idle lock")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.lock_status)
        box_layout.addWidget(wrapped_label("The window hides its content and asks for the "
                                           "password again; nothing typed is lost."))
        # Read-only for a role that may not change settings (the action refuses anyway).
        if not self.context.user.can(Permission.CHANGE_SETTINGS):
            self.lock_spin.setEnabled(False)
            self.lock_save_button.setVisible(False)
        return box

    def copy_path(self) -> None:
        QGuiApplication.clipboard().setText(self.context.location)
        self.status.setText("The database location was copied.")

    def load(self) -> None:
        self.load_security()
        self.load_backups()

    def load_security(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: settings_actions.security(user),
                                    self._show_security, parent=self,
                                    latest_key="settings-security")

    def _show_security(self, security: SecuritySettings) -> None:
        self.security = security
        self.lock_spin.setValue(security.idle_lock_minutes)

    def save_security(self) -> None:
        if self.security is None:
            return
        minutes = self.lock_spin.value()
        if minutes == self.security.idle_lock_minutes:
            self.lock_status.setText("Nothing has changed.")
            return
        user = self.context.user
        chosen = SecuritySettings(idle_lock_minutes=minutes)
        self.lock_status.setText("")

        def saved(stored: SecuritySettings) -> None:
            self.security = stored
            self.lock_status.setText("Saved.")

        def refused(error: BaseException) -> bool:
            if isinstance(error, UserError):
                self.lock_status.setText(str(error))
                return True
            return False

        self.context.operations.run(
            lambda _progress: settings_actions.save_security(user, chosen), saved,
            parent=self, on_failure=refused)

    def load_backups(self) -> None:
        if not self.is_file or not self.sees_backups:
            return
        user = self.context.user
        self.context.operations.run(lambda _progress: maintenance.backups(user),
                                    self.model.set_backups, parent=self,
                                    latest_key="settings-backups")

    def back_up(self) -> None:
        user = self.context.user
        self.backup_button.setEnabled(False)
        self.status.setText("Backing up\u2026")

        def done(made: BackupFile) -> None:
            self.backup_button.setEnabled(True)
            self.status.setText(f"Backed up to {made.path.name}.")
            self.load_backups()

        def failed(_error: BaseException) -> bool:
            self.backup_button.setEnabled(True)
            self.status.setText("The backup was not made.")
            return False  # the error handler says why

        self.context.operations.run(lambda _progress: maintenance.back_up(user), done,
                                    parent=self, on_failure=failed)

    def _chosen_backup(self) -> BackupFile | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def restore(self) -> None:
        chosen = self._chosen_backup()
        if chosen is None:
            return
        question = (f"Put the backup of {uk_date_time(chosen.modified)} back in place of the "
                    "database?\n\nThe database as it is now is backed up first; everything "
                    "recorded since that backup will then be only in that copy.")
        if not self.confirm(self, question):
            return
        user, path = self.context.user, chosen.path
        self.status.setText("Restoring\u2026")

        def done(restored: Restored) -> None:
            self.status.setText(f"Restored {restored.backup.name}. The database as it was "
                                f"just before is kept as {restored.safety_copy.path.name}.")
            self.load_backups()

        def failed(_error: BaseException) -> bool:
            self.status.setText("Nothing was restored.")
            return False  # the error handler says why

        self.context.operations.run(lambda _progress: maintenance.restore_backup(user, path),
                                    done, parent=self, on_failure=failed,
                                    label="Restoring the backup \u2026")

    def show_folder(self) -> None:
        user = self.context.user

        def opened(folder: Path) -> None:
            self.open_folder(folder)

        def work(_progress: object) -> Path:
            folder = maintenance.backups_folder(user)
            folder.mkdir(parents=True, exist_ok=True)
            return folder

        self.context.operations.run(work, opened, parent=self)
