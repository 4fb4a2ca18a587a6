"""The MARAC screen driven through its widgets, on a fresh database with invented people:
referrals (and repeats), the DASH checklist, meetings with their agenda and actions, printed
documents and the SafeLives return."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget
from sqlalchemy import select

from scs_victims.accounts import Role
from scs_victims.actions.changes import OpChanges
from scs_victims.marac.cases import (
    PerpetratorInput,
    ReferralInput,
    add_action,
    create_referral,
)
from scs_victims.marac.dash import available_versions
from scs_victims.marac.meetings import assign_case, schedule_meeting
from scs_victims.marac.queries import (
    attendance,
    load_meeting,
    meeting_actions,
    meeting_rows,
    referral_rows,
)
from scs_victims.marac.safelives_return import compute_return
from scs_victims.restricted import RESTRICTED_LABEL, set_restricted
from scs_victims.settings import load_area, load_rules, save_area
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, MaracAction, MaracReferral, Person
from tests.ui.conftest import shown, wait_idle
from ui.context import AppContext
from ui.dashboard.page import DashboardPage
from ui.marac.meeting_detail import MeetingDetailView
from ui.marac.models import (
    ActionsModel,
    CasesModel,
    MeetingsModel,
    ReferralsFilter,
    ReferralsModel,
    ReturnModel,
)
from ui.marac.page import MaracPage
from ui.marac.referral_form import ReferralForm
from ui.settings.area_tab import AreaTab
from ui.settings.rules_tab import RulesTab

TODAY = date(2025, 6, 30)
# The referral form is a top-level window; the offscreen platform cannot pass its size hints.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def open_page(qtbot: Any, context: AppContext) -> MaracPage:
    page = MaracPage(context)
    page.today = lambda: TODAY
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive

    def route(changes: OpChanges) -> None:  # as the main window routes it
        if changes.any(*MaracPage.REFRESH_ON):
            page.refresh()

    context.signals.data_changed.connect(route)
    page.on_shown()
    wait_idle(qtbot, context)
    return page


@pytest.fixture
def page(qtbot: Any, empty_context: AppContext) -> MaracPage:
    return open_page(qtbot, empty_context)


def _person(context: AppContext, forename: str, surname: str, born: date | None = None) -> int:
    with context.user.database.session() as session:
        person = Person(forename=forename, surname=surname, date_of_birth=born,
                        created_at=datetime.now())
        session.add(person)
        session.flush()
        return person.id


def _refer(context: AppContext, reference: str, on: date, victim: int, perpetrator: int,
           **changes: Any) -> int:
    with context.user.database.session() as session:
        return create_referral(session, ReferralInput(
            reference=reference, referral_date=on, victim_id=victim,
            perpetrators=[PerpetratorInput(person_id=perpetrator)],
            agencies=changes.pop("agencies", ["police"]), **changes), today=TODAY)


def column(model: Any, number: int) -> list[str]:
    return [model.index(row, number).data() for row in range(model.rowCount())]


def fill_new_referral(form: ReferralForm, qtbot: Any, *, victim: tuple[str, str, str],
                      perpetrator: tuple[str, str], on: str, agencies: list[str]) -> None:
    form.referral_date.setText(on)
    form.set_agencies(agencies)
    for edit, text in zip((form.victim.forename, form.victim.surname, form.victim.dob), victim,
                          strict=True):
        qtbot.keyClicks(edit, text)
    qtbot.keyClicks(form.perpetrator.forename, perpetrator[0])
    qtbot.keyClicks(form.perpetrator.surname, perpetrator[1])
    qtbot.mouseClick(form.add_perpetrator_button, Qt.MouseButton.LeftButton)


# --- models ---------------------------------------------------------------------------------


def test_models_pass_the_model_tester(qtmodeltester: Any, empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    referral = _refer(empty_context, "M-1", date(2025, 5, 1), victim, perpetrator,
                      children_count=1)
    with empty_context.user.database.session() as session:
        meeting = schedule_meeting(session, date(2025, 5, 20), "Civic Centre", "Chair A")
        case = assign_case(session, meeting, referral)
        add_action(session, case, agency="housing", what="Lock change", due_on=date(2025, 6, 1))
        rows = referral_rows(session)
        meetings = meeting_rows(session)
        detail = load_meeting(session, meeting, TODAY)
        actions = meeting_actions(session, meeting, TODAY)
        result = compute_return(session, date(2025, 4, 1), date(2025, 6, 30))
    referrals = ReferralsModel()
    referrals.set_rows(rows)
    qtmodeltester.check(referrals)
    proxy = ReferralsFilter()
    proxy.setSourceModel(referrals)
    proxy.set_text("quarrie")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    proxy.set_filter(1)  # repeats only
    assert proxy.rowCount() == 0
    for model, data in ((MeetingsModel(), meetings), (ActionsModel(), actions),
                        (ReturnModel(), [*result.meetings, result.total])):
        model.set_rows(data)  # type: ignore[attr-defined]
        qtmodeltester.check(model)
    cases = CasesModel()
    cases.set_cases(list(detail.cases), {c.referral_id: c.section for c in detail.agenda.cases})
    qtmodeltester.check(cases)
    assert column(cases, 0) == ["Cases with children"]


# --- referrals ------------------------------------------------------------------------------


def test_a_referral_made_in_the_form_is_listed(qtbot: Any, page: MaracPage,
                                               empty_context: AppContext) -> None:
    form = page.referrals.new_referral()
    qtbot.addWidget(form)
    wait_idle(qtbot, empty_context)
    assert form.reference.text() == "MARAC-2025-0001"  # suggested
    fill_new_referral(form, qtbot, victim=("Ffion", "Quarrie", "04/03/1990"),
                      perpetrator=("Gareth", "Quarrie"), on="12/06/2025",
                      agencies=["police", "idva"])
    form.children_count.setValue(2)
    form.children_text.setPlainText("4, Oakfield Primary\n9, Oakfield Primary")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert form.banner.isVisible()
    assert "Saved MARAC-2025-0001" in form.banner.text()
    assert "Not a repeat" in form.banner.text()
    assert column(page.referrals.proxy, ReferralsModel.REFERENCE) == ["MARAC-2025-0001"]
    assert column(page.referrals.proxy, ReferralsModel.VICTIM) == ["Quarrie, Ffion"]
    assert column(page.referrals.proxy, ReferralsModel.AGENCIES) == ["Police, IDVA"]
    assert column(page.referrals.proxy, ReferralsModel.REPEAT) == ["No"]
    with empty_context.user.database.session() as session:
        referral = session.query(MaracReferral).one()
        assert (referral.children_count, referral.referral_date) == (2, date(2025, 6, 12))


def test_the_same_victim_and_perpetrator_again_within_12_months_is_a_repeat(
        qtbot: Any, page: MaracPage, empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie", date(1990, 3, 4))
    perpetrator = _person(empty_context, "Gareth", "Quarrie", date(1988, 1, 1))
    _refer(empty_context, "M-EARLIER", date(2024, 7, 1), victim, perpetrator)
    form = page.referrals.new_referral()
    qtbot.addWidget(form)
    wait_idle(qtbot, empty_context)
    form.referral_date.setText("30/06/2025")  # 12 months after 01/07/2024 is 01/07/2025
    form.set_agencies(["police"])
    for box in (form.victim, form.perpetrator):
        qtbot.keyClicks(box.search, "quarrie")
        box.picker.search_now()
        wait_idle(qtbot, empty_context)
        wanted = victim if box is form.victim else perpetrator
        box.picker.choose(next(m for m in box.picker.matches if m.id == wanted))
    assert "Existing person" in form.victim.status.text()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # adds the perpetrator too
    wait_idle(qtbot, empty_context)
    assert "Repeat</b> of referral M-EARLIER" in form.banner.text()
    page.referrals.proxy.set_filter(1)  # Repeats
    assert column(page.referrals.proxy, ReferralsModel.REPEAT) == ["Yes"]
    assert column(page.referrals.proxy, ReferralsModel.CRITERIA) == ["Repeat"]


def test_refusals_show_on_their_fields_and_save_nothing(qtbot: Any, page: MaracPage,
                                                        empty_context: AppContext) -> None:
    form = page.referrals.new_referral()
    qtbot.addWidget(form)
    wait_idle(qtbot, empty_context)
    form.referral_date.setText("31/02/2025")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert "is not a date" in form.checked["referral_date"].error.text()
    form.referral_date.setText("01/06/2025")
    qtbot.keyClicks(form.victim.forename, "Ada")
    qtbot.keyClicks(form.victim.surname, "Wrenfield")  # no date of birth: cannot be keyed
    qtbot.keyClicks(form.perpetrator.surname, "Wrenfield")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert "a name alone cannot be linked" in form.checked["victim_id"].error.text()
    assert form.checked["agencies"].error.text() == "Choose the referring agency."
    form.victim.dob.setText("01/01/1980")
    form.judgement.setChecked(True)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not form.checked["victim_id"].error.isVisible()
    assert form.checked["agencies"].error.text() == "Choose the referring agency."
    assert form.checked["judgement_reason"].error.isVisible()
    assert not form.banner.isVisible()
    with empty_context.user.database.session() as session:
        assert session.query(MaracReferral).count() == 0
        assert session.query(Person).count() == 0  # the typed victim was not kept either


def test_the_incident_date_and_dash_set_are_saved_and_checked(
        qtbot: Any, page: MaracPage, empty_context: AppContext) -> None:
    form = page.referrals.new_referral()
    qtbot.addWidget(form)
    wait_idle(qtbot, empty_context)
    sets = [form.dash_version.itemData(index) for index in range(form.dash_version.count())]
    assert sets == [None, *available_versions()]
    assert form.dash_version.itemText(0).startswith("Default: ")
    fill_new_referral(form, qtbot, victim=("Ffion", "Quarrie", "04/03/1990"),
                      perpetrator=("Gareth", "Quarrie"), on="12/06/2025", agencies=["police"])
    qtbot.keyClicks(form.incident_date, "13/06/2025")  # after the referral date
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert form.checked["incident_date"].error.text() == (
        "The incident date is after the referral date.")
    assert form.incident_date.hasFocus() and not form.banner.isVisible()
    form.incident_date.setText("31/02/2025")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert "is not a date" in form.checked["incident_date"].error.text()
    form.incident_date.setText("10/06/2025")
    form.dash_version.setCurrentIndex(1)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert form.banner.isVisible() and not form.checked["incident_date"].error.isVisible()
    with empty_context.user.database.session() as session:
        referral = session.query(MaracReferral).one()
        assert (referral.incident_date, referral.dash_version) == (
            date(2025, 6, 10), available_versions()[0])
    form.start_another()
    assert form.incident_date.text() == "" and form.dash_version.currentIndex() == 0


def test_the_date_column_sorts_both_ways_as_its_arrow_says(qtbot: Any, page: MaracPage,
                                                         empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    for reference, on in (("M-2", date(2025, 5, 1)), ("M-3", date(2025, 6, 1)),
                          ("M-1", date(2025, 4, 1))):
        _refer(empty_context, reference, on, victim, perpetrator)
    page.refresh()
    wait_idle(qtbot, empty_context)
    table = page.referrals.table
    header = table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        ReferralsModel.DATE, Qt.SortOrder.DescendingOrder)
    assert column(page.referrals.proxy, ReferralsModel.REFERENCE) == ["M-3", "M-2", "M-1"]
    table.sortByColumn(ReferralsModel.DATE, Qt.SortOrder.AscendingOrder)
    assert column(page.referrals.proxy, ReferralsModel.REFERENCE) == ["M-1", "M-2", "M-3"]


def test_several_referrals_are_added_to_a_chosen_meeting_at_once(
        qtbot: Any, page: MaracPage, empty_context: AppContext) -> None:
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    ids = [_refer(empty_context, f"M-{n}", date(2025, 6, n), _person(empty_context, "Ffion",
                                                                      f"Quarrie{n}"),
                  perpetrator) for n in (1, 2, 3)]
    tab = page.referrals
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)  # nothing selected: disabled
    assert not tab.add_button.isEnabled()
    page.refresh()
    wait_idle(qtbot, empty_context)
    tab.table.selectAll()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text().startswith("There is no meeting yet")
    with empty_context.user.database.session() as session:
        june = schedule_meeting(session, date(2025, 6, 20), "Civic Centre", None)
        july = schedule_meeting(session, date(2025, 7, 18), None, None)
        assign_case(session, june, ids[0])
    page.refresh()
    wait_idle(qtbot, empty_context)
    tab.table.clearSelection()
    for row in range(tab.proxy.rowCount()):  # M-1 and M-3, as Ctrl+click would choose them
        if tab.proxy.index(row, ReferralsModel.REFERENCE).data() in ("M-1", "M-3"):
            tab.table.selectionModel().select(
                tab.proxy.index(row, 0),
                tab.table.selectionModel().SelectionFlag.Select
                | tab.table.selectionModel().SelectionFlag.Rows)
    assert tab.add_button.isEnabled()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    dialog = tab.meeting_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert dialog.meeting.currentText() == "18/07/2025 (0 cases listed)"  # the next one
    dialog.meeting.setCurrentIndex(dialog.meeting.findData(june))
    assert dialog.meeting.currentText() == "20/06/2025, Civic Centre (1 case listed)"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not dialog.isVisible()
    assert tab.status.text() == ("1 referral added to the meeting of 20/06/2025; 1 already on "
                                 "its list.")
    meetings = {row.reference: row.meetings for row in tab.model.rows}
    assert meetings == {"M-1": (date(2025, 6, 20),), "M-2": (), "M-3": (date(2025, 6, 20),)}
    with empty_context.user.database.session() as session:
        assert [(m.id, m.cases) for m in meeting_rows(session)] == [(july, 0), (june, 2)]


# --- DASH -----------------------------------------------------------------------------------


def test_dash_scores_live_and_is_saved(qtbot: Any, page: MaracPage,
                                      empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    referral = _refer(empty_context, "M-1", date(2025, 6, 1), victim, perpetrator)
    page.refresh()
    wait_idle(qtbot, empty_context)
    page.referrals.select(referral)
    page.tabs.setCurrentWidget(page.dash)
    wait_idle(qtbot, empty_context)
    dash = page.dash
    assert "M-1" in dash.heading.text()
    yes = {number: next(b for b in group.buttons() if b.property("answer") == "yes")
           for number, group in dash.groups.items()}
    for number in range(1, 14):
        qtbot.mouseClick(yes[number], Qt.MouseButton.LeftButton)
    assert dash.score.text() == "Score 13 of 24"
    assert dash.verdict.text().startswith("Below the threshold of 14")
    qtbot.mouseClick(yes[14], Qt.MouseButton.LeftButton)
    assert dash.score.text() == "Score 14 of 24"
    assert "VISIBLE HIGH RISK" in dash.verdict.text()
    assert "cannot be downgraded by professional judgement" in dash.verdict.text()
    no = next(b for b in dash.groups[14].buttons() if b.property("answer") == "no")
    qtbot.mouseClick(no, Qt.MouseButton.LeftButton)
    assert dash.score.text() == "Score 13 of 24"
    qtbot.mouseClick(yes[14], Qt.MouseButton.LeftButton)
    dash.sources[1].setText("police")
    qtbot.mouseClick(dash.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert dash.status.text().startswith("Saved: score 14 (visible high risk")
    with empty_context.user.database.session() as session:
        assert session.get(MaracReferral, referral).dash_score == 14  # type: ignore[union-attr]
    assert column(page.referrals.proxy, ReferralsModel.DASH) == ["14"]
    assert column(page.referrals.proxy, ReferralsModel.CRITERIA) == ["Visible high risk"]
    assert dash.sources[1].text() == "police"  # reloaded from the saved checklist


# --- meetings -------------------------------------------------------------------------------


def _meetings_page(qtbot: Any, page: MaracPage, context: AppContext) -> None:
    page.tabs.setCurrentWidget(page.meetings)
    tab = page.meetings
    tab.meeting_date.setText("15/07/2025")
    qtbot.keyClicks(tab.venue, "Civic Centre")
    qtbot.keyClicks(tab.chair, "DI Invented")
    qtbot.mouseClick(tab.schedule_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)


def test_schedule_assign_and_the_agenda_puts_children_first(
        qtbot: Any, page: MaracPage, empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie")
    other = _person(empty_context, "Ada", "Wrenfield")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    _refer(empty_context, "A-ADULTS", date(2025, 6, 1), victim, perpetrator)
    _refer(empty_context, "B-CHILDREN", date(2025, 6, 2), other, perpetrator, children_count=3)
    page.refresh()
    wait_idle(qtbot, empty_context)
    _meetings_page(qtbot, page, empty_context)
    tab = page.meetings
    assert column(tab.model, 0) == ["15/07/2025"]
    assert tab.selected() is not None and tab.selected().venue == "Civic Centre"  # type: ignore[union-attr]
    for _ in range(2):
        tab.unlisted.setCurrentIndex(0)
        qtbot.mouseClick(tab.assign_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, empty_context)
    assert tab.unlisted.currentData() is None  # every referral is listed now
    cases = tab.detail.cases_model
    assert column(cases, 1) == ["B-CHILDREN", "A-ADULTS"]
    assert column(cases, 0) == ["Cases with children", "Adult-only cases"]
    agenda = tab.detail.agenda.toPlainText()
    assert agenda.index("confidential") < agenda.index("Outstanding actions")
    assert agenda.index("B-CHILDREN") < agenda.index("A-ADULTS")
    assert "2 cases" in tab.heading.text()


def _one_case_meeting(qtbot: Any, page: MaracPage, context: AppContext) -> MeetingDetailView:
    """A meeting on 10/06/2025 with one case (M-1) on its list, shown on the page."""
    victim = _person(context, "Ffion", "Quarrie")
    perpetrator = _person(context, "Gareth", "Quarrie")
    referral = _refer(context, "M-1", date(2025, 6, 1), victim, perpetrator)
    with context.user.database.session() as session:
        meeting = schedule_meeting(session, date(2025, 6, 10), None, None)
        assign_case(session, meeting, referral)
    page.refresh()
    wait_idle(qtbot, context)
    return page.meetings.detail


def test_an_action_is_added_and_marked_done(qtbot: Any, page: MaracPage,
                                            empty_context: AppContext) -> None:
    detail = _one_case_meeting(qtbot, page, empty_context)
    detail.tabs.setCurrentIndex(1)
    detail.cases_table.selectRow(0)
    detail.agency.setCurrentIndex(detail.agency.findData("housing"))
    qtbot.keyClicks(detail.owner, "J. Invented")
    qtbot.mouseClick(detail.add_button, Qt.MouseButton.LeftButton)  # nothing said yet
    wait_idle(qtbot, empty_context)
    assert detail.checked["what"].error.text() == "Say what the action is."
    qtbot.keyClicks(detail.what, "Fit a lock change")
    detail.due.setText("20/06/2025")
    qtbot.mouseClick(detail.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    actions = detail.actions_model
    assert column(actions, 3) == ["Fit a lock change"]
    assert column(actions, 5) == ["Open: OVERDUE"]  # due 20/06, today is 30/06
    assert "1 OVERDUE" in detail.actions_heading.text()
    detail.actions_table.selectRow(0)
    detail.status.setCurrentIndex(detail.status.findData("done"))
    qtbot.keyClicks(detail.note, "Locks changed 18/06")
    qtbot.mouseClick(detail.status_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert column(actions, 5) == ["Done"]
    assert column(actions, 6) == ["Locks changed 18/06"]
    with empty_context.user.database.session() as session:
        action = session.query(MaracAction).one()
        assert (action.status, action.owner) == ("done", "J. Invented")


def test_information_shared_and_attendance_are_saved(qtbot: Any, page: MaracPage,
                                                     empty_context: AppContext) -> None:
    detail = _one_case_meeting(qtbot, page, empty_context)
    detail.cases_table.selectRow(0)
    detail.shared.setPlainText("Police: two call-outs in May.")
    qtbot.mouseClick(detail.shared_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert column(detail.cases_model, 5) == ["Police: two call-outs in May."]
    detail.tabs.setCurrentIndex(2)
    detail.attendance_status["police"].setCurrentIndex(1)
    detail.attendees["police"].setText("PC Invented")
    detail.attendance_status["housing"].setCurrentIndex(2)
    qtbot.mouseClick(detail.attendance_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert detail.attendance_note.text() == "Saved: 1 present, 1 apologies."
    assert detail.attendees["police"].text() == "PC Invented"  # as reloaded
    assert detail.attendance_status["housing"].currentText() == "Apologies"
    detail.attendance_status["housing"].setCurrentIndex(0)  # Not recorded after all
    qtbot.mouseClick(detail.attendance_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert detail.attendance_note.text() == ("Saved: 1 present, 0 apologies, 1 taken off the "
                                             "record.")
    assert detail.attendance_status["housing"].currentText() == "Not recorded"  # as reloaded
    with empty_context.user.database.session() as session:
        assert attendance(session, detail.detail.meeting_id) == {  # type: ignore[union-attr]
            "police": ("present", "PC Invented")}


def test_documents_are_rendered_and_saved_where_chosen(qtbot: Any, page: MaracPage,
                                                       empty_context: AppContext,
                                                       tmp_path: Path) -> None:
    victim = _person(empty_context, "Zoë", "O'Brien")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    referral = _refer(empty_context, "M-1", date(2025, 6, 1), victim, perpetrator)
    with empty_context.user.database.session() as session:
        meeting = schedule_meeting(session, date(2025, 6, 10), "Civic Centre", None)
        assign_case(session, meeting, referral)
    asked: list[str] = []
    opened: list[Path] = []

    def choose(_parent: QWidget, _title: str, suggested: str, _filter: str) -> str:
        asked.append(suggested)
        return str(tmp_path / suggested)

    page.choose_file = choose
    page.open_file = opened.append
    page.refresh()
    page.tabs.setCurrentWidget(page.meetings)
    wait_idle(qtbot, empty_context)
    tab = page.meetings
    qtbot.mouseClick(tab.print_buttons["MARAC meeting pack"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    pack = tmp_path / "MARAC meeting pack 2025-06-10.pdf"
    assert asked == [pack.name]
    assert pack.read_bytes().startswith(b"%PDF")
    assert tab.saved.isVisible() and str(pack) in tab.saved.label.text()
    assert opened == []  # only when asked
    qtbot.mouseClick(tab.saved.open_button, Qt.MouseButton.LeftButton)
    assert opened == [pack]
    qtbot.mouseClick(tab.print_buttons["MARAC case summary"], Qt.MouseButton.LeftButton)
    assert "Select a case" in tab.saved.label.text()  # no case selected yet
    tab.detail.cases_table.selectRow(0)
    for stem in ("MARAC case summary", "MARAC research list", "MARAC actions tracker"):
        qtbot.mouseClick(tab.print_buttons[stem], Qt.MouseButton.LeftButton)
        wait_idle(qtbot, empty_context)
    assert asked[1:] == ["MARAC case summary M-1.pdf", "MARAC research list 2025-06-10.pdf",
                         "MARAC actions tracker 2025-06-10.pdf"]
    assert all((tmp_path / name).read_bytes().startswith(b"%PDF") for name in asked)
    tab.recipients.setText("Police, IDVA service")
    qtbot.mouseClick(tab.print_buttons["MARAC meeting pack"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    with empty_context.user.database.session() as session:
        printed = [(event.actor, event.entity, json.loads(event.detail or "{}"))
                   for event in session.scalars(select(AuditEvent).where(
                       AuditEvent.action == "print").order_by(AuditEvent.id))]
    user = empty_context.user.name
    assert [(actor, entity, detail["file"]) for actor, entity, detail in printed] == [
        (user, "meeting", pack.name), (user, "marac_case", "MARAC case summary M-1.pdf"),
        (user, "meeting", "MARAC research list 2025-06-10.pdf"),
        (user, "meeting", "MARAC actions tracker 2025-06-10.pdf"), (user, "meeting", pack.name)]
    assert "recipients" not in printed[0][2]
    assert printed[-1][2]["recipients"] == "Police, IDVA service"


# --- roles and restricted records -----------------------------------------------------------


def test_a_role_without_marac_work_sees_why_and_nothing_is_read(
        qtbot: Any, make_context: Any, database: Database) -> None:
    officer = make_context(database, Role.OFFICER)
    page = open_page(qtbot, officer)
    assert not page.tabs.isVisible()
    assert ("Your role (officer) does not allow working on MARAC referrals, DASH, meetings "
            "and actions.") in [label.text() for label in page.findChildren(QLabel)]
    with database.session() as session:
        assert session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("search", "view", "refused")))).all() == []


def test_a_restricted_victim_shows_as_restricted_on_the_lists(
        qtbot: Any, make_context: Any, database: Database) -> None:
    coordinator = make_context(database, Role.MARAC)
    victim = _person(coordinator, "Ffion", "Quarrie")
    perpetrator = _person(coordinator, "Gareth", "Quarrie")
    _refer(coordinator, "M-1", date(2025, 6, 1), victim, perpetrator)
    with database.session() as session:
        set_restricted(session, victim, True, "A colleague's family")
    page = open_page(qtbot, coordinator)
    assert column(page.referrals.proxy, ReferralsModel.VICTIM) == [RESTRICTED_LABEL]
    assert column(page.referrals.proxy, ReferralsModel.PERPETRATORS) == [RESTRICTED_LABEL]
    assert page.meetings.unlisted.itemText(0) == f"M-1: {RESTRICTED_LABEL}, referred 01/06/2025"
    page.referrals.proxy.set_text("quarrie")
    assert page.referrals.proxy.rowCount() == 0  # a hidden name is not found by typing it


# --- the SafeLives return -------------------------------------------------------------------


def test_the_return_preview_totals_a_hand_built_set(qtbot: Any, page: MaracPage,
                                                    empty_context: AppContext,
                                                    tmp_path: Path) -> None:
    with empty_context.user.database.session() as session:
        save_area(session, replace(load_area(session), female_population_16_plus=2_000))
    ffion = _person(empty_context, "Ffion", "Quarrie")
    ada = _person(empty_context, "Ada", "Wrenfield")
    gareth = _person(empty_context, "Gareth", "Quarrie")
    tom = _person(empty_context, "Tom", "Wrenfield")
    first = _refer(empty_context, "R-1", date(2025, 4, 2), ffion, gareth, children_count=2,
                   agencies=["police", "idva"])
    second = _refer(empty_context, "R-2", date(2025, 4, 20), ada, tom, agencies=["housing"])
    repeat = _refer(empty_context, "R-3", date(2025, 5, 25), ffion, gareth, children_count=1)
    # Before the quarter, and another perpetrator: R-2 is not a repeat of it.
    outside = _refer(empty_context, "R-0", date(2025, 3, 1), ada, gareth)
    with empty_context.user.database.session() as session:
        april = schedule_meeting(session, date(2025, 4, 24), None, None)
        may = schedule_meeting(session, date(2025, 5, 29), None, None)
        march = schedule_meeting(session, date(2025, 3, 6), None, None)
        for meeting, referral in ((april, first), (april, second), (may, repeat),
                                  (march, outside)):
            assign_case(session, meeting, referral)
    page.tabs.setCurrentWidget(page.returns)
    tab = page.returns
    assert (tab.first.text(), tab.last.text()) == ("01/01/2025", "31/03/2025")  # last quarter
    qtbot.mouseClick(tab.csv_button, Qt.MouseButton.LeftButton)  # nothing to save yet
    assert not tab.csv_button.isEnabled()
    tab.first.setText("01/04/2025")
    tab.last.setText("30/06/2025")
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    model = tab.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    total = {headers[c]: model.index(model.rowCount() - 1, c).data()
             for c in range(model.columnCount())}
    assert column(model, 0) == ["24/04/2025", "29/05/2025", "Total"]
    assert (total["cases_discussed"], total["repeat_cases"], total["children"]) == ("3", "1", "3")
    assert (total["ref_police"], total["ref_idva"], total["ref_housing"]) == ("1.5", "0.5", "1")
    summary = tab.summary.text()
    assert "3 cases discussed, 1 repeat</b>" in summary and "33.33%" in summary
    # 4 cases in the 12 months to 30/06/2025 (March's too) per 2,000 women: 20 per 10,000.
    assert "20.00 per 10,000 adult females against the recommended 40" in summary
    page.choose_file = lambda _p, _t, suggested, _f: str(tmp_path / suggested)
    qtbot.mouseClick(tab.csv_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    csv_text = (tmp_path / "MARAC return 2025-04-01 to 2025-06-30.csv").read_text("utf-8")
    assert csv_text.splitlines()[-1].startswith("Total,3,1,3,")
    qtbot.mouseClick(tab.xlsx_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert (tmp_path / "MARAC return 2025-04-01 to 2025-06-30.xlsx").stat().st_size > 0


def test_search_box_filters_the_referrals(qtbot: Any, page: MaracPage,
                                          empty_context: AppContext) -> None:
    gareth = _person(empty_context, "Gareth", "Quarrie")
    _refer(empty_context, "M-1", date(2025, 6, 1), _person(empty_context, "Ffion", "Quarrie"),
           gareth)
    _refer(empty_context, "M-2", date(2025, 6, 2), _person(empty_context, "Ada", "Wrenfield"),
           gareth)
    page.refresh()
    wait_idle(qtbot, empty_context)
    page.focus_search()
    search: QLineEdit = page.referrals.search
    qtbot.keyClicks(search, "wrenf")
    qtbot.waitUntil(lambda: page.referrals.proxy.rowCount() == 1)
    assert column(page.referrals.proxy, ReferralsModel.REFERENCE) == ["M-2"]
    assert page.referrals.shown.text() == "1 of 2 shown"


# --- Settings and the dashboard -------------------------------------------------------------


def test_the_female_population_is_set_in_area_settings(qtbot: Any,
                                                       empty_context: AppContext) -> None:
    tab = AreaTab(empty_context)
    window = shown(tab, qtbot)  # noqa: F841 - kept alive for the test
    tab.load()
    wait_idle(qtbot, empty_context)
    assert tab.population_edit.text() == ""
    tab.population_edit.setText("12 thousand")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "must be a whole number above 0" in tab.population_error.text()
    tab.population_edit.setText("104,250")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text() == "Saved."
    with empty_context.user.database.session() as session:
        assert load_area(session).female_population_16_plus == 104_250


def test_the_dashboard_counts_overdue_marac_actions(qtbot: Any,
                                                   empty_context: AppContext) -> None:
    victim = _person(empty_context, "Ffion", "Quarrie")
    perpetrator = _person(empty_context, "Gareth", "Quarrie")
    referral = _refer(empty_context, "M-1", date(2025, 6, 1), victim, perpetrator)
    with empty_context.user.database.session() as session:
        case = assign_case(session, schedule_meeting(session, date(2025, 6, 10), None, None),
                           referral)
        add_action(session, case, agency="housing", what="Lock change", due_on=date(2025, 6, 20))
        add_action(session, case, agency="police", what="Flag", due_on=date(2025, 7, 20))
    board = DashboardPage(empty_context)
    board.today = lambda: TODAY
    window = shown(board, qtbot)  # noqa: F841 - kept alive for the test
    board.on_shown()
    wait_idle(qtbot, empty_context)
    assert board.marac_overdue.text() == "1 overdue MARAC action"
    with qtbot.waitSignal(board.open_marac, timeout=1_000):
        qtbot.mouseClick(board.marac_overdue, Qt.MouseButton.LeftButton)


def test_the_dash_threshold_setting_stays_within_the_checklist(qtbot: Any,
                                                               empty_context: AppContext) -> None:
    tab = RulesTab(empty_context)
    qtbot.addWidget(tab)
    tab.load()
    wait_idle(qtbot, empty_context)
    spin = tab.inputs["marac_dash_threshold"]
    assert isinstance(spin, QSpinBox)
    assert (spin.minimum(), spin.maximum(), spin.value()) == (1, 24, 14)
    spin.setValue(30)  # as typed: the box keeps it to 24
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    with empty_context.user.database.session() as session:
        assert load_rules(session).marac_dash_threshold == 24
