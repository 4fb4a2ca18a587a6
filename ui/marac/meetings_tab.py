"""MARAC > Meetings: schedule a meeting, put referrals on its list, follow it in detail, and
print its documents (meeting pack, research list, case summary, actions tracker), each PDF
protected with a password when the user asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.base import SignedIn
from scs_victims.actions.changes import Changed
from scs_victims.actions.marac import MeetingDocument, print_case_summary, print_meeting_document
from scs_victims.actions.marac_cases import (
    assign_case,
    list_meetings,
    open_meeting,
    schedule_meeting,
    unlisted_referrals,
)
from scs_victims.actions.permissions import Permission
from scs_victims.errors import UserError
from scs_victims.marac.queries import MeetingDetail, MeetingRow
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.incidents.dialogs import error_label
from ui.marac.add_to_meeting import next_meeting_index
from ui.marac.common import FileChooser, FileOpener, SavedFileBar, date_edit, read_date
from ui.marac.meeting_detail import MeetingDetailView
from ui.marac.models import MeetingsModel
from ui.password_protection import PasswordProtection
from ui.widgets import RecordTable, uk_date


@dataclass(frozen=True, slots=True)
class _Lists:
    meetings: list[MeetingRow]
    unlisted: list[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Document:
    """A printable document: its button, what it is called, and which it is (None: the
    case summary of the case selected)."""

    button: str
    title: str
    file_stem: str
    kind: MeetingDocument | None


DOCUMENTS = (
    Document("Print meeting &pack...", "The meeting pack", "MARAC meeting pack",
             MeetingDocument.PACK),
    Document("&Research list...", "The research list", "MARAC research list",
             MeetingDocument.RESEARCH_LIST),
    Document("&Case summary...", "The case summary", "MARAC case summary", None),
    Document("Actions trac&ker...", "The actions tracker", "MARAC actions tracker",
             MeetingDocument.ACTIONS_TRACKER),
)


def print_document(user: SignedIn, document: Document, subject: int, path: Path,
                   recipients: str, password: str | None = None) -> Path:
    """Render and save one document (a meeting's, or a case's summary) as ``user``, protected
    with ``password`` when given."""
    if document.kind is None:
        return print_case_summary(user, subject, path, recipients=recipients,
                                  password=password)
    return print_meeting_document(user, subject, document.kind, path, recipients=recipients,
                                  password=password)


class MeetingsTab(QWidget):
    def __init__(self, context: AppContext, today: Callable[[], date],
                 choose_file: Callable[[], FileChooser],
                 open_file: Callable[[], FileOpener]) -> None:
        super().__init__()
        self.context = context
        self.today = today
        self.choose_file = choose_file
        self.model = MeetingsModel(self)
        self._select_next: int | None = None
        self._build(open_file)

    # Building -----------------------------------------------------------------------------

    def _build(self, open_file: Callable[[], FileOpener]) -> None:
        self.meeting_date = date_edit("Date of the new meeting")
        self.venue = QLineEdit()
        self.venue.setAccessibleName("Venue of the new meeting")
        self.chair = QLineEdit()
        self.chair.setAccessibleName("Chair of the new meeting")
        self.schedule_button = QPushButton("&Schedule")
        self.schedule_button.clicked.connect(self.schedule)
        self.schedule_error = error_label()
        schedule_box = QGroupBox("Schedule a meeting")
        schedule_row = QHBoxLayout()
        for title, widget in (("Da&te:", self.meeting_date), ("&Venue:", self.venue),
                              ("C&hair:", self.chair)):
            label = QLabel(title)
            label.setBuddy(widget)
            schedule_row.addWidget(label)
            schedule_row.addWidget(widget, 0 if widget is self.meeting_date else 1)
        schedule_row.addWidget(self.schedule_button)
        schedule_column = QVBoxLayout(schedule_box)
        schedule_column.addLayout(schedule_row)
        schedule_column.addWidget(self.schedule_error)

        self.table = RecordTable("marac_meetings", self.context.settings)
        self.table.setAccessibleName("MARAC meetings")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)  # newest first, as loaded
        self.table.setSelectionMode(RecordTable.SelectionMode.SingleSelection)
        if not self.table.restore_state():
            for column, width in enumerate((80, 110, 90, 45)):
                self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.load_detail())

        self.detail = MeetingDetailView(self.context, self.today)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.unlisted = QComboBox()
        self.unlisted.setAccessibleName("Referrals not yet on a meeting")
        self.unlisted.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unlisted.setMinimumContentsLength(30)
        assign_label = QLabel("Add re&ferral:")
        assign_label.setBuddy(self.unlisted)
        self.assign_button = QPushButton("Add to this &meeting")
        self.assign_button.clicked.connect(self.assign)
        assign_row = QHBoxLayout()
        assign_row.addWidget(assign_label)
        assign_row.addWidget(self.unlisted, 1)
        assign_row.addWidget(self.assign_button)

        self.print_buttons: dict[str, QPushButton] = {}
        self.recipients = QLineEdit()
        self.recipients.setAccessibleName("Recipients of the documents printed")
        self.recipients.setPlaceholderText("Optional: who it goes to (kept in the audit log)")
        recipients_label = QLabel("Reci&pients:")
        recipients_label.setBuddy(self.recipients)
        print_row = QHBoxLayout()
        for document in DOCUMENTS:
            button = QPushButton(document.button)
            button.clicked.connect(lambda _=False, document=document: self.print(document))
            self.print_buttons[document.file_stem] = button
            print_row.addWidget(button)
        print_row.addWidget(recipients_label)
        print_row.addWidget(self.recipients, 1)
        self.protection = PasswordProtection(
            "Protect the PDF fi&le with a password",
            "Whoever opens the document will need the password (AES-256). Send it to them by "
            "another route.")
        self.saved = SavedFileBar(open_file)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addLayout(assign_row)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(print_row)
        right_layout.addWidget(self.protection)
        right_layout.addWidget(self.saved)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(schedule_box)
        layout.addWidget(splitter, 1)
        self._meeting_selected(None)

    # Loading ------------------------------------------------------------------------------

    def load(self) -> None:
        user = self.context.user

        def work(_progress: ProgressCallback) -> _Lists:
            return _Lists(list_meetings(user), unlisted_referrals(user))

        self.context.operations.run(work, self._show_lists, parent=self,
                                    latest_key=f"marac-meetings-{id(self)}")

    def _show_lists(self, lists: _Lists) -> None:
        selected = self.selected()
        wanted = self._select_next or (None if selected is None else selected.id)
        self._select_next = None
        self.model.set_rows(lists.meetings)
        self.unlisted.clear()
        for referral_id, label in lists.unlisted:
            self.unlisted.addItem(label, referral_id)
        if not lists.unlisted:
            self.unlisted.addItem("Every referral is on a meeting's list", None)
        position = next((row for row, meeting in enumerate(lists.meetings)
                         if meeting.id == wanted), None)
        if position is None and lists.meetings:
            position = next_meeting_index(lists.meetings, self.today())
        if position is not None:
            self.table.selectRow(position)
        self.load_detail()

    def selected(self) -> MeetingRow | None:
        rows = self.table.selected_rows()
        return self.model.row_at(rows[0]) if rows else None

    def select_meeting(self, meeting_id: int) -> bool:
        for row, meeting in enumerate(self.model.rows):
            if meeting.id == meeting_id:
                self.table.selectRow(row)
                return True
        return False

    def load_detail(self) -> None:
        meeting = self.selected()
        self._meeting_selected(meeting)
        if meeting is None:
            self.detail.show_detail(None)
            return
        user, today = self.context.user, self.today()
        self.context.operations.run(lambda _progress: open_meeting(user, meeting.id, today),
                                    self._show_detail, parent=self,
                                    latest_key=f"marac-meeting-{id(self)}")

    def _show_detail(self, detail: MeetingDetail) -> None:
        meeting = self.selected()
        if meeting is not None and meeting.id == detail.meeting_id:
            self.detail.show_detail(detail)

    def _meeting_selected(self, meeting: MeetingRow | None) -> None:
        if meeting is None:
            self.heading.setText("No meeting selected: schedule one above.")
        else:
            where = ", ".join(part for part in (meeting.venue, meeting.chair and
                                                f"chair {meeting.chair}") if part)
            self.heading.setText(f"<b>Meeting of {uk_date(meeting.meeting_date)}</b>"
                                 + (f" ({where})" if where else "")
                                 + f": {meeting.cases} case{'s' if meeting.cases != 1 else ''}"
                                 f", {meeting.open_actions} open action"
                                 f"{'s' if meeting.open_actions != 1 else ''}.")
        may_print = self.context.user.can(Permission.PRINT_MARAC)
        widgets: list[QWidget] = [self.assign_button, self.unlisted,
                                  *self.print_buttons.values(), self.recipients,
                                  self.protection]
        for widget in widgets:
            widget.setEnabled(meeting is not None and (
                may_print or widget in (self.assign_button, self.unlisted)))

    # Actions ------------------------------------------------------------------------------

    def schedule(self) -> None:
        self.schedule_error.setVisible(False)
        on, problem = read_date(self.meeting_date.text(), required=True)
        if problem or on is None:
            self._schedule_refused(problem or "")
            return
        venue = self.venue.text().strip() or None
        chair = self.chair.text().strip() or None
        user = self.context.user

        def work(_progress: ProgressCallback) -> Changed[int]:
            return schedule_meeting(user, on, venue, chair)

        def done(meeting_id: int) -> None:
            self._select_next = meeting_id
            for edit in (self.meeting_date, self.venue, self.chair):
                edit.clear()

        def refused(error: BaseException) -> bool:
            if isinstance(error, UserError):
                self._schedule_refused(str(error))
                return True
            return False

        self.context.operations.run(work, done, parent=self, on_failure=refused)

    def _schedule_refused(self, message: str) -> None:
        self.schedule_error.setText(message)
        self.schedule_error.setVisible(True)
        self.meeting_date.setFocus()

    def assign(self) -> None:
        meeting = self.selected()
        referral_id = self.unlisted.currentData()
        if meeting is None or not isinstance(referral_id, int):
            return
        user = self.context.user
        self.context.operations.run(lambda _progress: assign_case(user, meeting.id, referral_id),
                                    None, parent=self)

    def print(self, document: Document) -> None:
        """Render a document on a worker thread and save it where the user chooses."""
        meeting = self.selected()
        if meeting is None:
            return
        ready, password = self.protection.read()
        if not ready:
            return
        subject = meeting.id
        suggested = f"{document.file_stem} {meeting.meeting_date:%Y-%m-%d}.pdf"
        if document.kind is None:
            case = self.detail.selected_case()
            if case is None:
                self.saved.label.setText("Select a case in Cases and actions first.")
                self.saved.open_button.setVisible(False)
                self.saved.setVisible(True)
                return
            subject = case.referral_id
            suggested = f"{document.file_stem} {case.reference}.pdf"
        chosen = self.choose_file()(self, f"Save {document.title.lower()}", suggested,
                                    "PDF files (*.pdf)")
        if not chosen:
            return
        path = Path(chosen)
        user, recipients = self.context.user, self.recipients.text()

        def work(_progress: ProgressCallback) -> Path:
            return print_document(user, document, subject, path, recipients, password)

        def done(saved: Path) -> None:
            self.saved.open_button.setVisible(True)
            what = document.title + (" (protected with the password)" if password else "")
            self.saved.show_saved(saved, what)

        self.context.operations.run(work, done, parent=self,
                                    label=f"Producing {document.title.lower()} ...",
                                    on_failure=self.protection.refused)

    def save_state(self) -> None:
        self.table.save_state()
        self.detail.save_state()
