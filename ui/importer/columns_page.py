"""The import wizard's column page: for each of our columns, which of their columns fills it,
a template of several of theirs, or one value for every row."""

from __future__ import annotations

import dataclasses
import re

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from scs_victims.importing.mapping import profile_columns
from scs_victims.importing.profile import (
    NAME_COLUMNS,
    Profile,
    ProfileRefused,
    kind_columns,
    parse_profile,
    profile_text,
    refusal,
    template_problem,
)
from ui.context import AppContext
from ui.importer.file_pages import message_label, say
from ui.importer.state import ImportState

# The combo's choices other than one of their columns.
NOT_IN_FILE, TEMPLATE, CONSTANT = "", "\x00template", "\x00constant"
_FIELD = re.compile(r"\{([^{}]*)\}")
_HINTS = {
    "victim_name": "the victim's full name: 'Surname, Forename' or 'Forename Surname'",
    "perpetrator_name": "the perpetrator's full name, split the same way",
    "occurred_on": "a date, or a template joining a date and a time column",
}


def _folded(name: str) -> str:
    return name.strip().casefold()


class ColumnRow:
    """The widgets choosing where one of our columns comes from."""

    def __init__(self, column: str, headers: list[str], required: bool) -> None:
        self.column = column
        self.label = QLabel(column + (" (required)" if required else ""))
        self.label.setToolTip(_HINTS.get(column, ""))
        self.combo = QComboBox()
        self.combo.setObjectName(f"column_{column}")
        self.combo.setAccessibleName(f"Where {column} comes from")
        self.combo.addItem("(not in the file)", NOT_IN_FILE)
        for header in headers:
            self.combo.addItem(header, header)
        self.combo.addItem("(several columns: a template)", TEMPLATE)
        self.combo.addItem("(the same value on every row)", CONSTANT)
        self.label.setBuddy(self.combo)
        self.detail = QLineEdit()
        self.detail.setObjectName(f"detail_{column}")
        self.detail.setAccessibleName(f"Template or value of {column}")
        self.sample = QLabel()
        self.sample.setObjectName(f"sample_{column}")

    def choose(self, choice: str, detail: str = "") -> None:
        index = self.combo.findData(choice)
        if index < 0:  # a column the profile names but the file lacks: kept, and refused
            self.combo.insertItem(self.combo.count() - 2, f"{choice} (not in this file)",
                                  choice)
            index = self.combo.findData(choice)
        self.combo.setCurrentIndex(index)
        self.detail.setText(detail)

    @property
    def choice(self) -> str:
        return str(self.combo.currentData())


