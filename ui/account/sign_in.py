"""The two windows between opening a database and its main window: signing in, or, for a
database without accounts (every database made before sign-in existed), creating its first
administrator.

Both check the password on a worker thread (Argon2 takes a moment) and show a refusal as a
sentence inside the window, with the field it concerns highlighted.

Signing in to an encrypted file written by an earlier version also updates it (a backup
first): the window then shows how far that is, with Cancel. When someone else has the file
open, the window says who and offers to open it read-only (``SignedIn.read_only``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.base import SignedIn
from scs_victims.actions.opening import BACKING_UP, Database
from scs_victims.actions.signing_in import InUse, create_first_admin, sign_in
from scs_victims.errors import Cancelled, SignInRefused
from scs_victims.progress import ProgressCallback
from ui.account.fields import (
    NOT_THE_SAME,
    PASSWORD_RULE,
    FieldErrors,
    password_edit,
    text_edit,
)
from ui.opening import UPDATING_LABEL
from ui.operations import Operations, Task, current_task_cancelled

# After this many refusals in a row the window also says what to do about a forgotten
# password (the core records every failure for administrators; nobody is locked out).
HINT_AFTER_FAILURES = 3
FORGOTTEN = " If you have forgotten your password, an administrator can reset it."
READ_ONLY_OFFER = ("You can open it read-only meanwhile: you can look at records (each look "
                   "is recorded, as always) but not change anything.")
UPDATE_CANCELLED = ("The update was cancelled; the database is as it was. Sign in again to "
                    "update it.")


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _intro(html: str) -> QLabel:
    label = QLabel(html)
    label.setWordWrap(True)
    return label


class _AccountDialog(QDialog):
    """A small form whose work runs on the operations' worker thread: the buttons wait
    while it runs, and closing is refused meanwhile (the answer is moments away)."""

    def __init__(self, operations: Operations, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.operations = operations
        self.busy = False
        self.user: SignedIn | None = None
        self.buttons = QDialogButtonBox()

        self.status = QLabel()
        self.status.setObjectName("workingNotice")
        self.status.setVisible(False)

    def set_busy(self, busy: bool, doing: str = "") -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.status.setText(doing if busy else "")
        self.status.setVisible(busy and bool(doing))

    def reject(self) -> None:
        if not self.busy:
            super().reject()


class SignInDialog(_AccountDialog):
    """User name and password; ``user`` is the signed-in account once accepted."""

    def __init__(self, database: Database, operations: Operations,
                 parent: QWidget | None = None) -> None:
        super().__init__(operations, parent)
        self.database = database
        self.failures = 0
        self.task: Task[SignedIn] | None = None
        self.question: QMessageBox | None = None  # "open it read-only?", while asked
        self.setWindowTitle("Sign in to SCS Victims")
        self.name = text_edit("User name")
        self.password = password_edit("Password")
        self.errors = FieldErrors({"name": self.name, "password": self.password})
        form = QFormLayout()
        form.addRow(_buddy("&User name:", self.name), self.name)
        form.addRow(_buddy("&Password:", self.password), self.password)
        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("&Quit",
                                                  QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._build_updating()
        layout = QVBoxLayout(self)
        layout.addWidget(_intro("<p>Sign in to the database at</p>"
                                f"<p><tt>{escape(database.location)}</tt></p>"))
        layout.addLayout(form)
        layout.addWidget(self.errors.label)
        layout.addWidget(self.status)
        layout.addWidget(self.updating)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.name.setFocus()

    def _build_updating(self) -> None:
        """How far the update of an out-of-date file has got, with Cancel; hidden until
        the core says one has started."""
        self.updating = QWidget()
        self.updating.setObjectName("updatingDatabase")
        label = _intro(UPDATING_LABEL)
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Updating the database")
        self.progress_bar.setTextVisible(False)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setAccessibleName("Cancel the update")
        self.cancel_button.clicked.connect(self.cancel_update)
        row = QHBoxLayout()
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self.updating)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addLayout(row)
        self.updating.setVisible(False)

    def submit(self) -> None:
        name, password = self.name.text(), self.password.text()
        if not name.strip():
            self.errors.refuse("name", "Enter your user name.")
            return
        if not password:
            self.errors.refuse("password", "Enter your password.")
            return
        self.errors.clear()
        self._sign_in(name, password, read_only=False)

    def _sign_in(self, name: str, password: str, *, read_only: bool) -> None:
        self.set_busy(True, "Checking the password ...")
        database = self.database

        def work(progress: ProgressCallback) -> SignedIn:
            def heard(stage: str, done: int, total: int) -> None:
                # Pages of the backup are counted; checking it and migrating have no count.
                progress(done, total if stage == BACKING_UP else None)

            return sign_in(database, name, password, read_only=read_only, progress=heard,
                           stop=current_task_cancelled)

        self.task = self.operations.run(work, self._signed_in, parent=self,
                                        on_failure=self._refused)
        self.task.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)

    def _progressed(self, done: int, total: int) -> None:
        """The core is updating the file (only that reports progress during a sign-in)."""
        if self.task is None or self.task.done:
            return
        if not self.updating.isVisible():
            self.status.setVisible(False)
            self.cancel_button.setEnabled(True)
            self.updating.setVisible(True)
            self.adjustSize()  # room for the wrapped explanation
        if total <= 0:
            self.progress_bar.setRange(0, 0)  # busy: no count for this stage
            return
        # QProgressBar counts in int: large page counts are scaled to per mille.
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(min(1000, int(1000 * done / total)))

    def cancel_update(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling; nothing will be changed ...")
        self.status.setVisible(True)

    def set_busy(self, busy: bool, doing: str = "") -> None:
        super().set_busy(busy, doing)
        if not busy:
            self.updating.setVisible(False)

    def _signed_in(self, user: SignedIn) -> None:
        self.set_busy(False)
        self.user = user
        self.accept()

    def _refused(self, error: BaseException) -> bool:
        self.set_busy(False)
        if isinstance(error, Cancelled):
            self.errors.refuse(None, UPDATE_CANCELLED)
            return True
        if isinstance(error, InUse) and error.read_only_possible:
            self._offer_read_only(error)
            return True
        if isinstance(error, SignInRefused):
            self.failures += 1
            hint = FORGOTTEN if self.failures >= HINT_AFTER_FAILURES else ""
            self.password.clear()
            self.errors.refuse("password", str(error) + hint)
            return True
        return self.errors.show(error)

    def _offer_read_only(self, error: InUse) -> None:
        """Someone else has the file open: say who, and ask whether to open it read-only."""
        question = QMessageBox(QMessageBox.Icon.Question, "The database is in use",
                               f"{error}\n\n{READ_ONLY_OFFER}", parent=self)
        read_only = question.addButton("Open &read-only", QMessageBox.ButtonRole.AcceptRole)
        question.addButton(QMessageBox.StandardButton.Cancel)
        question.setDefaultButton(read_only)
        name, password, sentence = self.name.text(), self.password.text(), str(error)

        def answered(_result: int) -> None:
            self.question = None
            question.deleteLater()
            if question.clickedButton() is read_only:
                self._sign_in(name, password, read_only=True)
            else:
                self.errors.refuse(None, sentence)

        question.finished.connect(answered)
        self.question = question
        question.open()


class FirstAdminDialog(_AccountDialog):
    """The first administrator of a database without accounts. A database that already
    holds records is backed up first; the window then says where the copy is."""

    def __init__(self, database: Database, operations: Operations,
                 parent: QWidget | None = None) -> None:
        super().__init__(operations, parent)
        self.database = database
        self.backup: Path | None = None
        self.setWindowTitle("Create the first administrator")
        self.name = text_edit("User name")
        self.full_name = text_edit("Full name")
        self.password = password_edit("Password")
        self.repeat = password_edit("Password again")
        self.errors = FieldErrors({"name": self.name, "full_name": self.full_name,
                                   "password": self.password, "repeat": self.repeat})
        form = QFormLayout()
        form.addRow(_buddy("&User name:", self.name), self.name)
        form.addRow(_buddy("&Full name:", self.full_name), self.full_name)
        form.addRow(_buddy("&Password:", self.password), self.password)
        form.addRow(_buddy("Password &again:", self.repeat), self.repeat)
        rule = QLabel(PASSWORD_RULE)
        rule.setWordWrap(True)
        form.addRow("", rule)
        asking = QWidget()
        asking_layout = QVBoxLayout(asking)
        asking_layout.setContentsMargins(0, 0, 0, 0)
        asking_layout.addWidget(_intro(
            "<p>This database has no user accounts yet: it is new, or it was made before "
            "SCS Victims asked everyone to sign in.</p>"
            f"<p><tt>{escape(database.location)}</tt></p>"
            "<p>Create its first <b>administrator</b>. The administrator then adds an account "
            "for each colleague, with the role their work needs.</p>"
            "<p>If the database already holds records, a backup copy of it is made first, "
            "before anything changes, and you will be told where it is.</p>"))
        asking_layout.addLayout(form)
        asking_layout.addWidget(self.errors.label)
        asking_layout.addWidget(self.status)
        self.done_label = _intro("")
        self.done_label.setObjectName("backupNotice")
        self.pages = QStackedWidget()
        self.pages.addWidget(asking)
        self.pages.addWidget(self.done_label)
        self.create_button = QPushButton("&Create administrator")
        self.create_button.setDefault(True)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("&Quit",
                                                  QDialogButtonBox.ButtonRole.RejectRole)
        self.continue_button = self.buttons.addButton("&Continue",
                                                      QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setVisible(False)
        self.create_button.clicked.connect(self.submit)
        self.continue_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.name.setFocus()

    def submit(self) -> None:
        name, password = self.name.text(), self.password.text()
        if not name.strip():
            self.errors.refuse("name", "Enter a user name for the administrator.")
            return
        if password != self.repeat.text():
            self.errors.refuse("repeat", NOT_THE_SAME)
            return
        self.errors.clear()
        self.set_busy(True, "Making a backup if the database holds records, then the "
                            "account ...")
        database, full_name = self.database, self.full_name.text().strip() or None
        self.operations.run(
            lambda _progress: create_first_admin(database, name, password, full_name),
            self._created, parent=self, on_failure=self._refused)

    def _created(self, result: tuple[SignedIn, Path | None]) -> None:
        self.set_busy(False)
        self.user, self.backup = result
        if self.backup is None:
            self.accept()
            return
        # Say where the copy went before going on: it is the way back if anything is wrong.
        self.done_label.setText(
            f"<p>The administrator <b>{escape(self.user.name)}</b> is ready.</p>"
            "<p>Before the account was written, the database was backed up to:</p>"
            f"<p><tt>{escape(str(self.backup))}</tt></p>")
        self.pages.setCurrentWidget(self.done_label)
        self.create_button.setVisible(False)
        self.quit_button.setVisible(False)
        self.continue_button.setVisible(True)
        self.continue_button.setDefault(True)
        self.continue_button.setFocus()

    def _refused(self, error: BaseException) -> bool:
        self.set_busy(False)
        return self.errors.show(error)

    def reject(self) -> None:
        if self.user is None:  # once the account exists there is only Continue
            super().reject()
