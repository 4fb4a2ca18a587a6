"""The Audit screen (auditors, administrators, supervisors): events filtered by user, kind,
record and dates, newest first; who has seen a record; the events as CSV; the chain checked.

Reading the log is itself recorded by the core, so the list is read when asked for (Show,
the screen's first showing, Refresh), not after every change elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.audit_log import export_events, list_events, record_viewers, verify
from scs_victims.audit_trail import SCREEN_LIMIT, AuditFilter, AuditRow, ChainCheck, Viewer
from scs_victims.errors import UserError
from ui.audit.model import (
    COL_KIND,
    COL_RECORD,
    COL_WHEN,
    KIND_LABELS,
    AuditModel,
    ViewersModel,
    sorting_proxy,
)
from ui.context import AppContext
from ui.widgets import RecordTable, error_label, mark_invalid, read_dates, show_message

# The kinds of record most often asked about; any other can be typed.
RECORD_KINDS = ("person", "incident", "marac_case", "meeting", "user")
# Asks where to save (tests put a function returning a path in its place).
SaveChooser = Callable[[QWidget, str], Path | None]


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(parent, "Export the audit log", suggested,
                                                "CSV files (*.csv)")
    return Path(name) if name else None


def chain_sentence(check: ChainCheck) -> str:
    if check.broken is None:
        return f"The audit chain is intact: {check.events:,} events checked, none missing, " \
               "inserted or altered."
    return str(check.broken)


class ViewersDialog(QDialog):
    """Who has seen one record: each account, how (viewed, printed, exported, break glass),
    how many times and when last."""

    def __init__(self, record: str, viewers: list[Viewer], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Who has seen {record}")
        self.model = ViewersModel(self)
        self.model.set_rows(viewers)
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName(f"Who has seen {record}")
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        summary = QLabel(f"<b>{escape(record)}</b> has been seen by nobody yet." if not viewers
                         else f"<b>{escape(record)}</b>: {len({v.user for v in viewers})} "
                              "account(s) opened, printed or exported it.")
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(560, 360)


class AuditPage(QWidget):
    # Reading the log is recorded: no automatic reload after other screens' changes.
    REFRESH_ON: tuple[str, ...] = ()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loaded = False
        self.choose_file: SaveChooser = ask_save_path
        self.viewers_dialog: ViewersDialog | None = None

        self.user_filter = QLineEdit()
        self.user_filter.setPlaceholderText("any user")
        self.user_filter.setAccessibleName("User name")
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Kind of event")
        self.kind_filter.addItem("Any kind", None)
        for kind, label in KIND_LABELS.items():
            self.kind_filter.addItem(f"{label} ({kind})", kind)
        self.kind_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_filter.setMinimumContentsLength(24)
        self.entity_filter = QComboBox()
        self.entity_filter.setEditable(True)
        self.entity_filter.setAccessibleName("Kind of record")
        self.entity_filter.addItems(["", *RECORD_KINDS])
        line = self.entity_filter.lineEdit()
        if line is not None:
            line.setPlaceholderText("any record")
        self.entity_id = QLineEdit()
        self.entity_id.setPlaceholderText("number")
        self.entity_id.setAccessibleName("Record number")
        self.entity_id.setValidator(QIntValidator(1, 2_000_000_000, self))
        self.entity_id.setMaximumWidth(110)
        self.date_from = self._date_edit("From (dd/mm/yyyy)")
        self.date_to = self._date_edit("To (dd/mm/yyyy)")
        for edit in (self.user_filter, self.entity_id, self.date_from, self.date_to):
            edit.returnPressed.connect(self.refresh)

        self.show_button = QPushButton("&Show")
        self.show_button.setDefault(True)
        self.clear_button = QPushButton("C&lear filters")
        self.break_glass_button = QPushButton("&Break-glass events")
        self.break_glass_button.setToolTip("Restricted records opened with a reason")
        self.viewers_button = QPushButton("&Who has seen this record...")
        self.viewers_button.setToolTip("The record in the filter, or the selected event's")
        self.export_button = QPushButton("&Export CSV...")
        self.verify_button = QPushButton("Check the &chain")
        self.verify_button.setToolTip("Find any event deleted, inserted or altered since it "
                                      "was written")
        self.show_button.clicked.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear_filters)
        self.break_glass_button.clicked.connect(self.show_break_glass)
        self.viewers_button.clicked.connect(self.show_viewers)
        self.export_button.clicked.connect(self.export)
        self.verify_button.clicked.connect(self.check_chain)

        filters = QGridLayout()
        filters.addWidget(self._label("&User:", self.user_filter), 0, 0)
        filters.addWidget(self.user_filter, 0, 1)
        filters.addWidget(self._label("&Kind:", self.kind_filter), 0, 2)
        filters.addWidget(self.kind_filter, 0, 3, 1, 3)
        filters.addWidget(self._label("&Record:", self.entity_filter), 1, 0)
        record = QHBoxLayout()
        record.addWidget(self.entity_filter, 1)
        record.addWidget(self.entity_id)
        filters.addLayout(record, 1, 1)
        filters.addWidget(self._label("&From:", self.date_from), 1, 2)
        filters.addWidget(self.date_from, 1, 3)
        filters.addWidget(self._label("&To:", self.date_to), 1, 4)
        filters.addWidget(self.date_to, 1, 5)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(5, 1)
        buttons = QHBoxLayout()
        for button in (self.show_button, self.clear_button, self.break_glass_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        tools = QHBoxLayout()
        for button in (self.viewers_button, self.export_button, self.verify_button):
            tools.addWidget(button)
        tools.addStretch(1)

        self.model = AuditModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = RecordTable("audit", context.settings)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Audit events")
        self.table.sortByColumn(COL_WHEN, Qt.SortOrder.DescendingOrder)
        if not self.table.restore_state():
            # Wide enough for a date and time, a kind and a run of records at first sight.
            for column, width in ((COL_WHEN, 130), (COL_KIND, 110), (COL_RECORD, 150)):
                self.table.setColumnWidth(column, width)
        self.count_label = QLabel()
        self.count_label.setObjectName("auditCount")
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addLayout(tools)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _date_edit(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("dd/mm/yyyy")
        edit.setAccessibleName(name)
        edit.setMaximumWidth(120)
        return edit

    # The filter ---------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter | None:
        """What the controls ask for, or None (with the fields highlighted) when a date or
        the record is not right."""
        days, problems = read_dates(((self.date_from, "From"), (self.date_to, "To")))
        entity = self.entity_filter.currentText().strip() or None
        number = self.entity_id.text().strip()
        entity_id = int(number) if number.isdigit() else None
        problem = None
        if entity_id is not None and entity is None:
            problem = "Say what kind of record the number is (a person, an incident, ...)."
            problems.append(problem)
        mark_invalid(self.entity_filter, problem)
        if problems:
            self._say("", " ".join(problems))
            return None
        return AuditFilter(user=self.user_filter.text().strip() or None,
                           kind=self.kind_filter.currentData(), entity=entity,
                           entity_id=entity_id, first=days[0], last=days[1])

    def clear_filters(self) -> None:
        for edit in (self.user_filter, self.entity_id, self.date_from, self.date_to):
            edit.clear()
        self.entity_filter.setCurrentIndex(0)
        self.entity_filter.setEditText("")
        self.kind_filter.setCurrentIndex(0)
        self.refresh()

    def show_break_glass(self) -> None:
        self.kind_filter.setCurrentIndex(self.kind_filter.findData("break_glass"))
        self.refresh()

    def set_record(self, entity: str, entity_id: int) -> None:
        self.entity_filter.setEditText(entity)
        self.entity_id.setText(str(entity_id))

    # Reading ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        self._loaded = True
        self._say("")
        user = self.context.user
        self.context.operations.run(lambda _progress: list_events(user, wanted), self._show,
                                    parent=self, on_failure=self._refused,
                                    latest_key=f"audit-{id(self)}")

    def _show(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        count = f"{len(rows):,} event{'s' if len(rows) != 1 else ''}, newest first"
        if len(rows) >= SCREEN_LIMIT:
            count += (f" (only the newest {SCREEN_LIMIT:,}: narrow the filters, or export "
                      "them all to CSV)")
        self.count_label.setText(count + ".")

    def selected_event(self) -> AuditRow | None:
        rows = self.table.selected_rows()
        return self.model.row_at(rows[0]) if rows else None

    def show_viewers(self) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        entity, entity_id = wanted.entity, wanted.entity_id
        event = self.selected_event()
        if entity_id is None and event is not None and event.entity_id is not None \
                and event.last_entity_id is None:
            entity, entity_id = event.entity, event.entity_id
        if entity is None or entity_id is None:
            self._say("", "Choose a record first: its kind and number above (a person and "
                          "their number, say), or select an event about one.")
            mark_invalid(self.entity_filter, "Which record?")
            return
        user, record = self.context.user, f"{entity} {entity_id}"
        kind, number = entity, entity_id

        def done(viewers: list[Viewer]) -> None:
            self.viewers_dialog = ViewersDialog(record, viewers, self)
            self.viewers_dialog.open()

        self.context.operations.run(lambda _progress: record_viewers(user, kind, number), done,
                                    parent=self, on_failure=self._refused)

    def export(self) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        path = self.choose_file(self, f"audit-{date.today():%Y-%m-%d}.csv")
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".csv")
        user = self.context.user
        self.context.operations.run(
            lambda _progress: export_events(user, wanted, path),
            lambda count: self._say(f"{count:,} event{'s' if count != 1 else ''} exported "
                                    f"to {path}."),
            parent=self, on_failure=self._refused)

    def check_chain(self) -> None:
        user = self.context.user
        self._say("Checking the chain of every event ...")
        self.verify_button.setEnabled(False)

        def done(check: ChainCheck) -> None:
            self.verify_button.setEnabled(True)
            if check.broken is None:
                self._say(chain_sentence(check))
            else:
                self._say("", chain_sentence(check))

        def failed(error: BaseException) -> bool:
            self.verify_button.setEnabled(True)
            return self._refused(error)

        self.context.operations.run(lambda _progress: verify(user), done, parent=self,
                                    on_failure=failed)

    # Messages -----------------------------------------------------------------------------

    def _say(self, text: str, problem: str | None = None) -> None:
        self.message.setText(text)
        show_message(self.error, problem)

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, UserError):
            self._say("", str(error))
            return True
        return False

    def save_state(self) -> None:
        self.table.save_state()
