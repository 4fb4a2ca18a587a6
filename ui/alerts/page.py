"""The Alerts screen: today's alerts with the incidents behind each, and their review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import alerts
from scs_victims.actions.base import SignedIn
from scs_victims.actions.permissions import Permission
from scs_victims.alerts import PERSON, AlertKind
from scs_victims.services.alert_reviews import Review
from ui.alerts.model import (
    KIND_LABELS,
    AlertIncidentsModel,
    AlertRow,
    AlertsFilter,
    AlertsModel,
    alert_rows,
    kind_count,
)
from ui.alerts.review_dialog import ReviewDialog
from ui.context import AppContext, IncidentFilter
from ui.widgets import RecordTable, uk_date


def _load(user: SignedIn, on: date) -> tuple[list[AlertRow], dict[AlertKind, int]]:
    found = alerts.alert_list(user, on)
    return alert_rows(found.items, found.names), found.counts


class AlertsPage(QWidget):
    # Alerts follow incidents and the rules; names follow people (merges, restrictions).
    REFRESH_ON = ("people", "incidents", "alerts", "rules")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.today: Callable[[], date] = date.today  # tests fix the day
        self._loaded = False
        self.review_dialog: ReviewDialog | None = None
        self.model = AlertsModel(self)
        self.proxy = AlertsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.incidents_model = AlertIncidentsModel(self)
        self._build()

    # Building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel("<b>Alerts</b>")
        self.counts = QLabel("Loading ...")
        self.counts.setAccessibleName("Open alerts by kind")
        self.counts.setWordWrap(True)

        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of alert")
        self.kind.addItem("All kinds", "")
        for kind in AlertKind:
            self.kind.addItem(KIND_LABELS[kind], kind.value)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind)
        self.show_reviewed = QCheckBox("Show &reviewed")
        self.show_reviewed.setAccessibleName("Show reviewed alerts")
        self.kind.currentIndexChanged.connect(
            lambda _i: self.proxy.set_kind(str(self.kind.currentData())))
        self.show_reviewed.toggled.connect(self.proxy.set_show_reviewed)
        self.shown = QLabel()
        filters = QHBoxLayout()
        for widget in (kind_label, self.kind, self.show_reviewed):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.shown)

        self.table = RecordTable("alerts", self.context.settings)
        self.table.setAccessibleName("Alerts")
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(RecordTable.SelectionMode.SingleSelection)
        if not self.table.restore_state():
            for column, width in ((0, 180), (1, 170), (2, 420), (3, 75), (4, 90)):
                self.table.setColumnWidth(column, width)
            # Newest first; among equal days the core's order (kind, crime type) holds.
            self.table.sortByColumn(AlertsModel.LATEST, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_person())
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.layoutChanged):
            signal.connect(self._update_shown)

        self.explanation = QLabel("Select an alert to see the incidents behind it.")
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("Explanation")
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.review_label = QLabel()
        self.review_label.setWordWrap(True)
        self.review_label.setAccessibleName("Review")
        self.incidents = RecordTable("alert_incidents", self.context.settings)
        self.incidents.setAccessibleName("Incidents behind the alert")
        self.incidents.setModel(self.incidents_model)
        self.incidents.setSortingEnabled(False)
        self.incidents.doubleClicked.connect(self._edit_incident)
        if not self.incidents.restore_state():
            for column, width in ((0, 100), (1, 200), (2, 90)):
                self.incidents.setColumnWidth(column, width)

        self.open_person_button = QPushButton("Open &person")
        self.open_person_button.clicked.connect(self.open_person)
        self.show_incidents_button = QPushButton("Show &incidents")
        self.show_incidents_button.clicked.connect(self.show_incidents)
        self.review_button = QPushButton("&Mark reviewed...")
        self.review_button.clicked.connect(self.mark_reviewed)
        # Your own review, or (supervisors) anyone's: the action layer enforces it.
        self.change_review_button = QPushButton("Chan&ge review...")
        self.change_review_button.setAccessibleName("Change the review")
        self.change_review_button.clicked.connect(self.change_review)
        buttons = QHBoxLayout()
        for button in (self.open_person_button, self.show_incidents_button, self.review_button,
                       self.change_review_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.explanation)
        details_layout.addWidget(self.review_label)
        details_layout.addWidget(self.incidents, 1)
        details_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.counts)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self._show_selected(None)

    # Loading ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._loaded:
            self.load()

    def refresh(self) -> None:
        if self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        if not self.context.user.can(Permission.WORK_ALERTS):
            self.counts.setText("Your role does not include working on alerts.")
            return
        user, on = self.context.user, self.today()
        self.context.operations.run(lambda _progress: _load(user, on), self._show_rows,
                                    parent=self, latest_key=f"alerts-{id(self)}")

    def _show_rows(self, loaded: tuple[list[AlertRow], dict[AlertKind, int]]) -> None:
        rows, counts = loaded
        selected = self.selected()
        self.model.set_rows(rows)
        total = sum(counts.values())
        parts = ", ".join(kind_count(kind, count) for kind, count in counts.items())
        self.counts.setText(f"{total} open on {uk_date(self.today())}: {parts}.")
        if selected is not None:
            self.select(selected.key)
        self._show_selected(self.selected())

    def show_kind(self, kind: str) -> None:
        """Show one kind of alert ("" for all); the dashboard's alert counts lead here."""
        index = self.kind.findData(kind)
        self.kind.setCurrentIndex(max(index, 0))
        self.on_shown()

    def save_state(self) -> None:
        self.table.save_state()
        self.incidents.save_state()

    # Selection ----------------------------------------------------------------------------

    def selected(self) -> AlertRow | None:
        rows = self.table.selected_rows()
        return self.model.row_at(rows[0]) if rows else None

    def select(self, key: object) -> bool:
        for proxy_row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
            if self.model.row_at(source.row()).key == key:
                self.table.selectRow(proxy_row)
                return True
        return False

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected(self.selected())

    def _show_selected(self, row: AlertRow | None) -> None:
        self.incidents_model.set_alert(None if row is None else row.alert)
        self.explanation.setText(
            "Select an alert to see the incidents behind it." if row is None
            else f"{row.name}: {row.alert.explanation}")
        self.review_label.setText(
            "" if row is None or row.review_note is None
            else f"Reviewed {row.reviewed}: {row.review_note}")
        self.review_label.setVisible(bool(self.review_label.text()))
        self.open_person_button.setEnabled(row is not None and row.alert.subject == PERSON)
        self.show_incidents_button.setEnabled(row is not None)
        self.review_button.setEnabled(row is not None and row.review_note is None)
        self.change_review_button.setEnabled(
            row is not None and row.review is not None
            and alerts.may_change_review(self.context.user, row.review))

    def _update_shown(self) -> None:
        self.shown.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} shown")

    # Actions ------------------------------------------------------------------------------

    def open_person(self) -> None:
        row = self.selected()
        if row is not None and row.alert.subject == PERSON:
            self.context.signals.open_person.emit(row.alert.subject_id)

    def show_incidents(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.context.signals.show_incidents.emit(IncidentFilter(
            incident_ids=tuple(incident.id for incident in row.alert.incidents),
            title=f"Incidents behind the alert: {row.kind_text}, {row.name}"))

    def _edit_incident(self) -> None:
        indexes = self.incidents.selectionModel().selectedRows()
        incident_id = self.incidents_model.incident_id(indexes[0].row()) if indexes else None
        if incident_id is not None:
            self.context.signals.edit_incident.emit(incident_id)

    def mark_reviewed(self) -> ReviewDialog | None:
        """Open the review dialog (non-blocking) for the selected open alert."""
        row = self.selected()
        if row is None or row.review is not None:
            return None
        return self._open_review(row, None)

    def change_review(self) -> ReviewDialog | None:
        """The same dialog for a reviewed alert, with the note in force to change."""
        row = self.selected()
        if row is None or row.review is None:
            return None
        return self._open_review(row, row.review)

    def _open_review(self, row: AlertRow, replacing: Review | None) -> ReviewDialog:
        # The saved review's changes reach every screen that counts alerts through the
        # operations layer (data_changed), this one included.
        self.review_dialog = ReviewDialog(
            self.context, row.key, f"{row.kind_text} — {row.name}: {row.alert.explanation}",
            self.today(), lambda _review: None, self, replacing=replacing)
        self.review_dialog.open()
        return self.review_dialog
