"""Starting the desktop app: ``scs-victims`` with no command (entry point ``desktop``).

A missing file first offers an empty database or the demo borough. The database is opened
(an older one backed up and brought up to date), then someone signs in: a database without
accounts asks for its first administrator instead. Cancelling any of these quits without
opening anything. "Sign out" in the main window closes it and asks for a sign-in again.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from scs_victims import __version__
from scs_victims.actions.base import SignedIn
from scs_victims.actions.opening import Database, close_store, is_url, resolve_location
from scs_victims.actions.permissions import Permission
from scs_victims.errors import UserError
from ui.account.flow import end_sign_in, sign_in_flow
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


def build_window(user: SignedIn, settings: QSettings | None = None, *,
                 operations: Operations | None = None,
                 idle_lock_ms: int | None = None) -> MainWindow:
    """The main window for a signed-in user (its screens are those the role may use)."""
    signals = AppSignals()
    operations = operations or Operations(show_error)
    context = AppContext(user=user, operations=operations,
                         settings=settings or QSettings(), signals=signals)
    window = MainWindow(context, idle_lock_ms=idle_lock_ms)
    signals.setParent(window)
    operations.setParent(window)
    return window


def _cannot_start(error: Exception) -> int:
    """Say why the app could not open (bugs are logged by the handler): exit 1 for what the
    user can put right, 3 for a bug."""
    if isinstance(error, UserError):
        show_error(None, error, "SCS Victims cannot open the database")
        return 1
    show_error(None, error, "SCS Victims cannot start")
    return 3


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
    except Exception as error:  # noqa: BLE001 - shown as a sentence, logged with traceback
        return _cannot_start(error)
    try:
        return work_sessions(app, database, operations, load_demo=choice is FirstRunChoice.DEMO)
    except Exception as error:  # noqa: BLE001 - shown as a sentence, logged with traceback
        return _cannot_start(error)
    finally:
        operations.cancel_all()
        operations.wait_for_done()
        close_store(database)


def work_sessions(app: QApplication, database: Database, operations: Operations, *,
                  load_demo: bool = False) -> int:
    """Sign in, work in the main window until it closes; again after each "Sign out"."""
    while True:
        user = sign_in_flow(database, operations)
        if user is None:
            return 0
        window = build_window(user)
        window.show()
        if load_demo and user.can(Permission.MAINTAIN):
            window.load_demo()
        load_demo = False
        code = app.exec()
        end_sign_in(user)
        if not window.signing_out:
            return code
        window.deleteLater()
