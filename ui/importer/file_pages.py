"""The first steps of the import wizard: choose a file, look at it, map its columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from scs_victims.actions import imports
from scs_victims.errors import UserError
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from scs_victims.importing.mapping import IGNORE, ColumnMapping
from scs_victims.importing.preview import FilePreview
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.importer.models import PreviewModel
from ui.importer.state import CHECK, MAPPING, ImportState

FileChooser = Callable[[QWidget, str], Path | None]


def choose_csv(parent: QWidget, start: str) -> Path | None:
    """The system's open-file dialog (never called by tests: they pass their own chooser)."""
    name, _ = QFileDialog.getOpenFileName(parent, "Choose an incident file", start,
                                          "CSV files (*.csv);;All files (*)")
    return Path(name) if name else None


def _message_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class ChooseFilePage(QWizardPage):
    def __init__(self, state: ImportState, choose_file: FileChooser) -> None:
        super().__init__()
        self.state = state
        self.choose_file = choose_file
        self.setTitle("Choose an incident file")
        self.setSubTitle("A CSV file of incidents, for example an extract from the police or "
                         "housing system. Nothing changes until the import step.")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Incident file")
        self.path_edit.setPlaceholderText("Path of a .csv file")
        self.browse_button = QPushButton("&Browse\u2026")
        self.browse_button.clicked.connect(self.browse)
        self.problem = _message_label()
        label = QLabel("&File:")
        label.setBuddy(self.path_edit)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.path_edit.textChanged.connect(self._changed)

    def browse(self) -> None:
        chosen = self.choose_file(self, self.path_edit.text())
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def _changed(self) -> None:
        text = self.path_edit.text().strip()
        missing = bool(text) and not Path(text).is_file()
        self.problem.setText("There is no file at this path." if missing else "")
        self.problem.setVisible(missing)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        path = Path(self.path_edit.text().strip())
        if path != self.state.path:
            self.state.path = path
            self.state.preview = None
        return True


class PreviewPage(QWizardPage):
    """The first rows as they are in the file; reading happens off the UI thread."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Preview")
        self.setSubTitle("The first rows of the file, as SCS Victims reads them.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.notes = _message_label()
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("First rows of the file")
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        path = self.state.path
        if path is None:
            return
        if self.state.preview is not None and self.state.preview.path == path:
            self._show(self.state.preview)
            return
        self.model.set_rows([], [], [])
        self.notes.setVisible(False)
        self.status.setText(f"Reading {path.name}\u2026")
        user = self.context.user

        def work(_progress: ProgressCallback) -> tuple[FilePreview, ColumnMapping, bool]:
            preview = imports.preview(user, path)
            offered, saved = imports.offered_mapping(user, preview.headers)
            return preview, offered, saved

        def loaded(result: tuple[FilePreview, ColumnMapping, bool]) -> None:
            preview, offered, saved = result
            if preview.path != self.state.path:
                return  # the user went back and chose another file meanwhile
            self.state.preview, self.state.offered = preview, offered
            self.state.offered_was_saved, self.state.save_mapping = saved, False
            self.state.mapping = offered if preview.needs_mapping else None
            self._show(preview)

        def refused(error: BaseException) -> bool:
            if not isinstance(error, UserError):
                return False
            self.status.setText(f"{path.name} cannot be read: {error}")
            return True

        self.context.operations.run(work, loaded, parent=self, on_failure=refused,
                                    latest_key="import-preview")

    def _show(self, preview: FilePreview) -> None:
        self.model.set_rows(preview.headers, preview.rows, preview.row_numbers)
        shown = len(preview.rows)
        self.status.setText(
            f"{preview.path.name} is read as {preview.encoding}. "
            + (f"The first {shown} row{'s' if shown != 1 else ''} are shown."
               if shown else "It has a header row but no rows of data."))
        notes = []
        if preview.needs_mapping:
            notes.append("Its column names are not those of the standard incident file: on "
                         "the next page, say which of your columns holds what.")
        elif preview.unknown_columns:
            notes.append("Columns SCS Victims does not read (they will be ignored): "
                         + ", ".join(preview.unknown_columns) + ".")
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        preview = self.state.preview
        return preview is not None and preview.path == self.state.path

    def nextId(self) -> int:  # noqa: N802 - Qt override
        preview = self.state.preview
        return MAPPING if preview is not None and preview.needs_mapping else CHECK


class MappingPage(QWizardPage):
    """One choice per column of the file: which of our columns it holds, or none."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Match your columns")
        self.setSubTitle("For each column of your file, choose what it holds. The choice is "
                         "remembered for files with the same columns.")
        self.saved_note = _message_label()
        self.problems = _message_label()
        self.problems.setObjectName("mappingProblems")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        layout = QVBoxLayout(self)
        layout.addWidget(self.saved_note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        preview, offered = self.state.preview, self.state.mapping or self.state.offered
        if preview is None or offered is None:
            return
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = {}
        samples = preview.rows[0] if preview.rows else []
        for index, header in enumerate(preview.headers):
            if not header:
                continue
            combo = QComboBox()
            combo.addItem("(ignore this column)", IGNORE)
            for column in INCIDENT_COLUMNS:
                required = " (required)" if column in REQUIRED_COLUMNS else ""
                combo.addItem(f"{column}{required}", column)
            chosen = offered.column_for(header) or IGNORE
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.setAccessibleName(f"What the column {header} holds")
            combo.currentIndexChanged.connect(self._changed)
            sample = samples[index] if index < len(samples) else ""
            label = QLabel(f"{header}" + (f"  (e.g. {sample[:30]})" if sample.strip() else ""))
            label.setBuddy(combo)
            label.setToolTip(header)
            self.form.addRow(label, combo)
            self.combos[header] = combo
        self.saved_note.setText("These choices were saved when you last imported a file with "
                                "these columns." if self.state.offered_was_saved else "")
        self.saved_note.setVisible(self.state.offered_was_saved)
        self._changed()

    def mapping(self) -> ColumnMapping:
        return ColumnMapping({header: str(combo.currentData())
                              for header, combo in self.combos.items()})

    def _changed(self) -> None:
        problems = self.mapping().problems()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.combos) and not self.mapping().problems()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # Saved by the check, on the same worker before it reads the file: two writers
        # started together would contend for the database.
        self.state.mapping = self.mapping()
        self.state.save_mapping = True
        return True
