"""MARAC > Referrals: every referral with its repeat and criteria flags, searchable, the
door to a new referral, and putting the referrals selected on a meeting's list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.marac_cases import assign_cases, list_meetings, list_referrals
from scs_victims.marac.queries import MeetingRow, ReferralRow
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.marac.add_to_meeting import AddToMeetingDialog
from ui.marac.common import StatusLine
from ui.marac.models import REFERRAL_FILTERS, ReferralsFilter, ReferralsModel
from ui.marac.referral_form import ReferralForm, open_referral_form
from ui.widgets import RecordTable, SearchBox, uk_date


class ReferralsTab(QWidget):
    selected_changed = Signal(object)  # the ReferralRow selected, or None
    dash_requested = Signal(int)  # referral id

    def __init__(self, context: AppContext, today: Callable[[], date]) -> None:
        super().__init__()
        self.context = context
        self.today = today
        self.form: ReferralForm | None = None
        self.meeting_dialog: AddToMeetingDialog | None = None
        self._select_next: int | None = None  # a referral just saved: selected once listed
        self.model = ReferralsModel(self)
        self.proxy = ReferralsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = SearchBox("Search by reference, victim or perpetrator")
        self.search.search.connect(self.proxy.set_text)
        self.filter = QComboBox()
        self.filter.setAccessibleName("Which referrals")
        for label, _test in REFERRAL_FILTERS:
            self.filter.addItem(label)
        self.filter.currentIndexChanged.connect(self.proxy.set_filter)
        show_label = QLabel("Sho&w:")
        show_label.setBuddy(self.filter)
        self.new_button = QPushButton("&New referral...")
        self.new_button.clicked.connect(self.new_referral)
        self.dash_button = QPushButton("&DASH checklist")
        self.dash_button.setToolTip("Record or view the DASH checklist of the selected referral")
        self.dash_button.clicked.connect(self._ask_dash)
        self.add_button = QPushButton("Add to &meeting...")
        self.add_button.setToolTip("Put the selected referrals (Ctrl+click or Shift+click to "
                                   "select several) on a meeting's list")
        self.add_button.clicked.connect(self.add_to_meeting)
        self.shown = QLabel()
        self.status = StatusLine()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(show_label)
        top.addWidget(self.filter)
        top.addWidget(self.new_button)
        top.addWidget(self.dash_button)
        top.addWidget(self.add_button)

        self.table = RecordTable("marac_referrals", context.settings)
        self.table.setAccessibleName("MARAC referrals")
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        if not self.table.restore_state():
            for column, width in enumerate((90, 130, 160, 200, 170, 55, 220, 60)):
                self.table.setColumnWidth(column, width)
            self.table.sortByColumn(ReferralsModel.DATE, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._ask_dash())
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.layoutChanged):
            signal.connect(self._update_shown)
        self.legend = QLabel("Criteria: visible high risk (DASH at or above the threshold), "
                             "professional judgement, potential escalation (from the incident "
                             "store), repeat (same victim and perpetrator within 12 months).")
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.shown)
        layout.addLayout(bottom)
        self._update_shown()

    def load(self) -> None:
        user = self.context.user

        def work(_progress: ProgressCallback) -> list[ReferralRow]:
            return list_referrals(user)

        self.context.operations.run(work, self._show_rows, parent=self,
                                    latest_key=f"marac-referrals-{id(self)}")

    def _show_rows(self, rows: list[ReferralRow]) -> None:
        selected = self.selected()
        wanted = self._select_next or (None if selected is None else selected.id)
        self._select_next = None
        self.model.set_rows(rows)
        if wanted is not None:
            self.select(wanted)
        self._selection_changed()

    def _selection_changed(self, *_args: object) -> None:
        self._enable()
        self.selected_changed.emit(self.selected())

    def _enable(self) -> None:
        self.dash_button.setEnabled(self.selected() is not None)
        self.add_button.setEnabled(bool(self.table.selected_rows()))

    def selected(self) -> ReferralRow | None:
        """The first referral selected (the one the DASH checklist opens)."""
        rows = self.table.selected_rows()
        return self.model.row_at(rows[0]) if rows else None

    def selected_all(self) -> list[ReferralRow]:
        return [self.model.row_at(row) for row in self.table.selected_rows()]

    def select(self, referral_id: int) -> bool:
        for proxy_row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(proxy_row, 0))
            if self.model.row_at(source.row()).id == referral_id:
                self.table.selectRow(proxy_row)
                return True
        return False

    def _update_shown(self) -> None:
        self.shown.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} shown")
        self._enable()

    def _ask_dash(self) -> None:
        row = self.selected()
        if row is not None:
            self.dash_requested.emit(row.id)

    def add_to_meeting(self) -> None:
        """Ask which meeting, then put every referral selected on its list."""
        ids = [row.id for row in self.selected_all()]
        if not ids:
            return
        self.status.clear()
        user = self.context.user
        self.context.operations.run(lambda _progress: list_meetings(user),
                                    lambda meetings: self._choose_meeting(meetings, ids),
                                    parent=self)

    def _choose_meeting(self, meetings: list[MeetingRow], ids: list[int]) -> None:
        if not meetings:
            self.status.setText("There is no meeting yet: schedule one on the Meetings tab "
                                "first.")
            return
        self.meeting_dialog = AddToMeetingDialog(self, meetings, len(ids), self.today())
        self.meeting_dialog.chosen.connect(
            lambda meeting_id: self._assign(meeting_id, ids, meetings))
        self.meeting_dialog.open()

    def _assign(self, meeting_id: int, ids: list[int], meetings: Sequence[MeetingRow]) -> None:
        user = self.context.user
        when = next(uk_date(m.meeting_date) for m in meetings if m.id == meeting_id)

        def done(added: int) -> None:
            already = len(ids) - added
            self.status.setText(
                f"{added} referral{'s' if added != 1 else ''} added to the meeting of {when}"
                + (f"; {already} already on its list." if already else "."))

        self.context.operations.run(lambda _progress: assign_cases(user, meeting_id, ids),
                                    done, parent=self)

    def new_referral(self) -> ReferralForm:
        self.form = open_referral_form(self.context, self, self.today)
        self.form.dash_requested.connect(self.dash_requested.emit)
        self.form.saved.connect(lambda row: setattr(self, "_select_next", row.id))
        return self.form

    def save_state(self) -> None:
        self.table.save_state()
