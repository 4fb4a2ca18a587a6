"""The People screen, a person's page and the merge dialog, driven through their widgets,
as signed-in users of each role: what they see, what is recorded, restricted records.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from scs_victims.accounts import Role
from scs_victims.actions import incidents, people
from scs_victims.actions.changes import OpChanges
from scs_victims.audit_trail import AuditFilter, AuditRow, audit_rows
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incidents import IncidentInput
from scs_victims.storage.database import Database
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.people import page as page_module
from ui.people import restricted as restricted_ui
from ui.people.detail import MergeHistoryDialog, PersonDetailDialog
from ui.people.merge import MergeDialog
from ui.people.model import DV, FLAGS, NAME, PeopleTableModel
from ui.people.page import PeoplePage
from ui.widgets import SEARCH_PAUSE_MS, uk_date

# The offscreen platform's note when a shown window's size hints change; not a fault.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

TODAY = date.today()


def days_ago(days: int) -> str:
    return uk_date(TODAY - timedelta(days=days))


def _page(qtbot: Any, context: AppContext) -> PeoplePage:
    page = PeoplePage(context)
    qtbot.addWidget(page)

    def routed(changes: OpChanges) -> None:  # the main window's routing
        if changes.any(*page.REFRESH_ON):
            page.refresh()

    context.signals.data_changed.connect(routed)
    page.resize(1100, 600)
    page.show()
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def shown_names(page: PeoplePage) -> list[str]:
    model = page.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


WREN = {"victim_forename": "Wren", "victim_surname": "Halloway", "victim_dob": "04/03/1990",
        "victim_gender": "female", "address_line1": "1 Lantern Row", "postcode": "EN2 1AA",
        "ward": "Northfold"}
TOBIAS = {"victim_forename": "Tobias", "victim_surname": "Fennimore",
          "victim_dob": "11/11/1985", "address_line1": "9 Kettle Yard", "postcode": "N3 2BB",
          "ward": "Southmere"}


@pytest.fixture
def people_context(empty_context: AppContext) -> AppContext:
    """Wren: three DV incidents this year (two repeats); Tobias keyed apart twice."""
    records = [
        ("D-1", "dv", days_ago(200), WREN), ("D-2", "dv", days_ago(120), WREN),
        ("D-3", "dv", days_ago(30), WREN), ("A-1", "asb", days_ago(60), TOBIAS),
        ("A-2", "asb", days_ago(10), {**TOBIAS, "victim_dob": "11/11/1958"}),
    ]
    for reference, crime_type, occurred_on, person in records:
        incidents.create_incident(empty_context.user, IncidentInput(
            reference=reference, crime_type=crime_type, occurred_on=occurred_on, **person))
    return empty_context


def test_model_passes_qtmodeltester(qtmodeltester: Any, qtbot: Any,
                                    demo_context: AppContext) -> None:
    page = _page(qtbot, demo_context)
    assert page.model.rowCount() > 100
    qtmodeltester.check(page.model)
    empty = PeopleTableModel()
    qtmodeltester.check(empty)
    empty.set_rows(page.directory.rows[:50] if page.directory else [])
    empty.sort(DV, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(empty)
    dv = [empty.row_at(row).dv for row in range(empty.rowCount())]
    assert dv == sorted(dv, reverse=True)


def test_typing_in_the_search_box_filters_the_rows(qtbot: Any,
                                                   demo_context: AppContext) -> None:
    page = _page(qtbot, demo_context)
    assert page.directory is not None
    total = page.directory.total
    assert page.count_label.text() == f"{total:,} of {total:,} people"
    surname = next(row.name.split(",")[0] for row in page.directory.rows[500:]
                   if row.name.split(",")[0].isalpha())
    qtbot.keyClicks(page.search_box, surname.lower())
    qtbot.waitUntil(lambda: page.model.rowCount() < total, timeout=SEARCH_PAUSE_MS * 20)
    names = shown_names(page)
    assert names and all(name.casefold().startswith(surname.casefold()) for name in names)
    assert page.count_label.text() == f"{len(names):,} of {total:,} people"
    page.search_box.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=SEARCH_PAUSE_MS * 20)


def test_name_parts_in_any_order_and_postcode(qtbot: Any, people_context: AppContext) -> None:
    page = _page(qtbot, people_context)
    page.search_box.setText("wren HALLO")
    qtbot.waitUntil(lambda: shown_names(page) == ["Halloway, Wren"])
    page.search_box.setText("n3 2b")
    qtbot.waitUntil(lambda: shown_names(page) == ["Fennimore, Tobias"] * 2)


def test_filters_narrow_the_list(qtbot: Any, people_context: AppContext) -> None:
    page = _page(qtbot, people_context)
    assert sorted(shown_names(page)) == ["Fennimore, Tobias"] * 2 + ["Halloway, Wren"]
    page.repeat_only.click()
    assert shown_names(page) == ["Halloway, Wren"]
    assert page.model.index(0, FLAGS).data() == "Repeat victim"
    assert page.count_label.text() == "1 of 3 people"
    page.repeat_only.click()
    page.crime_type.setCurrentIndex(page.crime_type.findData("asb"))
    assert shown_names(page) == ["Fennimore, Tobias"] * 2
    page.crime_type.setCurrentIndex(0)
    page.ward.setCurrentIndex(page.ward.findText("Northfold"))
    assert shown_names(page) == ["Halloway, Wren"]
    page.clear_filters()
    page.date_from.setText(days_ago(15))
    page.date_from.editingFinished.emit()
    wait_idle(qtbot, people_context)
    assert shown_names(page) == ["Fennimore, Tobias"]
    page.date_to.setText("31/02/2024")
    page.date_to.editingFinished.emit()
    assert page.date_error.isVisibleTo(page)
    assert "dd/mm/yyyy" in page.date_error.text()


def test_opening_a_person_shows_the_timeline_repeats_and_alerts(
        qtbot: Any, people_context: AppContext) -> None:
    page = _page(qtbot, people_context)
    page.search_box.setText("halloway")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.setFocus()
    page.table.selectRow(0)
    with qtbot.waitSignal(people_context.signals.edit_incident) as edited:
        page.open_button.click()
        wait_idle(qtbot, people_context)
        dialogs = [d for d in page.dialogs if isinstance(d, PersonDetailDialog)]
        assert len(dialogs) == 1
        dialog = dialogs[0]
        qtbot.waitUntil(lambda: dialog.timeline_model.rowCount() == 3)
        timeline = dialog.timeline_model
        assert [timeline.index(row, 2).data() for row in range(3)] == ["D-3", "D-2", "D-1"]
        assert timeline.index(0, 6).data() == (
            f"Repeat: previous DV incident for this victim on {days_ago(120)}, within 12 "
            "months.")
        assert timeline.index(2, 6).data() == ""
        assert (f"Repeat DV victim: 3 incidents in 12 months \u2014 {days_ago(200)}, "
                f"{days_ago(120)}, {days_ago(30)}.") in dialog.alerts_label.text()
        assert "EN2 1AA" in dialog.fields["Addresses known"].text()
        dialog.edit_button.click()
    assert edited.args == [dialog.timeline_model.entry(0).incident_id]
    dialog.close()


def _select(page: PeoplePage, rows: list[int]) -> None:
    selection = page.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_merge_through_the_dialog_and_unmerge(qtbot: Any, people_context: AppContext,
                                              errors: ErrorRecorder) -> None:
    page = _page(qtbot, people_context)
    page.search_box.setText("fennimore")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    _select(page, [0])
    assert not page.merge_button.isEnabled()
    _select(page, [0, 1])
    assert page.merge_button.isEnabled()
    page.merge_button.click()
    (dialog,) = [d for d in page.dialogs if isinstance(d, MergeDialog)]
    qtbot.waitUntil(dialog.merge_button.isEnabled)
    assert dialog.cells[0]["ASB"].text() == "1" and dialog.cells[1]["ASB"].text() == "1"
    dialog.keep_buttons[1].click()
    kept, merged = dialog.kept_and_merged()
    dialog.merge_button.click()
    wait_idle(qtbot, people_context)
    assert "1 incident(s) relinked" in dialog.result_label.text()
    assert page.model.rowCount() == 1
    assert page.model.row_at(0).id == kept and page.model.row_at(0).asb == 2
    assert page.count_label.text() == "1 of 2 people"

    dialog.confirm = lambda _parent, _question: True
    dialog.undo_button.click()
    wait_idle(qtbot, people_context)
    assert "Unmerged" in dialog.result_label.text()
    assert sorted(page.model.row_at(row).id for row in range(2)) == sorted((kept, merged))
    assert [page.model.row_at(row).asb for row in range(2)] == [1, 1]

    # Unmerging from the person's page: merge again, then undo from its merge history.
    dialog.merge_button.click()
    wait_idle(qtbot, people_context)
    detail = page.open_person(merged)
    wait_idle(qtbot, people_context)
    assert detail.detail is not None and detail.detail.profile.id == kept
    assert "was merged into this person" in detail.status.text()
    detail.confirm = lambda _parent, _question: True
    history = detail.show_merges()
    assert isinstance(history, MergeHistoryDialog) and history.list.count() == 1
    history.unmerge_button.click()
    wait_idle(qtbot, people_context)
    assert "separate person again" in history.result_label.text()
    assert page.model.rowCount() == 2
    assert errors.errors == []
    detail.close()
    dialog.close()


def test_apply_filter_with_person_ids_shows_exactly_them(qtbot: Any,
                                                         demo_context: AppContext) -> None:
    page = _page(qtbot, demo_context)
    assert page.directory is not None
    chosen = [row.id for row in page.directory.rows[5:8]]
    page.apply_filter({"person_ids": chosen, "title": "People behind the DV figure"})
    assert sorted(page.model.person_ids()) == sorted(chosen)
    assert page.banner.isVisibleTo(page)
    assert page.banner_label.text() == "People behind the DV figure"
    page.banner_remove.click()
    assert not page.banner.isVisibleTo(page)
    assert page.model.rowCount() == page.directory.total
    page.apply_filter({"repeat_only": True, "crime_type": "dv"})
    assert page.repeat_only.isChecked()
    rows = [page.model.row_at(row) for row in range(page.model.rowCount())]
    assert rows and all(row.repeat and row.dv for row in rows)


def test_apply_filter_before_the_page_was_shown_loads_it(qtbot: Any,
                                                         people_context: AppContext) -> None:
    page = PeoplePage(people_context)
    qtbot.addWidget(page)
    page.apply_filter({"repeat_only": True})
    wait_idle(qtbot, people_context)
    assert shown_names(page) == ["Halloway, Wren"]


def test_focus_search_and_enter_opens(qtbot: Any, people_context: AppContext) -> None:
    page = _page(qtbot, people_context)
    page.focus_search()
    qtbot.waitUntil(page.search_box.hasFocus)
    page.search_box.setText("wren")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(page.table.hasFocus)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert any(isinstance(d, PersonDetailDialog) for d in page.dialogs)
    wait_idle(qtbot, people_context)
    for dialog in list(page.dialogs):
        dialog.close()


# What is recorded, and restricted records ------------------------------------------------


def _events(database: Database, kind: str, user_name: str) -> list[AuditRow]:
    with database.session() as session:
        return audit_rows(session, AuditFilter(kind=kind, user=user_name), limit=None)


def _wren(context: AppContext) -> int:
    return next(row.id for row in people.list_people(context.user).rows
                if row.name == "Halloway, Wren")


def test_a_settled_search_is_recorded_without_its_text(
        qtbot: Any, people_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_module, "SEARCH_SETTLES_MS", 100)
    user = people_context.user
    page = _page(qtbot, people_context)
    (loaded,) = _events(user.database, "search", user.name)
    assert json.loads(loaded.detail or "") == {"query": "people list", "shown": 3}
    qtbot.keyClicks(page.search_box, "halloway")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtbot.waitUntil(lambda: len(_events(user.database, "search", user.name)) == 2)
    wait_idle(qtbot, people_context)
    settled = _events(user.database, "search", user.name)[0]
    assert json.loads(settled.detail or "") == {"query": "people by name, reference or "
                                                         "postcode", "shown": 1}
    # Enter on the same search, or the list read again after a change: recorded once.
    page.search_box.returnPressed.emit()
    page.run_search()
    qtbot.wait(300)
    wait_idle(qtbot, people_context)
    searches = _events(user.database, "search", user.name)
    assert len(searches) == 2
    assert all("halloway" not in (row.detail or "").casefold() for row in searches)


def test_opening_a_person_from_the_list_is_recorded(qtbot: Any,
                                                    people_context: AppContext) -> None:
    page = _page(qtbot, people_context)
    wren = _wren(people_context)
    dialog = page.open_person(wren)
    wait_idle(qtbot, people_context)
    assert dialog.detail is not None
    user = people_context.user
    (view,) = _events(user.database, "view", user.name)
    assert (view.entity, view.entity_id) == ("person", wren)
    dialog.close()


@pytest.fixture
def restricted_wren(people_context: AppContext,
                    make_context: Callable[..., AppContext]) -> dict[Role, AppContext]:
    """Wren restricted by a supervisor; a supervisor's and an officer's contexts."""
    database = people_context.user.database
    contexts = {role: make_context(database, role) for role in (Role.SUPERVISOR, Role.OFFICER)}
    people.restrict_person(contexts[Role.SUPERVISOR].user, _wren(people_context),
                           "A colleague's relative")
    return contexts


def test_a_restricted_person_shows_as_restricted_to_an_officer_only(
        qtbot: Any, restricted_wren: dict[Role, AppContext]) -> None:
    officer = _page(qtbot, restricted_wren[Role.OFFICER])
    supervisor = _page(qtbot, restricted_wren[Role.SUPERVISOR])
    assert sorted(shown_names(officer)) == ["Fennimore, Tobias"] * 2 + [RESTRICTED_LABEL]
    assert "Halloway, Wren" in shown_names(supervisor)
    assert officer.count_label.text() == "3 of 3 people"
    hidden = next(officer.model.row_at(row) for row in range(3)
                  if officer.model.row_at(row).name == RESTRICTED_LABEL)
    assert hidden.date_of_birth is None and hidden.dv == 3
    officer.search_box.setText("halloway")
    qtbot.waitUntil(lambda: officer.model.rowCount() == 0)


def test_an_officer_gives_a_reason_and_the_restricted_person_opens(
        qtbot: Any, restricted_wren: dict[Role, AppContext],
        monkeypatch: pytest.MonkeyPatch, errors: ErrorRecorder) -> None:
    context = restricted_wren[Role.OFFICER]
    page = _page(qtbot, context)
    wren = _wren(restricted_wren[Role.SUPERVISOR])
    asked: list[str] = []

    def no_reason(_parent: Any, title: str, _question: str) -> str | None:
        asked.append(title)
        return None

    monkeypatch.setattr(restricted_ui, "ask_reason", no_reason)
    refused = page.open_person(wren)
    closed: list[bool] = []
    refused.destroyed.connect(lambda: closed.append(True))
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)  # nothing was shown
    assert asked == ["Restricted record"]
    user = context.user
    assert _events(user.database, "view", user.name) == []

    monkeypatch.setattr(restricted_ui, "ask_reason",
                        lambda _parent, _title, _question: "Safeguarding call from the school")
    dialog = page.open_person(wren)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.name_label.text() == "Halloway, Wren"
    assert dialog.restricted_label.isVisibleTo(dialog)
    assert not dialog.restrict_button.isVisibleTo(dialog)  # officers do not restrict
    (glass,) = _events(user.database, "break_glass", user.name)
    assert json.loads(glass.detail or "") == {"reason": "Safeguarding call from the school"}
    (view,) = _events(user.database, "view", user.name)
    assert view.entity_id == wren and view.id > glass.id
    assert errors.errors == []
    dialog.close()


def test_a_supervisor_restricts_and_lifts_from_the_person_page(
        qtbot: Any, people_context: AppContext, make_context: Callable[..., AppContext],
        monkeypatch: pytest.MonkeyPatch, errors: ErrorRecorder) -> None:
    context = make_context(people_context.user.database, Role.SUPERVISOR)
    page = _page(qtbot, context)
    dialog = page.open_person(_wren(context))
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.restrict_button.isVisibleTo(dialog)
    assert dialog.restrict_button.text() == "&Restrict record..."
    monkeypatch.setattr(restricted_ui, "ask_reason",
                        lambda _parent, _title, _question: "High-profile case")
    dialog.restrict_button.click()
    qtbot.waitUntil(lambda: dialog.restrict_button.text() == "&Lift restriction...",
                    timeout=10_000)
    assert dialog.restricted_label.isVisibleTo(dialog)
    (event,) = _events(context.user.database, "restrict", context.user.name)
    assert json.loads(event.detail or "") == {"restricted": True, "reason": "High-profile case"}
    dialog.restrict_button.click()
    qtbot.waitUntil(lambda: dialog.restrict_button.text() == "&Restrict record...",
                    timeout=10_000)
    assert not dialog.restricted_label.isVisibleTo(dialog)
    assert errors.errors == []
    wait_idle(qtbot, context)
    dialog.close()


def test_who_has_seen_a_person_is_one_click_for_a_supervisor_only(
        qtbot: Any, restricted_wren: dict[Role, AppContext],
        monkeypatch: pytest.MonkeyPatch) -> None:
    wren = _wren(restricted_wren[Role.SUPERVISOR])
    monkeypatch.setattr(restricted_ui, "ask_reason",
                        lambda _parent, _title, _question: "Safeguarding call from the school")
    officer_page = _page(qtbot, restricted_wren[Role.OFFICER])
    officer_dialog = officer_page.open_person(wren)
    qtbot.waitUntil(lambda: officer_dialog.detail is not None, timeout=10_000)
    assert not officer_dialog.viewers_button.isVisibleTo(officer_dialog)
    officer_dialog.close()
    context = restricted_wren[Role.SUPERVISOR]
    dialog = _page(qtbot, context).open_person(wren)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert dialog.viewers_button.isVisibleTo(dialog)
    dialog.viewers_button.click()
    qtbot.waitUntil(lambda: getattr(dialog, "viewers_dialog", None) is not None,
                    timeout=10_000)
    viewers = dialog.viewers_dialog.model
    seen = {viewers.index(row, 0).data() for row in range(viewers.rowCount())}
    assert context.user.name in seen
    dialog.viewers_dialog.close()
    dialog.close()
