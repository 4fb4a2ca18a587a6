"""The last pages of building an import profile: how their dates are written, the first rows
as they will be stored, and saving the profile (for the next file, or for a colleague)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from scs_victims.actions import profiles
from scs_victims.errors import UserError
from scs_victims.importing.mapping import guess_date_form
from scs_victims.importing.preview import ProfilePreview
from scs_victims.importing.profile import (
    DATE_FORMS,
    Profile,
    profile_file_name,
    profile_text,
    read_date,
)
from ui.context import AppContext
from ui.importer.file_pages import message_label, say
from ui.importer.state import ImportState
from ui.importer.stored_model import StoredRowsModel

CopyChooser = Callable[[QWidget, str], Path | None]
FORM_LABELS = {
    "dd/mm/yyyy": "dd/mm/yyyy (31/12/2024)",
    "dd/mm/yy": "dd/mm/yy (31/12/24; 62 is 1962, 24 is 2024)",
    "yyyy-mm-dd": "yyyy-mm-dd (2024-12-31)",
    "mm/dd/yyyy": "mm/dd/yyyy (12/31/2024, the month first)",
}
_SHOWN_SAMPLES = 3


def choose_copy_file(parent: QWidget, start: str) -> Path | None:
    """The system's save-file dialog (tests pass their own chooser)."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save a copy of the profile as", start,
                                          "Import profiles (*.toml)")
    return Path(name) if name else None


