"""One MARAC meeting in detail: its agenda in SafeLives order, the cases with the information
shared and the actions agreed, and attendance by agency. All plain data loaded together on a
worker thread (``actions.marac_cases.open_meeting``); each write is one action, whose change
reloads the meeting."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.base import SignedIn
from scs_victims.actions.changes import Changed
from scs_victims.actions.marac_cases import (
    add_action,
    save_attendance,
    set_action_status,
    share_information,
)
from scs_victims.marac.agenda import TWELVE_MONTHS, Agenda
from scs_victims.marac.case_pages import ACTION_STATUS_LABELS
from scs_victims.marac.queries import (
    ActionRow,
    MeetingCaseRow,
    MeetingDetail,
)
from scs_victims.marac.vocabulary import AGENCY_LABELS
from scs_victims.progress import ProgressCallback
from scs_victims.services.incidents import FormInvalid
from ui.context import AppContext
from ui.marac.common import Checked, date_edit, labelled, read_date
from ui.marac.models import ActionsModel, CasesModel
from ui.widgets import RecordTable, uk_date


def agenda_html(agenda: Agenda) -> str:
    """The agenda as the Chair reads it, in SafeLives order."""
    meeting = agenda.meeting
    where = ", ".join(html.escape(part) for part in (meeting.venue, meeting.chair and
                                                    f"chair {meeting.chair}") if part)
    parts = [f"<h3>MARAC {uk_date(meeting.meeting_date)}</h3>",
             f"<p>{where}</p>" if where else "",
             "<h4>1. Introductions and confidentiality statement</h4>",
             f"<p>{html.escape(agenda.confidentiality_statement)}</p>",
             "<h4>2. Outstanding actions from earlier meetings</h4>"]
    if agenda.outstanding_actions:
        items = []
        for action in agenda.outstanding_actions:
            overdue = " <b>OVERDUE</b>" if action.overdue else ""
            due = f", due {uk_date(action.due_on)}" if action.due_on else ""
            items.append(f"<li>{html.escape(action.referral_reference)} "
                         f"({uk_date(action.meeting_date)}): "
                         f"{html.escape(AGENCY_LABELS.get(action.agency, action.agency))}: "
                         f"{html.escape(action.what)}{due}{overdue}</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
    else:
        parts.append("<p>None.</p>")
    number = 3
    sections = dict.fromkeys(case.section for case in agenda.cases)
    for section in sections:
        cases = agenda.section(section)
        parts.append(f"<h4>{number}. {html.escape(section)}</h4><ol>")
        for case in cases:
            details = [f"{case.children} child{'ren' if case.children != 1 else ''}"
                       if case.children else "no children",
                       "REPEAT" if case.is_repeat else "new"]
            if section == TWELVE_MONTHS:
                details = [f"last referred {uk_date(case.referral_date)}"]
            parts.append(f"<li><b>{html.escape(case.reference)}</b>: "
                         f"{html.escape(case.victim_name)} ({', '.join(details)})</li>")
        parts.append("</ol>")
        number += 1
    if not agenda.cases:
        parts.append(f"<h4>{number}. Cases</h4><p>No cases on the list yet: assign referrals "
                     "to this meeting.</p>")
    return "".join(parts)


class MeetingDetailView(QWidget):
    """The selected meeting: agenda, cases and actions, attendance."""

    def __init__(self, context: AppContext, today: Callable[[], date]) -> None:
        super().__init__()
        self.context = context
        self.today = today
        self.detail: MeetingDetail | None = None
        self.cases_model = CasesModel(self)
        self.actions_model = ActionsModel(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Meeting details")
        self.agenda = QTextBrowser()
        self.agenda.setAccessibleName("Agenda")
        self.tabs.addTab(self.agenda, "A&genda")
        self.tabs.addTab(self._cases_page(), "Cases and acti&ons")
        self.tabs.addTab(self._attendance_page(), "Atte&ndance")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.show_detail(None)

    # Building -----------------------------------------------------------------------------

    def _cases_page(self) -> QWidget:
        self.cases_table = RecordTable("marac_meeting_cases", self.context.settings)
        self.cases_table.setAccessibleName("Cases on the meeting's list, in agenda order")
        self.cases_table.setModel(self.cases_model)
        self.cases_table.setSortingEnabled(False)  # the agenda's order is the point
        self.cases_table.setSelectionMode(RecordTable.SelectionMode.SingleSelection)
        if not self.cases_table.restore_state():
            for column, width in enumerate((150, 130, 170, 65, 60)):
                self.cases_table.setColumnWidth(column, width)
        self.cases_table.selectionModel().selectionChanged.connect(self._case_selected)
        self.shared = QPlainTextEdit()
        self.shared.setAccessibleName("Information shared about the case")
        self.shared.setPlaceholderText("What the agencies shared about this case")
        self.shared.setTabChangesFocus(True)
        self.shared.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.shared_button = QPushButton("Save &information")
        self.shared_button.clicked.connect(self.save_information)
        shared_row = QHBoxLayout()
        shared_row.addWidget(self.shared, 1)
        shared_row.addWidget(self.shared_button, 0, Qt.AlignmentFlag.AlignTop)

        self.actions_table = RecordTable("marac_meeting_actions", self.context.settings)
        self.actions_table.setAccessibleName("Actions agreed at the meeting")
        self.actions_table.setModel(self.actions_model)
        self.actions_table.setSortingEnabled(False)
        self.actions_table.setSelectionMode(RecordTable.SelectionMode.SingleSelection)
        if not self.actions_table.restore_state():
            for column, width in enumerate((130, 110, 100, 230, 80, 130)):
                self.actions_table.setColumnWidth(column, width)
        self.actions_table.selectionModel().selectionChanged.connect(self._action_selected)

        # A new action for the selected case.
        self.agency = QComboBox()
        self.agency.setAccessibleName("Owning agency")
        for code, label in AGENCY_LABELS.items():
            self.agency.addItem(label, code)
        self.owner = QLineEdit()
        self.owner.setAccessibleName("Owner of the action")
        self.what = QLineEdit()
        self.what.setAccessibleName("What the action is")
        self.due = date_edit("Action due on")
        self.checked = {"agency": Checked(self.agency), "what": Checked(self.what),
                        "due_on": Checked(self.due)}
        self.add_button = QPushButton("A&dd action")
        self.add_button.clicked.connect(self.add_action)
        new_action = QGridLayout()
        owner_line = Checked(self.owner)  # never refused; keeps the row aligned
        cells = (("Agenc&y", self.checked["agency"]), ("O&wner", owner_line),
                 ("Wh&at", self.checked["what"]), ("Due", self.checked["due_on"]))
        for column, (title, checked) in enumerate(cells):
            heading = QLabel(title)
            heading.setBuddy(checked.widget)
            new_action.addWidget(heading, 0, column)
            new_action.addWidget(checked.container, 1, column, Qt.AlignmentFlag.AlignTop)
        new_action.addWidget(self.add_button, 1, 4, Qt.AlignmentFlag.AlignTop)
        new_action.setColumnStretch(2, 1)

        # Closing (or reopening) the selected action.
        self.status = QComboBox()
        self.status.setAccessibleName("Status of the selected action")
        for code, label in ACTION_STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.note = QLineEdit()
        self.note.setAccessibleName("Completion note")
        self.note.setPlaceholderText("Completion note")
        self.status_button = QPushButton("Set stat&us")
        self.status_button.clicked.connect(self.set_status)
        status_row = QHBoxLayout()
        status_label = QLabel("Selected action:")
        status_label.setBuddy(self.status)
        status_row.addWidget(status_label)
        status_row.addWidget(self.status)
        status_row.addWidget(self.note, 1)
        status_row.addWidget(self.status_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.cases_table, 1)
        top_layout.addLayout(shared_row)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.actions_heading = QLabel("<b>Actions</b>")
        bottom_layout.addWidget(self.actions_heading)
        bottom_layout.addWidget(self.actions_table, 1)
        bottom_layout.addLayout(status_row)
        self.new_action_heading = QLabel("<b>New action for the selected case</b>")
        bottom_layout.addWidget(self.new_action_heading)
        bottom_layout.addLayout(new_action)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        return splitter

    def _attendance_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.attendance_status: dict[str, QComboBox] = {}
        self.attendees: dict[str, QLineEdit] = {}
        for code, label in AGENCY_LABELS.items():
            combo = QComboBox()
            combo.setAccessibleName(f"{label}: attendance")
            combo.addItem("Not recorded", None)
            combo.addItem("Present", "present")
            combo.addItem("Apologies", "apologies")
            attendee = QLineEdit()
            attendee.setAccessibleName(f"{label}: who attended or sent apologies")
            attendee.setPlaceholderText("Name")
            row = QHBoxLayout()
            row.addWidget(combo)
            row.addWidget(attendee, 1)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            labelled(form, f"{label}:", combo, holder)
            self.attendance_status[code] = combo
            self.attendees[code] = attendee
        self.attendance_button = QPushButton("Save atten&dance")
        self.attendance_button.clicked.connect(self.save_attendance)
        self.attendance_note = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.attendance_button)
        row.addWidget(self.attendance_note, 1)
        form.addRow(row)
        return page

    # Showing ------------------------------------------------------------------------------

    def show_detail(self, detail: MeetingDetail | None) -> None:
        case = self.selected_case()
        action = self.selected_action()
        if detail is None or self.detail is None or detail.meeting_id != self.detail.meeting_id:
            self.attendance_note.clear()
        self.detail = detail
        if detail is None:
            self.agenda.setHtml("<p>Select or schedule a meeting to see its agenda.</p>")
            self.cases_model.set_cases([], {})
            self.actions_model.set_rows([])
        else:
            self.agenda.setHtml(agenda_html(detail.agenda))
            self.cases_model.set_cases(list(detail.cases), {
                item.referral_id: item.section for item in detail.agenda.cases})
            self.actions_model.set_rows(detail.actions)
            overdue = sum(1 for item in detail.actions if item.overdue)
            self.actions_heading.setText(
                f"<b>Actions agreed at this meeting</b> ({len(detail.actions)}"
                + (f", <b>{overdue} OVERDUE</b>" if overdue else "") + ")")
            for code, combo in self.attendance_status.items():
                status, attendee = detail.attendance.get(code, (None, None))
                combo.setCurrentIndex(max(combo.findData(status), 0) if status else 0)
                self.attendees[code].setText(attendee or "")
        if case is not None:
            self._select(self.cases_table, self.cases_model.rows, lambda row: row.id == case.id)
        if action is not None:
            self._select(self.actions_table, self.actions_model.rows,
                         lambda row: row.id == action.id)
        self._case_selected()
        self._action_selected()
        self.attendance_button.setEnabled(detail is not None)

    @staticmethod
    def _select(table: RecordTable, rows: list[Any], test: Callable[[Any], bool]) -> None:
        for position, row in enumerate(rows):
            if test(row):
                table.selectRow(position)
                return

    def selected_case(self) -> MeetingCaseRow | None:
        rows = self.cases_table.selected_rows()
        return self.cases_model.row_at(rows[0]) if rows else None

    def selected_action(self) -> ActionRow | None:
        rows = self.actions_table.selected_rows()
        return self.actions_model.row_at(rows[0]) if rows else None

    def _case_selected(self, *_args: object) -> None:
        case = self.selected_case()
        self.shared.setPlainText("" if case is None else case.information_shared or "")
        for widget in (self.shared, self.shared_button, self.add_button):
            widget.setEnabled(case is not None)
        self.new_action_heading.setText(
            "<b>New action for the selected case</b>" if case is None else
            f"<b>New action for {html.escape(case.reference)}</b> "
            f"({html.escape(case.victim_name)})")

    def _action_selected(self, *_args: object) -> None:
        action = self.selected_action()
        for widget in (self.status, self.note, self.status_button):
            widget.setEnabled(action is not None)
        if action is not None:
            self.status.setCurrentIndex(max(self.status.findData(action.status), 0))
            self.note.setText(action.completion_note or "")

    # Writing ------------------------------------------------------------------------------

    def _write(self, work: Callable[[SignedIn], Changed[Any]], done: Callable[[], None],
               on_failure: Callable[[BaseException], bool] | None = None) -> None:
        """Run one action as the signed-in user; its change reloads the meeting."""
        user = self.context.user

        def run(_progress: ProgressCallback) -> Changed[Any]:
            return work(user)

        self.context.operations.run(run, lambda _value: done(), parent=self,
                                    on_failure=on_failure)

    def save_information(self) -> None:
        case = self.selected_case()
        if case is None:
            return
        text = self.shared.toPlainText()
        self._write(lambda user: share_information(user, case.id, text), lambda: None)

    def add_action(self) -> None:
        case = self.selected_case()
        if case is None:
            return
        for checked in self.checked.values():
            checked.show_error(None)
        due, problem = read_date(self.due.text(), required=False)
        if problem:
            self.checked["due_on"].show_error(problem)
            self.due.setFocus()
            return
        agency = str(self.agency.currentData())
        owner = self.owner.text().strip() or None
        what = self.what.text()

        def done() -> None:
            self.owner.clear()
            self.what.clear()
            self.due.clear()
            self.what.setFocus()

        def refused(error: BaseException) -> bool:
            if not isinstance(error, FormInvalid):
                return False
            for name, message in error.errors.items():
                if name in self.checked:
                    self.checked[name].show_error(message)
            return True

        self._write(lambda user: add_action(user, case.id, agency=agency, what=what,
                                            owner=owner, due_on=due), done, refused)

    def set_status(self) -> None:
        action = self.selected_action()
        if action is None:
            return
        status = str(self.status.currentData())
        note = self.note.text().strip() or None
        self._write(lambda user: set_action_status(user, action.id, status, note), lambda: None)

    def save_attendance(self) -> None:
        detail = self.detail
        if detail is None:
            return
        chosen = [(code, str(combo.currentData()), self.attendees[code].text().strip() or None)
                  for code, combo in self.attendance_status.items()
                  if combo.currentData() is not None]
        # "Not recorded" on an agency that had attendance takes it back off the record.
        cleared = [code for code, combo in self.attendance_status.items()
                   if combo.currentData() is None and code in detail.attendance]

        present = sum(1 for _code, status, _who in chosen if status == "present")
        self._write(lambda user: save_attendance(user, detail.meeting_id, chosen, cleared),
                    lambda: self.attendance_note.setText(
            f"Saved: {present} present, {len(chosen) - present} apologies"
            + (f", {len(cleared)} taken off the record." if cleared else ".")))

    def save_state(self) -> None:
        self.cases_table.save_state()
        self.actions_table.save_state()
