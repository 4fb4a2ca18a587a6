"""Small widgets every screen uses: a search box that waits for typing to pause, tables that
remember their columns and sort, fields the core refused, and UK date formatting."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableView,
    QWidget,
)

from scs_victims.domain.dates import DateFormatError, parse_date

SEARCH_PAUSE_MS = 120  # after the last keystroke; the query itself must fit in the rest of 200


def uk_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy, the form officers read and type."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def uk_date_time(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y %H:%M")


def mark_invalid(widget: QWidget, message: str | None) -> None:
    """Highlight a field the core refused (a dynamic property the style sheet keys on) and
    put the reason where assistive technology reads it; ``None`` clears it."""
    widget.setProperty("invalid", bool(message))
    widget.setAccessibleDescription(message or "")
    widget.setStyleSheet("[invalid=\"true\"] { border: 2px solid #c62828; }" if message else "")


def read_dates(fields: tuple[tuple[QLineEdit, str], ...]
               ) -> tuple[list[date | None], list[str]]:
    """The dates typed in ``(field, name)`` pairs (None where blank) and a sentence for each
    that is not a date; each wrong field is highlighted, each right one cleared."""
    days: list[date | None] = []
    problems: list[str] = []
    for edit, name in fields:
        text, day, problem = edit.text().strip(), None, None
        if text:
            try:
                day = parse_date(text)
            except DateFormatError:
                problem = f"{name}: '{text}' is not a date (dd/mm/yyyy)."
                problems.append(problem)
        mark_invalid(edit, problem)
        days.append(day)
    return days, problems


def error_label() -> QLabel:
    """A red sentence under a form saying what was refused; hidden while empty."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")  # red error text: it also says what is wrong
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str | None) -> None:
    """Put ``text`` in a label made by ``error_label`` (or hide it when there is none)."""
    label.setText(text or "")
    label.setVisible(bool(text))


def two_column_body(left: QBoxLayout, right: QBoxLayout) -> QScrollArea:
    """A form's two halves side by side, scrolling when the window is too small for them."""
    columns = QHBoxLayout()
    columns.addLayout(left, 1)
    columns.addLayout(right, 1)
    body = QWidget()
    body.setLayout(columns)
    scroll = QScrollArea()
    scroll.setWidget(body)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


class SearchBox(QLineEdit):
    """Emits ``search`` with the text once typing pauses (and at once on Enter)."""

    search = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None, *,
                 pause_ms: int = SEARCH_PAUSE_MS) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(pause_ms)
        self._timer.timeout.connect(self._emit)
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._emit)

    def _emit(self) -> None:
        self._timer.stop()
        self.search.emit(self.text())


class RecordTable(QTableView):
    """A read-only table of records: whole-row selection, sorting, and its header state (column
    widths, order, sort) kept in QSettings under ``state_key`` between runs."""

    def __init__(self, state_key: str, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state_key = f"tables/{state_key}"
        self._settings = settings
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as keyboard users expect
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionsMovable(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def restore_state(self) -> bool:
        state = self._settings.value(self._state_key)
        if isinstance(state, QByteArray | bytes) and state:
            return bool(self.horizontalHeader().restoreState(QByteArray(state)))
        return False

    def save_state(self) -> None:
        self._settings.setValue(self._state_key, self.horizontalHeader().saveState())

    def selected_rows(self) -> list[int]:
        """Source-model rows of the selection, whatever proxy sits between."""
        model = self.model()
        rows = []
        for index in self.selectionModel().selectedRows() if self.selectionModel() else []:
            source = index
            while hasattr(model, "mapToSource") and source.model() is model:
                source = model.mapToSource(source)
                model = source.model()
            rows.append(source.row())
            model = self.model()
        return sorted(set(rows))


ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
