"""The Reports screen: the quarterly repeat-victimisation report (issue 5) with a preview of
its summary table and trend, saved as PDF, workbook or incident list (each PDF or Excel file
protected with a password when the user asks), or printed; and the figures CSV for any range
of periods."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import reports
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period, PeriodKind, parse_period_label, period_containing
from scs_victims.progress import ProgressCallback
from scs_victims.reports.quarterly_data import QuarterSummary
from scs_victims.services.dashboard import TrendPoint
from ui.context import AppContext
from ui.dashboard.trend_chart import TrendChart
from ui.password_protection import CSV_REFUSED, PasswordProtection
from ui.reports.figures_form import FiguresForm, buddy_label
from ui.reports.jobs import ReportChoice, list_format
from ui.reports.printing import ChoosePrinter, ask_printer, print_pdf
from ui.reports.summary_model import SummaryModel

QUARTERS_OFFERED = 12
HEADING_WIDTH = 12  # characters
PDF_FILTER = "PDF documents (*.pdf)"
XLSX_FILTER = "Excel workbooks (*.xlsx)"
LIST_FILTER = "CSV files (*.csv);;Excel workbooks (*.xlsx)"
TAB_NAMES = {CrimeType.ASB: "&ASB", CrimeType.BURGLARY: "Domestic &burglary",
             CrimeType.DV: "Domestic ab&use"}

# (parent, suggested path, file filters) -> the chosen path, "" when cancelled
FileChooser = Callable[[QWidget, str, str], str]


def ask_save_path(parent: QWidget, suggested: str, filters: str) -> str:
    """The system's Save dialog ("" when cancelled); tests put their own chooser in place."""
    path, _filter = QFileDialog.getSaveFileName(parent, "Save", suggested, filters)
    return path


def offered_quarters(today: date) -> list[Period]:
    """The quarter running today and the eleven before it, newest first."""
    quarters = [period_containing(today, PeriodKind.QUARTER)]
    while len(quarters) < QUARTERS_OFFERED:
        quarters.append(period_containing(quarters[-1].start - timedelta(days=1),
                                          PeriodKind.QUARTER))
    return quarters


def narrow_heading(heading: str) -> str:
    """'Same quarter last year\n2023/24 Q4' -> 'Same quarter\nlast year\n2023/24 Q4': the
    table fits beside its chart."""
    words, _newline, period = heading.partition("\n")
    return "\n".join(filter(None, (textwrap.fill(words, HEADING_WIDTH), period)))


def safe_name(label: str) -> str:
    """'2024/25 Q1' -> '2024-25-Q1', for a file name."""
    return label.replace("/", "-").replace(" ", "-")


def protected(password: str | None) -> str:
    """What a saved file's sentence adds when the file was protected."""
    return "" if password is None else ", protected with the password"


