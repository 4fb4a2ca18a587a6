"""Small pieces the MARAC tabs share: a field with its error line, UK date parsing for inputs,
yes/no/not-known choices, and saving a produced file where the user chooses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.domain.dates import DateFormatError, parse_date
from ui.incidents.dialogs import error_label, mark_invalid

# (parent, title, suggested file name, filter) -> the path chosen, "" when cancelled.
FileChooser = Callable[[QWidget, str, str, str], str]
FileOpener = Callable[[Path], None]


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    """The system's Save dialog; tests put their own chooser in place."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return path


def open_with_system(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ErrorLine:
    """An error line for a widget: the reason shows in it and the widget is marked."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.error = error_label()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_invalid(self.widget, message)


class Checked(ErrorLine):
    """A widget with its error line under it, in one container for a form row."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.container = QWidget()
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.error)


def labelled(form: QFormLayout, title: str, widget: QWidget,
             field: QWidget | None = None) -> QLabel:
    """A form row whose label (with its mnemonic) gives focus to ``widget``."""
    label = QLabel(title)
    label.setBuddy(widget)
    form.addRow(label, field or widget)
    return label


class StatusLine(QLabel):
    """A line that takes no room while it has nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


def date_edit(accessible: str, value: date | None = None) -> QLineEdit:
    edit = QLineEdit("" if value is None else value.strftime("%d/%m/%Y"))
    edit.setPlaceholderText("dd/mm/yyyy")
    edit.setAccessibleName(accessible)
    edit.setMaximumWidth(140)
    return edit


def read_date(text: str, *, required: bool) -> tuple[date | None, str | None]:
    """(the date, None) or (None, why it is refused); blank is None when not required."""
    if not text.strip():
        return None, ("Enter a date as dd/mm/yyyy." if required else None)
    try:
        return parse_date(text), None
    except DateFormatError:
        return None, f"'{text.strip()}' is not a date: write it as dd/mm/yyyy."


def tri_state(accessible: str, no_text: str = "No", yes_text: str = "Yes") -> QComboBox:
    """Not known / Yes / No, read with ``tri_value``."""
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    combo.addItem("Not known", None)
    combo.addItem(yes_text, True)
    combo.addItem(no_text, False)
    return combo


def tri_value(combo: QComboBox) -> bool | None:
    value = combo.currentData()
    return value if isinstance(value, bool) else None


class SavedFileBar(QWidget):
    """"Saved to <path>" with a button to open the file, after something was produced."""

    def __init__(self, opener: Callable[[], FileOpener], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._opener = opener
        self.path: Path | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Saved file")
        self.open_button = QPushButton("Op&en it")
        self.open_button.setAccessibleName("Open the saved file")
        self.open_button.clicked.connect(self.open_file)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.open_button)
        self.setVisible(False)

    def show_saved(self, path: Path, what: str) -> None:
        self.path = path
        self.label.setText(f"{what} saved to {path}.")
        self.setVisible(True)

    def open_file(self) -> None:
        if self.path is not None:
            self._opener()(self.path)