class ColumnsPage(QWizardPage):
    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Match the columns")
        self.setSubTitle("For each column SCS Victims reads, choose the column of your file "
                         "that holds it. A template joins several of your columns: "
                         "{Incident Date} {Incident Time}.")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.unread = message_label("columnsUnread")
        self.problems = message_label("columnsProblems")
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.unread)
        layout.addWidget(self.problems)
        self.rows: dict[str, ColumnRow] = {}
        self._file_rows: list[dict[str, str]] = []

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        profile = self.state.profile
        if profile is None:
            return
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        headers = [header for header in dict.fromkeys(self.state.headers) if header]
        self._file_rows = self._first_rows()
        _ours, required = kind_columns(profile.kind)
        by_folded = {_folded(header): header for header in headers}
        self.rows = {}
        for line, column in enumerate(profile_columns(profile.kind)):
            row = ColumnRow(column, headers, column in required)
            if column in profile.constants:
                row.choose(CONSTANT, profile.constants[column])
            elif column in profile.columns and "{" in profile.columns[column]:
                row.choose(TEMPLATE, profile.columns[column])
            elif column in profile.columns:
                theirs = profile.columns[column]
                row.choose(by_folded.get(_folded(theirs), theirs.strip()))
            elif column in by_folded:  # their column of our name keeps its meaning
                row.choose(by_folded[column])
            self.grid.addWidget(row.label, line, 0)
            self.grid.addWidget(row.combo, line, 1)
            self.grid.addWidget(row.detail, line, 2)
            self.grid.addWidget(row.sample, line, 3)
            row.combo.currentIndexChanged.connect(self._changed)
            row.detail.textChanged.connect(self._changed)
            self.rows[column] = row
        self._changed()

    def _first_rows(self) -> list[dict[str, str]]:
        """The rows shown of the file below its header row, by their column names."""
        start, profile = self.state.start, self.state.profile
        if start is None or profile is None:
            return []
        return [{header: cell.strip() for header, cell in zip(self.state.headers, cells,
                                                              strict=False) if header}
                for number, cells in zip(start.numbers, start.rows, strict=True)
                if number > profile.header_row]

    def _sample(self, row: ColumnRow) -> str:
        """What the choice reads from the first row that has it all."""
        choice, detail = row.choice, row.detail.text()
        if choice == TEMPLATE:
            names = [name.strip() for name in _FIELD.findall(detail)]
            found = next((cells for cells in self._file_rows
                          if all(cells.get(name) for name in names)), None)
            if found is None:
                return ""
            return _FIELD.sub(lambda match: found.get(match[1].strip(), ""), detail).strip()
        if choice in (NOT_IN_FILE, CONSTANT):
            return ""
        return next((cells[choice] for cells in self._file_rows if cells.get(choice)), "")

    def _changed(self) -> None:
        parts_of = {part: full for full, parts in NAME_COLUMNS.items() for part in parts}
        for column, row in self.rows.items():
            full = self.rows.get(parts_of.get(column, ""))
            from_full = full is not None and full.choice != NOT_IN_FILE
            row.combo.setEnabled(not from_full)
            if from_full and row.choice != NOT_IN_FILE:
                row.combo.blockSignals(True)
                row.choose(NOT_IN_FILE)
                row.combo.blockSignals(False)
            row.combo.setToolTip(f"filled from {parts_of[column]}" if from_full else "")
            row.detail.setVisible(row.choice in (TEMPLATE, CONSTANT))
            row.detail.setPlaceholderText("{Incident Date} {Incident Time}"
                                          if row.choice == TEMPLATE else "the value")
            sample = self._sample(row)
            row.sample.setText(f"e.g. {sample[:40]}" if sample else "")
        used = {row.choice for row in self.rows.values()}
        for row in self.rows.values():
            if row.choice == TEMPLATE:
                used.update(name.strip() for name in _FIELD.findall(row.detail.text()))
        unread = [header for header in self.state.headers if header and header not in used]
        say(self.unread, [f"Not read: {', '.join(unread)}."] if unread else [])
        say(self.problems, self.problems_found())
        self.completeChanged.emit()

    def profile(self) -> Profile:
        """The profile as chosen on this page (its values and dates as they were)."""
        assert self.state.profile is not None
        columns: dict[str, str] = {}
        constants: dict[str, str] = {}
        for column, row in self.rows.items():
            if row.choice in (TEMPLATE, CONSTANT):
                target = columns if row.choice == TEMPLATE else constants
                if row.detail.text().strip():
                    target[column] = row.detail.text().strip()
            elif row.choice != NOT_IN_FILE:
                columns[column] = row.choice
        return dataclasses.replace(self.state.profile, columns=columns, constants=constants)

    def problems_found(self) -> list[str]:
        """Why the choices cannot be used, as sentences; empty when they can."""
        if self.state.profile is None:
            return []
        kind = self.state.profile.kind
        _ours, required = kind_columns(kind)
        headers = {_folded(header) for header in self.state.headers if header}
        problems: list[str] = []
        for column, row in self.rows.items():
            detail = row.detail.text().strip()
            if row.choice == NOT_IN_FILE and column in required:
                problems.append(f"Choose where {column} comes from (it is required).")
            elif row.choice == TEMPLATE:
                reason = template_problem(detail) or (
                    None if "{" in detail else "write your column names in braces")
                missing = [name.strip() for name in _FIELD.findall(detail)
                           if _folded(name) not in headers]
                if not detail:
                    problems.append(f"Write the template of {column}.")
                elif reason:
                    problems.append(f"{column}: {reason}.")
                elif missing:
                    problems.append(f"{column}: the file has no column "
                                    f"{', '.join(repr(name) for name in missing)}.")
            elif row.choice == CONSTANT:
                reason = refusal(kind, column, detail) if detail else "type the value"
                if reason:
                    problems.append(f"{column}: {reason}.")
            elif row.choice != NOT_IN_FILE and _folded(row.choice) not in headers:
                problems.append(f"{column}: the file has no column '{row.choice}'.")
        if not problems:
            try:
                parse_profile(_toml(self.profile()), kind)
            except ProfileRefused as refused:
                problems.append(str(refused))
        return problems

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.rows) and not self.problems_found()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        self.state.profile = self.profile()
        return True


def _toml(profile: Profile) -> dict[str, object]:
    import tomllib

    return tomllib.loads(profile_text(dataclasses.replace(profile, name=profile.name or "-")))
