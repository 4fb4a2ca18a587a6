"""MARAC > Return: the SafeLives quarterly data return for a span of meetings, previewed as
the CSV will hold it, with the rolling cases per 10,000 adult females and the repeat rate;
saved as CSV or XLSX (the XLSX protected with a password when the user asks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from scs_victims.actions.marac import ReturnExport, export_return, safelives_return
from scs_victims.domain.periods import PeriodKind, period_containing
from scs_victims.marac.safelives_return import RECOMMENDED_PER_10K
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.incidents.dialogs import error_label
from ui.marac.common import FileChooser, FileOpener, SavedFileBar, date_edit, read_date
from ui.marac.models import ReturnModel
from ui.password_protection import CSV_REFUSED, PasswordProtection
from ui.widgets import RecordTable, uk_date


def _figure(value: object, suffix: str = "") -> str:
    return "not known" if value is None else f"{value}{suffix}"


class ReturnTab(QWidget):
    def __init__(self, context: AppContext, today: Callable[[], date],
                 choose_file: Callable[[], FileChooser],
                 open_file: Callable[[], FileOpener]) -> None:
        super().__init__()
        self.context = context
        self.today = today
        self.choose_file = choose_file
        self.loaded: ReturnExport | None = None
        self.model = ReturnModel(self)
        self.first = date_edit("Meetings from")
        self.last = date_edit("Meetings to")
        self.preview_button = QPushButton("&Preview")
        self.preview_button.clicked.connect(self.preview)
        self.csv_button = QPushButton("Save &CSV...")
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        self.xlsx_button = QPushButton("Save &XLSX...")
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))
        self.error = error_label()
        self.protection = PasswordProtection(
            "Protect the XLSX fi&le with a password",
            "Whoever opens the workbook will need the password (Excel's own encryption). Send "
            "it to them by another route. A CSV file cannot be protected.")
        top = QHBoxLayout()
        for title, widget in (("Meetings &from:", self.first), ("&to:", self.last)):
            label = QLabel(title)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        for button in (self.preview_button, self.csv_button, self.xlsx_button):
            top.addWidget(button)
        top.addStretch(1)
        self.summary = QLabel("Choose the meetings' dates and preview the return.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary of the return")
        self.table = RecordTable("marac_return", context.settings)
        self.table.setAccessibleName("SafeLives return: one row per meeting and the total")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self._sized = self.table.restore_state()  # else fitted to the first preview
        self.saved = SavedFileBar(open_file)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.protection)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.saved)
        self._enable_saving(False)

    def set_default_dates(self) -> None:
        """The last complete financial quarter, as SafeLives asks for (unless typed)."""
        if self.first.text() or self.last.text():
            return
        last_quarter = period_containing(
            period_containing(self.today(), PeriodKind.QUARTER).start - timedelta(days=1),
            PeriodKind.QUARTER)
        self.first.setText(uk_date(last_quarter.start))
        self.last.setText(uk_date(last_quarter.end))

    def _enable_saving(self, enabled: bool) -> None:
        self.csv_button.setEnabled(enabled)
        self.xlsx_button.setEnabled(enabled)

    def _dates(self) -> tuple[date, date] | None:
        self.error.setVisible(False)
        first, problem = read_date(self.first.text(), required=True)
        last, other = read_date(self.last.text(), required=True)
        message = (f"Meetings from: {problem}" if problem else
                   f"Meetings to: {other}" if other else
                   "The first date must not be after the last." if first and last and
                   first > last else "")
        if message or first is None or last is None:
            self.error.setText(message)
            self.error.setVisible(True)
            return None
        return first, last

    def preview(self) -> None:
        dates = self._dates()
        if dates is None:
            return
        user = self.context.user
        self.context.operations.run(lambda _progress: safelives_return(user, *dates),
                                    self.show_return, parent=self,
                                    latest_key=f"marac-return-{id(self)}")

    def refresh(self) -> None:
        if self.loaded is not None:
            self.preview()

    def show_return(self, loaded: ReturnExport) -> None:
        self.loaded = loaded
        result = loaded.result
        self.model.set_rows([*result.meetings, result.total])
        if not self._sized:
            self.table.resizeColumnsToContents()
            self._sized = True
        total = result.total.counts
        population = result.female_population_16_plus
        rate = ("not known: enter the female population aged 16+ in Settings > Area"
                if result.cases_per_10k is None else
                f"{result.cases_per_10k} per 10,000 adult females against the recommended "
                f"{RECOMMENDED_PER_10K} ({result.rolling_cases} cases; "
                f"{_figure(result.recommended_cases)} recommended for "
                f"{population:,} women aged 16+)")
        self.summary.setText(
            f"<b>{len(result.meetings)} meeting{'s' if len(result.meetings) != 1 else ''}, "
            f"{total['cases_discussed']} cases discussed, {total['repeat_cases']} "
            f"repeat{'s' if total['repeat_cases'] != 1 else ''}</b> "
            f"(repeat rate {_figure(result.repeat_rate, '%')}) from {uk_date(result.first)} to "
            f"{uk_date(result.last)}.<br>Cases in the 12 months {uk_date(result.rolling_first)}"
            f" to {uk_date(result.last)}: {rate}.")
        self._enable_saving(True)

    def save(self, kind: str) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        ready, password = self.protection.read()
        if not ready:
            return
        if password is not None and kind == "csv":
            self.protection.refuse(CSV_REFUSED)
            return
        result = loaded.result
        suggested = f"MARAC return {result.first:%Y-%m-%d} to {result.last:%Y-%m-%d}.{kind}"
        file_filter = "CSV files (*.csv)" if kind == "csv" else "Excel workbooks (*.xlsx)"
        chosen = self.choose_file()(self, "Save the SafeLives return", suggested, file_filter)
        if not chosen:
            return
        path = Path(chosen)
        user = self.context.user

        def work(_progress: ProgressCallback) -> Path:
            # The return as it stands now, for the meetings previewed.
            export_return(user, result.first, result.last, kind, path, password=password)
            return path

        what = "The return" + (" (protected with the password)" if password else "")
        self.context.operations.run(
            work, lambda saved: self.saved.show_saved(saved, what), parent=self,
            label="Saving the SafeLives return ...", on_failure=self.protection.refused)

    def save_state(self) -> None:
        self.table.save_state()
