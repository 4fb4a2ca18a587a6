"""The Settings screen driven through its widgets: area, wards, rules and backups."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from scs_victims.accounts import Role
from scs_victims.actions.changes import OpChanges
from scs_victims.repeats import recompute_all
from scs_victims.services.backups import BackupFile
from scs_victims.services.wards import WardRecord, list_wards
from scs_victims.settings import load_area, load_rules, load_security
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent
from tests.test_import_wards import write_wards
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.settings.models import POPULATION, BackupsModel, WardsModel
from ui.settings.page import SettingsPage

# The rules tab's progress dialog resizes a top-level window; offscreen cannot pass that on.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def shown_page(qtbot: Any, context: AppContext) -> SettingsPage:
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def edit_cell(qtbot: Any, page: SettingsPage, row: int, column: int, text: str) -> None:
    page.tabs.setCurrentWidget(page.wards)
    table = page.wards.table
    index = page.wards.model.index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editors = [child for child in table.findChildren(QLineEdit) if child.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def stored_wards(context: AppContext) -> list[WardRecord]:
    with context.user.database.session() as session:
        return list_wards(session)


def test_changing_the_area_name_tells_the_window(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    tab = page.area
    assert tab.name_edit.text() != ""
    tab.name_edit.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.name_error.text() == "The area needs a name."
    qtbot.keyClicks(tab.name_edit, "Testshire Community Safety Partnership")
    burglary_target = tab.rate_edits[("targets", "burglary_repeat_victim_rate")]
    assert burglary_target.text() == "5.25"
    burglary_target.setText("4.5")
    if ("baselines", "dv_repeat_incident_rate") in tab.rate_edits:
        tab.rate_edits[("baselines", "dv_repeat_incident_rate")].setText("23")
    with qtbot.waitSignal(demo_context.signals.settings_changed, timeout=10_000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.name_error.text() == "" and tab.status.text() == "Saved."
    with demo_context.user.database.session() as session:
        area = load_area(session)
    assert area.area_name == "Testshire Community Safety Partnership"
    assert area.targets["burglary_repeat_victim_rate"] == 4.5
    if ("baselines", "dv_repeat_incident_rate") in tab.rate_edits:
        assert area.baselines == {"dv_repeat_incident_rate": 23.0}  # type: ignore[attr-defined]


def test_a_target_out_of_range_is_refused(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    edit = page.area.rate_edits[("targets", "dv_repeat_incident_rate")]
    edit.setText("140")
    qtbot.mouseClick(page.area.save_button, Qt.MouseButton.LeftButton)
    assert page.area.rates_error.text().endswith("must be between 0 and 100.")
    with demo_context.user.database.session() as session:
        assert load_area(session).targets["dv_repeat_incident_rate"] == 21.0


def test_editing_a_ward_population(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    before = stored_wards(demo_context)
    assert not page.wards.save_button.isEnabled()
    edit_cell(qtbot, page, 1, POPULATION, "12,345")
    assert page.wards.model.index(1, POPULATION).data() == "12,345"
    assert page.wards.save_button.isEnabled()
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(page.wards.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    after = stored_wards(demo_context)
    assert after[1].population == 12345
    assert [ward.population for ward in after[2:]] == [ward.population for ward in before[2:]]
    assert page.wards.status.text() == "The wards were saved."
    assert not page.wards.save_button.isEnabled()


def test_a_negative_population_is_refused_inline(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    shown = page.wards.model.index(0, POPULATION).data()
    edit_cell(qtbot, page, 0, POPULATION, "-5")
    assert page.wards.problem.text() == ("Population must be a whole number of 0 or more; "
                                         "'-5' was not accepted.")
    assert page.wards.model.index(0, POPULATION).data() == shown
    assert not page.wards.save_button.isEnabled()


def test_a_ward_with_incidents_cannot_be_removed(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    ward = stored_wards(demo_context)[0]
    assert ward.incidents > 0
    page.wards.table.setCurrentIndex(page.wards.model.index(0, 0))
    qtbot.mouseClick(page.wards.remove_button, Qt.MouseButton.LeftButton)
    assert page.wards.problem.text() == (f"{ward.name} cannot be removed: {ward.incidents:,} "
                                         "incidents are recorded in it.")
    assert page.wards.model.rowCount() == len(stored_wards(demo_context))


def test_adding_a_ward_and_loading_wards_from_a_file(qtbot: Any, empty_context: AppContext,
                                                     tmp_path: Path) -> None:
    path = write_wards(tmp_path / "wards.csv", [["Testford North", "E05000001", "100", "40"]])
    page = SettingsPage(empty_context)
    page.wards.choose_file = lambda _parent: path
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    wait_idle(qtbot, empty_context)
    qtbot.mouseClick(page.wards.load_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert page.wards.status.text() == "Loaded wards.csv: 1 added, 0 updated, 0 removed."
    page.tabs.setCurrentWidget(page.wards)
    qtbot.mouseClick(page.wards.add_button, Qt.MouseButton.LeftButton)
    editor = next(child for child in page.wards.table.findChildren(QLineEdit)
                  if child.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, "Testford South")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.wards.table.state() != QAbstractItemView.State.EditingState)
    qtbot.mouseClick(page.wards.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert [ward.name for ward in stored_wards(empty_context)] == ["Testford North",
                                                                   "Testford South"]


def test_changing_a_window_recomputes_every_flag(qtbot: Any, demo_context: AppContext,
                                                 errors: ErrorRecorder) -> None:
    page = shown_page(qtbot, demo_context)
    tab = page.rules
    spin = tab.inputs["window_months_dv"]
    assert spin.value() == 12
    spin.setValue(3)
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=60_000):
        qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert errors.errors == []
    assert tab.status.text().startswith("Saved; every repeat flag was recomputed (")
    assert " 0 changed" not in tab.status.text()
    with demo_context.user.database.session() as session:
        assert load_rules(session).window_months_dv == 3
        assert recompute_all(session) == 0
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "Nothing has changed."


def test_back_up_now_makes_a_listed_copy(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    tab = page.database
    opened: list[Path] = []
    tab.open_folder = opened.append
    assert tab.location.text() == demo_context.location and tab.location.isReadOnly()
    qtbot.mouseClick(tab.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == demo_context.location
    rows_before = tab.model.rowCount()
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    folder = Path(demo_context.location).parent / "backups"
    made = sorted(folder.glob("demo.*.db"))
    assert len(made) == rows_before + 1
    assert tab.status.text() == f"Backed up to {made[-1].name}."
    assert tab.model.rowCount() == rows_before + 1
    assert made[-1].name in [tab.model.index(row, 0).data()
                             for row in range(tab.model.rowCount())]
    qtbot.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert opened == [folder]


def test_the_idle_lock_is_set_on_the_database_tab(qtbot: Any, demo_context: AppContext) -> None:
    page = shown_page(qtbot, demo_context)
    tab = page.database
    assert tab.lock_spin.value() == 10
    assert tab.lock_spin.minimum() == 1 and tab.lock_spin.maximum() == 240
    tab.lock_spin.setValue(25)
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000) as changed:
        qtbot.mouseClick(tab.lock_save_button, Qt.MouseButton.LeftButton)
    assert changed.args == [OpChanges(area=True)]
    wait_idle(qtbot, demo_context)
    assert tab.lock_status.text() == "Saved."
    with demo_context.user.database.session() as session:
        assert load_security(session).idle_lock_minutes == 25
    qtbot.mouseClick(tab.lock_save_button, Qt.MouseButton.LeftButton)
    assert tab.lock_status.text() == "Nothing has changed."


def _refusals(database: Database) -> int:
    with database.session() as session:
        return session.query(AuditEvent).filter(AuditEvent.action == "refused").count()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.AUDITOR])
def test_other_roles_see_the_settings_read_only(qtbot: Any, make_context: Any,
                                                demo_db: Database, errors: ErrorRecorder,
                                                role: Role) -> None:
    context = make_context(demo_db, role)
    page = shown_page(qtbot, context)
    assert errors.errors == []
    assert _refusals(demo_db) == 0  # showing the screen asks for nothing the role may not do
    area, wards, rules, database = page.area, page.wards, page.rules, page.database
    assert area.name_edit.text() != "" and not area.name_edit.isEnabled()
    assert not any(edit.isEnabled() for edit in area.rate_edits.values())
    assert wards.model.rowCount() > 0
    assert wards.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert rules.inputs["window_months_dv"].value() == 12
    assert not any(widget.isEnabled() for widget in rules.inputs.values())
    assert database.lock_spin.value() == 10 and not database.lock_spin.isEnabled()
    for tab, buttons in ((area, [area.save_button]),
                         (wards, [wards.add_button, wards.remove_button, wards.load_button,
                                  wards.save_button, wards.revert_button]),
                         (rules, [rules.apply_button]),
                         (database, [database.lock_save_button, database.backup_button,
                                     database.folder_button])):
        page.tabs.setCurrentWidget(tab)
        assert not any(button.isVisible() for button in buttons)
    assert not database.table.isVisible()


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    wards = WardsModel()
    wards.set_wards([WardRecord(1, "Testford North", "E05000001", 100, None, 3),
                     WardRecord(2, "Testford South", None, None, 40, 0)])
    qtmodeltester.check(wards)
    assert wards.setData(wards.index(1, POPULATION), "1,000")
    assert not wards.setData(wards.index(1, POPULATION), "many")
    assert wards.remove_ward(0) == "Testford North cannot be removed: 3 incidents are " \
                                   "recorded in it."
    assert wards.remove_ward(1) is None
    qtmodeltester.check(wards)
    backups = BackupsModel()
    backups.set_backups([BackupFile(Path("/x/demo.20250101-101010.db"),
                                    datetime(2025, 1, 1, 10, 10, 10), 5 * 2**20)])
    qtmodeltester.check(backups)
    assert [backups.index(0, column).data() for column in range(3)] == [
        "demo.20250101-101010.db", "01/01/2025 10:10", "5.0 MB"]
    assert backups.data(QModelIndex()) is None


def test_a_backup_is_restored_from_the_database_tab(qtbot: Any, demo_context: AppContext,
                                                    errors: ErrorRecorder) -> None:
    from scs_victims.actions import users

    page = shown_page(qtbot, demo_context)
    tab = page.database
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    users.add_user(demo_context.user, "made-after", Role.OFFICER, "some-long-pass-1")
    assert not tab.restore_button.isEnabled()  # nothing chosen yet
    newest = max(range(tab.model.rowCount()), key=lambda row: tab.model.row_at(row).modified)
    tab.table.selectRow(newest)
    assert tab.restore_button.isEnabled()
    asked: list[str] = []
    tab.confirm = lambda _parent, question: asked.append(question) is None and False
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "backed up first" in asked[0]
    assert "made-after" in [a.name for a in users.list_users(demo_context.user)]
    tab.confirm = lambda _parent, _question: True
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=20_000):
        qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert errors.errors == []
    assert tab.status.text().startswith("Restored ")
    assert "made-after" not in [a.name for a in users.list_users(demo_context.user)]
