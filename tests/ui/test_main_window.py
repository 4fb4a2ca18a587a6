"""The main window: navigation by role, shortcuts shown in menus, the account menu, state
kept between runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from scs_victims.accounts import Role
from scs_victims.storage.database import Database
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.main_window import MainWindow


def _window(qtbot: Any, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, context)
    return window


def test_navigation_lists_every_screen_in_order(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert titles == ["Dashboard", "People", "Incidents", "Alerts", "MARAC", "Reports",
                      "Settings", "Users", "Audit"]


def _titles(window: MainWindow) -> list[str]:
    return [window.navigation.item(row).text() for row in range(window.navigation.count())]


@pytest.mark.parametrize(("role", "titles"), [
    (Role.AUDITOR, ["Audit"]),
    (Role.ANALYST, ["Dashboard", "Incidents", "Reports", "Settings"]),
    (Role.OFFICER, ["Dashboard", "People", "Incidents", "Alerts", "Reports", "Settings"]),
    (Role.MARAC, ["Dashboard", "People", "Incidents", "Alerts", "MARAC", "Reports",
                  "Settings"]),
    (Role.SUPERVISOR, ["Dashboard", "People", "Incidents", "Alerts", "MARAC", "Reports",
                       "Settings", "Audit"]),
])
def test_each_role_sees_only_its_screens(
        qtbot: Any, make_context: Callable[..., AppContext], demo_db: Database, role: Role,
        titles: list[str], errors: ErrorRecorder) -> None:
    context = make_context(demo_db, role)
    window = _window(qtbot, context)
    assert _titles(window) == titles
    assert window.stack.count() == len(titles)
    # Screens the role may not use are not even built (building one may read records).
    assert (window.people is None) is ("People" not in titles)
    assert (window.users is None) is ("Users" not in titles)
    assert [action.text().replace("&", "") for action in window.page_actions] == titles
    # Commands the role may not use are not offered.
    assert window.new_incident_action.isVisible() is (role is not Role.ANALYST
                                                       and role is not Role.AUDITOR)
    assert window.import_action.isVisible() is ("People" in titles)
    assert not window.demo_action.isVisible()
    assert window.user_label.text() == f"Signed in as test-{role.value} ({role.value})"
    # Nothing the window did on opening was refused.
    assert errors.errors == []


def test_an_auditor_starts_on_the_audit_log(qtbot: Any, make_context: Callable[..., AppContext],
                                             demo_db: Database) -> None:
    context = make_context(demo_db, Role.AUDITOR)
    window = _window(qtbot, context)
    assert window.current_page() is window.audit
    assert window.dashboard is None and window.people is None and window.incidents is None
    # Signals asking for screens the role does not have do nothing.
    from ui.context import IncidentFilter
    context.signals.show_incidents.emit(IncidentFilter())
    context.signals.show_people.emit({})
    window.focus_search()
    assert window.current_page() is window.audit


def test_the_account_menu(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    menus = {action.text().replace("&", ""): action.menu()
             for action in window.menuBar().actions()}
    account = [action.text().replace("&", "") for action in menus["Account"].actions()
               if not action.isSeparator()]
    assert account == ["Change my password...", "Lock now", "Sign out"]
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")


def test_title_names_area_and_database(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    qtbot.waitUntil(lambda: window.windowTitle().count("\u2014") == 2)
    assert demo_context.location in window.windowTitle()


def test_standard_shortcuts_are_on_the_actions(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    shortcuts = {action.text().replace("&", ""): action.shortcut()
                 for action in window.findChildren(type(window.find_action))}
    assert shortcuts["New incident..."] == QKeySequence(QKeySequence.StandardKey.New)
    assert shortcuts["Find..."] == QKeySequence(QKeySequence.StandardKey.Find)
    assert shortcuts["Print or export..."] == QKeySequence(QKeySequence.StandardKey.Print)
    assert shortcuts["Refresh"] == QKeySequence(QKeySequence.StandardKey.Refresh)
    assert QKeySequence("F5") in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh) \
        or shortcuts["Refresh"].toString() == "F5"


def test_ctrl_number_switches_screen(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    window.page_actions[2].trigger()
    assert window.current_page() is window.incidents
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.alerts
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.marac
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is window.settings_page


def test_layout_and_page_are_remembered(qtbot: Any, demo_context: AppContext) -> None:
    window = _window(qtbot, demo_context)
    window.splitter.setSizes([150, 700])
    sizes = window.splitter.sizes()
    window.navigation.setCurrentRow(3)
    window.save_state()
    again = _window(qtbot, demo_context)
    assert again.current_page() is again.alerts
    # The offscreen screen is small, so the window (and the splitter) may be clamped a little.
    assert abs(again.splitter.sizes()[0] - sizes[0]) <= 10
    assert again.splitter.sizes()[0] != window.navigation.sizeHintForColumn(0) + 40


def test_demo_borough_loads_with_progress_into_an_empty_database(
        qtbot: Any, empty_context: AppContext, errors: ErrorRecorder, monkeypatch: Any) -> None:
    from ui import main_window

    monkeypatch.setattr(main_window, "DEMO_INCIDENTS", 500)
    window = _window(qtbot, empty_context)
    window.load_demo()
    wait_idle(qtbot, empty_context, 60_000)
    assert not errors.errors
    assert "500" in window.status_label.text()


def test_a_dashboard_victims_number_lists_exactly_those_people(
        qtbot: Any, demo_context: AppContext) -> None:
    from datetime import date

    from scs_victims.domain.crime_types import CrimeType
    from scs_victims.domain.periods import PeriodKind, period_containing
    from scs_victims.figures import compute_figures

    window = _window(qtbot, demo_context)
    quarter = period_containing(date.today(), PeriodKind.FINANCIAL_YEAR)
    with demo_context.user.database.session() as session:
        row = next(row for row in compute_figures(session, [quarter])
                   if row.crime_type is CrimeType.DV)
    demo_context.signals.show_people.emit({
        "crime_type": "dv", "repeat_only": True, "date_from": quarter.start,
        "date_to": quarter.end, "title": "Repeat DV victims"})
    wait_idle(qtbot, demo_context)
    qtbot.waitUntil(lambda: window.people.count_label.text().startswith(
        f"{row.repeat_victims:,} of"), timeout=10_000)
    assert window.current_page() is window.people
    assert window.people.banner_label.text() == "Repeat DV victims"


# The offscreen platform warns when a top-level form sizes itself; a real screen does not.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_new_incident_for_a_person_starts_with_them_as_victim(
        qtbot: Any, demo_context: AppContext) -> None:
    from PySide6.QtWidgets import QApplication

    from scs_victims.services.lookups import person_match, search_people
    from ui.incidents.form import IncidentForm

    window = _window(qtbot, demo_context)
    with demo_context.user.database.session() as session:
        person = next(match for match in search_people(session, "a", limit=50)
                      if match.date_of_birth is not None)
        assert person_match(session, person.id) == person
    demo_context.signals.new_incident_for.emit(person.id)
    wait_idle(qtbot, demo_context)
    forms = [widget for widget in QApplication.topLevelWidgets()
             if isinstance(widget, IncidentForm) and widget.isVisible()]
    assert len(forms) == 1
    qtbot.waitUntil(lambda: forms[0].existing["victim"] == person)
    assert forms[0].fields["victim_surname"].text() == (person.surname or "")
    forms[0].confirm_discard = lambda _parent: True
    forms[0].close()
    window.close()


def test_work_stopped_by_closing_the_window_is_not_reported(
        qtbot: Any, demo_context: AppContext, errors: ErrorRecorder) -> None:
    import threading

    started = threading.Event()

    def long_work(progress: Any) -> None:
        started.set()
        while True:
            progress(0, None)  # raises Cancelled once the task is cancelled
            threading.Event().wait(0.01)

    demo_context.operations.run(long_work, label=None)
    assert started.wait(5)
    demo_context.operations.cancel_all()
    wait_idle(qtbot, demo_context)
    assert errors.errors == []


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_change_my_password(qtbot: Any, empty_context: AppContext,
                            errors: ErrorRecorder) -> None:
    from scs_victims.actions.signing_in import sign_in
    from tests.helpers.accounts import TEST_PASSWORD

    window = _window(qtbot, empty_context)
    window.change_password_action.trigger()
    dialog = window.password_dialog
    assert dialog is not None and dialog.isVisible() and dialog.current.isVisible()
    dialog.current.setText("not my password")
    dialog.new.setText("my-own-synthetic-99")
    dialog.repeat.setText("my-own-synthetic-99")
    dialog.save_button.click()
    wait_idle(qtbot, empty_context)
    assert dialog.isVisible() and dialog.current.property("invalid")
    dialog.current.setText(TEST_PASSWORD)
    dialog.save_button.click()
    wait_idle(qtbot, empty_context)
    qtbot.waitUntil(lambda: window.status_label.text() == "Your password has been changed.")
    assert sign_in(empty_context.user.database, "test-admin", "my-own-synthetic-99")
    assert errors.errors == []
