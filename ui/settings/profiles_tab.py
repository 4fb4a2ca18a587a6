"""Settings > Import profiles: the profiles saved by the import wizard (or added from a
colleague's file), kept as files in the profiles folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import profiles
from scs_victims.errors import UserError
from scs_victims.importing.profile import SavedProfile
from ui.context import AppContext
from ui.settings.database_tab import FolderOpener, open_folder
from ui.settings.labels import wrapped_label
from ui.settings.profiles_model import NAME, PROBLEM, ProfilesModel

FileChooser = Callable[[QWidget], Path | None]
Confirm = Callable[[QWidget, str], bool]


def choose_profile_file(parent: QWidget) -> Path | None:
    """The system's open-file dialog (tests pass their own chooser)."""
    name, _ = QFileDialog.getOpenFileName(parent, "Add an import profile", "",
                                          "Import profiles (*.toml);;All files (*)")
    return Path(name) if name else None


def ask_to_remove(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Remove an import profile", question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ProfilesTab(QWidget):
    def __init__(self, context: AppContext, choose_file: FileChooser = choose_profile_file,
                 open_folder: FolderOpener = open_folder,
                 confirm: Confirm = ask_to_remove) -> None:
        super().__init__()
        self.context = context
        self.choose_file = choose_file
        self.open_folder = open_folder
        self.confirm = confirm
        self.model = ProfilesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Import profiles")
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PROBLEM, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add from file\u2026")
        self.add_button.clicked.connect(self.add_file)
        self.folder_button = QPushButton("Show fo&lder")
        self.folder_button.clicked.connect(self.show_folder)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove)
        self.status = QLabel()
        self.status.setObjectName("profilesStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            "An import profile says how another system's file maps onto SCS Victims' "
            "columns and values. The import wizard saves them here; give a colleague the "
            "file, and they add it with Add from file."))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        # The wizard may have saved one since: a handful of small files, read again.
        self.load()
        super().showEvent(event)

    def load(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: profiles.list_saved(user),
                                    self.model.set_rows, parent=self,
                                    latest_key="settings-profiles")

    def _chosen(self) -> SavedProfile | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def add_file(self) -> None:
        path = self.choose_file(self)
        if path is None:
            return
        user = self.context.user

        def added(result: tuple[Path, bool]) -> None:
            saved, replaced = result
            self.status.setText(f"Added {path.name} as {saved.name}"
                                + (", replacing the profile of the same name." if replaced
                                   else "."))
            self.load()

        self.context.operations.run(lambda _progress: profiles.add_from_file(user, path),
                                    added, parent=self, on_failure=self._refused)

    def show_folder(self) -> None:
        self.open_folder(profiles.profiles_folder(create=True))

    def remove(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.status.setText("Choose the profile to remove first.")
            return
        name = self.model.display(chosen, NAME)
        if not self.confirm(self, f"Remove the import profile '{name}' ({chosen.path.name})? "
                                  "Its file is deleted."):
            return
        user = self.context.user

        def removed(_result: None) -> None:
            self.status.setText(f"The profile '{name}' was removed.")
            self.load()

        self.context.operations.run(lambda _progress: profiles.remove(user, chosen.path),
                                    removed, parent=self, on_failure=self._refused)

    def _refused(self, error: BaseException) -> bool:
        if not isinstance(error, UserError):
            return False
        self.status.setText(str(error))
        return True
