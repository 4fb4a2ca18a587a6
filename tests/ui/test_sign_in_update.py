"""Signing in to an encrypted file of an earlier version (issue 17: no freeze): the sign-in
window shows the update's progress with Cancel, and cancelling leaves the file as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from scs_victims.actions.opening import Store, open_store
from scs_victims.storage import database as database_module
from tests.helpers import next_revision
from tests.helpers.raw import ADMIN, ADMIN_PASSWORD, table_counts
from tests.test_sign_in_update import encrypted_one_revision_behind, revision
from tests.ui.conftest import ErrorRecorder
from ui.account.sign_in import UPDATE_CANCELLED, SignInDialog
from ui.opening import UPDATING_LABEL
from ui.operations import Operations

# These windows are top-level, and the offscreen platform warns when one sizes itself.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")



@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          operations: Operations) -> Iterator[Store]:
    """An encrypted file one revision behind, locked; its update waits for the gate."""
    del operations  # set up first, so that its worker is waited for after the gate opens
    monkeypatch.setattr(database_module, "BACKUP_STEP_PAGES", 1)
    encrypted_one_revision_behind(tmp_path / "scs.db", monkeypatch)
    opened = open_store(tmp_path / "scs.db")
    next_revision.GATE.clear()
    yield opened
    next_revision.GATE.set()
    opened.close()


def _submitted(qtbot: Any, store: Store, operations: Operations
               ) -> tuple[SignInDialog, list[int]]:
    """The window once the update is under way; the values its progress bar has shown."""
    dialog = SignInDialog(store, operations)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    shown: list[int] = []
    dialog.progress_bar.valueChanged.connect(shown.append)
    dialog.name.setText(ADMIN)
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.sign_in_button.click()
    # The migration runs until the gate opens: the window shows it, the bar busy.
    qtbot.waitUntil(lambda: dialog.updating.isVisible() and dialog.progress_bar.maximum() == 0,
                    timeout=20_000)
    return dialog, shown


def test_the_update_at_sign_in_shows_its_progress(qtbot: Any, store: Store,
                                                  operations: Operations,
                                                  errors: ErrorRecorder) -> None:
    assert store.path is not None
    dialog, shown = _submitted(qtbot, store, operations)
    text = " ".join(label.text() for label in dialog.updating.findChildren(type(dialog.status)))
    assert UPDATING_LABEL in text
    assert dialog.cancel_button.isVisible() and dialog.cancel_button.isEnabled()
    assert dialog.busy and not dialog.sign_in_button.isEnabled()
    next_revision.GATE.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    assert dialog.user is not None and dialog.user.name == ADMIN
    assert not dialog.updating.isVisible()
    assert any(value > 0 for value in shown)  # the backup's pages were counted
    assert revision(store.path) == next_revision.REVISION
    assert errors.errors == []


def test_cancelling_the_update_leaves_the_file_as_it_was(qtbot: Any, store: Store,
                                                         operations: Operations,
                                                         errors: ErrorRecorder) -> None:
    assert store.path is not None
    before, counts = revision(store.path), table_counts(store.path)
    dialog, _shown = _submitted(qtbot, store, operations)
    dialog.cancel_button.click()
    assert not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.user is None and dialog.isVisible() and not dialog.updating.isVisible()
    assert dialog.errors.label.text() == UPDATE_CANCELLED
    assert errors.errors == []
    assert store.database is None  # still locked: nothing was opened
    assert revision(store.path) == before and table_counts(store.path) == counts
    # Signing in again updates it.
    next_revision.GATE.set()
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    assert revision(store.path) == next_revision.REVISION
