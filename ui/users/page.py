"""The Users screen (administrators): every account, with its role, whether it is enabled,
and its sign-ins (the last good one, the failures since); add, disable, enable, reset a
password, change a role. Nobody deletes an account: its audit trail stays attributable."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.accounts import Account
from scs_victims.actions.users import disable_user, enable_user, list_users
from scs_victims.errors import UserError
from ui.context import AppContext
from ui.users.dialogs import AddUserDialog, ChangeRoleDialog, ResetPasswordDialog
from ui.users.model import (
    COL_LAST_FAILURE,
    COL_LAST_SIGN_IN,
    COL_MUST_CHANGE,
    COL_NAME,
    UsersModel,
    sorting_proxy,
)
from ui.widgets import RecordTable, error_label, show_message


class UsersPage(QWidget):
    REFRESH_ON = ("accounts",)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._loaded = False
        self.dialog: QDialog | None = None  # the form open now (tests reach it here)
        self.model = UsersModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = RecordTable("users", context.settings)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("User accounts")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        if not self.table.restore_state():
            for column, width in ((COL_MUST_CHANGE, 170), (COL_LAST_SIGN_IN, 130),
                                  (COL_LAST_FAILURE, 130)):
                self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.change_role())

        self.add_button = QPushButton("&Add user...")
        self.disable_button = QPushButton("&Disable")
        self.enable_button = QPushButton("&Enable")
        self.reset_button = QPushButton("&Reset password...")
        self.role_button = QPushButton("Change &role...")
        self.disable_button.setToolTip("The account can no longer sign in; its work and its "
                                       "audit trail stay")
        self.reset_button.setToolTip("For a user who has forgotten their password: they "
                                     "must change it at their next sign-in")
        self.add_button.clicked.connect(self.add_user)
        self.disable_button.clicked.connect(lambda: self.set_enabled(False))
        self.enable_button.clicked.connect(lambda: self.set_enabled(True))
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.enable_button,
                       self.reset_button, self.role_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        intro = QLabel("Each colleague signs in with their own account. Nobody deletes an "
                       "account: disable it instead, so that what it did stays attributable.")
        intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    # Loading ------------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        user = self.context.user
        keep = self.selected()
        self.context.operations.run(lambda _progress: list_users(user),
                                    lambda accounts: self._show(accounts, keep), parent=self,
                                    latest_key=f"users-{id(self)}")

    def _show(self, accounts: list[Account], keep: Account | None) -> None:
        self.model.set_rows(accounts)
        if keep is not None:
            self.select(keep.name)
        self._update_buttons()

    def save_state(self) -> None:
        self.table.save_state()

    # Selection ----------------------------------------------------------------------------

    def selected(self) -> Account | None:
        rows = self.table.selected_rows()
        return self.model.row_at(rows[0]) if rows else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _update_buttons(self) -> None:
        account = self.selected()
        self.disable_button.setEnabled(account is not None and not account.disabled)
        self.enable_button.setEnabled(account is not None and account.disabled)
        self.reset_button.setEnabled(account is not None)
        self.role_button.setEnabled(account is not None)

    # Changes ------------------------------------------------------------------------------

    def _say(self, text: str, problem: str | None = None) -> None:
        self.message.setText(text)
        show_message(self.error, problem)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        self._say("")

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self._say(getattr(dialog, "done_message", ""))
            dialog.deleteLater()
            if self.dialog is dialog:
                self.dialog = None

        dialog.finished.connect(finished)
        dialog.open()

    def add_user(self) -> None:
        self._open(AddUserDialog(self.context, self))

    def reset_password(self) -> None:
        account = self.selected()
        if account is not None:
            self._open(ResetPasswordDialog(self.context, account, self))

    def change_role(self) -> None:
        account = self.selected()
        if account is not None:
            self._open(ChangeRoleDialog(self.context, account, self))

    def set_enabled(self, enabled: bool) -> None:
        account = self.selected()
        if account is None:
            return
        user, name = self.context.user, account.name
        self._say("")

        def done(changed: Account) -> None:
            self._say(f"{changed.name} can sign in again." if enabled else
                      f"{changed.name} is disabled: they cannot sign in until an "
                      "administrator enables the account again.")

        def refused(error: BaseException) -> bool:
            if isinstance(error, UserError):
                self._say("", str(error))
                return True
            return False

        work = enable_user if enabled else disable_user
        self.context.operations.run(lambda _progress: work(user, name), done, parent=self,
                                    on_failure=refused)
