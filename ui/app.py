"""Starting the desktop app: ``scs-victims`` with no command (entry point ``desktop``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from scs_victims import __version__
from scs_victims.errors import UserError
from scs_victims.storage.database import Database, is_url, open_database, resolve_location
from ui.context import AppContext, AppSignals
from ui.errors import show_error
from ui.first_run import FirstRunChoice, FirstRunDialog
from ui.main_window import MainWindow
from ui.opening import Outcome, open_at_start
from ui.operations import Operations

log = logging.getLogger(__name__)


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("SCS Victims")
    app.setOrganizationName("SCS Victims")
    app.setApplicationVersion(__version__)
    return app


def build_window(location: str, settings: QSettings | None = None, *,
                 database: Database | None = None,
                 operations: Operations | None = None) -> MainWindow:
    """Build the main window on ``database``, or on the one at ``location`` opened here
    (raises UserError if it cannot)."""
    if database is None:
        database = open_database(location)
    signals = AppSignals()
    operations = operations or Operations(show_error)
    context = AppContext(database=database, operations=operations,
                         settings=settings or QSettings(), signals=signals)
    window = MainWindow(context)
    signals.setParent(window)
    operations.setParent(window)
    return window


def run(db: str | None = None) -> int:
    app = application()
    location = resolve_location(db)
    choice = FirstRunChoice.EMPTY
    if not is_url(location) and not Path(location).exists():
        dialog = FirstRunDialog(location)
        if not dialog.exec() or dialog.choice is None:
            return 0
        choice = dialog.choice
    operations = Operations(show_error)
    try:
        outcome, database = open_at_start(location, operations)
        if database is None:
            return 0 if outcome is Outcome.CANCELLED else 1
        window = build_window(location, database=database, operations=operations)
    except UserError as error:
        show_error(None, error, "SCS Victims cannot open the database")
        return 1
    except Exception as error:  # noqa: BLE001 - shown as a sentence, logged with traceback
        show_error(None, error, "SCS Victims cannot start")
        return 3
    window.show()
    if choice is FirstRunChoice.DEMO:
        window.load_demo()
    code = app.exec()
    window.context.database.close()
    return code
