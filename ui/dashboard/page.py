"""The Dashboard: this quarter and the financial year to date against the targets, the trend
of the last eight quarters, and the alerts waiting for action. Every number opens the list
behind it (through the app-wide signals; alert counts through ``open_alerts``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import figures
from scs_victims.actions.permissions import Permission
from scs_victims.alerts import AlertKind
from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.services.dashboard import Dashboard
from ui.alerts.model import kind_count
from ui.context import AppContext
from ui.dashboard.figures_grid import TYPE_NAMES, FiguresGrid, ListRequest, period_title
from ui.dashboard.trend_chart import TrendChart
from ui.dashboard.widgets import NumberButton
from ui.widgets import uk_date

THIS_QUARTER = "This quarter"
YEAR_TO_DATE = "Financial year to date"


class DashboardPage(QWidget):
    # Figures follow incidents and the rules; alert counts follow reviews; the targets are
    # the area's; overdue actions are MARAC's.
    REFRESH_ON = ("incidents", "alerts", "rules", "area", "marac")

    # A kind of alert (AlertKind value, "" for all): the main window shows the Alerts screen.
    open_alerts = Signal(str)
    open_marac = Signal()  # the MARAC screen, for its overdue actions

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.today: Callable[[], date] = date.today  # tests fix the day
        self.board: Dashboard | None = None
        self._loaded = False
        self._build()

    # Building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel("<b>Dashboard</b>")
        self.heading.setAccessibleName("Dashboard")
        self.action_label = QLabel("People who need action today:")
        self.action_count = NumberButton()
        self.action_count.setText("…")
        self.action_count.clicked.connect(lambda: self.open_alerts.emit(""))
        self.alerts_button = QPushButton("Go to &alerts")
        self.alerts_button.setAccessibleName("Go to the Alerts screen")
        self.alerts_button.clicked.connect(lambda: self.open_alerts.emit(""))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.action_label)
        top.addWidget(self.action_count)
        top.addWidget(self.alerts_button)
        # MARAC actions past their due date, chased at the next meeting.
        self.marac_overdue = NumberButton()
        self.marac_overdue.setText("…")
        self.marac_overdue.clicked.connect(self.open_marac.emit)
        top.addWidget(self.marac_overdue)

        self.alert_counts: dict[AlertKind, NumberButton] = {}
        alerts_box = QGroupBox("Open alerts")
        alerts_row = QHBoxLayout(alerts_box)
        for kind in AlertKind:
            button = NumberButton()
            button.setText("…")
            button.clicked.connect(lambda _=False, value=kind.value: self.open_alerts.emit(value))
            self.alert_counts[kind] = button
            alerts_row.addWidget(button)
        alerts_row.addStretch(1)

        self.quarter = FiguresGrid(THIS_QUARTER, self._open_list)
        self.year = FiguresGrid(YEAR_TO_DATE, self._open_list)

        trend_box = QGroupBox("Trend: the last 8 quarters")
        trend_row = QHBoxLayout(trend_box)
        self.charts = {crime_type: TrendChart(TYPE_NAMES[crime_type])
                       for crime_type in CRIME_TYPES}
        for chart in self.charts.values():
            trend_row.addWidget(chart)

        # The screen hides only what the role does not open; the actions enforce.
        user = self.context.user
        works_alerts = user.can(Permission.WORK_ALERTS)
        if not works_alerts:
            self.alerts_button.hide()
        for button in (self.action_count, *self.alert_counts.values()):
            button.set_linked(works_alerts)
        self.marac_overdue.set_linked(user.can(Permission.MARAC))
        for grid in (self.quarter, self.year):
            grid.set_linked(user.can(Permission.SEE_PEOPLE))

        self.status = QLabel("Loading ...")
        self.status.setAccessibleName("Dashboard status")

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(alerts_box)
        layout.addWidget(self.quarter)
        layout.addWidget(self.year)
        layout.addWidget(trend_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # Loading ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._loaded:
            self.load()

    def refresh(self) -> None:
        if self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        user, today = self.context.user, self.today()
        self.context.operations.run(lambda _progress: figures.dashboard(user, today),
                                    self.show_dashboard, parent=self,
                                    latest_key=f"dashboard-{id(self)}")
        self.context.operations.run(
            lambda _progress: figures.overdue_marac_actions(user, today),
            self.show_marac_overdue, parent=self, latest_key=f"dashboard-marac-{id(self)}")

    def show_marac_overdue(self, count: int) -> None:
        text = f"{count:,} overdue MARAC action{'s' if count != 1 else ''}"
        self.marac_overdue.set_value(text, f"MARAC: {text}", "Show the MARAC meetings")

    def show_dashboard(self, board: Dashboard) -> None:
        self.board = board
        lists = " Select a number to see the list behind it." if self.quarter.linked else ""
        self.status.setText(f"Figures as on {uk_date(board.today)}, for the whole area."
                            + lists)
        total = board.open_alert_total
        self.action_count.set_value(
            f"{total:,} open alerts", f"People who need action today: {total:,} open alerts",
            "Show the open alerts")
        for kind, button in self.alert_counts.items():
            count = board.open_alerts[kind]
            button.set_value(kind_count(kind, count), f"Open alerts: {kind_count(kind, count)}",
                             "Show these alerts")
        self.quarter.set_figures(period_title(THIS_QUARTER, board.quarter), board.this_quarter)
        self.year.set_figures(period_title(YEAR_TO_DATE, board.year_to_date),
                              board.financial_year)
        for crime_type, chart in self.charts.items():
            chart.set_points(board.trend[crime_type])

    def _open_list(self, request: ListRequest) -> None:
        signals = self.context.signals
        if request.incidents is not None:
            signals.show_incidents.emit(request.incidents)
        elif request.people is not None:
            signals.show_people.emit(request.people)
