"""Changing one's own password: from the menu ("Change my password..."), or before the main
window opens when an administrator has reset it (the account must change it)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.base import SignedIn
from scs_victims.actions.signing_in import PasswordChanged, change_own_password
from ui.account.fields import NOT_THE_SAME, PASSWORD_RULE, FieldErrors, password_edit
from ui.operations import Operations

RESET_NOTICE = ("An administrator has set your password. Choose your own before you go on: "
                "nobody else will know it.")


class ChangePasswordDialog(QDialog):
    """The current password (unless just typed at sign-in: ``current``) and the new one
    twice. Accepted once the core has stored it."""

    def __init__(self, user: SignedIn, operations: Operations, parent: QWidget | None = None,
                 *, current: str | None = None, required: bool = False) -> None:
        super().__init__(parent)
        self.user = user
        self.operations = operations
        self._given_current = current
        self.busy = False
        self.setWindowTitle("Change my password")
        self.current = password_edit("Current password")
        self.new = password_edit("New password")
        self.repeat = password_edit("New password again")
        self.errors = FieldErrors({"current_password": self.current,
                                   "new_password": self.new, "repeat": self.repeat})
        form = QFormLayout()
        if current is None:
            label = QLabel("&Current password:")
            label.setBuddy(self.current)
            form.addRow(label, self.current)
        for text, edit in (("&New password:", self.new), ("New password &again:", self.repeat)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        rule = QLabel(PASSWORD_RULE)
        rule.setWordWrap(True)
        form.addRow("", rule)
        layout = QVBoxLayout(self)
        intro = QLabel(RESET_NOTICE if required else
                       f"Signed in as <b>{escape(user.name)}</b>.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.label)
        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Change password")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("&Quit" if required else "Cancel",
                               QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        (self.current if current is None else self.new).setFocus()

    def submit(self) -> None:
        current = self._given_current if self._given_current is not None else \
            self.current.text()
        new = self.new.text()
        if not current:
            self.errors.refuse("current_password", "Enter your current password.")
            return
        if new != self.repeat.text():
            self.errors.refuse("repeat", NOT_THE_SAME)
            return
        self.errors.clear()
        self.busy = True
        self.buttons.setEnabled(False)
        user = self.user
        self.operations.run(lambda _progress: change_own_password(user, current, new),
                            self._changed, parent=self, on_failure=self._refused)

    def _changed(self, _result: PasswordChanged) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, error: BaseException) -> bool:
        self.busy = False
        self.buttons.setEnabled(True)
        return self.errors.show(error)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
