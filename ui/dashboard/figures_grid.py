"""One period's figures on the dashboard: a row per crime type, each number a way to the
list behind it, each rate with its target, baseline and status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period
from scs_victims.domain.rates import format_rate
from scs_victims.services.dashboard import RateStatus, TypeFigures
from ui.context import IncidentFilter
from ui.dashboard.widgets import NumberButton, StatusChip
from ui.widgets import uk_date

TYPE_NAMES = {CrimeType.ASB: "ASB", CrimeType.BURGLARY: "Domestic burglary",
              CrimeType.DV: "Domestic abuse"}

INCIDENTS, VICTIMS, REPEAT_VICTIMS, REPEAT_INCIDENTS, VICTIM_RATE, INCIDENT_RATE = (
    "incidents", "victims", "repeat_victims", "repeat_incidents", "repeat_victim_rate",
    "repeat_incident_rate")
HEADERS = (("Incidents", INCIDENTS), ("Victims", VICTIMS), ("Repeat victims", REPEAT_VICTIMS),
           ("Repeat incidents", REPEAT_INCIDENTS), ("Repeat victim rate", VICTIM_RATE),
           ("Repeat incident rate", INCIDENT_RATE))


@dataclass(frozen=True, slots=True)
class ListRequest:
    """What clicking a number asks for: incidents (an IncidentFilter) or people (a dict)."""

    incidents: IncidentFilter | None = None
    people: dict[str, object] | None = None


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{format_rate(value)}%"


def list_behind(figure: str, crime_type: CrimeType, period: Period, period_name: str
                ) -> ListRequest:
    """The list behind a figure. Burglary victims are dwellings, so their lists are the
    incidents at them rather than people."""
    name = TYPE_NAMES[crime_type]
    span = f"{period_name} ({uk_date(period.start)} to {uk_date(period.end)})"
    repeats = figure in (REPEAT_VICTIMS, REPEAT_INCIDENTS, VICTIM_RATE, INCIDENT_RATE)
    wants_people = figure in (VICTIMS, REPEAT_VICTIMS, VICTIM_RATE)
    if wants_people and crime_type is not CrimeType.BURGLARY:
        who = "Repeat victims" if repeats else "Victims"
        return ListRequest(people={
            "crime_type": crime_type.value, "repeat_only": repeats,
            "date_from": period.start, "date_to": period.end,
            "title": f"{who}: {name}, {span}",
        })
    what = "Repeat incidents" if repeats else "Incidents"
    return ListRequest(incidents=IncidentFilter(
        crime_types=(crime_type.value,), date_from=period.start, date_to=period.end,
        repeats_only=repeats, title=f"{what}: {name}, {span}"))


class RateCell(QWidget):
    """A rate (clickable), its status chip, and its target and baseline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = NumberButton()
        self.chip = StatusChip()
        self.detail = QLabel()
        self.detail.setEnabled(False)  # a quieter line, in the palette's own colours
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.value)
        top.addWidget(self.chip)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.detail)

    def set_rate(self, judged: RateStatus, accessible_name: str) -> None:
        self.value.set_value(percent(judged.value), f"{accessible_name}: {percent(judged.value)}",
                             judged.rule)
        self.chip.set_status(judged)
        parts = [] if judged.target is None else [f"Target {percent(judged.target)}"]
        if judged.baseline is not None:
            parts.append(f"Baseline {percent(judged.baseline)}")
        elif parts:
            parts.append("no baseline")
        self.detail.setText(" · ".join(parts) if parts else "No target or baseline set")
        self.detail.setToolTip(judged.rule)
        self.setToolTip(judged.rule)


class FiguresGrid(QGroupBox):
    """The figures of one period; ``on_request`` receives what a clicked number asks for."""

    def __init__(self, period_name: str, on_request: Callable[[ListRequest], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(period_name, parent)
        self.period_name = period_name
        self._on_request = on_request
        self._period: Period | None = None
        self.linked = True
        self.numbers: dict[tuple[CrimeType, str], NumberButton] = {}
        self.rates: dict[tuple[CrimeType, str], RateCell] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(18)
        grid.addWidget(self._header("Crime type"), 0, 0)
        for column, (title, _figure) in enumerate(HEADERS, start=1):
            grid.addWidget(self._header(title), 0, column)
        for row, crime_type in enumerate(CRIME_TYPES, start=1):
            grid.addWidget(QLabel(TYPE_NAMES[crime_type]), row, 0)
            for column, (_title, figure) in enumerate(HEADERS, start=1):
                widget: QWidget
                if figure in (VICTIM_RATE, INCIDENT_RATE):
                    cell = RateCell()
                    cell.value.clicked.connect(self._opener(crime_type, figure))
                    self.rates[(crime_type, figure)] = cell
                    widget = cell
                else:
                    button = NumberButton()
                    button.setText("…")
                    button.clicked.connect(self._opener(crime_type, figure))
                    self.numbers[(crime_type, figure)] = button
                    widget = button
                grid.addWidget(widget, row, column, Qt.AlignmentFlag.AlignLeft
                               | Qt.AlignmentFlag.AlignVCenter)
        grid.setColumnStretch(len(HEADERS), 1)

    @staticmethod
    def _header(text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>")
        label.setAccessibleName(text)
        return label

    def set_linked(self, linked: bool) -> None:
        """Whether the numbers open the lists behind them (lists of people and incidents:
        not for a role that sees figures only)."""
        self.linked = linked
        for button in self.numbers.values():
            button.set_linked(linked)
        for cell in self.rates.values():
            cell.value.set_linked(linked)

    def _opener(self, crime_type: CrimeType, figure: str) -> Callable[[], None]:
        def open_list() -> None:
            if self._period is not None and self.linked:
                self._on_request(list_behind(figure, crime_type, self._period,
                                             self.period_name))
        return open_list

    def set_figures(self, title: str, rows: tuple[TypeFigures, ...]) -> None:
        self.setTitle(title)
        for row in rows:
            self._period = row.period
            name = TYPE_NAMES[row.crime_type]
            victims = "dwellings" if row.crime_type is CrimeType.BURGLARY else "victims"
            values = {
                INCIDENTS: (row.incidents, f"{name} incidents", "Show these incidents"),
                VICTIMS: (row.victims, f"{name} {victims}",
                          "Burgled dwellings: show their incidents"
                          if row.crime_type is CrimeType.BURGLARY else "Show these people"),
                REPEAT_VICTIMS: (row.repeat_victims, f"{name} repeat {victims}",
                                 "Show the repeat incidents" if row.crime_type is
                                 CrimeType.BURGLARY else "Show these people"),
                REPEAT_INCIDENTS: (row.repeat_incidents, f"{name} repeat incidents",
                                   "Show the repeat incidents"),
            }
            for figure, (value, spoken, tip) in values.items():
                self.numbers[(row.crime_type, figure)].set_value(
                    f"{value:,}", f"{spoken}, {self.period_name}: {value:,}", tip)
            self.rates[(row.crime_type, VICTIM_RATE)].set_rate(
                row.repeat_victim_rate, f"{name} repeat victim rate, {self.period_name}")
            self.rates[(row.crime_type, INCIDENT_RATE)].set_rate(
                row.repeat_incident_rate, f"{name} repeat incident rate, {self.period_name}")


def period_title(name: str, period: Period) -> str:
    return f"{name} ({period.label}, {uk_date(period.start)} to {uk_date(period.end)})"
