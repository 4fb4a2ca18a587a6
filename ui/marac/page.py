"""The MARAC screen: referrals, the DASH checklist, meetings (agenda, attendance, actions,
printed documents) and the SafeLives return, one tab each. Rules: definitions §6.

The role decides what shows: MARAC work (referrals, DASH, meetings) for Permission.MARAC, the
return for Permission.MARAC_RETURN; the actions refuse the rest whatever the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from scs_victims.actions.base import refusal_sentence
from scs_victims.actions.permissions import Permission
from ui.context import AppContext
from ui.marac.common import FileChooser, FileOpener, ask_save_path, open_with_system
from ui.marac.dash_tab import DashTab
from ui.marac.meetings_tab import MeetingsTab
from ui.marac.referrals_tab import ReferralsTab
from ui.marac.return_tab import ReturnTab


class MaracPage(QWidget):
    # Names on the lists follow People (merges, restrictions); the return follows the area's
    # population; criteria follow the rules.
    REFRESH_ON = ("marac", "people", "rules", "area")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loaded = False
        # Tests fix the day and put their own file chooser and opener in place.
        self.today: Callable[[], date] = date.today
        self.choose_file: FileChooser = ask_save_path
        self.open_file: FileOpener = open_with_system
        # The tabs read these late, so what a test puts in place applies.
        self.referrals = ReferralsTab(context, self._today)
        self.dash = DashTab(context, self._today)
        self.meetings = MeetingsTab(context, self._today, self._chooser, self._opener)
        self.returns = ReturnTab(context, self._today, self._chooser, self._opener)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("MARAC")
        self.tabs.addTab(self.referrals, "Referrals")
        self.tabs.addTab(self.dash, "DASH checklist")
        self.tabs.addTab(self.meetings, "Meetings")
        self.tabs.addTab(self.returns, "SafeLives return")
        self.tabs.setToolTip("Ctrl+Tab moves to the next tab")
        user = context.user
        self.may_work = user.can(Permission.MARAC)
        self.may_return = user.can(Permission.MARAC_RETURN)
        for tab in (self.referrals, self.dash, self.meetings):
            self.tabs.setTabVisible(self.tabs.indexOf(tab), self.may_work)
        self.tabs.setTabVisible(self.tabs.indexOf(self.returns), self.may_return)
        self.referrals.dash_requested.connect(self.show_dash)
        self.tabs.currentChanged.connect(self._tab_changed)
        title = QLabel("<b>MARAC</b>: referrals, risk checklists, meetings and the "
                       "SafeLives return")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if not (self.may_work or self.may_return):
            refused = QLabel(refusal_sentence(user.role, Permission.MARAC))
            refused.setWordWrap(True)
            layout.addWidget(refused)
            self.tabs.setVisible(False)
        layout.addWidget(self.tabs, 1)

    def _today(self) -> date:
        return self.today()

    def _chooser(self) -> FileChooser:
        return self.choose_file

    def _opener(self) -> FileOpener:
        return self.open_file

    def on_shown(self) -> None:
        if not self._loaded:
            self.load()

    def refresh(self) -> None:
        if self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        if self.may_work:
            self.referrals.load()
            self.meetings.load()
            if self.dash.state is not None:
                self.dash.set_referral(self.dash.state.referral_id)
        if self.may_return:
            self.returns.set_default_dates()
            self.returns.refresh()

    def show_dash(self, referral_id: int) -> None:
        """The DASH checklist of a referral (from the list, or just after saving one)."""
        self.referrals.select(referral_id)
        self.dash.set_referral(referral_id)
        self.tabs.setCurrentWidget(self.dash)

    def show_meetings(self) -> None:
        if self.may_work:
            self.tabs.setCurrentWidget(self.meetings)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.dash:
            row = self.referrals.selected()
            wanted = None if row is None else row.id
            current = None if self.dash.state is None else self.dash.state.referral_id
            if wanted is not None and wanted != current:
                self.dash.set_referral(wanted)

    def focus_search(self) -> None:
        if not self.may_work:
            return
        self.tabs.setCurrentWidget(self.referrals)
        self.referrals.search.setFocus()
        self.referrals.search.selectAll()

    def save_state(self) -> None:
        self.referrals.save_state()
        self.meetings.save_state()
        self.returns.save_state()
