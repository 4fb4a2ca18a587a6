"""The last steps of the import wizard: check every row, import, and say what happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from scs_victims.actions import imports
from scs_victims.actions.changes import Changed
from scs_victims.errors import Cancelled, UserError
from scs_victims.importing.csv_source import summarise
from scs_victims.importing.incidents import ImportSummary
from scs_victims.importing.profile import Profile
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.importer.models import RowErrorsModel
from ui.importer.progress_panel import ProgressPanel
from ui.importer.state import ImportState
from ui.operations import Task
from ui.widgets import RecordTable

RejectsChooser = Callable[[QWidget, str], Path | None]


def choose_rejects_file(parent: QWidget, start: str) -> Path | None:
    """The system's save-file dialog (tests pass their own chooser)."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save rejected rows as", start,
                                          "CSV files (*.csv)")
    return Path(name) if name else None


def profile_options(state: ImportState) -> dict[str, Any]:
    """The import's ``profile`` option: none for a file in our own layout."""
    return {} if state.profile is None else {"profile": state.profile}


def skipped_text(summary: ImportSummary, profile: Profile | None) -> str:
    """The rows a profile left out, by the column whose value left them out."""
    skipped = summary.skipped
    parts = []
    for column, rows in skipped.items():
        theirs = profile.columns.get(column, column) if profile is not None else column
        why = ("other crime types" if column == "crime_type"
               else f"by their column '{theirs}'")
        parts.append(f"{rows:,} ({why})")
    return "; ".join(parts) or "none"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _label(wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(wrap)
    return label


class CheckPage(QWizardPage):
    """Every row checked exactly as the import would, with nothing written."""

    def __init__(self, context: AppContext, state: ImportState,
                 choose_rejects: RejectsChooser) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.choose_rejects = choose_rejects
        self.setTitle("Check the rows")
        self.setSubTitle("Every row is checked as the import would check it; nothing is "
                         "changed yet.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.progress = ProgressPanel()
        self.result = _label()
        self.result.setObjectName("checkResult")
        self.again_button = QPushButton("Check &again")
        self.again_button.clicked.connect(self.start)
        self.errors_model = RowErrorsModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.errors_model)
        self.errors_table = RecordTable("import_row_errors", context.settings)
        self.errors_table.setModel(proxy)
        self.errors_table.setAccessibleName("Problems found, by row")
        self.errors_table.setColumnWidth(0, 60)
        self.errors_table.setColumnWidth(1, 320)
        self.skip_box = QCheckBox("&Skip invalid rows and save them to a rejects file")
        self.skip_box.toggled.connect(self._skip_toggled)
        self.rejects_edit = QLineEdit()
        self.rejects_edit.setAccessibleName("Rejects file")
        self.rejects_edit.textChanged.connect(self.completeChanged)
        self.rejects_button = QPushButton("Save &as\u2026")
        self.rejects_button.clicked.connect(self._browse_rejects)
        rejects_label = QLabel("&Rejects file:")
        rejects_label.setBuddy(self.rejects_edit)
        rejects_row = QHBoxLayout()
        rejects_row.addSpacing(20)
        rejects_row.addWidget(rejects_label)
        rejects_row.addWidget(self.rejects_edit, 1)
        rejects_row.addWidget(self.rejects_button)
        self.rejects_host = QWidget()
        rejects_layout = QVBoxLayout(self.rejects_host)
        rejects_layout.setContentsMargins(0, 0, 0, 0)
        rejects_layout.addWidget(self.skip_box)
        rejects_layout.addLayout(rejects_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.again_button)
        layout.addLayout(result_row)
        layout.addWidget(self.errors_table, 1)
        layout.addWidget(self.rejects_host)
        self._task: Task[Any] | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        path = self.state.path
        if path is not None and not self.rejects_edit.text():
            self.rejects_edit.setText(str(path.with_name(f"{path.stem}-rejects.csv")))
        self.start()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.progress.cancel()

    def start(self) -> None:
        path, options = self.state.path, profile_options(self.state)
        if path is None:
            return
        self.state.check = None
        self.errors_model.set_errors([])
        self.errors_table.setVisible(False)
        self.rejects_host.setVisible(False)
        self.again_button.setVisible(False)
        self.result.setText("")
        user = self.context.user

        def work(progress: ProgressCallback) -> ImportSummary:
            return imports.check_incidents(user, path, progress=progress, **options)

        task = self.context.operations.run(work, self._checked, parent=self,
                                           on_failure=self._failed)
        self._task = task
        self.progress.follow(task, f"Checking {path.name}\u2026")
        self.completeChanged.emit()

    def _checked(self, summary: ImportSummary) -> None:
        self.progress.finish()
        self.state.check = summary
        skipped = sum(summary.skipped.values())
        counts = (f"{_plural(summary.rows_read, 'row')} read: {summary.imported:,} new, "
                  f"{summary.unchanged:,} already stored and unchanged"
                  + (f", {skipped:,} left out by the profile" if skipped else ""))
        if not summary.error_count:
            self.result.setText(f"Every row is valid. {counts}. Choose Import to import them.")
        else:
            shown = len(summary.errors)
            more = (f" The first {shown:,} are listed." if shown < summary.error_count else "")
            self.result.setText(
                f"{_plural(summary.rejected, 'row')} have problems "
                f"({_plural(summary.error_count, 'problem')}); {counts}.{more} Correct the "
                "file and check again, or skip the invalid rows.")
            self.errors_model.set_errors(summary.errors, self.state.label)
            self.errors_table.setVisible(True)
            self.rejects_host.setVisible(True)
            self._skip_toggled(self.skip_box.isChecked())
        self.again_button.setVisible(True)
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> bool:
        self.progress.finish()
        self.again_button.setVisible(True)
        if isinstance(error, Cancelled):
            self.result.setText("Checking was cancelled; nothing was changed.")
            return True
        if isinstance(error, UserError):
            self.result.setText(str(error))
            details = getattr(error, "errors", None)
            if details:
                self.errors_model.set_errors(details, self.state.label)
                self.errors_table.setVisible(True)
            return True
        self.result.setText("The file could not be checked.")
        return False

    def _skip_toggled(self, checked: bool) -> None:
        self.rejects_edit.setEnabled(checked)
        self.rejects_button.setEnabled(checked)
        self.completeChanged.emit()

    def _browse_rejects(self) -> None:
        chosen = self.choose_rejects(self, self.rejects_edit.text())
        if chosen is not None:
            self.rejects_edit.setText(str(chosen))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        check = self.state.check
        if check is None:
            return False
        if not check.error_count:
            return True
        return self.skip_box.isChecked() and bool(self.rejects_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        check = self.state.check
        self.state.skip_invalid = bool(check and check.error_count and self.skip_box.isChecked())
        self.state.rejects_path = (Path(self.rejects_edit.text().strip())
                                   if self.state.skip_invalid else None)
        return True


class ImportPage(QWizardPage):
    """The import itself, with progress and Cancel; on success the wizard moves on."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Import")
        self.setSubTitle("The rows are imported in one step: if it is cancelled or fails, "
                         "nothing is changed.")
        self.progress = ProgressPanel()
        self.result = _label()
        self.result.setObjectName("importResult")
        self.again_button = QPushButton("Import &again")
        self.again_button.clicked.connect(self.start)
        self.again_button.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        row = QHBoxLayout()
        row.addWidget(self.again_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.start()

    def start(self) -> None:
        path, options = self.state.path, profile_options(self.state)
        if path is None:
            return
        skip, rejects = self.state.skip_invalid, self.state.rejects_path
        self.state.result = None
        self.result.setText("")
        self.again_button.setVisible(False)
        user = self.context.user

        def work(progress: ProgressCallback) -> Changed[ImportSummary]:
            return imports.import_incidents(user, path, skip_invalid=skip,
                                            rejects_path=rejects, progress=progress, **options)

        task = self.context.operations.run(work, self._imported, parent=self,
                                           on_failure=self._failed)
        self.progress.follow(task, f"Importing {path.name}\u2026")
        self.completeChanged.emit()

    def _imported(self, summary: ImportSummary) -> None:
        self.progress.finish()
        self.state.result = summary
        self.result.setText("The import is complete.")
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def _failed(self, error: BaseException) -> bool:
        self.progress.finish()
        self.again_button.setVisible(True)
        if isinstance(error, Cancelled):
            self.result.setText("The import was cancelled; nothing was changed.")
            return True
        if isinstance(error, UserError):
            self.result.setText(str(error))
            return True
        self.result.setText("The import failed; nothing was changed.")
        return False

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.state.result is not None

    def cancel(self) -> None:
        self.progress.cancel()


class SummaryPage(QWizardPage):
    """What the import did, in numbers and sentences."""

    def __init__(self, state: ImportState) -> None:
        super().__init__()
        self.state = state
        self.setTitle("Summary")
        self.setFinalPage(True)
        self.heading = _label()
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, text in (("imported", "New incidents imported:"),
                          ("unchanged", "Already stored and unchanged:"),
                          ("rejected", "Rows rejected:"),
                          ("conflicts", "Conflicts with stored incidents:"),
                          ("skipped", "Rows left out by the profile:"),
                          ("rejects", "Rejected rows saved to:"),
                          ("ignored", "Columns ignored:"),
                          ("profile", "Profile:")):
            value = _label()
            value.setObjectName(f"summary_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            form.addRow(text, value)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        summary = self.state.result
        if summary is None:
            return
        encoding = "" if summary.encoding == "UTF-8" else f" (read as {summary.encoding})"
        self.heading.setText(f"{summary.file_name}{encoding} was imported.")
        self.values["imported"].setText(f"{summary.imported:,}")
        self.values["unchanged"].setText(f"{summary.unchanged:,}")
        self.values["rejected"].setText(f"{summary.rejected:,}")
        self.values["conflicts"].setText(
            f"{summary.conflicts:,}" + (" (rejected: correct the file or edit the incident)"
                                        if summary.conflicts else ""))
        self.values["rejects"].setText(str(summary.rejects_path) if summary.rejects_path
                                       else "none (no rows were rejected)"
                                       if not summary.rejected else "not saved")
        self.values["ignored"].setText(summarise(summary.unknown_columns) or "none")
        profile = self.state.profile
        self.values["skipped"].setText(skipped_text(summary, profile))
        saved = f" (saved as {self.state.saved_path})" if self.state.saved_path else ""
        self.values["profile"].setText(f"{profile.name}{saved}" if profile is not None
                                       else "none (the file has our own columns)")
