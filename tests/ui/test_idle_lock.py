"""The idle lock: the window hides its content after a while without input (a short delay
here), asks for the password again, and loses nothing typed, in the window or its forms."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from scs_victims.actions.audit_log import list_events
from scs_victims.audit_trail import AuditFilter
from tests.helpers.accounts import TEST_PASSWORD
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.account.idle_lock import MINUTE_MS
from ui.context import AppContext
from ui.main_window import MainWindow

IDLE_MS = 400
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _window(qtbot: Any, context: AppContext, idle_ms: int | None = IDLE_MS) -> MainWindow:
    window = MainWindow(context, idle_lock_ms=idle_ms)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, context)
    return window


def _unlock(qtbot: Any, window: MainWindow, password: str) -> None:
    window.lock_panel.password.setText(password)
    window.lock_panel.unlock_button.click()
    qtbot.waitUntil(window.lock_panel.unlock_button.isEnabled, timeout=10_000)


def test_idle_hides_everything_and_the_password_brings_it_back(
        qtbot: Any, empty_context: AppContext, errors: ErrorRecorder) -> None:
    window = _window(qtbot, empty_context)
    assert window.audit is not None and window.users is not None
    window.go_to(window.audit)
    window.audit.user_filter.setText("half-typed filter")
    # A form open in a window of its own, with something typed in it.
    window.go_to(window.users)
    window.users.add_button.click()
    form = window.users.dialog
    assert form is not None and form.isVisible()
    form.name.setText("someone-new")  # type: ignore[attr-defined]
    form.password.setText("typed but not saved")  # type: ignore[attr-defined]

    qtbot.waitUntil(lambda: window.locked, timeout=5_000)
    assert window.body.currentWidget() is window.lock_panel
    assert not window.splitter.isVisible() and not window.splitter.isEnabled()
    assert not form.isVisible()
    assert not window.new_incident_action.isEnabled()
    assert not window.lock_action.isEnabled()
    assert "test-admin" in window.lock_panel.explanation.text()

    _unlock(qtbot, window, "not my password")
    assert window.locked and not form.isVisible()
    assert window.lock_panel.errors.label.text() == "That is not the right password."
    assert window.lock_panel.password.property("invalid")

    _unlock(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked, timeout=5_000)
    assert window.body.currentWidget() is window.splitter and window.splitter.isEnabled()
    assert form.isVisible()
    assert form.name.text() == "someone-new"  # type: ignore[attr-defined]
    assert form.password.text() == "typed but not saved"  # type: ignore[attr-defined]
    assert window.audit.user_filter.text() == "half-typed filter"
    assert window.new_incident_action.isEnabled() and window.lock_action.isEnabled()
    assert window.lock_panel.password.text() == ""
    kinds = [row.kind for row in list_events(empty_context.user, AuditFilter())]
    assert "unlock" in kinds and "sign_in_failed" in kinds
    assert errors.errors == []
    form.reject()


def test_input_keeps_the_window_open(qtbot: Any, empty_context: AppContext) -> None:
    window = _window(qtbot, empty_context)
    assert window.audit is not None
    window.go_to(window.audit)
    field = window.audit.user_filter
    field.setFocus()
    for _ in range(8):  # twice the delay, typing all the while
        qtbot.keyClick(field, Qt.Key.Key_A)
        qtbot.wait(IDLE_MS // 4)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)


def test_lock_now(qtbot: Any, empty_context: AppContext) -> None:
    window = _window(qtbot, empty_context, idle_ms=60 * MINUTE_MS)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    assert "was locked" in window.lock_panel.explanation.text()
    # The window's commands do nothing while it is locked.
    window.refresh_action.trigger()
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.body.currentWidget() is window.lock_panel
    _unlock(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked, timeout=5_000)
    assert window.idle.watching


def test_a_question_open_at_the_lock_is_answered_cancel(qtbot: Any,
                                                        empty_context: AppContext) -> None:
    window = _window(qtbot, empty_context, idle_ms=60 * MINUTE_MS)
    question = QDialog(window)
    question.setWindowModality(Qt.WindowModality.ApplicationModal)
    question.show()
    window.lock_now()
    assert not question.isVisible()
    assert question.result() == QDialog.DialogCode.Rejected
    _unlock(qtbot, window, TEST_PASSWORD)
    qtbot.waitUntil(lambda: not window.locked, timeout=5_000)
    assert not question.isVisible()  # it cannot be asked again


def test_signing_out_from_the_lock(qtbot: Any, empty_context: AppContext) -> None:
    window = _window(qtbot, empty_context, idle_ms=60 * MINUTE_MS)
    assert window.users is not None
    window.go_to(window.users)
    window.users.add_button.click()
    form = window.users.dialog
    assert form is not None
    window.lock_now()
    window.lock_panel.sign_out_button.click()
    assert window.signing_out and not window.isVisible()
    assert not form.isVisible()


def test_the_delay_is_the_security_setting(qtbot: Any, empty_context: AppContext) -> None:
    from scs_victims.actions.settings import save_security
    from scs_victims.settings import SecuritySettings

    window = _window(qtbot, empty_context, idle_ms=None)
    assert window.idle.interval_ms == 10 * MINUTE_MS  # the default
    user = empty_context.user
    empty_context.operations.run(
        lambda _progress: save_security(user, SecuritySettings(idle_lock_minutes=3)))
    wait_idle(qtbot, empty_context)
    qtbot.waitUntil(lambda: window.idle.interval_ms == 3 * MINUTE_MS, timeout=5_000)
