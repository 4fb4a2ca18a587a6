"""MARAC > Referrals > Add to meeting...: the referrals selected go on one meeting's list in
one transaction. The dialog is built apart from showing it, so tests drive it without exec()."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from scs_victims.marac.queries import MeetingRow
from ui.widgets import uk_date


def meeting_label(meeting: MeetingRow) -> str:
    where = f", {meeting.venue}" if meeting.venue else ""
    return (f"{uk_date(meeting.meeting_date)}{where} ({meeting.cases} "
            f"case{'s' if meeting.cases != 1 else ''} listed)")


def next_meeting_index(meetings: Sequence[MeetingRow], today: date) -> int:
    """The next meeting from today (else the latest), in a newest-first list."""
    upcoming = [row for row, meeting in enumerate(meetings) if meeting.meeting_date >= today]
    return upcoming[-1] if upcoming else 0


class AddToMeetingDialog(QDialog):
    chosen = Signal(int)  # the meeting id, on Add

    def __init__(self, parent: QWidget, meetings: Sequence[MeetingRow], count: int,
                 today: date) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to meeting")
        self.meeting = QComboBox()
        self.meeting.setAccessibleName("Meeting to add the referrals to")
        for meeting in meetings:
            self.meeting.addItem(meeting_label(meeting), meeting.id)
        self.meeting.setCurrentIndex(next_meeting_index(meetings, today))
        caption = QLabel("&Meeting:")
        caption.setBuddy(self.meeting)
        form = QFormLayout()
        form.addRow(caption, self.meeting)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("&Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Put the {count} selected referral"
                                f"{'s' if count != 1 else ''} on the list of:"))
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        meeting_id = self.meeting.currentData()
        if isinstance(meeting_id, int):
            self.chosen.emit(meeting_id)
        super().accept()
