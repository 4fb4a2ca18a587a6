"""Starting the app: the first-run choice, opening the database file, signing in and the
window built for the signed-in user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from tests.helpers.revisions import database_at, stored_revision
from ui.app import build_window
from ui.first_run import FirstRunChoice, FirstRunDialog


def test_first_run_offers_empty_or_demo(qtbot: Any, tmp_path: Path) -> None:
    dialog = FirstRunDialog(str(tmp_path / "new.db"))
    qtbot.addWidget(dialog)
    assert any("new.db" in label.text() for label in dialog.findChildren(QLabel))
    dialog.demo_button.click()
    assert dialog.choice is FirstRunChoice.DEMO
    again = FirstRunDialog(str(tmp_path / "new.db"))
    qtbot.addWidget(again)
    again.empty_button.click()
    assert again.choice is FirstRunChoice.EMPTY


def test_window_opens_on_a_new_database_file(qtbot: Any, tmp_path: Path,
                                             qsettings: QSettings) -> None:
    from scs_victims.actions.opening import close_store, open_store
    from scs_victims.actions.signing_in import create_first_admin, has_accounts

    path = tmp_path / "fresh.db"
    database = open_store(str(path))
    try:
        assert path.exists()
        assert not has_accounts(database)
        user, backup = create_first_admin(database, "first-admin", "synthetic-pass-1234")
        assert backup is None  # a new database holds nothing to back up
        window = build_window(user, qsettings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: not window.context.operations.busy, timeout=20_000)
        assert str(path) in window.windowTitle()
        assert window.user_label.text() == "Signed in as first-admin (admin)"
        window.close()
    finally:
        close_store(database)


@pytest.mark.usefixtures("qtbot")
def test_the_app_signs_in_again_after_sign_out(tmp_path: Path, qsettings: QSettings,
                                               monkeypatch: Any) -> None:
    """``work_sessions``: sign in, the window until it closes; "Sign out" asks again, and
    each sign-in's end is recorded."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from scs_victims.actions.audit_log import list_events
    from scs_victims.actions.opening import close_store, open_store
    from scs_victims.audit_trail import AuditFilter
    from tests.helpers.accounts import signed_in
    from ui import app as app_module
    from ui.operations import Operations

    database = open_store(str(tmp_path / "sessions.db"))
    assert database.database is not None  # a new, plain file until its first administrator
    users = [signed_in(database.database), signed_in(database.database), None]
    built: list[str] = []
    monkeypatch.setattr(app_module, "sign_in_flow", lambda _db, _ops: users.pop(0))
    real_build = app_module.build_window

    def build(user: Any) -> Any:
        window = real_build(user, qsettings)
        built.append("window")
        # The first window signs out once shown; the second is closed (Quit).
        QTimer.singleShot(300, window.sign_out if len(built) == 1 else window.close)
        return window

    monkeypatch.setattr(app_module, "build_window", build)
    reported: list[BaseException] = []
    guard = QTimer()  # a hang would stop every later test: give up after a while
    guard.setSingleShot(True)
    guard.timeout.connect(QApplication.quit)
    guard.start(60_000)
    try:
        code = app_module.work_sessions(QApplication.instance(), database,
                                        Operations(lambda _parent, error: reported.append(error)))
        assert guard.isActive() and reported == []
        assert code == 0
        assert built == ["window", "window"] and users == [None]
        assert len(list_events(signed_in(database.database), AuditFilter(kind="sign_out"))) == 2
    finally:
        guard.stop()
        close_store(database)


@pytest.mark.usefixtures("qapp")
def test_an_older_database_is_updated_off_the_ui_thread(
        tmp_path: Path, errors: Any, monkeypatch: Any) -> None:
    import threading

    import ui.opening
    from scs_victims.storage import migrate
    from ui.operations import Operations

    path = tmp_path / "old.db"
    database_at(path, "0006")
    threads: list[bool] = []
    real_open = ui.opening.open_store

    def recording_open(location: str, **options: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real_open(location, **options)

    monkeypatch.setattr(ui.opening, "open_store", recording_open)
    outcome, database = ui.opening.open_at_start(str(path), Operations(errors))
    assert outcome is ui.opening.Outcome.OPENED and database is not None
    database.close()
    assert threads == [False]
    assert stored_revision(path) == migrate.head_revision()
    assert len(list((tmp_path / "backups").glob("old.*.db"))) == 1
    assert errors.errors == []


@pytest.mark.usefixtures("qapp")
def test_cancelling_the_update_leaves_the_database_as_it_was(
        tmp_path: Path, errors: Any, monkeypatch: Any) -> None:
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    import ui.opening
    from ui.operations import Operations, current_task_cancelled

    path = tmp_path / "old.db"
    database_at(path, "0006")
    real_open = ui.opening.open_store

    def open_once_cancelled(location: str, **options: Any) -> Any:
        deadline = time.monotonic() + 10
        while not current_task_cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real_open(location, **options)

    def press_cancel() -> None:
        dialogs = [widget for widget in QApplication.topLevelWidgets()
                   if isinstance(widget, QProgressDialog)]
        assert len(dialogs) == 1
        assert "Updating the database" in dialogs[0].labelText()
        dialogs[0].findChild(QPushButton).click()

    monkeypatch.setattr(ui.opening, "open_store", open_once_cancelled)
    QTimer.singleShot(100, press_cancel)
    outcome, database = ui.opening.open_at_start(str(path), Operations(errors))
    assert outcome is ui.opening.Outcome.CANCELLED and database is None
    assert stored_revision(path) == "0006"
    assert list((tmp_path / "backups").glob("*")) == []
    assert errors.errors == []
