"""Starting the app: the first-run choice and opening the window on a database file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

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
