"""Fixtures for the desktop app's tests: headless Qt, a throwaway QSettings file, a small demo
database made once per session, and errors recorded instead of shown in a dialog."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from scs_victims.accounts import Role
from scs_victims.demo import load_demo_borough
from scs_victims.storage.database import Database, open_database
from tests.helpers.accounts import signed_in
from ui.context import AppContext, AppSignals
from ui.operations import Operations

DEMO_INCIDENTS = 3_000


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo borough built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    try:
        load_demo_borough(database, DEMO_INCIDENTS, seed=3)
        signed_in(database)  # the test administrator, hashed once for every copy
    finally:
        database.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database = open_database(path)
    try:
        yield database
    finally:
        database.close()


class ErrorRecorder:
    """Stands in for ui.errors.show_error: a modal box would stop a headless test."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def __call__(self, _parent: QWidget | None, error: BaseException) -> None:
        self.errors.append(error)


@pytest.fixture
def errors() -> ErrorRecorder:
    return ErrorRecorder()


@pytest.fixture
def operations(qtbot: Any, errors: ErrorRecorder) -> Iterator[Operations]:
    """An operations layer of its own (dialogs shown before the main window exists)."""
    del qtbot
    ops = Operations(errors)
    yield ops
    ops.wait_for_done()


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_context(qtbot: Any, qsettings: QSettings, errors: ErrorRecorder
                 ) -> Iterator[Callable[[Database], AppContext]]:
    del qtbot  # requested so that a QApplication exists before any QObject is made
    contexts: list[AppContext] = []

    def make(database: Database, role: Role = Role.ADMIN) -> AppContext:
        context = AppContext(user=signed_in(database, role), operations=Operations(errors),
                             settings=qsettings, signals=AppSignals())
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.operations.cancel_all()
        context.operations.wait_for_done()


@pytest.fixture
def demo_context(make_context: Callable[[Database], AppContext], demo_db: Database
                 ) -> AppContext:
    return make_context(demo_db)


@pytest.fixture
def empty_context(make_context: Callable[[Database], AppContext], database: Database
                  ) -> AppContext:
    return make_context(database)


def wait_idle(qtbot: Any, context: AppContext, timeout: int = 20_000) -> None:
    """Wait until every background operation has finished and delivered its result."""
    qtbot.waitUntil(lambda: not context.operations.busy, timeout=timeout)


def shown(page: QWidget, qtbot: Any) -> QWidget:
    """Show a page inside a plain window, as the main window's stack holds it (a page shown
    as a window itself makes the offscreen platform warn about size hints)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    page.setParent(window)
    page.resize(1200, 800)
    window.show()
    return window
