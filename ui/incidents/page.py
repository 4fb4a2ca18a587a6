"""The Incidents page: every incident, searched and filtered, with new, edit and delete.

Each list read is recorded as a search (``incidents.list_incidents``); the buttons a role
may not use are hidden (analysts list incidents, without names, and open none).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import lookups
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.services.incident_directory import IncidentQuery, WardChoice
from ui.context import AppContext, IncidentFilter
from ui.incidents.dialogs import DeleteDialog, RecentlyDeletedDialog
from ui.incidents.form import open_incident_form
from ui.incidents.model import COLUMN_INDEX, COLUMNS, IncidentsTableModel
from ui.widgets import (
    RecordTable,
    SearchBox,
    error_label,
    read_dates,
    uk_date,
)

_TYPE_NAMES = {"asb": "ASB", "burglary": "Burglary", "dv": "Domestic abuse"}
# Shorter than the usual pause: a search's first page costs about 100 ms on a million
# incidents, and a search overtaken by more typing stops inside SQLite (latest_key + stop).
# At ordinary typing speeds (100 ms or more a key) every keystroke starts a search whatever
# the pause, so a longer one would only delay the last.
SEARCH_PAUSE_MS = 30


class IncidentsPage(QWidget):
    # Changes that alter the list: incidents, the people named on them, the ward names.
    REFRESH_ON = ("incidents", "people", "wards")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._shown = False
        self._keep_id: int | None = None
        # Parts of a filter from elsewhere that the controls cannot show (several types, an
        # id list); the banner says they apply and clears them.
        self._external = IncidentFilter()
        self.delete_dialog: DeleteDialog | None = None
        self.deleted_dialog: RecentlyDeletedDialog | None = None

        sees_names = context.user.can(Permission.SEE_NAMES)
        self.search = SearchBox("Find an incident by reference, postcode or victim"
                                if sees_names else "Find an incident by reference or postcode",
                                pause_ms=SEARCH_PAUSE_MS)
        self.search.search.connect(lambda _text: self._requery())
        self.type_filter = QComboBox()
        self.type_filter.setAccessibleName("Crime type filter")
        self.type_filter.addItem("All types", None)
        for crime_type in CRIME_TYPES:
            self.type_filter.addItem(crime_type.label, crime_type.value)
        self.ward_filter = QComboBox()
        self.ward_filter.setAccessibleName("Ward filter")
        self.ward_filter.addItem("All wards", None)
        self.repeats_only = QCheckBox("&Repeats only")
        self.date_from = self._date_edit("Occurred on or after (dd/mm/yyyy)")
        self.date_to = self._date_edit("Occurred on or before (dd/mm/yyyy)")
        self.date_error = error_label()
        for combo in (self.type_filter, self.ward_filter):
            combo.currentIndexChanged.connect(lambda _index: self._requery())
        self.repeats_only.toggled.connect(lambda _on: self._requery())

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_clear = QPushButton("C&lear filter")
        self.banner_clear.setAccessibleName("Clear the filter from the other screen")
        self.banner_clear.clicked.connect(self.clear_external_filter)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_clear)
        self.banner.setVisible(False)

        self.count_label = QLabel("")
        self.count_label.setAccessibleName("Number of incidents listed")
        self.model = IncidentsTableModel(context, self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda: self.count_label.setText("Could not list incidents."))
        self.table = RecordTable("incidents", context.settings)
        self.table.setAccessibleName("Incidents")
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        header = self.table.horizontalHeader()
        header.setSortIndicator(COLUMN_INDEX["Date"], Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        for title, width in (("Reference", 130), ("Date", 130), ("Type", 110),
                             ("Victim", 170), ("Perpetrator", 150), ("Address", 220),
                             ("Ward", 120), ("Source", 80), ("Repeat", 70)):
            self.table.setColumnWidth(COLUMN_INDEX[title], width)
        self.table.restore_state()
        # After the saved layout (one per computer, whoever saved it): analysts' list comes
        # without names or addresses, so those columns go.
        if not sees_names:
            for title in ("Victim", "Perpetrator", "Address"):
                self.table.setColumnHidden(COLUMN_INDEX[title], True)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_selected)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)

        self.new_button = QPushButton("&New incident...")
        self.new_button.clicked.connect(self.context.signals.new_incident.emit)
        self.edit_button = QPushButton("&Edit...")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("&Delete...")
        self.delete_button.clicked.connect(self.delete_selected)
        self.deleted_button = QPushButton("Recently dele&ted...")
        self.deleted_button.clicked.connect(self.show_recently_deleted)
        user = context.user
        for button in (self.new_button, self.delete_button, self.deleted_button):
            button.setVisible(user.can(Permission.EDIT_RECORDS))
        self.edit_button.setVisible(user.can(Permission.SEE_PEOPLE))

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self._labelled("T&ype:", self.type_filter))
        filters.addWidget(self.type_filter)
        filters.addWidget(self._labelled("W&ard:", self.ward_filter))
        filters.addWidget(self.ward_filter)
        filters.addWidget(self._labelled("&From:", self.date_from))
        filters.addWidget(self.date_from)
        filters.addWidget(self._labelled("T&o:", self.date_to))
        filters.addWidget(self.date_to)
        filters.addWidget(self.repeats_only)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (self.new_button, self.edit_button, self.delete_button,
                       self.deleted_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.date_error)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # Building -----------------------------------------------------------------------------

    def _date_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("dd/mm/yyyy")
        edit.setAccessibleName(name)
        edit.setToolTip(name)
        edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        edit.editingFinished.connect(self._requery)
        return edit

    @staticmethod
    def _labelled(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # The page's protocol (main window) ----------------------------------------------------

    def on_shown(self) -> None:
        if self._shown:
            return
        self._shown = True
        self._load_wards()
        self._requery()

    def refresh(self) -> None:
        if self._shown:
            self._keep_id = self.selected_id()
            self.model.reload()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def save_state(self) -> None:
        self.table.save_state()

    def apply_filter(self, incident_filter: IncidentFilter) -> None:
        """Show the incidents behind a figure or an alert (the banner names them)."""
        self._shown = True
        controls = [self.search, self.type_filter, self.ward_filter, self.repeats_only,
                    self.date_from, self.date_to]
        for control in controls:
            control.blockSignals(True)
        try:
            self.search.clear()
            types = incident_filter.crime_types
            self.type_filter.setCurrentIndex(
                max(0, self.type_filter.findData(types[0])) if len(types) == 1 else 0)
            self._select_ward(incident_filter.ward_id)
            self.repeats_only.setChecked(incident_filter.repeats_only)
            self.date_from.setText(uk_date(incident_filter.date_from))
            self.date_to.setText(uk_date(incident_filter.date_to))
        finally:
            for control in controls:
                control.blockSignals(False)
        self._external = incident_filter
        title = incident_filter.title or "Incidents chosen on another screen"
        self.banner_label.setText(f"Showing: {title}")
        self.banner.setVisible(True)
        self._load_wards()
        self._requery()

    def clear_external_filter(self) -> None:
        self._external = IncidentFilter()
        self.banner.setVisible(False)
        self._requery()

    # Querying -----------------------------------------------------------------------------

    def current_query(self) -> IncidentQuery | None:
        """The query the controls describe, or None while a date is not a date."""
        dates, problems = read_dates(((self.date_from, "From"), (self.date_to, "To")))
        self.date_error.setText(" ".join(problems))
        self.date_error.setVisible(bool(problems))
        if problems:
            return None
        chosen_type = self.type_filter.currentData()
        types = (chosen_type,) if chosen_type else self._external.crime_types
        return dataclasses.replace(
            self.model.query, crime_types=tuple(types), ward_id=self.ward_filter.currentData(),
            date_from=dates[0], date_to=dates[1], repeats_only=self.repeats_only.isChecked(),
            text=self.search.text(), incident_ids=self._external.incident_ids)

    def _requery(self) -> None:
        query = self.current_query()
        if query is None:
            return
        self._shown = True
        self._keep_id = None
        self.count_label.setText("Searching…")
        self.model.set_query(query)

    def _sort_changed(self, column: int, _order: Qt.SortOrder) -> None:
        if COLUMNS[column][1] is None:
            # The core cannot order by this column: put the indicator back where it is true.
            query = self.model.query
            current = next(index for index, (_, key) in enumerate(COLUMNS)
                           if key == query.sort)
            order = (Qt.SortOrder.DescendingOrder if query.descending
                     else Qt.SortOrder.AscendingOrder)
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(current, order)
            header.blockSignals(False)

    def _loaded(self, count: int) -> None:
        noun = "incident" if count == 1 else "incidents"
        self.count_label.setText(f"{count:,} {noun}")
        # A new search starts at the top; a refresh keeps the incident the officer was on.
        position = self.model.position_of(self._keep_id) if self._keep_id is not None else None
        if position is None:
            self.table.scrollToTop()
        else:
            self.table.selectRow(position)
            self.table.scrollTo(self.model.index(position, 0))
        self._update_buttons()

    def _load_wards(self) -> None:
        if self.ward_filter.count() > 1:
            return
        user = self.context.user
        self.context.operations.run(lambda _progress: lookups.ward_choices(user),
                                    self._wards_loaded, parent=self)

    def _wards_loaded(self, wards: list[WardChoice]) -> None:
        if self.ward_filter.count() > 1:
            return
        self.ward_filter.blockSignals(True)
        for ward in wards:
            self.ward_filter.addItem(ward.name, ward.id)
        self._select_ward(self._external.ward_id)
        self.ward_filter.blockSignals(False)

    def _select_ward(self, ward_id: int | None) -> None:
        self.ward_filter.setCurrentIndex(max(0, self.ward_filter.findData(ward_id))
                                         if ward_id is not None else 0)

    # Actions ------------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = self.table.selected_rows()
        return self.model.id_at(rows[0]) if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected_id() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def edit_selected(self) -> None:
        incident_id = self.selected_id()
        if incident_id is not None and self.context.user.can(Permission.SEE_PEOPLE):
            open_incident_form(self.context, self, incident_id)

    def delete_selected(self) -> None:
        rows = self.table.selected_rows()
        if not rows or not self.context.user.can(Permission.EDIT_RECORDS):
            return
        incident_id = self.model.id_at(rows[0])
        row = self.model.row_at(rows[0])
        if incident_id is None:
            return
        reference = row.reference if row is not None else f"#{incident_id}"
        self.delete_dialog = DeleteDialog(self.context, incident_id, reference, self)
        self.delete_dialog.open()

    def show_recently_deleted(self) -> None:
        self.deleted_dialog = RecentlyDeletedDialog(self.context, self)
        self.deleted_dialog.open()
