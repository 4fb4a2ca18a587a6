"""The first steps of the import wizard: choose a file (and a saved profile), then say where
its columns are named (the sheet of a workbook, the header row)."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from scs_victims.actions import profiles
from scs_victims.errors import UserError
from scs_victims.importing.csv_source import summarise
from scs_victims.importing.mapping import headers_match
from scs_victims.importing.preview import FileStart, guess_header_row
from scs_victims.importing.profile import Profile, SavedProfile
from ui.context import AppContext
from ui.importer.models import PreviewModel
from ui.importer.state import CHECK, COLUMNS, ImportState

FileChooser = Callable[[QWidget, str], Path | None]
FILE_FILTER = "Incident files (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"


def choose_file(parent: QWidget, start: str) -> Path | None:
    """The system's open-file dialog (never called by tests: they pass their own chooser)."""
    name, _ = QFileDialog.getOpenFileName(parent, "Choose an incident file", start,
                                          f"{FILE_FILTER};;All files (*)")
    return Path(name) if name else None


def message_label(name: str = "") -> QLabel:
    """A wrapped label for a note or a problem, hidden until it has something to say."""
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    if name:
        label.setObjectName(name)
    return label


def say(label: QLabel, lines: list[str]) -> None:
    label.setText("\n".join(lines))
    label.setVisible(bool(lines))


def column_letters(count: int) -> list[str]:
    """A, B, ..., Z, AA, AB, ...: a spreadsheet's names for its first ``count`` columns."""
    letters = list(string.ascii_uppercase)
    names: list[str] = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = letters[rest] + name
        names.append(name)
    return names


class ChooseFilePage(QWizardPage):
    """The file, and how to read it: a saved profile, or one worked out from the file."""

    def __init__(self, context: AppContext, state: ImportState,
                 choose: FileChooser) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.choose = choose
        self.setTitle("Choose an incident file")
        self.setSubTitle("A CSV file or an Excel workbook of incidents, for example an extract "
                         "from the police or the council's case system. Nothing changes until "
                         "the import step.")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Incident file")
        self.path_edit.setPlaceholderText("Path of a .csv or .xlsx file")
        self.browse_button = QPushButton("&Browse\u2026")
        self.browse_button.clicked.connect(self.browse)
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileChoice")
        self.profile_combo.setAccessibleName("Import profile")
        self.problem = message_label()
        self.profile_note = message_label()
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        form = QFormLayout()
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        profile_label = QLabel("&Profile:")
        profile_label.setBuddy(self.profile_combo)
        form.addRow(profile_label, self.profile_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.profile_note)
        layout.addStretch(1)
        self._saved: list[Profile] = []
        self.path_edit.textChanged.connect(self._changed)
        self._fill_profiles([])

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        user = self.context.user
        self.context.operations.run(lambda _progress: profiles.list_saved(user, "incidents"),
                                    self._fill_profiles, parent=self,
                                    latest_key="import-profiles")

    def _fill_profiles(self, saved: list[SavedProfile]) -> None:
        chosen = self.profile_combo.currentData()
        self._saved = [entry.profile for entry in saved if entry.profile is not None]
        self.profile_combo.clear()
        self.profile_combo.addItem("New profile, worked out from the file's columns", -1)
        for index, profile in enumerate(self._saved):
            self.profile_combo.addItem(profile.name, index)
            self.profile_combo.setItemData(index + 1, profile.source,
                                           Qt.ItemDataRole.ToolTipRole)
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(chosen)))
        broken = sum(1 for entry in saved if entry.profile is None)
        say(self.profile_note, [f"{broken} saved profile{'s' if broken != 1 else ''} cannot "
                                "be used: Settings, Import profiles says why."] if broken
            else [])

    def browse(self) -> None:
        chosen = self.choose(self, self.path_edit.text())
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def _changed(self) -> None:
        text = self.path_edit.text().strip()
        missing = bool(text) and not Path(text).is_file()
        say(self.problem, ["There is no file at this path."] if missing else [])
        self.completeChanged.emit()

    def chosen_profile(self) -> Profile | None:
        index = self.profile_combo.currentData()
        return self._saved[index] if isinstance(index, int) and index >= 0 else None

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        path, chosen = Path(self.path_edit.text().strip()), self.chosen_profile()
        if path != self.state.path or chosen != self.state.chosen:
            self.state.path, self.state.chosen = path, chosen
            self.state.forget_file()
        return True


