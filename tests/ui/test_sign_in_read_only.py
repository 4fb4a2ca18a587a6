"""A database someone else has open: the sign-in window says who and offers a read-only
open; the main window then says it is read-only, and a change is refused with a sentence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from scs_victims.accounts import Role
from scs_victims.actions.signing_in import sign_in
from scs_victims.errors import ReadOnlyOpen
from scs_victims.storage import network, presence
from scs_victims.storage.database import Database
from tests.helpers.accounts import TEST_PASSWORD, signed_in
from tests.test_read_only_open import HOLDER, _held_elsewhere
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.account.sign_in import READ_ONLY_OFFER, SignInDialog
from ui.context import AppContext, AppSignals
from ui.main_window import MainWindow
from ui.operations import Operations

# These windows are top-level, and the offscreen platform warns when one sizes itself.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")



def _asked(qtbot: Any, database: Database, operations: Operations) -> SignInDialog:
    """The sign-in window of a file ada has open, once the officer has tried to sign in."""
    signed_in(database, Role.OFFICER)
    assert database.path is not None
    _held_elsewhere(database.path)
    dialog = SignInDialog(database, operations)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("test-officer")
    dialog.password.setText(TEST_PASSWORD)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    return dialog


def _button(question: QMessageBox, text: str) -> Any:
    return next(button for button in question.buttons() if button.text() == text)


def test_the_window_offers_to_open_a_file_in_use_read_only(
        qtbot: Any, database: Database, operations: Operations, errors: ErrorRecorder) -> None:
    dialog = _asked(qtbot, database, operations)
    question = dialog.question
    assert question is not None and question.isVisible()
    assert f"in use by {HOLDER}" in question.text() and READ_ONLY_OFFER in question.text()
    _button(question, "Open &read-only").click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert dialog.user is not None and dialog.user.read_only
    assert dialog.user.in_use_by == HOLDER
    assert errors.errors == []


def test_declining_leaves_the_sentence_in_the_window(
        qtbot: Any, database: Database, operations: Operations, errors: ErrorRecorder) -> None:
    dialog = _asked(qtbot, database, operations)
    assert dialog.question is not None
    dialog.question.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: dialog.question is None)
    assert dialog.user is None and dialog.isVisible()
    assert f"in use by {HOLDER}" in dialog.errors.label.text()
    assert errors.errors == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux mount table")
def test_on_a_network_drive_the_window_only_says_who_has_it(
        qtbot: Any, database: Database, operations: Operations, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//server/share {tmp_path.resolve()} cifs rw 0 0\n")
    real = Path
    monkeypatch.setattr(network, "Path",
                        lambda path: mounts if path == "/proc/self/mounts" else real(path))
    dialog = _asked(qtbot, database, operations)
    assert dialog.question is None and dialog.user is None
    assert f"in use by {HOLDER}" in dialog.errors.label.text()
    assert "network drive" in dialog.errors.label.text()


def test_the_main_window_says_it_is_read_only_and_refuses_changes(
        qtbot: Any, demo_db: Database, qsettings: Any, errors: ErrorRecorder) -> None:
    signed_in(demo_db)
    assert demo_db.path is not None
    _held_elsewhere(demo_db.path)
    user = sign_in(demo_db, "test-admin", TEST_PASSWORD, read_only=True)
    context = AppContext(user=user, operations=Operations(errors), settings=qsettings,
                         signals=AppSignals())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        wait_idle(qtbot, context)
        assert window.windowTitle().endswith(" \u2014 read-only")
        assert window.read_only_notice is not None and window.read_only_notice.isVisible()
        assert HOLDER in window.read_only_notice.text()
        for row in range(window.navigation.count()):  # every screen can still be read
            window.navigation.setCurrentRow(row)
            wait_idle(qtbot, context)
        assert errors.errors == []
        window.load_demo()  # a change: refused with a sentence, nothing loaded
        wait_idle(qtbot, context)
        assert [type(error) for error in errors.errors] == [ReadOnlyOpen]
        assert presence.holder(demo_db.path).account == "ada"
    finally:
        context.operations.cancel_all()
        context.operations.wait_for_done()
