"""The figures CSV (formats.md) for any range of periods, exactly as ``scs-victims figures``
writes it: one row per period, crime type and area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import figures
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import DateFormatError, parse_date
from scs_victims.domain.periods import PeriodKind, period_containing
from ui.context import AppContext
from ui.widgets import uk_date

ERROR_STYLE = "border: 2px solid #c0392b;"
CSV_FILTER = "CSV files (*.csv)"
PERIOD_KINDS = ((PeriodKind.QUARTER, "Quarter"), (PeriodKind.MONTH, "Month"),
                (PeriodKind.FINANCIAL_YEAR, "Financial year (April to March)"),
                (PeriodKind.YEAR, "Calendar year"))
# Mnemonics chosen not to clash with the rest of the Reports screen or the menu bar.
TYPE_BOXES = {CrimeType.ASB: "A&SB", CrimeType.BURGLARY: "Domestic bur&glary",
              CrimeType.DV: "&Domestic abuse"}

# (suggested path, file filters) -> the chosen path, "" when cancelled
AskPath = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class FiguresRequest:
    first: date
    last: date
    by: PeriodKind
    types: tuple[CrimeType, ...]
    by_ward: bool


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class FiguresForm(QGroupBox):
    def __init__(self, context: AppContext, ask_path: AskPath, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Figures CSV for any range of periods", parent)
        self.context = context
        self.ask_path = ask_path
        self._build(today)

    def _build(self, today: date) -> None:
        intro = QLabel("One row per period, crime type and area, as the partnership's returns "
                       "use them (the same file as the figures command writes).")
        intro.setWordWrap(True)
        self.first = self._date_field("From", period_containing(today, PeriodKind.FINANCIAL_YEAR)
                                      .start)
        self.last = self._date_field("To", today)
        self.by = QComboBox()
        self.by.setAccessibleName("Periods")
        self.by.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.by.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for kind, label in PERIOD_KINDS:
            self.by.addItem(label, kind.value)
        self.types = {crime_type: QCheckBox(TYPE_BOXES[crime_type])
                      for crime_type in CRIME_TYPES}
        types_widget = QWidget()
        types_row = QHBoxLayout(types_widget)
        types_row.setContentsMargins(0, 0, 0, 0)
        for box in self.types.values():
            box.setChecked(True)
            types_row.addWidget(box)
        types_row.addStretch(1)
        self.by_ward = QCheckBox("A row for ever&y ward as well as the whole area")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.addRow(buddy_label("Fro&m (dd/mm/yyyy):", self.first),
                    self._with_error("first", self.first))
        form.addRow(buddy_label("&To (dd/mm/yyyy):", self.last),
                    self._with_error("last", self.last))
        form.addRow(buddy_label("Peri&ods:", self.by), self.by)
        # A plain label: each box has its own mnemonic.
        form.addRow(QLabel("Crime types:"), self._with_error("types", types_widget))
        form.addRow("", self.by_ward)

        self.export_button = QPushButton("Save figures &CSV...")
        self.export_button.setAccessibleName("Save figures CSV")
        self.export_button.clicked.connect(self.export)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Figures CSV result")
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.result, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def _date_field(self, name: str, value: date) -> QLineEdit:
        field = QLineEdit(uk_date(value))
        field.setAccessibleName(f"{name} date")
        field.setPlaceholderText("dd/mm/yyyy")
        field.setMaximumWidth(160)
        return field

    def _with_error(self, name: str, field: QWidget) -> QWidget:
        """The field with room beside it for its error message."""
        error = QLabel()
        error.setAccessibleName("Error")
        error.hide()
        self.errors[name] = error
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field)
        row.addWidget(error)
        row.addStretch(1)
        return box

    def request(self) -> FiguresRequest | None:
        """What the form asks for, or None after showing what is wrong beside each field."""
        self._clear_errors()
        dates: dict[str, date] = {}
        for name, field, label in (("first", self.first, "From"), ("last", self.last, "To")):
            try:
                dates[name] = parse_date(field.text())
            except DateFormatError:
                self._show_error(name, field, f"{label} must be a date such as 31/03/2026.")
        if len(dates) == 2 and dates["last"] < dates["first"]:
            self._show_error("last", self.last, "To must not be before From.")
        types = tuple(crime_type for crime_type, box in self.types.items() if box.isChecked())
        if not types:
            self._show_error("types", None, "Choose at least one crime type.")
        if any(not error.isHidden() for error in self.errors.values()):
            return None
        return FiguresRequest(dates["first"], dates["last"], PeriodKind(self.by.currentData()),
                              types, self.by_ward.isChecked())

    def export(self) -> None:
        request = self.request()
        if request is None:
            return
        chosen = self.ask_path(f"figures-{request.first:%Y%m%d}-{request.last:%Y%m%d}.csv",
                               CSV_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        user = self.context.user
        self.export_button.setEnabled(False)
        self.result.setText("Exporting ...")

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self.result.setText(f"Wrote {count:,} rows to {path}.")

        def failed(_error: BaseException) -> bool:
            self.export_button.setEnabled(True)
            self.result.setText("Nothing was exported.")
            return False  # the operations layer shows the error

        def work(_progress: object) -> int:
            # The figures command's own export: the same file, byte for byte.
            return figures.export_figures(
                user, path, request.first, request.last, request.by, list(request.types),
                by_ward=request.by_ward, fmt="csv", publish=False).rows

        self.context.operations.run(work, done, parent=self,
                                    label="Exporting the figures ...", on_failure=failed)

    def _show_error(self, name: str, field: QWidget | None, message: str) -> None:
        first_error = all(error.isHidden() for error in self.errors.values())
        self.errors[name].setText(message)
        self.errors[name].show()
        if field is not None:
            field.setStyleSheet(ERROR_STYLE)
            if first_error:
                field.setFocus()

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.hide()
        for field in (self.first, self.last):
            field.setStyleSheet("")
