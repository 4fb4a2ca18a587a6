"""Table models of the Alerts screen: the alerts (filtered by kind and review) and the
incidents behind the selected one. Both hold plain rows built on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from scs_victims.alerts import Alert, AlertIncident, AlertKind
from scs_victims.services.alert_reviews import AlertKey, AlertWithReview, Review, alert_key
from ui.table_model import RowsTableModel, change_filter
from ui.widgets import uk_date, uk_date_time

Index = QModelIndex | QPersistentModelIndex

KIND_LABELS = {
    AlertKind.REPEAT_VICTIM: "Repeat victim",
    AlertKind.ASB_CASE_REVIEW: "ASB case review",
    AlertKind.ASB_CASE_REVIEW_COMMUNITY: "ASB case review (community)",
    AlertKind.DV_ESCALATION: "DV potential escalation",
}
# Plural forms for counts ("3 repeat victims").
KIND_COUNTS = {
    AlertKind.REPEAT_VICTIM: ("repeat victim", "repeat victims"),
    AlertKind.ASB_CASE_REVIEW: ("ASB case review", "ASB case reviews"),
    AlertKind.ASB_CASE_REVIEW_COMMUNITY: ("community case review", "community case reviews"),
    AlertKind.DV_ESCALATION: ("DV escalation", "DV escalations"),
}
TYPE_SHORT = {"asb": "ASB", "burglary": "Burglary", "dv": "DV"}

OPEN, REVIEWED = "Open", "Reviewed"


def kind_count(kind: AlertKind, count: int) -> str:
    one, many = KIND_COUNTS[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One alert as the table shows it."""

    alert: Alert
    key: AlertKey
    name: str  # "Restricted record" for a restricted person the user may not see
    review: Review | None  # the review in force, None while the alert is open
    reviewed: str  # "dd/mm/yyyy hh:mm by actor", or ""

    @property
    def review_note(self) -> str | None:
        return None if self.review is None else self.review.note

    @property
    def kind_text(self) -> str:
        label = KIND_LABELS[self.alert.kind]
        if self.alert.kind is AlertKind.REPEAT_VICTIM:
            return f"{label} ({TYPE_SHORT[self.alert.crime_type.value]})"
        return label

    @property
    def latest(self) -> date:
        return self.alert.incidents[-1].occurred_on

    @property
    def status(self) -> str:
        return OPEN if self.review_note is None else REVIEWED


def alert_rows(items: list[AlertWithReview], names: dict[tuple[str, int], str]
               ) -> list[AlertRow]:
    rows = []
    for alert, review in items:
        reviewed = "" if review is None else reviewed_text(review.reviewed_at, review.actor)
        rows.append(AlertRow(alert, alert_key(alert),
                             names.get((alert.subject, alert.subject_id),
                                       f"{alert.subject.capitalize()} #{alert.subject_id}"),
                             review, reviewed))
    return rows


class AlertsModel(RowsTableModel[AlertRow]):
    """Every current alert; the proxy decides which show."""

    HEADERS = ("Kind", "Person or address", "Explanation", "Incidents", "Latest", "Status")
    KIND, NAME, EXPLANATION, COUNT, LATEST, STATUS = range(6)
    RIGHT_ALIGNED = (COUNT,)
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    KIND_ROLE = Qt.ItemDataRole.UserRole + 2

    def display(self, row: AlertRow, column: int) -> str | None:
        return (row.kind_text, row.name, row.alert.explanation, str(len(row.alert.incidents)),
                uk_date(row.latest), row.status)[column] if 0 <= column < 6 else None

    def sort_value(self, row: AlertRow, column: int) -> Any:
        if column == self.COUNT:
            return len(row.alert.incidents)
        if column == self.LATEST:
            return row.latest.isoformat()
        return self.display(row, column)

    def tooltip(self, row: AlertRow, column: int) -> str | None:
        if column == self.EXPLANATION:
            return row.alert.explanation
        if column == self.STATUS and row.review_note:
            return f"Reviewed {row.reviewed}: {row.review_note}"
        return None

    def role_data(self, row: AlertRow, column: int, role: int) -> Any:  # noqa: ARG002
        return row.alert.kind.value if role == self.KIND_ROLE else None


class AlertsFilter(QSortFilterProxyModel):
    """Shows one kind (or all) and, unless asked, only open alerts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kind = ""
        self._show_reviewed = False
        self.setSortRole(AlertsModel.SORT_ROLE)

    def set_kind(self, kind: str) -> None:
        self._change(lambda: setattr(self, "_kind", kind))

    def set_show_reviewed(self, show: bool) -> None:
        self._change(lambda: setattr(self, "_show_reviewed", show))

    def _change(self, apply: Callable[[], None]) -> None:
        change_filter(self, apply)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, AlertsModel) or source_parent.isValid():
            return False
        row = model.row_at(source_row)
        if self._kind and row.alert.kind.value != self._kind:
            return False
        return self._show_reviewed or row.review_note is None


class AlertIncidentsModel(RowsTableModel[AlertIncident]):
    """The incidents behind one alert, oldest first."""

    HEADERS = ("Date", "Reference", "Type", "Repeat")

    def set_alert(self, alert: Alert | None) -> None:
        self.set_rows(() if alert is None else alert.incidents)

    def incident_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def display(self, row: AlertIncident, column: int) -> str:
        return (uk_date(row.occurred_on), row.reference,
                TYPE_SHORT.get(row.crime_type, row.crime_type),
                "Repeat" if row.is_repeat else "")[column]


def reviewed_text(when: datetime, actor: str) -> str:
    return f"{uk_date_time(when)} by {actor}"
