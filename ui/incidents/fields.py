"""Form fields that show the core's refusals where they belong, and the duplicates panel."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from scs_victims.domain.dates import DateFormatError, parse_date_time
from scs_victims.services.lookups import LikelyDuplicate
from ui.incidents.pickers import person_label
from ui.widgets import error_label, mark_invalid

Input = QLineEdit | QComboBox | QPlainTextEdit


class Field:
    """One input of the form: its label (with mnemonic), the widget, and an error line under
    it that appears when the core refuses the value."""

    def __init__(self, name: str, title: str, widget: Input, accessible: str | None = None,
                 extra: QWidget | None = None) -> None:
        self.name = name
        self.title = title
        self.widget = widget
        self.label = QLabel(title)
        self.label.setBuddy(widget)
        self.required = False
        self.accessible = accessible or title.replace("&", "")
        widget.setAccessibleName(self.accessible)
        self.error = error_label()
        self.container = QWidget()
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is None:
            column.addWidget(widget)
        else:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(widget, 1)
            row.addWidget(extra)
            column.addLayout(row)
        column.addWidget(self.error)

    def text(self) -> str:
        widget = self.widget
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if widget.isEditable():
            return widget.currentText()
        data = widget.currentData()
        return data if isinstance(data, str) else ""

    def set_text(self, value: str) -> None:
        widget = self.widget
        if isinstance(widget, QLineEdit):
            widget.setText(value)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            index = widget.findData(value)
            if index < 0 and value:
                index = widget.findText(value, Qt.MatchFlag.MatchFixedString)
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(value)
            else:
                widget.setCurrentIndex(0)

    def set_required(self, required: bool) -> None:
        self.required = required
        self.label.setText(f"{self.title} *" if required else self.title)
        self.widget.setAccessibleName(f"{self.accessible} (required)" if required
                                      else self.accessible)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        mark_invalid(self.widget, message)


def as_form_text(value: object) -> str:
    """A stored value as the form shows it: UK dates, a time only when there is one."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def calendar_button(edit: QLineEdit) -> QToolButton:
    """A button (and Alt+Down in the edit) opening a calendar that writes dd/mm/yyyy."""
    button = QToolButton()
    button.setText("▾")
    button.setToolTip("Choose from a calendar (Alt+Down)")
    button.setAccessibleName(f"Calendar for {edit.accessibleName() or 'the date'}")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down from the edit reaches it
    menu = QMenu(button)
    calendar = QCalendarWidget()
    calendar.setGridVisible(True)
    calendar.setMaximumDate(QDate.currentDate())
    action = QWidgetAction(menu)
    action.setDefaultWidget(calendar)
    menu.addAction(action)

    def opening() -> None:
        try:
            on, _ = parse_date_time(edit.text())
        except DateFormatError:
            on = date.today()
        calendar.setSelectedDate(QDate(on.year, on.month, on.day))

    def picked(day: QDate) -> None:
        try:
            _, at = parse_date_time(edit.text())
        except DateFormatError:
            at = None
        text = day.toString("dd/MM/yyyy")
        edit.setText(f"{text} {at:%H:%M}" if at else text)
        edit.textEdited.emit(edit.text())
        menu.close()
        edit.setFocus()

    menu.aboutToShow.connect(opening)
    calendar.activated.connect(picked)
    calendar.clicked.connect(picked)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    shortcut = QShortcut(QKeySequence("Alt+Down"), edit)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(button.showMenu)
    return button


class DuplicatesPanel(QFrame):
    """Shown before a new person is created when existing people look like the same one."""

    use_existing = Signal(object)  # the LikelyDuplicate chosen
    create_new = Signal()

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"{role}Duplicates")
        self.role = role
        self.duplicates: list[LikelyDuplicate] = []
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(f"People who may be this {role}")
        self.list.setMaximumHeight(self.list.fontMetrics().height() * 6)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(lambda _item: self._use())
        self.use_button = QPushButton("&Use this person")
        self.use_button.clicked.connect(self._use)
        self.new_button = QPushButton(f"Save as a ne&w {role}")
        self.new_button.clicked.connect(self.create_new.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.new_button)
        layout.addLayout(buttons)
        self.setVisible(False)

    def show_duplicates(self, duplicates: list[LikelyDuplicate]) -> None:
        self.duplicates = duplicates
        self.title.setText(f"<b>Likely duplicate:</b> this {self.role} may already be recorded. "
                           "Use the existing person, or save as a new one.")
        self.list.clear()
        for duplicate in duplicates:
            # Two lines: who, then why, so neither is cut off in the narrow column.
            item = QListWidgetItem(f"{person_label(duplicate.person)}\n    {duplicate.reason}")
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.setVisible(True)
        self.list.setFocus()

    def _use(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.duplicates):
            self.use_existing.emit(self.duplicates[row])
