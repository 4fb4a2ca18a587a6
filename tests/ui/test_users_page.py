"""The Users screen: the accounts table (its model checked by qtmodeltester), adding a user,
disabling and enabling, resetting a password and changing a role; refusals in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt

from scs_victims.accounts import Account, Role
from scs_victims.actions.signing_in import sign_in
from scs_victims.actions.users import add_user, list_users
from scs_victims.errors import SignInRefused
from tests.ui.conftest import ErrorRecorder, shown, wait_idle
from ui.context import AppContext
from ui.users.dialogs import MUST_CHANGE_RULE, AddUserDialog
from ui.users.model import (
    COL_ENABLED,
    COL_FAILED,
    COL_LAST_SIGN_IN,
    COL_MUST_CHANGE,
    COL_NAME,
    COL_ROLE,
    SORT_ROLE,
    UsersModel,
)
from ui.users.page import UsersPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
FIRST_PASSWORD = "first-synthetic-0001"


def _account(name: str, **changes: Any) -> Account:
    values: dict[str, Any] = {
        "id": 1, "name": name, "full_name": None, "role": Role.OFFICER, "disabled": False,
        "must_change_password": False, "created_at": datetime(2025, 4, 1, 9, 0),
        "last_sign_in_at": None, "failed_sign_ins": 0, "last_failed_at": None}
    values.update(changes)
    return Account(**values)


def test_the_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = UsersModel()
    qtmodeltester.check(model)
    model.set_rows([
        _account("a.one", full_name="Synthetic One", role=Role.ADMIN,
                 last_sign_in_at=datetime(2025, 5, 2, 8, 30)),
        _account("b.two", id=2, disabled=True, must_change_password=True, failed_sign_ins=4,
                 last_failed_at=datetime(2025, 5, 3, 7, 15)),
    ])
    qtmodeltester.check(model)
    assert model.index(0, COL_ROLE).data() == "admin"
    assert model.index(0, COL_LAST_SIGN_IN).data() == "02/05/2025 08:30"
    assert model.index(0, COL_ENABLED).data() == "Yes"
    assert model.index(1, COL_ENABLED).data() == "No (disabled)"
    assert model.index(1, COL_MUST_CHANGE).data() == "Yes"
    assert model.index(1, COL_LAST_SIGN_IN).data() == "never"
    assert model.index(1, COL_FAILED).data() == "4"
    assert model.index(1, COL_FAILED).data(SORT_ROLE) == 4
    assert "no person records" not in model.index(0, COL_ROLE).data(
        Qt.ItemDataRole.ToolTipRole)
    assert model.row_of("b.two") == 1 and model.row_of("nobody") is None


def _page(qtbot: Any, context: AppContext) -> UsersPage:
    page = UsersPage(context)
    page.holder = shown(page, qtbot)  # type: ignore[attr-defined]  # kept while the page is
    # What the main window does after each change that concerns the screen.
    context.signals.data_changed.connect(
        lambda changes: page.refresh() if changes.any(*page.REFRESH_ON) else None)
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def _names(page: UsersPage) -> list[str]:
    return [page.model.index(row, COL_NAME).data() for row in range(page.model.rowCount())]


def _select(page: UsersPage, name: str) -> Account:
    page.select(name)
    account = page.selected()
    assert account is not None and account.name == name
    return account


def _wait_closed(qtbot: Any, context: AppContext, page: UsersPage) -> None:
    wait_idle(qtbot, context)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    wait_idle(qtbot, context)


def _add(qtbot: Any, context: AppContext, page: UsersPage, name: str, role: Role,
         password: str = FIRST_PASSWORD) -> AddUserDialog:
    page.add_button.click()
    dialog = page.dialog
    assert isinstance(dialog, AddUserDialog)
    dialog.name.setText(name)
    dialog.full_name.setText("Synthetic Colleague")
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    dialog.password.setText(password)
    dialog.repeat.setText(password)
    dialog.ok_button.click()
    wait_idle(qtbot, context)
    return dialog


def test_adding_a_user(qtbot: Any, empty_context: AppContext, errors: ErrorRecorder) -> None:
    page = _page(qtbot, empty_context)
    assert _names(page) == ["test-admin"]
    page.add_button.click()
    assert page.dialog is not None
    assert MUST_CHANGE_RULE in "".join(label.text() for label in page.dialog.findChildren(
        type(page.message)))
    page.dialog.reject()
    _wait_closed(qtbot, empty_context, page)
    _add(qtbot, empty_context, page, "j.smith", Role.MARAC)
    _wait_closed(qtbot, empty_context, page)
    qtbot.waitUntil(lambda: "j.smith" in _names(page), timeout=5_000)
    assert "must change the password" in page.message.text()
    account = next(a for a in list_users(empty_context.user) if a.name == "j.smith")
    assert account.role is Role.MARAC and account.must_change_password
    assert account.full_name == "Synthetic Colleague"
    assert errors.errors == []


def test_adding_a_user_refused_highlights_the_field(qtbot: Any,
                                                    empty_context: AppContext) -> None:
    page = _page(qtbot, empty_context)
    dialog = _add(qtbot, empty_context, page, "test-admin", Role.OFFICER)
    assert dialog.isVisible() and dialog.name.property("invalid")
    assert "already a user" in dialog.errors.label.text()
    dialog.name.setText("j.smith")
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    dialog.ok_button.click()
    wait_idle(qtbot, empty_context)
    assert dialog.password.property("invalid") and not dialog.name.property("invalid")
    dialog.repeat.setText("something else")
    dialog.ok_button.click()
    assert dialog.repeat.property("invalid")
    assert dialog.errors.label.text() == "The two passwords are not the same."
    dialog.reject()
    assert _names(page) == ["test-admin"]


def test_disable_and_enable(qtbot: Any, empty_context: AppContext) -> None:
    add_user(empty_context.user, "j.smith", Role.OFFICER, FIRST_PASSWORD)
    page = _page(qtbot, empty_context)
    _select(page, "j.smith")
    assert page.disable_button.isEnabled() and not page.enable_button.isEnabled()
    page.disable_button.click()
    wait_idle(qtbot, empty_context)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().disabled,
                    timeout=5_000)
    assert "disabled" in page.message.text()
    assert page.enable_button.isEnabled() and not page.disable_button.isEnabled()
    with pytest.raises(SignInRefused):
        sign_in(empty_context.user.database, "j.smith", FIRST_PASSWORD)
    page.enable_button.click()
    wait_idle(qtbot, empty_context)
    qtbot.waitUntil(lambda: not page.selected().disabled, timeout=5_000)  # type: ignore[union-attr]
    assert sign_in(empty_context.user.database, "j.smith", FIRST_PASSWORD).name == "j.smith"


def test_the_last_administrator_cannot_be_disabled(qtbot: Any, empty_context: AppContext,
                                                   errors: ErrorRecorder) -> None:
    page = _page(qtbot, empty_context)
    _select(page, "test-admin")
    page.disable_button.click()
    wait_idle(qtbot, empty_context)
    assert page.error.isVisible() and "only administrator" in page.error.text()
    assert errors.errors == []
    assert not _select(page, "test-admin").disabled


def test_resetting_a_password(qtbot: Any, empty_context: AppContext) -> None:
    from scs_victims.actions.signing_in import change_own_password

    add_user(empty_context.user, "j.smith", Role.OFFICER, FIRST_PASSWORD)
    change_own_password(sign_in(empty_context.user.database, "j.smith", FIRST_PASSWORD),
                        FIRST_PASSWORD, "own-synthetic-0003")
    page = _page(qtbot, empty_context)
    assert page.selected() is None and not page.reset_button.isEnabled()
    _select(page, "j.smith")
    page.reset_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert "must choose their own password" in "".join(
        label.text() for label in dialog.findChildren(type(page.message)))
    dialog.new.setText("reset-synthetic-0002")  # type: ignore[attr-defined]
    dialog.repeat.setText("reset-synthetic-0002")  # type: ignore[attr-defined]
    dialog.ok_button.click()  # type: ignore[attr-defined]
    _wait_closed(qtbot, empty_context, page)
    assert "must change it" in page.message.text()
    user = sign_in(empty_context.user.database, "j.smith", "reset-synthetic-0002")
    assert user.account.must_change_password
    qtbot.waitUntil(lambda: page.model.index(page.model.row_of("j.smith") or 0,
                                             COL_MUST_CHANGE).data() == "Yes", timeout=5_000)


def test_changing_a_role(qtbot: Any, empty_context: AppContext) -> None:
    add_user(empty_context.user, "j.smith", Role.OFFICER, FIRST_PASSWORD)
    page = _page(qtbot, empty_context)
    _select(page, "j.smith")
    page.role_button.click()
    dialog = page.dialog
    assert dialog is not None
    dialog.role.setCurrentIndex(dialog.role.findData(Role.ANALYST))  # type: ignore[attr-defined]
    dialog.ok_button.click()  # type: ignore[attr-defined]
    _wait_closed(qtbot, empty_context, page)
    assert page.message.text() == "j.smith is now analyst."
    qtbot.waitUntil(lambda: _select(page, "j.smith").role is Role.ANALYST, timeout=5_000)

    # The only administrator cannot give the role away: refused in place, the role
    # highlighted.
    _select(page, "test-admin")
    page.role_button.click()
    dialog = page.dialog
    assert dialog is not None
    dialog.role.setCurrentIndex(dialog.role.findData(Role.OFFICER))  # type: ignore[attr-defined]
    dialog.ok_button.click()  # type: ignore[attr-defined]
    wait_idle(qtbot, empty_context)
    assert dialog.isVisible() and dialog.role.property("invalid")  # type: ignore[attr-defined]
    assert "only administrator" in dialog.errors.label.text()  # type: ignore[attr-defined]
    dialog.reject()
