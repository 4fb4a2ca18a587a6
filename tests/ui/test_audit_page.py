"""The Audit screen: events filtered by user, kind, record and dates, who has seen a record,
the CSV export and the check of the chain (intact, then broken)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scs_victims.accounts import Role
from scs_victims.actions.base import Consulted, SignedIn, record_events
from scs_victims.audit_trail import AuditRow, Viewer
from scs_victims.storage.database import Database
from scs_victims.storage.models import AUDIT_ACTIONS
from tests.helpers.accounts import signed_in
from tests.ui.conftest import ErrorRecorder, shown, wait_idle
from ui.audit.model import (
    COL_KIND,
    COL_RECORD,
    COL_USER,
    KIND_LABELS,
    AuditModel,
    ViewersModel,
)
from ui.audit.page import AuditPage
from ui.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_every_kind_of_event_has_words() -> None:
    assert set(KIND_LABELS) == set(AUDIT_ACTIONS)


def test_the_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    model = AuditModel()
    qtmodeltester.check(model)
    at = datetime(2025, 6, 1, 10, 30, 5)
    model.set_rows([
        AuditRow(3, at, "test-admin", "login", "break_glass", "person", 12, None,
                 '{"reason": "safeguarding"}'),
        AuditRow(2, at, "test-officer", None, "insert", "incident", 3, 90, None),
    ])
    qtmodeltester.check(model)
    assert model.index(0, COL_RECORD).data() == "person 12"
    assert model.index(1, COL_RECORD).data() == "incident 3-90"
    assert model.index(0, 0).data() == "01/06/2025 10:30:05"
    assert model.index(0, COL_KIND).data(3) == KIND_LABELS["break_glass"]  # the tooltip
    viewers = ViewersModel()
    qtmodeltester.check(viewers)
    viewers.set_rows([Viewer("test-admin", "view", 2, at)])
    qtmodeltester.check(viewers)


def _page(qtbot: Any, context: AppContext) -> AuditPage:
    page = AuditPage(context)
    page.holder = shown(page, qtbot)  # type: ignore[attr-defined]  # kept while the page is
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def _column(page: AuditPage, column: int) -> list[str]:
    return [page.proxy.index(row, column).data() for row in range(page.proxy.rowCount())]


def _show(qtbot: Any, page: AuditPage) -> None:
    page.show_button.click()
    wait_idle(qtbot, page.context)


@pytest.fixture
def audited(make_context: Callable[..., AppContext], database: Database
            ) -> tuple[AppContext, SignedIn]:
    """An auditor's screen on a database where an officer has opened person 7 twice and
    a supervisor has broken the glass on person 9."""
    officer = signed_in(database, Role.OFFICER)
    record_events(officer, [Consulted("view", "person", 7), Consulted("view", "person", 7),
                            Consulted("view", "incident", 40)])
    supervisor = signed_in(database, Role.SUPERVISOR)
    record_events(supervisor, [Consulted("break_glass", "person", 9,
                                         {"reason": "synthetic reason"})])
    return make_context(database, Role.AUDITOR), officer


def test_events_newest_first_and_filtered(qtbot: Any, audited: tuple[AppContext, SignedIn],
                                          errors: ErrorRecorder) -> None:
    context, _officer = audited
    page = _page(qtbot, context)
    kinds = _column(page, COL_KIND)
    assert kinds[:2] == ["sign_in", "break_glass"]  # the auditor's own sign-in, then before
    assert page.count_label.text().endswith("events, newest first.")

    page.user_filter.setText("test-officer")
    _show(qtbot, page)
    assert set(_column(page, COL_USER)) == {"test-officer"}
    assert _column(page, COL_KIND).count("view") == 3

    page.user_filter.clear()
    page.entity_filter.setEditText("person")
    page.entity_id.setText("7")
    _show(qtbot, page)
    assert _column(page, COL_RECORD) == ["person 7", "person 7"]

    page.clear_filters()
    wait_idle(qtbot, context)
    page.break_glass_button.click()
    wait_idle(qtbot, context)
    assert _column(page, COL_KIND) == ["break_glass"]
    assert page.kind_filter.currentData() == "break_glass"

    page.kind_filter.setCurrentIndex(0)
    page.date_from.setText("01/01/2000")
    page.date_to.setText("31/12/2000")
    _show(qtbot, page)
    assert page.proxy.rowCount() == 0 and page.count_label.text() == "0 events, newest first."
    assert errors.errors == []


def test_a_wrong_date_or_record_is_refused_in_place(qtbot: Any,
                                                     audited: tuple[AppContext, SignedIn]) -> None:
    context, _officer = audited
    page = _page(qtbot, context)
    rows = page.proxy.rowCount()
    page.date_from.setText("31/02/2025")
    _show(qtbot, page)
    assert page.date_from.property("invalid") and "is not a date" in page.error.text()
    page.date_from.clear()
    page.entity_id.setText("7")
    _show(qtbot, page)
    assert page.entity_filter.property("invalid")
    assert page.proxy.rowCount() == rows  # nothing read with a filter that is not right


def test_who_has_seen_a_person(qtbot: Any, audited: tuple[AppContext, SignedIn]) -> None:
    context, _officer = audited
    page = _page(qtbot, context)
    page.viewers_button.click()
    assert "Choose a record first" in page.error.text()
    page.entity_filter.setEditText("person")
    page.entity_id.setText("7")
    page.viewers_button.click()
    wait_idle(qtbot, context)
    dialog = page.viewers_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Who has seen person 7"
    assert [(v.user, v.kind, v.times) for v in dialog.model.rows] == [
        ("test-officer", "view", 2)]
    dialog.reject()

    # From a selected event's record.
    page.clear_filters()
    wait_idle(qtbot, context)
    row = _column(page, COL_KIND).index("break_glass")
    page.table.selectRow(row)
    page.viewers_button.click()
    wait_idle(qtbot, context)
    assert page.viewers_dialog is not None
    assert page.viewers_dialog.windowTitle() == "Who has seen person 9"
    assert [(v.user, v.kind) for v in page.viewers_dialog.model.rows] == [
        ("test-supervisor", "break_glass")]
    page.viewers_dialog.reject()


def test_export_csv(qtbot: Any, audited: tuple[AppContext, SignedIn], tmp_path: Path) -> None:
    context, _officer = audited
    page = _page(qtbot, context)
    out = tmp_path / "audit-export"
    page.choose_file = lambda _parent, suggested: (
        out if suggested.startswith("audit-") and suggested.endswith(".csv") else None)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("view"))
    page.export_button.click()
    wait_idle(qtbot, context)
    written = out.with_suffix(".csv")
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "when,user,kind,record,detail"
    assert len(lines) == 1 + 3 + 1  # the three views, and the auditor's own view of the list
    assert str(written) in page.message.text() and "exported" in page.message.text()
    page.choose_file = lambda _parent, _suggested: None  # cancelled: nothing happens
    page.export_button.click()
    wait_idle(qtbot, context)


def test_checking_the_chain(qtbot: Any, audited: tuple[AppContext, SignedIn]) -> None:
    context, _officer = audited
    page = _page(qtbot, context)
    page.verify_button.click()
    wait_idle(qtbot, context)
    assert page.message.text().startswith("The audit chain is intact:")
    assert not page.error.isVisible()
    path = context.user.database.path
    assert path is not None
    connection = sqlite3.connect(path)
    with connection:  # as someone editing the file with another tool could
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("UPDATE audit_events SET detail = '{\"reason\": \"altered\"}' "
                           "WHERE action = 'break_glass'")
    connection.close()
    page.verify_button.click()
    wait_idle(qtbot, context)
    assert page.error.isVisible()
    assert page.error.text().startswith("The audit chain is broken at event")
    assert "altered" in page.error.text()
    assert page.verify_button.isEnabled()
