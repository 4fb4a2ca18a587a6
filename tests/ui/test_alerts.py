"""The Alerts screen on the demo borough: listing, filtering, the incidents behind an alert,
and marking one as reviewed with a note."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from scs_victims.accounts import Role
from scs_victims.actions.changes import OpChanges
from scs_victims.alerts import PERSON, AlertKind
from scs_victims.audit import acting_as
from scs_victims.restricted import RESTRICTED_LABEL, set_restricted
from scs_victims.services.alert_reviews import AlertWithReview, open_alerts, review_alert
from scs_victims.storage.database import Database
from scs_victims.storage.models import AlertReview
from tests.ui.conftest import shown
from ui.alerts.model import AlertIncidentsModel, AlertsFilter, AlertsModel, alert_rows
from ui.alerts.page import AlertsPage
from ui.context import AppContext, IncidentFilter

from .conftest import wait_idle

TODAY = date.today()  # the demo borough's incidents end today


def core_alerts(context: AppContext) -> list[AlertWithReview]:
    with context.user.database.session() as session:
        return open_alerts(session, TODAY)


@pytest.fixture
def page(qtbot: Any, demo_context: AppContext) -> AlertsPage:
    page = AlertsPage(demo_context)
    page.today = lambda: TODAY
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    demo_context.signals.data_changed.connect(  # as the main window routes it
        lambda changes: page.refresh() if changes.any(*AlertsPage.REFRESH_ON) else None)
    page.on_shown()
    wait_idle(qtbot, demo_context)
    return page


def visible_column(page: AlertsPage, column: int) -> list[str]:
    return [page.proxy.index(row, column).data() for row in range(page.proxy.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester: Any, demo_context: AppContext) -> None:
    items = core_alerts(demo_context)
    model = AlertsModel()
    model.set_rows(alert_rows(items, {}))
    qtmodeltester.check(model)
    proxy = AlertsFilter()
    proxy.setSourceModel(model)
    proxy.set_kind(AlertKind.DV_ESCALATION.value)
    qtmodeltester.check(proxy)
    incidents = AlertIncidentsModel()
    incidents.set_alert(items[0].alert)
    qtmodeltester.check(incidents)
    assert model.index(0, 0).data(AlertsModel.KIND_ROLE) == items[0].alert.kind.value
    assert incidents.rowCount() == len(items[0].alert.incidents)


def test_every_open_alert_is_listed_with_counts(page: AlertsPage,
                                                demo_context: AppContext) -> None:
    items = core_alerts(demo_context)
    assert len(items) > 10
    assert page.proxy.rowCount() == len(items)
    assert set(visible_column(page, AlertsModel.EXPLANATION)) == {
        item.alert.explanation for item in items}
    assert set(visible_column(page, AlertsModel.STATUS)) == {"Open"}
    escalations = sum(1 for item in items if item.alert.kind is AlertKind.DV_ESCALATION)
    assert page.counts.text().startswith(f"{len(items)} open on {TODAY:%d/%m/%Y}: ")
    assert f"{escalations} DV escalation" in page.counts.text()
    assert page.shown.text() == f"{len(items)} of {len(items)} shown"


def test_the_kind_filter_shows_one_kind(qtbot: Any, page: AlertsPage) -> None:
    page.kind.setFocus()
    index = page.kind.findText("DV potential escalation")
    page.kind.setCurrentIndex(index)
    kinds = set(visible_column(page, AlertsModel.KIND))
    assert kinds == {"DV potential escalation"}
    page.show_kind("")
    assert page.kind.currentText() == "All kinds"
    qtbot.keyClick(page.kind, Qt.Key.Key_Down)  # the keyboard changes it too
    assert page.kind.currentText() == "Repeat victim"
    assert {kind.split(" (")[0] for kind in visible_column(page, AlertsModel.KIND)} == {
        "Repeat victim"}


def test_selecting_an_alert_shows_the_incidents_behind_it(page: AlertsPage) -> None:
    page.table.selectRow(0)
    row = page.selected()
    assert row is not None
    alert = row.alert
    shown_rows = page.incidents_model.rowCount()
    assert shown_rows == len(alert.incidents)
    first = alert.incidents[0]
    assert [page.incidents_model.index(0, column).data() for column in range(4)] == [
        first.occurred_on.strftime("%d/%m/%Y"), first.reference,
        {"asb": "ASB", "burglary": "Burglary", "dv": "DV"}[first.crime_type],
        "Repeat" if first.is_repeat else ""]
    assert page.explanation.text() == f"{row.name}: {alert.explanation}"
    assert page.review_button.isEnabled()


def test_open_person_and_show_incidents(qtbot: Any, page: AlertsPage,
                                        demo_context: AppContext) -> None:
    page.show_kind(AlertKind.DV_ESCALATION.value)
    page.table.selectRow(0)
    row = page.selected()
    assert row is not None
    with qtbot.waitSignal(demo_context.signals.open_person) as blocker:
        qtbot.mouseClick(page.open_person_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [row.alert.subject_id]
    with qtbot.waitSignal(demo_context.signals.show_incidents) as blocker:
        qtbot.mouseClick(page.show_incidents_button, Qt.MouseButton.LeftButton)
    shown_filter: IncidentFilter = blocker.args[0]
    assert shown_filter.incident_ids == tuple(incident.id for incident in row.alert.incidents)
    assert shown_filter.title.startswith("Incidents behind the alert: DV potential escalation")


def test_open_person_is_off_for_an_alert_on_a_dwelling(page: AlertsPage) -> None:
    for proxy_row in range(page.proxy.rowCount()):
        if page.proxy.index(proxy_row, 0).data() == "Repeat victim (Burglary)":
            page.table.selectRow(proxy_row)
            break
    else:
        pytest.fail("the demo borough has no repeat burglary alert")
    assert not page.open_person_button.isEnabled()
    assert page.show_incidents_button.isEnabled()


def test_mark_reviewed_with_a_note_hides_the_alert_until_asked(
        qtbot: Any, page: AlertsPage, demo_context: AppContext) -> None:
    page.table.selectRow(0)
    row = page.selected()
    assert row is not None
    before = page.proxy.rowCount()
    dialog = page.mark_reviewed()
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.note, "Phoned; safety plan agreed.")
    with qtbot.waitSignal(demo_context.signals.data_changed):
        dialog.submit()
    wait_idle(qtbot, demo_context)
    assert not dialog.isVisible()
    assert page.proxy.rowCount() == before - 1
    assert not page.select(row.key)  # hidden while "Show reviewed" is off
    assert "Reviewed" not in visible_column(page, AlertsModel.STATUS)

    qtbot.mouseClick(page.show_reviewed, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == before
    assert page.select(row.key)
    reviewed = page.selected()
    assert reviewed is not None and reviewed.status == "Reviewed"
    assert page.review_label.text().endswith(": Phoned; safety plan agreed.")
    assert not page.review_button.isEnabled()
    with demo_context.user.database.session() as session:
        stored = session.query(AlertReview).one()
    assert (stored.note, stored.subject_id) == ("Phoned; safety plan agreed.",
                                                row.alert.subject_id)


def test_a_review_without_a_note_is_refused_on_the_field(
        qtbot: Any, page: AlertsPage, demo_context: AppContext, errors: Any) -> None:
    page.table.selectRow(0)
    dialog = page.mark_reviewed()
    assert dialog is not None
    qtbot.keyClicks(dialog.note, "   ")
    dialog.submit()
    wait_idle(qtbot, demo_context)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Write a note saying what was done about this alert."
    assert errors.errors == []  # shown on the field, not as an error box
    with demo_context.user.database.session() as session:
        assert session.query(AlertReview).count() == 0
    qtbot.keyClicks(dialog.note, "x")
    assert not dialog.error.isVisible()
    dialog.reject()


def test_a_review_made_elsewhere_shows_after_refresh(
        qtbot: Any, page: AlertsPage, demo_context: AppContext) -> None:
    first = page.model.row_at(0)
    with demo_context.user.database.session() as session:
        review_alert(session, first.key, "Done by a colleague.", TODAY)
    page.refresh()
    wait_idle(qtbot, demo_context)
    assert all(page.model.row_at(source).key != first.key or
               page.model.row_at(source).status == "Reviewed"
               for source in range(page.model.rowCount(QModelIndex())))
    assert not page.select(first.key)


def test_a_review_is_a_change_of_alerts_only(
        qtbot: Any, page: AlertsPage, demo_context: AppContext) -> None:
    page.table.selectRow(0)
    dialog = page.mark_reviewed()
    assert dialog is not None
    qtbot.keyClicks(dialog.note, "Phoned.")
    with qtbot.waitSignal(demo_context.signals.data_changed) as blocker:
        dialog.submit()
    wait_idle(qtbot, demo_context)
    assert blocker.args == [OpChanges(alerts=True)]


def open_page(qtbot: Any, context: AppContext) -> AlertsPage:
    page = AlertsPage(context)
    page.today = lambda: TODAY
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def test_an_officer_changes_only_their_own_review_and_a_supervisor_anyones(
        qtbot: Any, make_context: Any, demo_db: Database) -> None:
    officer = make_context(demo_db, Role.OFFICER)
    page = open_page(qtbot, officer)
    page.table.selectRow(0)
    key = page.selected().key  # type: ignore[union-attr]
    assert not page.change_review_button.isEnabled()  # open: nothing to change
    dialog = page.mark_reviewed()
    assert dialog is not None
    qtbot.keyClicks(dialog.note, "Phoned.")
    dialog.submit()
    wait_idle(qtbot, officer)
    page.refresh()
    wait_idle(qtbot, officer)
    page.show_reviewed.setChecked(True)
    assert page.select(key)
    assert page.change_review_button.isEnabled()  # their own
    assert not page.review_button.isEnabled()

    supervisor = make_context(demo_db, Role.SUPERVISOR)
    over = open_page(qtbot, supervisor)
    over.show_reviewed.setChecked(True)
    assert over.select(key)
    assert over.change_review_button.isEnabled()  # anyone's
    changing = over.change_review()
    assert changing is not None
    assert changing.windowTitle() == "Change the alert's review"
    assert changing.note.toPlainText() == "Phoned."
    changing.note.setPlainText("Referred to MARAC.")
    changing.submit()
    wait_idle(qtbot, supervisor)
    over.refresh()
    wait_idle(qtbot, supervisor)
    assert over.select(key)
    assert over.review_label.text().endswith(": Referred to MARAC.")

    page.refresh()  # the supervisor's review is no longer the officer's to change
    wait_idle(qtbot, officer)
    assert page.select(key)
    assert not page.change_review_button.isEnabled()


def test_a_restricted_person_shows_as_a_restricted_record(
        qtbot: Any, make_context: Any, demo_db: Database) -> None:
    supervisor = make_context(demo_db, Role.SUPERVISOR)
    person_id = next(item.alert.subject_id for item in core_alerts(supervisor)
                     if item.alert.subject == PERSON)
    with acting_as(supervisor.user.actor), demo_db.session() as session:
        set_restricted(session, person_id, True, "A colleague's relative")
    officer_page = open_page(qtbot, make_context(demo_db, Role.OFFICER))
    names = {officer_page.model.row_at(row).alert.subject_id: officer_page.model.row_at(row).name
             for row in range(officer_page.model.rowCount())
             if officer_page.model.row_at(row).alert.subject == PERSON}
    assert names[person_id] == RESTRICTED_LABEL
    assert len(set(names.values())) > 1  # the others keep their names
    supervisor_page = open_page(qtbot, supervisor)
    assert RESTRICTED_LABEL not in visible_column(supervisor_page, AlertsModel.NAME)
