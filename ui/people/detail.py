"""A person's page: details, every alert in a sentence, and the timeline of their incidents.

Non-modal (``open()``), read in the background (``people.open_person``, recorded as a view),
and read again whenever people, incidents, alerts or the rules change, so an incident edited
from here shows its new state at once. A restricted person opens only after a reason (break
glass: ``ui.people.restricted``); a supervisor can mark or lift the restriction from here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import people
from scs_victims.actions.audit_log import record_viewers
from scs_victims.actions.changes import OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.audit_trail import Viewer
from scs_victims.services.people import UnmergeResult
from scs_victims.services.person_timeline import PersonDetail, TimelineEntry
from ui.context import AppContext
from ui.people import restricted
from ui.table_model import RowsTableModel
from ui.widgets import RecordTable, uk_date, uk_date_time

Confirm = Callable[[QWidget, str], bool]
_TYPE_NAMES = {"asb": "ASB", "burglary": "Burglary", "dv": "DV"}
TIMELINE_HEADERS = ("Date", "Type", "Reference", "Role", "Details", "Ward", "Repeat")
# What a person's page shows depends on these (the rules: the repeat reasons and alerts).
REFRESH_ON = ("people", "incidents", "alerts", "rules")
RESTRICT_QUESTION = ("Why is this record to be restricted? Colleagues will then see "
                     "\u201cRestricted record\u201d in lists and must give a reason to open "
                     "it. Your reason is kept in the audit log.")
LIFT_QUESTION = "Why is the restriction to be lifted? Your reason is kept in the audit log."


def ask(parent: QWidget, question: str) -> bool:
    """Ask a yes/no question (tests put a stand-in in ``Confirm`` attributes)."""
    box = QMessageBox(QMessageBox.Icon.Question, "SCS Victims", question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def describe_unmerge(result: UnmergeResult) -> str:
    moved = len(result.moved_back_ids)
    extra = f" with {moved} other record{'s' if moved != 1 else ''}" if moved else ""
    return (f"Unmerged: person {result.merged_id} is a separate person again{extra}; "
            f"{result.incidents_relinked} incident(s) relinked, {result.flags_changed} repeat "
            "flag(s) changed.")


class TimelineModel(RowsTableModel[TimelineEntry]):
    HEADERS = TIMELINE_HEADERS
    DISPLAY_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)

    def entry(self, row: int) -> TimelineEntry:
        return self.row_at(row)

    def display(self, row: TimelineEntry, column: int) -> str:
        return (uk_date(row.occurred_on), _TYPE_NAMES[row.crime_type.value], row.reference,
                row.role.capitalize(), row.summary, row.ward, row.reason)[column]

    def tooltip(self, row: TimelineEntry, column: int) -> str | None:
        if column == 4:
            return row.summary
        if column == 6:
            return row.reason or None
        return None


class PersonDetailDialog(QDialog):
    def __init__(self, context: AppContext, person_id: int, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id = person_id
        self.today = today
        self.detail: PersonDetail | None = None
        self.confirm: Confirm = ask
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Person")
        self.setObjectName("personDetail")
        self.resize(1120, 660)
        self._build()
        context.signals.data_changed.connect(self._data_changed)
        self.reload()

    def _build(self) -> None:
        self.name_label = QLabel("Loading ...")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setAccessibleName("Name")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for label in ("Date of birth", "Gender", "Ethnicity", "Reference", "Incidents",
                      "Addresses known", "Merged with"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            self.fields[label] = value
            form.addRow(f"{label}:", value)

        self.alerts_box = QGroupBox("Alerts")
        self.alerts_label = QLabel()
        self.alerts_label.setWordWrap(True)
        self.alerts_label.setAccessibleName("Alerts")
        self.alerts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        alerts_layout = QVBoxLayout(self.alerts_box)
        alerts_layout.addWidget(self.alerts_label)
        alerts_layout.addStretch(1)

        self.timeline_model = TimelineModel(self)
        self.timeline = RecordTable("person_timeline", self.context.settings)
        self.timeline.setSortingEnabled(False)  # the timeline's order is its meaning
        self.timeline.setAccessibleName("Timeline of incidents")
        self.timeline.setModel(self.timeline_model)
        self.timeline.restore_state()
        metrics = self.timeline.fontMetrics()
        for column, sample in enumerate(("00/00/00000", "Burglary", "DV/0000/000000-0",
                                         "Perpetrator", "A category — some text",
                                         "A ward name")):
            self.timeline.setColumnWidth(column, metrics.horizontalAdvance(sample) + 16)
        self.timeline.doubleClicked.connect(lambda _index: self.edit_selected())
        timeline_box = QGroupBox("Timeline (newest first)")
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.addWidget(self.timeline)

        self.edit_button = QPushButton("&Edit incident...")
        self.edit_button.clicked.connect(self.edit_selected)
        self.new_button = QPushButton("&New incident for this person...")
        self.new_button.clicked.connect(
            lambda: self.context.signals.new_incident_for.emit(self.person_id))
        self.merges_button = QPushButton("Merge &history / Unmerge...")
        self.merges_button.clicked.connect(self.show_merges)
        self.restrict_button = QPushButton("&Restrict record...")
        self.restrict_button.clicked.connect(self.change_restriction)
        self.restrict_button.setEnabled(False)
        user = self.context.user
        self.restrict_button.setVisible(user.can(Permission.RESTRICT))
        self.viewers_button = QPushButton("&Who has seen this record...")
        self.viewers_button.setToolTip("Every account that opened, printed or exported this "
                                       "person's record, from the audit log")
        self.viewers_button.clicked.connect(self.show_viewers)
        self.viewers_button.setVisible(user.can(Permission.READ_AUDIT))
        for button in (self.new_button, self.merges_button):
            button.setVisible(user.can(Permission.EDIT_RECORDS))
        self.restricted_label = QLabel()
        self.restricted_label.setWordWrap(True)
        self.restricted_label.setAccessibleName("Restricted record")
        self.restricted_label.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")

        top = QHBoxLayout()
        details = QVBoxLayout()
        details.addWidget(self.name_label)
        details.addWidget(self.restricted_label)
        details.addLayout(form)
        details.addStretch(1)
        top.addLayout(details, 1)
        top.addWidget(self.alerts_box, 1)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addWidget(self.new_button)
        row.addWidget(self.merges_button)
        row.addWidget(self.restrict_button)
        row.addWidget(self.viewers_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(timeline_box, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)

    # Reading ------------------------------------------------------------------------------

    def _data_changed(self, changes: OpChanges) -> None:
        if changes.any(*REFRESH_ON):
            self.reload()

    def reload(self) -> None:
        user, person_id, today = self.context.user, self.person_id, self.today
        # Not opened with a reason (a restricted record): there is nothing to show.
        restricted.open_with_reason(self.context, self,
                                    lambda: people.open_person(user, person_id, today),
                                    self._show, on_cancel=self.close,
                                    latest_key=f"person-detail-{id(self)}")

    def _show(self, detail: PersonDetail) -> None:
        self.detail = detail
        profile = detail.profile
        self.setWindowTitle(f"Person \u2014 {profile.name}")
        self.name_label.setText(profile.name)
        born = uk_date(profile.date_of_birth) or "not known"
        if profile.age is not None:
            born += f" (age {profile.age})"
        counts = ", ".join(f"{_TYPE_NAMES[kind]} {count}" for kind, count in
                           profile.counts.items())
        counts += f"; as perpetrator {profile.perpetrator_incidents}"
        if profile.last_incident is not None:
            counts += f"; last as victim {uk_date(profile.last_incident)}"
        values = {
            "Date of birth": born, "Gender": (profile.gender or "not known").capitalize(),
            "Ethnicity": profile.ethnicity or "not known",
            "Reference": profile.reference or "none", "Incidents": counts,
            "Addresses known": "\n".join(
                address.text + (f" ({address.ward})" if address.ward else "")
                for address in profile.addresses) or "none",
            "Merged with": ", ".join(f"person {member}" for member in profile.member_ids)
            or "nobody",
        }
        for label, text in values.items():
            self.fields[label].setText(text)
        if profile.asked_id != profile.id:
            self.status.setText(f"Person {profile.asked_id} was merged into this person.")
        self.alerts_label.setText("\n".join(f"\u2022 {alert.explanation}"
                                            for alert in detail.alerts)
                                  or "No current alerts.")
        self.timeline_model.set_rows(detail.timeline)
        if detail.timeline:
            self.timeline.selectRow(0)
        self.merges_button.setEnabled(bool(detail.merges))
        self.edit_button.setEnabled(bool(detail.timeline))
        self.restricted_label.setText(
            "Restricted record: colleagues see \u201cRestricted record\u201d in lists and must "
            "give a reason to open it." if profile.restricted else "")
        self.restricted_label.setVisible(profile.restricted)
        self.restrict_button.setText("&Lift restriction..." if profile.restricted
                                     else "&Restrict record...")
        self.restrict_button.setEnabled(True)

    # Actions ------------------------------------------------------------------------------

    def selected_incident(self) -> int | None:
        rows = self.timeline.selected_rows()
        if not rows:
            return None
        return self.timeline_model.entry(rows[0]).incident_id

    def edit_selected(self) -> None:
        incident_id = self.selected_incident()
        if incident_id is not None:
            self.context.signals.edit_incident.emit(incident_id)

    def show_viewers(self) -> None:
        """Supervisors' and auditors' "who has seen this record" (itself recorded)."""
        from ui.audit.page import ViewersDialog

        user, person_id = self.context.user, self.person_id

        def show(viewers: list[Viewer]) -> None:
            self.viewers_dialog = ViewersDialog(f"person {person_id}", viewers, self)
            self.viewers_dialog.open()

        self.context.operations.run(
            lambda _progress: record_viewers(user, "person", person_id), show, parent=self)

    def change_restriction(self) -> None:
        """Mark the person as a restricted record, or lift the restriction (supervisors),
        with a reason."""
        if self.detail is None:
            return
        profile = self.detail.profile
        lifting = profile.restricted
        reason = restricted.ask_reason(
            self, "Lift restriction" if lifting else "Restrict record",
            LIFT_QUESTION if lifting else RESTRICT_QUESTION)
        if reason is None:
            return
        user, person_id = self.context.user, profile.id
        change = people.unrestrict_person if lifting else people.restrict_person

        def done(_result: None) -> None:
            self.status.setText("The restriction is lifted." if lifting
                                else "The record is now restricted.")

        def failed(_error: BaseException) -> bool:
            self.restrict_button.setEnabled(True)
            return False  # the operations layer shows it

        self.restrict_button.setEnabled(False)
        self.context.operations.run(lambda _progress: change(user, person_id, reason), done,
                                    parent=self, on_failure=failed)

    def show_merges(self) -> MergeHistoryDialog | None:
        if self.detail is None:
            return None
        dialog = MergeHistoryDialog(self.context, self.detail, self)
        dialog.confirm = self.confirm
        dialog.open()
        return dialog

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.context.signals.data_changed.disconnect(self._data_changed)
        self.timeline.save_state()
        super().closeEvent(event)


class MergeHistoryDialog(QDialog):
    """The merges that made this person, each of which may be undone."""

    def __init__(self, context: AppContext, detail: PersonDetail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.confirm: Confirm = ask
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Merge history \u2014 {detail.profile.name}")
        self.list = QListWidget()
        self.list.setAccessibleName("Merges")
        for merge in detail.merges:
            moved = f" (with {len(merge.moved_ids)} more)" if merge.moved_ids else ""
            item = QListWidgetItem(f"{uk_date_time(merge.merged_at)}: person {merge.merged_id}"
                                   f"{moved} merged into person {merge.kept_id} by "
                                   f"{merge.actor}")
            item.setData(Qt.ItemDataRole.UserRole, merge.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Result")
        self.unmerge_button = QPushButton("&Unmerge...")
        self.unmerge_button.setEnabled(self.list.count() > 0)
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.unmerge_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Merges of this person, newest first:"))
        layout.addWidget(self.list)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.resize(620, 300)

    def unmerge_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        merge_id = int(item.data(Qt.ItemDataRole.UserRole))
        if not self.confirm(self, "Undo this merge? The two records become separate people "
                                  "again and repeat flags are worked out afresh."):
            return
        user = self.context.user

        def done(result: UnmergeResult) -> None:
            self.result_label.setText(describe_unmerge(result))
            self.list.takeItem(self.list.row(item))
            self.unmerge_button.setEnabled(self.list.count() > 0)

        self.context.operations.run(lambda _progress: people.unmerge_people(user, merge_id),
                                    done, parent=self, label="Undoing the merge ...")
