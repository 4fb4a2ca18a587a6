"""The People screen: every person, found as one types, filtered, opened and merged.

The whole list is read once in the background (``people.list_people``, recorded as a search
of everyone); searching and filtering then run in Python over the loaded rows, well inside
the pause after a keystroke. Only the date range needs the database, and asks it in the
background. Once a search or a filter has settled (``SEARCH_SETTLES_MS`` without a change,
or Enter), it is recorded (``people.record_search``): what it searched by and how many
people it showed, never the text typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from scs_victims.actions import people
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import DateFormatError, parse_date
from scs_victims.progress import ProgressCallback
from scs_victims.services.people_directory import PeopleDirectory, PersonRow
from ui.context import AppContext
from ui.people.detail import PersonDetailDialog
from ui.people.merge import MergeDialog
from ui.people.model import NAME, SORT_KEYS, PeopleTableModel
from ui.widgets import RecordTable, SearchBox

# The search runs in memory in tens of milliseconds. At ordinary typing speeds (100 ms or
# more a key) every keystroke starts one whatever the pause, so a longer pause would only
# delay the last; it still merges the keys of a fast burst.
PEOPLE_SEARCH_PAUSE_MS = 40
# A search is recorded in the audit log once it has stood this long (or on Enter): the words
# being typed are not each a search.
SEARCH_SETTLES_MS = 1500

_CRIME_TYPE_NAMES = {"asb": "ASB", "burglary": "Burglary", "dv": "Domestic abuse (DV)"}


class PeoplePage(QWidget):
    # Changes that alter the list: its people, their incidents and counts, the ward names.
    REFRESH_ON = ("people", "incidents", "wards")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.directory: PeopleDirectory | None = None
        self._loading = False
        self._shown_once = False
        self._only_ids: set[int] | None = None  # apply_filter(person_ids=...)
        self._date_ids: set[int] | None = None  # people with an incident in the date range
        self._date_range: tuple[date | None, date | None] = (None, None)
        self.dialogs: list[QWidget] = []  # open detail and merge dialogs (kept alive)
        # The search last recorded, to record each settled search once (kept in memory only).
        self._recorded: tuple[str, str, int] | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SEARCH_SETTLES_MS)
        self._settle.timeout.connect(self.record_search)
        self._build()

    # Building -----------------------------------------------------------------------------

    def _build(self) -> None:
        # A short pause: the search runs in memory in well under 100 ms, so results can show
        # within 200 ms of the last keystroke even on half a million people.
        self.search_box = SearchBox("Find a person by name, reference or postcode",
                                    pause_ms=PEOPLE_SEARCH_PAUSE_MS)
        self.search_box.search.connect(lambda _text: self.run_search())
        self.search_box.returnPressed.connect(self.record_search)

        self.crime_type = QComboBox()
        self.crime_type.setAccessibleName("Crime type")
        self.crime_type.addItem("All crime types", None)
        for crime_type in CRIME_TYPES:
            self.crime_type.addItem(_CRIME_TYPE_NAMES[crime_type.value], crime_type.value)
        self.ward = QComboBox()
        self.ward.setAccessibleName("Ward")
        self.ward.addItem("All wards", None)
        self.ward.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.repeat_only = QCheckBox("&Repeat victims only")
        self.date_from = self._date_edit("Incidents from (dd/mm/yyyy)")
        self.date_to = self._date_edit("Incidents to (dd/mm/yyyy)")
        self.date_error = QLabel()
        self.date_error.setAccessibleName("Date range problem")
        self.date_error.hide()
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self.crime_type.currentIndexChanged.connect(self._crime_type_changed)
        self.ward.currentIndexChanged.connect(lambda _index: self.run_search())
        self.repeat_only.toggled.connect(lambda _on: self.run_search())

        filters = QHBoxLayout()
        crime_label = QLabel("Crime &type:")
        crime_label.setBuddy(self.crime_type)
        ward_label = QLabel("&Ward:")
        ward_label.setBuddy(self.ward)
        from_label = QLabel("&From:")
        from_label.setBuddy(self.date_from)
        to_label = QLabel("T&o:")
        to_label.setBuddy(self.date_to)
        for widget in (crime_label, self.crime_type, ward_label, self.ward, self.repeat_only,
                       from_label, self.date_from, to_label, self.date_to, self.date_error):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.clear_button)

        self.banner = QFrame()
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_label = QLabel()
        self.banner_label.setAccessibleName("Showing only")
        self.banner_remove = QPushButton("Show &everyone")
        self.banner_remove.clicked.connect(self.remove_banner)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_remove)
        self.banner.hide()

        self.model = PeopleTableModel(self)
        self.model.sorter = self._sorted_rows
        self.table = RecordTable("people", self.context.settings)
        self.table.setObjectName("peopleTable")
        self.table.setAccessibleName("People")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header = self.table.horizontalHeader()
        if not self.table.restore_state():
            self._default_widths()
            header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        self.model.sort_column = header.sortIndicatorSection() \
            if 0 <= header.sortIndicatorSection() < self.model.columnCount() else NAME
        self.model.sort_order = header.sortIndicatorOrder()
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected)

        self.count_label = QLabel("Not loaded yet")
        self.count_label.setAccessibleName("People shown")
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self.open_selected)
        self.merge_button = QPushButton("&Merge...")
        self.merge_button.setToolTip("Select exactly two people to compare and merge them")
        self.merge_button.clicked.connect(self.merge_selected)
        self.new_button = QPushButton("New &incident...")
        self.new_button.clicked.connect(self.new_incident)
        for button in (self.merge_button, self.new_button):
            button.setVisible(self.context.user.can(Permission.EDIT_RECORDS))
        self._selection_changed()

        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.new_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search_box)
        layout.addLayout(filters)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        for first, second in ((self.search_box, self.crime_type), (self.crime_type, self.ward),
                              (self.ward, self.repeat_only), (self.repeat_only, self.date_from),
                              (self.date_from, self.date_to), (self.date_to, self.clear_button),
                              (self.clear_button, self.table), (self.table, self.open_button),
                              (self.open_button, self.merge_button),
                              (self.merge_button, self.new_button)):
            self.setTabOrder(first, second)

    def _date_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("dd/mm/yyyy")
        edit.setAccessibleName(name)
        edit.setClearButtonEnabled(True)
        edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 40)
        edit.editingFinished.connect(self._dates_changed)
        edit.textChanged.connect(lambda text: self._dates_changed() if not text else None)
        return edit

    def _default_widths(self) -> None:
        metrics = self.table.fontMetrics()
        widths = {0: "Surname-Longer, Forename", 1: "00/00/00000", 2: "Age0", 3: "Unknown0",
                  4: "A longer ward name", 5: "ASB0", 6: "Burglary0", 7: "DV00",
                  8: "Last incident0"}
        for column, sample in widths.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)

    # Loading ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._shown_once:
            self._shown_once = True
            self.load()

    def refresh(self) -> None:
        """Read the list again (after any change), keeping the search and filters."""
        if self._shown_once:
            self.load()
            if self._date_range != (None, None):
                self._query_dates()

    def load(self) -> None:
        user = self.context.user
        self._loading = True
        if self.directory is None:
            self.count_label.setText("Loading people ...")

        def work(_progress: ProgressCallback) -> PeopleDirectory:
            return people.list_people(user)

        def failed(_error: BaseException) -> bool:
            self._loading = False
            if self.directory is None:
                self.count_label.setText("The list of people could not be read.")
            return False

        self.context.operations.run(work, self._loaded, parent=self, on_failure=failed,
                                    latest_key="people-load")

    def _loaded(self, directory: PeopleDirectory) -> None:
        self._loading = False
        self.directory = directory
        self._fill_wards(directory.wards)
        self.run_search()

    def _fill_wards(self, wards: list[tuple[int, str]]) -> None:
        chosen = self.ward.currentData()
        self.ward.blockSignals(True)
        self.ward.clear()
        self.ward.addItem("All wards", None)
        for ward_id, name in wards:
            self.ward.addItem(name, ward_id)
        found = self.ward.findData(chosen) if chosen is not None else 0
        self.ward.setCurrentIndex(max(found, 0))
        self.ward.blockSignals(False)

    # Searching ----------------------------------------------------------------------------

    def _sorted_rows(self, column: int, order: Qt.SortOrder) -> list[PersonRow] | None:
        """Sort the whole list once; searches then keep that order for free."""
        if self.directory is None:
            return None
        self.directory.order((column, order), SORT_KEYS[column],
                             order == Qt.SortOrder.DescendingOrder)
        return self._matching()

    def _matching(self) -> list[PersonRow]:
        assert self.directory is not None
        only: set[int] | None = self._only_ids
        if self._date_ids is not None:
            only = self._date_ids if only is None else only & self._date_ids
        return self.directory.search(
            self.search_box.text(), crime_type=self.crime_type.currentData(),
            ward_id=self.ward.currentData(), repeat_only=self.repeat_only.isChecked(),
            person_ids=only,
        )

    def run_search(self) -> None:
        if self.directory is None:
            return
        rows = self._sorted_rows(self.model.sort_column, self.model.sort_order)
        self.model.set_rows(rows or [], ordered=True)
        self._update_count()
        self._selection_changed()
        self._settle.start()

    def _update_count(self) -> None:
        total = self.directory.total if self.directory is not None else 0
        shown = self.model.rowCount()
        noun = "person" if total == 1 else "people"
        self.count_label.setText(f"{shown:,} of {total:,} {noun}")

    def search_kind(self) -> str:
        """What the list is searched and filtered by, in words (never the text typed); ""
        when it shows everyone."""
        parts = [name for name, used in (
            ("name, reference or postcode", bool(self.search_box.text().strip())),
            ("crime type", self.crime_type.currentData() is not None),
            ("ward", self.ward.currentData() is not None),
            ("repeat victims", self.repeat_only.isChecked()),
            ("incident dates", self._date_ids is not None),
            ("people chosen on another screen", self._only_ids is not None),
        ) if used]
        return "people by " + ", ".join(parts) if parts else ""

    def record_search(self) -> None:
        """Record the search shown now, once (a list of everyone was recorded when read)."""
        self._settle.stop()
        kind = self.search_kind()
        if self.directory is None or not kind:
            return
        shown = self.model.rowCount()
        state = (kind, self.search_box.text(), shown)
        if state == self._recorded:
            return
        self._recorded = state
        user = self.context.user
        self.context.operations.run(lambda _progress: people.record_search(user, kind, shown),
                                    parent=self)

    def _crime_type_changed(self, _index: int) -> None:
        if self._date_range != (None, None):
            self._query_dates()
        self.run_search()

    def _dates_changed(self) -> None:
        problems = []
        values: list[date | None] = []
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            text = edit.text().strip()
            value = None
            if text:
                try:
                    value = parse_date(text)
                except DateFormatError:
                    problems.append(f"{name} must be a date as dd/mm/yyyy.")
            # The offending field is marked (in the palette's colours) as well as explained.
            edit.setStyleSheet("QLineEdit { border: 2px solid palette(highlight); }"
                               if text and value is None else "")
            values.append(value)
        if not problems and values[0] and values[1] and values[0] > values[1]:
            problems.append("From must be on or before To.")
        self.date_error.setText(" ".join(problems))
        self.date_error.setVisible(bool(problems))
        if problems:
            return
        self._date_range = (values[0], values[1])
        self._query_dates()

    def _query_dates(self) -> None:
        date_from, date_to = self._date_range
        if date_from is None and date_to is None:
            if self._date_ids is not None:
                self._date_ids = None
                self.run_search()
            return
        user = self.context.user
        crime_type = self.crime_type.currentData()

        def work(_progress: ProgressCallback) -> set[int]:
            return people.people_with_incidents_between(user, date_from, date_to, crime_type)

        def done(ids: set[int]) -> None:
            self._date_ids = ids
            self.run_search()

        self.count_label.setText("Finding people with incidents in those dates ...")
        self.context.operations.run(work, done, parent=self, latest_key="people-dates")

    def clear_filters(self) -> None:
        for widget in (self.crime_type, self.ward, self.repeat_only):
            widget.blockSignals(True)
        self.crime_type.setCurrentIndex(0)
        self.ward.setCurrentIndex(0)
        self.repeat_only.setChecked(False)
        for widget in (self.crime_type, self.ward, self.repeat_only):
            widget.blockSignals(False)
        self.date_from.clear()
        self.date_to.clear()
        self.date_error.hide()
        self._date_range = (None, None)
        self._date_ids = None
        self.remove_banner()

    def remove_banner(self) -> None:
        self._only_ids = None
        self.banner.hide()
        self.run_search()

    # What the main window asks --------------------------------------------------------------

    def apply_filter(self, filters: dict[str, Any]) -> None:
        """Show what another screen asked for: keys ``repeat_only``, ``crime_type``,
        ``ward_id``, ``person_ids`` (exactly these people) and ``title`` (a banner)."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.clear_filters()
        for widget in (self.crime_type, self.ward, self.repeat_only):
            widget.blockSignals(True)
        if filters.get("crime_type"):
            self.crime_type.setCurrentIndex(max(self.crime_type.findData(filters["crime_type"]),
                                                0))
        if filters.get("ward_id") is not None:
            found = self.ward.findData(filters["ward_id"])
            if found < 0:  # the wards are not loaded yet: keep the choice until they are
                self.ward.addItem(str(filters.get("title") or "Chosen ward"),
                                  filters["ward_id"])
                found = self.ward.count() - 1
            self.ward.setCurrentIndex(found)
        self.repeat_only.setChecked(bool(filters.get("repeat_only")))
        for widget in (self.crime_type, self.ward, self.repeat_only):
            widget.blockSignals(False)
        ids = filters.get("person_ids")
        self._only_ids = None if ids is None else {int(person_id) for person_id in ids}
        title = str(filters.get("title") or "")
        if filters.get("date_from") is not None and filters.get("crime_type"):
            # A figure's victims (Dashboard): exactly the people that number counted.
            self._show_victims_behind(filters, title)
            return
        if ids is not None and not title:
            title = f"Showing {len(self._only_ids or ()):,} chosen people"
        self.banner_label.setText(title)
        self.banner.setVisible(bool(title))
        if self.directory is None and not self._loading:
            self._shown_once = True
            self.load()
        self.run_search()

    def _show_victims_behind(self, filters: dict[str, Any], title: str) -> None:
        user = self.context.user
        crime_type = CrimeType(filters["crime_type"])
        first, last = filters["date_from"], filters["date_to"]
        repeat_only = bool(filters.get("repeat_only"))
        self.repeat_only.setChecked(False)  # the figure's own rule decides, not "ever"

        def work(_progress: ProgressCallback) -> set[int]:
            return people.victims_behind(user, crime_type, first, last, repeat_only=repeat_only)

        def done(ids: set[int]) -> None:
            self._only_ids = ids
            self.banner_label.setText(title or f"Showing {len(ids):,} victims")
            self.banner.setVisible(True)
            if self.directory is None and not self._loading:
                self._shown_once = True
                self.load()
            self.run_search()

        self.context.operations.run(work, done, parent=self, latest_key="people-figure")

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def save_state(self) -> None:
        self.table.save_state()

    # Opening and merging --------------------------------------------------------------------

    def new_incident(self) -> None:
        """A new incident, with the selected person (if exactly one) as its victim."""
        selected = self._selected_ids()
        if len(selected) == 1:
            self.context.signals.new_incident_for.emit(selected[0])
        else:
            self.context.signals.new_incident.emit()

    def _selected_ids(self) -> list[int]:
        return [self.model.row_at(row).id for row in self.table.selected_rows()]

    def _selection_changed(self, *_args: object) -> None:
        count = len(self.table.selected_rows())
        self.open_button.setEnabled(count == 1)
        self.merge_button.setEnabled(count == 2)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_person(self.model.row_at(index.row()).id)

    def open_selected(self) -> None:
        ids = self._selected_ids()
        if not ids:
            current = self.table.currentIndex()
            if not current.isValid():
                return
            ids = [self.model.row_at(current.row()).id]
        self.open_person(ids[0])

    def open_person(self, person_id: int) -> PersonDetailDialog:
        dialog = PersonDetailDialog(self.context, person_id, self)
        self._keep(dialog)
        dialog.open()
        return dialog

    def merge_selected(self) -> MergeDialog | None:
        ids = self._selected_ids()
        if len(ids) != 2:
            return None
        dialog = MergeDialog(self.context, ids[0], ids[1], self)
        self._keep(dialog)
        dialog.open()
        return dialog

    def _keep(self, dialog: QWidget) -> None:
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._forget(d))

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
