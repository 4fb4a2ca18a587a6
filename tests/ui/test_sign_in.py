"""Signing in on screen: the sign-in window, the first administrator of a database without
accounts (backed up first when it holds records), and a password reset by an administrator
changed before the main window opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from scs_victims.accounts import Role
from scs_victims.actions.audit_log import list_events
from scs_victims.actions.signing_in import WRONG, sign_in
from scs_victims.actions.users import add_user, reset_password
from scs_victims.audit_trail import AuditFilter
from scs_victims.errors import SignInRefused
from scs_victims.storage.database import Database
from tests.helpers.accounts import TEST_PASSWORD, signed_in
from tests.ui.conftest import ErrorRecorder
from ui.account.flow import sign_in_flow
from ui.account.password import ChangePasswordDialog
from ui.account.sign_in import FORGOTTEN, FirstAdminDialog, SignInDialog
from ui.operations import Operations

NEW_PASSWORD = "another-synthetic-5678"
# These windows are top-level, and the offscreen platform warns when one sizes itself.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")



def _invalid(widget: Any) -> bool:
    return bool(widget.property("invalid"))


def _sign_in_dialog(qtbot: Any, database: Database, operations: Operations) -> SignInDialog:
    dialog = SignInDialog(database, operations)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _submit(qtbot: Any, dialog: Any, name: str, password: str) -> None:
    dialog.name.setText(name)
    dialog.password.setText(password)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def test_the_right_password_signs_in(qtbot: Any, database: Database,
                                     operations: Operations) -> None:
    signed_in(database, Role.OFFICER)
    dialog = _sign_in_dialog(qtbot, database, operations)
    assert database.location in "".join(label.text() for label in dialog.findChildren(
        type(dialog.errors.label)))
    _submit(qtbot, dialog, "test-officer", TEST_PASSWORD)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.user is not None and dialog.user.role is Role.OFFICER
    assert not dialog.errors.label.isVisible()


def test_a_wrong_password_is_a_sentence_in_the_window(qtbot: Any, database: Database,
                                                      operations: Operations,
                                                      errors: ErrorRecorder) -> None:
    admin = signed_in(database)
    dialog = _sign_in_dialog(qtbot, database, operations)
    for attempt in range(1, 4):
        _submit(qtbot, dialog, "test-admin", f"not the password {attempt}")
        assert dialog.isVisible() and dialog.user is None
        assert dialog.errors.label.isVisible()
        assert dialog.errors.label.text().startswith(WRONG)
        assert (FORGOTTEN in dialog.errors.label.text()) is (attempt >= 3)
        assert _invalid(dialog.password) and not _invalid(dialog.name)
        assert dialog.password.text() == ""  # typed again, not kept
    # An unknown name gets the same sentence (it does not tell which names exist).
    _submit(qtbot, dialog, "nobody-here", "whatever-it-is")
    assert dialog.errors.label.text().startswith(WRONG)
    # The failures went to the core's record, not to an error box; the window still works.
    assert errors.errors == []
    failures = list_events(admin, AuditFilter(kind="sign_in_failed"))
    assert len(failures) == 4
    _submit(qtbot, dialog, "test-admin", TEST_PASSWORD)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert not _invalid(dialog.password)


def test_empty_fields_are_asked_for(qtbot: Any, database: Database,
                                    operations: Operations) -> None:
    signed_in(database)
    dialog = _sign_in_dialog(qtbot, database, operations)
    dialog.sign_in_button.click()
    assert dialog.errors.label.text() == "Enter your user name." and _invalid(dialog.name)
    dialog.name.setText("test-admin")
    dialog.sign_in_button.click()
    assert dialog.errors.label.text() == "Enter your password." and _invalid(dialog.password)
    assert not _invalid(dialog.name)


def _first_admin(qtbot: Any, database: Database, operations: Operations) -> FirstAdminDialog:
    dialog = FirstAdminDialog(database, operations)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill_admin(dialog: FirstAdminDialog, password: str = TEST_PASSWORD,
                repeat: str | None = None) -> None:
    dialog.name.setText("first-admin")
    dialog.full_name.setText("Synthetic Administrator")
    dialog.password.setText(password)
    dialog.repeat.setText(password if repeat is None else repeat)


def test_the_first_administrator_of_a_new_database(qtbot: Any, database: Database,
                                                   operations: Operations) -> None:
    dialog = _first_admin(qtbot, database, operations)
    assert "backup copy" in dialog.pages.currentWidget().findChildren(
        type(dialog.done_label))[0].text()
    _fill_admin(dialog)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert dialog.backup is None  # nothing to back up in a new database
    assert dialog.user is not None and dialog.user.role is Role.ADMIN
    assert dialog.user.account.full_name == "Synthetic Administrator"
    assert sign_in(database, "first-admin", TEST_PASSWORD).role is Role.ADMIN


def test_a_database_holding_records_is_backed_up_before_its_first_administrator(
        qtbot: Any, database: Database, operations: Operations) -> None:
    from scs_victims.demo import load_demo_borough

    load_demo_borough(database, 30, seed=2)  # made before accounts existed: no accounts
    dialog = _first_admin(qtbot, database, operations)
    _fill_admin(dialog)
    dialog.create_button.click()
    qtbot.waitUntil(dialog.continue_button.isVisible, timeout=20_000)
    assert dialog.backup is not None and dialog.backup.exists()
    assert dialog.backup.parent.name == "backups"
    assert str(dialog.backup) in dialog.done_label.text()
    assert dialog.result() != QDialog.DialogCode.Accepted  # said before going on
    dialog.reject()  # there is no going back once the account exists
    assert dialog.isVisible()
    dialog.continue_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user is not None


def test_first_administrator_refusals_highlight_the_field(
        qtbot: Any, database: Database, operations: Operations) -> None:
    dialog = _first_admin(qtbot, database, operations)
    _fill_admin(dialog, repeat="something else entirely")
    dialog.create_button.click()
    assert _invalid(dialog.repeat) and dialog.errors.label.text() == \
        "The two passwords are not the same."
    _fill_admin(dialog, password="short")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert _invalid(dialog.password) and not _invalid(dialog.repeat)
    assert "at least" in dialog.errors.label.text()
    assert dialog.user is None and dialog.isVisible()


# The whole way in, with each window driven as a user would --------------------------------

def _runner(qtbot: Any, *steps: Callable[[Any], None]) -> tuple[Any, list[str]]:
    queue, shown = list(steps), []

    def run(dialog: QDialog) -> bool:
        shown.append(type(dialog).__name__)
        dialog.show()
        queue.pop(0)(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
        return dialog.result() == QDialog.DialogCode.Accepted

    return run, shown


def _type_sign_in(name: str, password: str) -> Callable[[Any], None]:
    def step(dialog: Any) -> None:
        dialog.name.setText(name)
        dialog.password.setText(password)
        dialog.sign_in_button.click()
    return step


def test_a_reset_password_is_changed_before_the_window_opens(
        qtbot: Any, database: Database, operations: Operations) -> None:
    admin = signed_in(database)
    add_user(admin, "j.smith", Role.OFFICER, "first-synthetic-0001")
    reset_password(admin, "j.smith", "reset-synthetic-0002")

    def change(dialog: ChangePasswordDialog) -> None:
        assert not dialog.current.isVisible()  # just typed at sign-in: not asked again
        dialog.new.setText(NEW_PASSWORD)
        dialog.repeat.setText("not the same one")
        dialog.save_button.click()
        assert _invalid(dialog.repeat)
        dialog.new.setText("reset-synthetic-0002")
        dialog.repeat.setText("reset-synthetic-0002")
        dialog.save_button.click()  # the same as before: refused by the core
        qtbot.waitUntil(lambda: _invalid(dialog.new), timeout=10_000)
        assert dialog.isVisible()
        dialog.new.setText(NEW_PASSWORD)
        dialog.repeat.setText(NEW_PASSWORD)
        dialog.save_button.click()

    run, shown = _runner(qtbot, _type_sign_in("j.smith", "reset-synthetic-0002"), change)
    user = sign_in_flow(database, operations, run=run)
    assert shown == ["SignInDialog", "ChangePasswordDialog"]
    assert user is not None and user.name == "j.smith"
    assert not user.account.must_change_password
    with pytest.raises(SignInRefused):
        sign_in(database, "j.smith", "reset-synthetic-0002")
    assert sign_in(database, "j.smith", NEW_PASSWORD).name == "j.smith"


def test_quitting_at_the_new_password_opens_nothing(
        qtbot: Any, database: Database, operations: Operations) -> None:
    admin = signed_in(database)
    add_user(admin, "j.smith", Role.OFFICER, "first-synthetic-0001")
    run, shown = _runner(qtbot, _type_sign_in("j.smith", "first-synthetic-0001"),
                         lambda dialog: dialog.reject())
    assert sign_in_flow(database, operations, run=run) is None
    assert shown == ["SignInDialog", "ChangePasswordDialog"]
    assert [row.user for row in list_events(admin, AuditFilter(kind="sign_out"))] == ["j.smith"]


def test_cancelling_the_sign_in_opens_nothing(qtbot: Any, database: Database,
                                              operations: Operations) -> None:
    signed_in(database)
    run, shown = _runner(qtbot, lambda dialog: dialog.quit_button.click())
    assert sign_in_flow(database, operations, run=run) is None
    assert shown == ["SignInDialog"]


def test_a_database_without_accounts_asks_for_its_first_administrator(
        qtbot: Any, tmp_path: Path, operations: Operations) -> None:
    from scs_victims.actions.opening import close_store, open_store

    database = open_store(str(tmp_path / "new.db"))
    try:
        def create(dialog: FirstAdminDialog) -> None:
            _fill_admin(dialog)
            dialog.create_button.click()

        run, shown = _runner(qtbot, create)
        user = sign_in_flow(database, operations, run=run)
        assert shown == ["FirstAdminDialog"]
        assert user is not None and user.role is Role.ADMIN
    finally:
        close_store(database)
