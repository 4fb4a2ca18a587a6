"""The Users screen's forms: a new account, a password reset, a new role.

Each is opened with ``open()`` (tests drive them directly) and accepted once the core has
made the change; a refusal stays in the form as a sentence, the field highlighted.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.accounts import ROLE_DESCRIPTIONS, Account, Role
from scs_victims.actions.users import add_user, reset_password, set_role
from scs_victims.errors import FormInvalid, UserError
from scs_victims.progress import ProgressCallback
from ui.account.fields import (
    NOT_THE_SAME,
    PASSWORD_RULE,
    FieldErrors,
    password_edit,
    text_edit,
)
from ui.context import AppContext

MUST_CHANGE_RULE = ("They must choose their own password when they next sign in. Give them "
                    "this one in person or by telephone, not by e-mail.")


def role_box(current: Role = Role.OFFICER) -> QComboBox:
    """Every role, each with what it may do."""
    box = QComboBox()
    box.setAccessibleName("Role")
    for role in Role:
        box.addItem(f"{role.value}: {ROLE_DESCRIPTIONS[role]}", role)
    box.setCurrentIndex(list(Role).index(current))
    return box


def chosen_role(box: QComboBox) -> Role:
    # Qt hands a StrEnum back as its plain string.
    return Role(box.currentData())


def _row(form: QFormLayout, text: str, widget: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(widget)
    form.addRow(label, widget)


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class _UserForm(QDialog):
    """A form whose one change runs on a worker thread; ``done_message`` says what was done
    once accepted (the Users screen shows it)."""

    def __init__(self, context: AppContext, title: str, action_text: str,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.done_message = ""
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.errors = FieldErrors({})
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = QPushButton(action_text)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.setMinimumWidth(460)

    def finish_layout(self, *notes: QLabel) -> None:
        self.body.addLayout(self.form)
        for note in notes:
            self.body.addWidget(note)
        self.body.addWidget(self.errors.label)
        self.body.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[ProgressCallback], Any], message: Callable[[Any], str],
            refused_field: str | None = None) -> None:
        """Run ``work``; a refusal that names no field highlights ``refused_field``."""
        self.errors.clear()
        self.ok_button.setEnabled(False)

        def done(result: Any) -> None:
            self.done_message = message(result)
            self.accept()

        def refused(error: BaseException) -> bool:
            self.ok_button.setEnabled(True)
            if refused_field and isinstance(error, UserError) and not isinstance(
                    error, FormInvalid):
                self.errors.refuse(refused_field, str(error))
                return True
            return self.errors.show(error)

        self.context.operations.run(work, done, parent=self, on_failure=refused)


class AddUserDialog(_UserForm):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Add a user", "&Add user", parent)
        self.name = text_edit("User name")
        self.full_name = text_edit("Full name")
        self.role = role_box()
        self.password = password_edit("First password")
        self.repeat = password_edit("First password again")
        self.errors.fields.update({"name": self.name, "full_name": self.full_name,
                                   "role": self.role, "password": self.password,
                                   "repeat": self.repeat})
        _row(self.form, "&User name:", self.name)
        _row(self.form, "&Full name:", self.full_name)
        _row(self.form, "&Role:", self.role)
        _row(self.form, "First &password:", self.password)
        _row(self.form, "Password &again:", self.repeat)
        self.finish_layout(_note(PASSWORD_RULE), _note(MUST_CHANGE_RULE))
        self.name.setFocus()

    def submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.errors.refuse("repeat", NOT_THE_SAME)
            return
        user = self.context.user
        name, role, password = self.name.text(), chosen_role(self.role), self.password.text()
        full_name = self.full_name.text().strip() or None
        self.run(lambda _progress: add_user(user, name, role, password, full_name),
                 lambda account: f"{account.name} ({account.role.value}) was added; they "
                                 "must change the password when they first sign in.")


class ResetPasswordDialog(_UserForm):
    def __init__(self, context: AppContext, account: Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, f"Reset the password of {account.name}",
                         "&Reset password", parent)
        self.account = account
        self.new = password_edit("New password")
        self.repeat = password_edit("New password again")
        self.errors.fields.update({"new_password": self.new, "repeat": self.repeat})
        _row(self.form, "&New password:", self.new)
        _row(self.form, "Password &again:", self.repeat)
        self.finish_layout(_note(f"A new password for <b>{escape(account.name)}</b>, who "
                                 "has forgotten theirs. " + MUST_CHANGE_RULE),
                           _note(PASSWORD_RULE))
        self.new.setFocus()

    def submit(self) -> None:
        if self.new.text() != self.repeat.text():
            self.errors.refuse("repeat", NOT_THE_SAME)
            return
        user, name, password = self.context.user, self.account.name, self.new.text()
        self.run(lambda _progress: reset_password(user, name, password),
                 lambda account: f"The password of {account.name} was reset; they must "
                                 "change it when they next sign in.")


class ChangeRoleDialog(_UserForm):
    def __init__(self, context: AppContext, account: Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(context, f"Change the role of {account.name}", "&Change role",
                         parent)
        self.account = account
        self.role = role_box(account.role)
        self.errors.fields["role"] = self.role
        _row(self.form, "&Role:", self.role)
        self.finish_layout(_note("The new role applies from the user's next action, even if "
                                 "they are signed in now."))
        self.role.setFocus()

    def submit(self) -> None:
        user, name, role = self.context.user, self.account.name, chosen_role(self.role)
        self.run(lambda _progress: set_role(user, name, role),
                 lambda account: f"{account.name} is now {account.role.value}.", "role")
