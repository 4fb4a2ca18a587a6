"""The main window: navigation, shortcuts shown in menus, state kept between runs."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

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
                      "Settings"]


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
    with demo_context.database.session() as session:
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
    with demo_context.database.session() as session:
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