class LayoutPage(QWizardPage):
    """The file's first rows as written, to say which sheet and which row name the columns
    (an export often has a title above them)."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Where the columns are named")
        self.setSubTitle("The first rows of the file, as written. Choose the row that holds "
                         "the column names.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetChoice")
        self.sheet_combo.setAccessibleName("Sheet")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.sheet_label = QLabel("&Sheet:")
        self.sheet_label.setBuddy(self.sheet_combo)
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("headerRow")
        self.header_spin.setAccessibleName("Header row")
        self.header_spin.setRange(1, 1)
        self.header_spin.valueChanged.connect(self._row_changed)
        header_label = QLabel("&Header row:")
        header_label.setBuddy(self.header_spin)
        controls = QHBoxLayout()
        controls.addWidget(self.sheet_label)
        controls.addWidget(self.sheet_combo)
        controls.addSpacing(16)
        controls.addWidget(header_label)
        controls.addWidget(self.header_spin)
        controls.addStretch(1)
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("First rows of the file")
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.note = message_label("layoutNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        start = self.state.start
        if start is not None and start.path == self.state.path:
            self._show(start)
            return
        chosen = self.state.chosen
        self._load(chosen.sheet if chosen is not None else None)

    def _load(self, sheet: str | None) -> None:
        path = self.state.path
        if path is None:
            return
        self.model.set_rows([], [], [])
        say(self.note, [])
        self.status.setText(f"Reading {path.name}\u2026")
        user = self.context.user

        def loaded(start: FileStart) -> None:
            if start.path != self.state.path:
                return  # the user went back and chose another file meanwhile
            self.state.start = start
            self._show(start)

        def refused(error: BaseException) -> bool:
            if not isinstance(error, UserError):
                return False
            self.status.setText(f"{path.name} cannot be read: {error}")
            return True

        self.context.operations.run(lambda _progress: profiles.file_start(user, path, sheet),
                                    loaded, parent=self, on_failure=refused,
                                    latest_key="import-start")

    def _sheet_chosen(self) -> None:
        start = self.state.start
        sheet = self.sheet_combo.currentText()
        if start is not None and sheet != start.sheet:
            self.state.start = None
            self.completeChanged.emit()
            self._load(sheet)

    def _show(self, start: FileStart) -> None:
        width = max((len(cells) for cells in start.rows), default=0)
        self.model.set_rows(column_letters(width), start.rows, start.numbers)
        is_workbook = bool(start.sheets)
        self.sheet_label.setVisible(is_workbook)
        self.sheet_combo.setVisible(is_workbook)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(start.sheets)
        self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findText(start.sheet or "")))
        self.sheet_combo.blockSignals(False)
        read_as = (f"is an Excel workbook; sheet '{start.sheet}' is shown" if is_workbook
                   else f"is read as {start.encoding}")
        self.status.setText(f"{start.path.name} {read_as}."
                            if start.rows else f"{start.path.name} is empty.")
        chosen, profile = self.state.chosen, self.state.profile
        row = (profile.header_row if profile is not None
               else chosen.header_row if chosen is not None else guess_header_row(start))
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(start.numbers, default=1))
        self.header_spin.setValue(row)
        self.header_spin.blockSignals(False)
        self._row_changed()

    def _row_changed(self) -> None:
        start = self.state.start
        if start is None:
            return
        row = self.header_spin.value()
        if row in start.numbers:
            self.table.selectRow(start.numbers.index(row))
        names = [name for name in start.header(row) if name]
        if not names:
            lines = [f"Row {row} is empty: choose the row that names the columns."]
        elif self.own_layout():
            lines = ["These are the columns of the standard incident file: it is imported "
                     "as it is, without a profile."]
        else:
            lines = [f"Row {row} names {len(names)} columns: {summarise(names, 8)}. The next "
                     "pages say what each holds."]
        say(self.note, lines)
        self.completeChanged.emit()

    def own_layout(self) -> bool:
        """True when the file is in our own layout and no profile was chosen."""
        start = self.state.start
        if start is None or self.state.chosen is not None or self.header_spin.value() != 1:
            return False
        first_sheet = not start.sheets or start.sheet == start.sheets[0]
        return first_sheet and headers_match(start.header(1))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        start = self.state.start
        return (start is not None and start.path == self.state.path
                and any(start.header(self.header_spin.value())))

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        start = self.state.start
        assert start is not None and self.state.path is not None
        row = self.header_spin.value()
        headers = start.header(row)
        if self.own_layout():
            self.state.headers, self.state.profile = headers, None
            return True
        profile = self.state.profile
        if profile is None or headers != self.state.headers:
            profile = self.state.chosen or profiles.suggest(
                self.context.user, headers, "incidents", self.state.path.stem)
        self.state.headers = headers
        self.state.profile = dataclasses.replace(profile, sheet=start.sheet, header_row=row)
        return True

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return CHECK if self.own_layout() else COLUMNS
