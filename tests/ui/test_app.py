"""Starting the app: the first-run choice and opening the window on a database file."""

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
    path = tmp_path / "fresh.db"
    window = build_window(str(path), qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.context.operations.busy, timeout=20_000)
    assert path.exists()
    assert str(path) in window.windowTitle()
    window.close()
    window.context.database.close()


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
    real_open = ui.opening.open_database

    def recording_open(location: str, **options: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        return real_open(location, **options)

    monkeypatch.setattr(ui.opening, "open_database", recording_open)
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
    real_open = ui.opening.open_database

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

    monkeypatch.setattr(ui.opening, "open_database", open_once_cancelled)
    QTimer.singleShot(100, press_cancel)
    outcome, database = ui.opening.open_at_start(str(path), Operations(errors))
    assert outcome is ui.opening.Outcome.CANCELLED and database is None
    assert stored_revision(path) == "0006"
    assert list((tmp_path / "backups").glob("*")) == []
    assert errors.errors == []