def reason(error: BaseException) -> str:
    """An error as the end of a sentence: the system's words for a file that cannot be
    written, our sentence for a refusal."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror.lower()} ({error.filename})"
    return str(error)


def their_label(profile: Profile, column: str) -> str:
    """Their column (or template's columns) that fill one of ours, for a heading."""
    theirs = profile.columns.get(column, column)
    names = re.findall(r"\{([^{}]*)\}", theirs)
    return " + ".join(name.strip() for name in names) if names else theirs


def _spoken(iso: str) -> str:
    on = date.fromisoformat(iso[:10])
    return f"{on.day} {on:%B %Y}{iso[10:]}"


def reading(samples: list[str], form: str, today: date) -> str:
    """How ``form`` reads ``samples``: a few of them, and those it cannot read."""
    read = [(text, read_date(text, form, today)) for text in samples]
    shown = "; ".join(f"'{text}' is {_spoken(iso)}" for text, iso in read[:_SHOWN_SAMPLES]
                      if iso is not None)
    unread = [text for text, iso in read if iso is None]
    if not unread:
        every = ("The only date of the first rows reads" if len(read) == 1 else
                 f"Each of the {len(read):,} different dates of the first rows reads")
        return f"{shown}. {every}." if shown else "No dates in the first rows."
    more = f"{len(unread):,} of {len(read):,} are not dates in this form, such as '{unread[0]}'"
    return f"{shown}. {more}." if shown else f"{more}."


class DatesPage(QWizardPage):
    """How their text dates are written (a workbook's date cells need no form)."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("How dates are written")
        self.setSubTitle("A two-digit year is the latest year ending in those digits that is "
                         "not in the future. A time may follow a date after a space.")
        self.form_combo = QComboBox()
        self.form_combo.setObjectName("datesForm")
        self.form_combo.setAccessibleName("How dates are written")
        for form in DATE_FORMS:
            self.form_combo.addItem(FORM_LABELS[form], form)
        self.form_combo.currentIndexChanged.connect(self._show_samples)
        self.samples = QLabel()
        self.samples.setObjectName("dateSamples")
        self.samples.setWordWrap(True)
        form_label = QLabel("&Dates are written:")
        form_label.setBuddy(self.form_combo)
        row = QHBoxLayout()
        row.addWidget(form_label)
        row.addWidget(self.form_combo)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.samples)
        layout.addStretch(1)
        self._samples: dict[str, list[str]] | None = None
        self._today = date.today()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        profile, path = self.state.profile, self.state.path
        if profile is None or path is None:
            return
        self._samples = None
        self.samples.setText("Reading the dates of the first rows\u2026")
        self.completeChanged.emit()
        user, today = self.context.user, self._today

        def read(samples: dict[str, list[str]]) -> None:
            self._samples = samples
            form = profile.dates or guess_date_form(
                [text for texts in samples.values() for text in texts], today)
            self.form_combo.setCurrentIndex(max(0, self.form_combo.findData(form)))
            self._show_samples()
            self.completeChanged.emit()

        def refused(error: BaseException) -> bool:
            if not isinstance(error, UserError):
                return False
            self.samples.setText(str(error))
            return True

        self.context.operations.run(
            lambda _progress: profiles.date_samples(user, path, profile, today), read,
            parent=self, on_failure=refused, latest_key="import-dates")

    def _show_samples(self) -> None:
        profile, samples = self.state.profile, self._samples
        if profile is None or samples is None:
            return
        form = str(self.form_combo.currentData())
        lines = [f"{column} ({their_label(profile, column)}): "
                 f"{reading(texts, form, self._today)}" for column, texts in samples.items()
                 if texts]
        if self.state.start is not None and self.state.start.sheets:
            lines.insert(0, "Date cells of a workbook are read as dates whatever this says "
                            "(they are shown here as yyyy-mm-dd); it is for dates typed as "
                            "text.")
        self.samples.setText("\n\n".join(lines) or "The file has no dates in its first rows.")

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self._samples is not None

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        assert self.state.profile is not None
        self.state.profile = dataclasses.replace(self.state.profile,
                                                 dates=str(self.form_combo.currentData()))
        return True


class StoredPage(QWizardPage):
    """The first rows as the profile stores them: our columns, and what happens to each."""

    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("The first rows as they will be stored")
        self.setSubTitle("Your rows in SCS Victims' columns. Every row, and the wards, are "
                         "checked at the next steps.")
        self.status = QLabel()
        self.status.setObjectName("storedStatus")
        self.status.setWordWrap(True)
        self.model = StoredRowsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("First rows as they will be stored")
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self._shown: ProfilePreview | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        profile, path = self.state.profile, self.state.path
        if profile is None or path is None:
            return
        self._shown = None
        self.model.set_rows([], [])
        self.status.setText(f"Reading {path.name}\u2026")
        self.completeChanged.emit()
        user = self.context.user

        def shown(preview: ProfilePreview) -> None:
            self._shown = preview
            self.model.set_rows(preview.header, preview.rows)
            self.table.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
            left_out = sum(1 for row in preview.rows if row.skipped is not None)
            wrong = sum(1 for row in preview.rows if row.problems)
            stored = len(preview.rows) - left_out - wrong
            self.status.setText(
                f"Of the first {len(preview.rows):,} rows of {path.name}: {stored:,} will be "
                f"stored, {left_out:,} left out by the profile, {wrong:,} with problems "
                "(the Outcome column says which).")
            self.completeChanged.emit()

        def refused(error: BaseException) -> bool:
            if not isinstance(error, UserError):
                return False
            details = [str(row_error) for row_error in getattr(error, "errors", [])[:10]]
            self.status.setText("\n".join([str(error), *details]))
            return True

        self.context.operations.run(
            lambda _progress: profiles.preview(user, path, profile), shown, parent=self,
            on_failure=refused, latest_key="import-stored")

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self._shown is not None


class SavePage(QWizardPage):
    """The profile's name, saved in the profiles folder and, if wanted, a copy elsewhere."""

    def __init__(self, context: AppContext, state: ImportState,
                 choose_copy: CopyChooser = choose_copy_file) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.choose_copy = choose_copy
        self.setTitle("Save the profile")
        self.setSubTitle("The next file from the same system is read the same way once you "
                         "choose this profile with it. Settings lists the saved profiles.")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("profileName")
        self.name_edit.setAccessibleName("Profile name")
        self.name_edit.textChanged.connect(self._changed)
        self.keep_box = QCheckBox("&Keep it in my profiles")
        self.keep_box.setObjectName("keepProfile")
        self.keep_box.setChecked(True)
        self.keep_box.toggled.connect(self._changed)
        self.where = message_label("profileWhere")
        self.copy_button = QPushButton("Save a &copy as\u2026")
        self.copy_button.setObjectName("copyProfile")
        self.copy_button.clicked.connect(self.save_copy)
        self.status = message_label("saveStatus")
        self.text = QPlainTextEdit()
        self.text.setObjectName("profileText")
        self.text.setAccessibleName("The profile file")
        self.text.setReadOnly(True)
        name_label = QLabel("Profile &name:")
        name_label.setBuddy(self.name_edit)
        form = QFormLayout()
        form.addRow(name_label, self.name_edit)
        form.addRow("", self.keep_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        profile = self.state.profile
        if profile is not None:
            self.name_edit.setText(profile.name)
        say(self.status, [])
        self._changed()

    def profile(self) -> Profile:
        assert self.state.profile is not None
        return dataclasses.replace(self.state.profile, name=self.name_edit.text().strip())

    def _changed(self) -> None:
        name = self.name_edit.text().strip()
        if self.state.profile is not None:
            self.text.setPlainText(profile_text(self.profile()))
        path = profiles.profiles_folder() / profile_file_name(name)
        lines = []
        if name and self.keep_box.isChecked():
            lines.append(f"It is saved as {path}"
                         + (", replacing the profile saved there." if path.exists() else "."))
        say(self.where, lines)
        self.copy_button.setEnabled(bool(name))
        self.completeChanged.emit()

    def save_copy(self) -> None:
        name = self.name_edit.text().strip()
        chosen = self.choose_copy(self, profile_file_name(name))
        if chosen is None:
            return
        try:
            saved = profiles.save_copy(self.context.user, self.profile(), chosen)
        except (UserError, OSError) as error:
            say(self.status, [f"The copy could not be saved: {reason(error)}"])
            return
        say(self.status, [f"A copy was saved as {saved}."])

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.name_edit.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        profile = self.profile()
        self.state.profile = profile
        if not self.keep_box.isChecked():
            self.state.saved_path = None
            return True
        try:
            # A few hundred bytes: written at once, on this thread.
            self.state.saved_path = profiles.save(self.context.user, profile)
        except (UserError, OSError) as error:
            say(self.status, [f"The profile could not be saved: {reason(error)}"])
            return False
        return True