class PreviewTab(QWidget):
    """One crime type's summary table beside its eight-quarter trend."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.model = SummaryModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"Summary table: {name}")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        # As tall and wide as its seven rows: no empty band under them.
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart = TrendChart(f"{name}: the last 8 quarters")
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.chart, 1)


class ReportsPage(QWidget):
    # The figures follow incidents and the rules; the targets and marking are the area's.
    REFRESH_ON = ("incidents", "rules", "area", "wards", "marac")

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.context = context
        self.today = today
        self.choose_file: FileChooser = ask_save_path
        self.choose_printer: ChoosePrinter = ask_printer
        self.summary: QuarterSummary | None = None
        self._loaded = False
        self._build()

    def _build(self) -> None:
        heading = QLabel("<b>Reports</b>")
        intro = QLabel("The partnership board's quarterly repeat victimisation report. Choose "
                       "the quarter; the summary below is what the report will say.")
        intro.setWordWrap(True)

        self.quarters = offered_quarters(self.today())
        self.quarter = QComboBox()
        self.quarter.setAccessibleName("Quarter")
        for index, quarter in enumerate(self.quarters):
            running = " (in progress)" if index == 0 else ""
            self.quarter.addItem(f"{quarter.label}{running}", quarter.label)
        self.quarter.setCurrentIndex(1)  # the last complete quarter
        self.quarter.currentIndexChanged.connect(self.load)
        self.publish = QCheckBox("Publication version (small &numbers suppressed)")
        self.publish.setAccessibleName("Publication version")
        self.publish.setToolTip("Counts from 1 to 4 are shown as <5, with the rates made from "
                                "them, in the preview, the PDF and the workbook. The incident "
                                "list is for analysts and is never published.")
        self.publish.toggled.connect(self.load)
        choice_row = QHBoxLayout()
        choice_row.addWidget(buddy_label("&Quarter:", self.quarter))
        choice_row.addWidget(self.quarter)
        choice_row.addSpacing(16)
        choice_row.addWidget(self.publish)
        choice_row.addStretch(1)

        self.status = QLabel()
        self.status.setAccessibleName("Preview status")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Summary by crime type")
        self.previews = {crime_type: PreviewTab(TAB_NAMES[crime_type].replace("&", ""))
                         for crime_type in CRIME_TYPES}
        for crime_type, tab in self.previews.items():
            self.tabs.addTab(tab, TAB_NAMES[crime_type])

        self.pdf_button = self._button("Save report &PDF...", "Save report PDF",
                                       self.save_pdf)
        self.workbook_button = self._button("Save &workbook (Excel)...", "Save workbook",
                                            self.save_workbook)
        self.workbook_button.setToolTip("The figures of the eight quarters in the trend, for "
                                        "the whole area and by ward.")
        self.list_button = self._button("Save &incident list...", "Save incident list",
                                        self.save_incident_list)
        self.list_button.setToolTip("Every incident of the quarter with its repeat flag and "
                                    "reason; CSV or Excel by the file name's ending.")
        self.print_button = self._button("P&rint...", "Print the report", self.print_report)
        buttons = QHBoxLayout()
        for button in (self.pdf_button, self.workbook_button, self.list_button,
                       self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.protection = PasswordProtection(
            "Protect saved PDF and Excel fi&les with a password",
            "Whoever opens the report PDF, the workbook or an Excel incident list will need "
            "the password (AES-256; Excel's own encryption for workbooks). Send it to them "
            "by another route. A CSV file cannot be protected.")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Report result")

        self.figures = FiguresForm(self.context, self._ask_path, self.today())

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(choice_row)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)
        layout.addWidget(self.protection)
        layout.addWidget(self.result)
        layout.addSpacing(8)
        layout.addWidget(self.figures)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._hide_what_the_role_does_not_allow()

    def _hide_what_the_role_does_not_allow(self) -> None:
        """The screen only hides; the actions refuse."""
        user = self.context.user
        hidden: list[QWidget] = []
        if not user.can(Permission.PRODUCE_REPORTS):
            hidden += [self.pdf_button, self.workbook_button, self.print_button]
        if not user.can(Permission.EXPORT_INCIDENTS):
            hidden.append(self.list_button)
        if not (user.can(Permission.PRODUCE_REPORTS) or user.can(Permission.EXPORT_INCIDENTS)):
            hidden.append(self.protection)
        if not user.can(Permission.SEE_FIGURES):
            hidden.append(self.figures)
        for widget in hidden:
            widget.hide()

    def _button(self, text: str, name: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.clicked.connect(action)
        return button

    # Loading ------------------------------------------------------------------------------

    def choice(self) -> ReportChoice:
        return ReportChoice(self.quarters[self.quarter.currentIndex()],
                            self.publish.isChecked())

    def on_shown(self) -> None:
        if not self._loaded:
            self.load()
        self.quarter.setFocus()

    def refresh(self) -> None:
        if self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        user, choice = self.context.user, self.choice()
        self.status.setText(f"Working out the figures for {choice.quarter.label} ...")
        self.context.operations.run(lambda _progress: reports.report_summary(
                                        user, choice.quarter, publish=choice.publish),
                                    self._show_summary, parent=self,
                                    latest_key=f"reports-preview-{id(self)}")

    def _show_summary(self, summary: QuarterSummary) -> None:
        self.summary = summary
        quarter = summary.quarter
        version = ("for publication: counts from 1 to 4 show as <5" if summary.publish
                   else "internal: every number shown")
        self.status.setText(f"{quarter.label}, {quarter.start:%d/%m/%Y} to "
                            f"{quarter.end:%d/%m/%Y} ({version}).")
        columns = tuple(narrow_heading(column) for column in summary.columns)
        by_type = {found.crime_type: found for found in summary.types}
        for crime_type, tab in self.previews.items():
            tab.model.set_summary(columns, by_type.get(crime_type))
            tab.chart.set_points(tuple(
                TrendPoint(parse_period_label(point.label), point.repeat_victim_rate,
                           point.repeat_incident_rate)
                for point in summary.trend.get(crime_type, ())))

    # Saving and printing ------------------------------------------------------------------

    def _ask_path(self, suggested: str, filters: str) -> str:
        """The chosen file ("" when cancelled), starting in the folder used last."""
        folder = str(self.context.settings.value("reports/folder", "") or "")
        chosen = self.choose_file(self, str(Path(folder) / suggested), filters)
        if chosen:
            self.context.settings.setValue("reports/folder", str(Path(chosen).parent))
        return chosen

    def _report_name(self, choice: ReportChoice) -> str:
        version = "-publication" if choice.publish else ""
        return f"repeat-victimisation-{safe_name(choice.quarter.label)}{version}"

    def _start(self, label: str, work: Callable[[ProgressCallback], Any],
               done: Callable[[Any], str]) -> None:
        """Run a save with a progress dialog; the buttons wait until it ends."""
        actions = (self.pdf_button, self.workbook_button, self.list_button, self.print_button)
        for button in actions:
            button.setEnabled(False)
        self.result.setText(label)

        def succeeded(value: Any) -> None:
            for button in actions:
                button.setEnabled(True)
            self.result.setText(done(value))

        def failed(error: BaseException) -> bool:
            for button in actions:
                button.setEnabled(True)
            self.result.setText("Nothing was saved.")
            # A refused password shows on its field; the operations layer shows the rest.
            return self.protection.refused(error)

        self.context.operations.run(work, succeeded, parent=self, label=label,
                                    on_failure=failed)

    def save_pdf(self) -> None:
        choice, user = self.choice(), self.context.user
        ready, password = self.protection.read()
        if not ready:
            return
        chosen = self._ask_path(f"{self._report_name(choice)}.pdf", PDF_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        self._start(f"Making the {choice.quarter.label} report ...",
                    lambda progress: reports.print_quarterly_report(
                        user, choice.quarter, path, publish=choice.publish,
                        progress=progress, password=password),
                    lambda _path: f"Saved the {choice.quarter.label} report to "
                                  f"{path}{protected(password)}.")

    def save_workbook(self) -> None:
        choice, user = self.choice(), self.context.user
        ready, password = self.protection.read()
        if not ready:
            return
        version = "-publication" if choice.publish else ""
        chosen = self._ask_path(f"figures-{safe_name(choice.quarter.label)}{version}.xlsx",
                                XLSX_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        self._start("Writing the workbook ...",
                    lambda progress: reports.save_report_workbook(
                        user, choice.quarter, path, publish=choice.publish, progress=progress,
                        password=password),
                    lambda _path: f"Saved the workbook to {path}{protected(password)}.")

    def save_incident_list(self) -> None:
        quarter, user = self.choice().quarter, self.context.user
        ready, password = self.protection.read()
        if not ready:
            return
        suggested = "xlsx" if password is not None else "csv"
        chosen = self._ask_path(f"incidents-{safe_name(quarter.label)}.{suggested}",
                                LIST_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        if password is not None and path.suffix.lower() == ".csv":
            self.protection.refuse(CSV_REFUSED)
            self.result.setText("Nothing was saved.")
            return
        # Every incident of the quarter, every crime type, CSV or XLSX by the file's ending.
        self._start("Writing the incident list ...",
                    lambda progress: reports.export_incident_list(
                        user, path, quarter.start, quarter.end, [], list_format(path),
                        progress, password=password),
                    lambda count: f"Saved {count:,} incidents of {quarter.label} to "
                                  f"{path}{protected(password)}.")

    def print_report(self) -> None:
        printer = self.choose_printer(self)
        if printer is None:
            return
        choice, user = self.choice(), self.context.user
        name = self._report_name(choice)
        where = printer.printerName() or Path(printer.outputFileName()).name or "printer"

        def send(pdf: bytes) -> str:
            try:
                pages = print_pdf(pdf, printer, name)
            except Exception as error:  # noqa: BLE001 - shown through the one error handler
                self.context.operations.report(self, error)
                return "Nothing was printed."
            return f"Sent the {choice.quarter.label} report ({pages} pages) to the printer."

        self._start(f"Preparing the {choice.quarter.label} report for printing ...",
                    lambda progress: reports.quarterly_report_for_printer(
                        user, choice.quarter, where, publish=choice.publish,
                        progress=progress), send)
