"""The Incidents page: its lazy model, search and filters, delete with a reason and restore.

Every name here is invented; the demo borough is synthetic.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from scs_victims.accounts import Role
from scs_victims.audit_trail import AuditFilter, audit_rows
from scs_victims.services import incident_directory
from scs_victims.services.incident_directory import IncidentListing, IncidentQuery
from scs_victims.services.search_copy import IncidentSearchCopy
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext, IncidentFilter
from ui.incidents.dialogs import DeletedModel
from ui.incidents.model import COLUMN_INDEX, PAGE_SIZE, PENDING, IncidentsTableModel
from ui.incidents.page import IncidentsPage

# The offscreen platform says so whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _column(model: Any, title: str) -> list[str]:
    column = COLUMN_INDEX[title]
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def _loaded_page(qtbot: Any, context: AppContext) -> IncidentsPage:
    page = IncidentsPage(context)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    page.on_shown()
    wait_idle(qtbot, context)
    return page


def _all_fetched(qtbot: Any, context: AppContext, model: IncidentsTableModel) -> None:
    """Ask for every cell (as a view painting would), then wait for the pages to arrive."""
    for row in range(model.rowCount()):
        model.data(model.index(row, 0))
    qtbot.waitUntil(lambda: all(model.row_at(row) is not None
                                for row in range(model.rowCount())), timeout=20_000)
    wait_idle(qtbot, context)


def _first_ids(context: AppContext, count: int) -> tuple[int, ...]:
    with context.user.database.session() as session:
        return tuple(session.scalars(select(Incident.id).order_by(Incident.id).limit(count)))


def test_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any,
                                       demo_context: AppContext) -> None:
    model = IncidentsTableModel(demo_context)
    model.set_query(IncidentQuery(incident_ids=_first_ids(demo_context, 25)))
    wait_idle(qtbot, demo_context)
    assert model.rowCount() == 25
    _all_fetched(qtbot, demo_context, model)
    qtmodeltester.check(model)


def test_rows_show_an_ellipsis_until_their_page_arrives(qtbot: Any,
                                                        demo_context: AppContext) -> None:
    model = IncidentsTableModel(demo_context)
    model.set_query(IncidentQuery())
    wait_idle(qtbot, demo_context)
    assert model.rowCount() == 3000
    last = model.index(2999, COLUMN_INDEX["Reference"])
    assert model.data(last) == PENDING
    with qtbot.waitSignal(model.dataChanged, timeout=10_000):
        pass
    reference = model.data(last)
    assert reference not in (PENDING, None, "")
    # The first page came with the ids; of the others, only the page asked for was read.
    assert model.row_at(0) is not None
    assert model.row_at(PAGE_SIZE) is None


def test_a_long_search_shows_its_first_page_then_the_rest(
        qtbot: Any, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incident_directory, "LAZY_OVER", 10)
    model = IncidentsTableModel(demo_context)
    with demo_context.user.database.session() as session:
        expected = incident_directory.incident_ids(session, IncidentQuery(text="DV/"))
    assert len(expected) > PAGE_SIZE
    model.set_query(IncidentQuery(text="DV/"))
    wait_idle(qtbot, demo_context)
    assert model.rowCount() == len(expected)
    assert model.ids == expected  # the rest of the ids arrived after the first page
    assert model.row_at(0) is not None and model.row_at(0).id == expected[0]
    last = model.index(len(expected) - 1, COLUMN_INDEX["Reference"])
    assert model.data(last) == PENDING
    qtbot.waitUntil(lambda: model.data(last) != PENDING, timeout=10_000)
    assert model.data(last).startswith("DV/")


def test_typing_a_new_search_stops_the_earlier_one_inside_sqlite(
        qtbot: Any, demo_context: AppContext, errors: ErrorRecorder,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = _loaded_page(qtbot, demo_context)
    real_listing = incident_directory.incident_listing
    started = threading.Event()
    slow_errors: list[BaseException] = []

    def listing(session: Session, query: IncidentQuery, first: int,
                search_copy: IncidentSearchCopy | None = None, **kwargs: Any
                ) -> IncidentListing:
        if query.text == "DV/":
            started.set()
            try:  # minutes of SQLite work unless the search is stopped
                session.execute(text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < 1000000000) SELECT count(*) FROM n")).scalar()
            except Exception as error:
                slow_errors.append(error)
                raise
        return real_listing(session, query, first, search_copy, **kwargs)

    monkeypatch.setattr(incident_directory, "incident_listing", listing)
    page.search.setText("DV/")
    page.search.returnPressed.emit()
    qtbot.waitUntil(started.is_set, timeout=5_000)
    page.search.setText("DV/2")
    page.search.returnPressed.emit()
    wait_idle(qtbot, demo_context, timeout=10_000)
    assert slow_errors and "interrupted" in str(slow_errors[0])
    assert errors.errors == []
    with demo_context.user.database.session() as session:
        expected = incident_directory.incident_ids(session, IncidentQuery(text="DV/2"))
    assert 0 < len(expected) < 3000
    assert page.model.ids == expected
    assert page.count_label.text() == f"{len(expected):,} incidents"


def test_sorting_asks_the_core_for_a_new_order(qtbot: Any, demo_context: AppContext) -> None:
    model = IncidentsTableModel(demo_context)
    model.set_query(IncidentQuery(incident_ids=_first_ids(demo_context, 40)))
    wait_idle(qtbot, demo_context)
    model.sort(COLUMN_INDEX["Reference"], Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, demo_context)
    _all_fetched(qtbot, demo_context, model)
    references = _column(model, "Reference")
    assert references == sorted(references) and len(references) == 40
    model.sort(COLUMN_INDEX["Reference"], Qt.SortOrder.DescendingOrder)
    wait_idle(qtbot, demo_context)
    _all_fetched(qtbot, demo_context, model)
    assert _column(model, "Reference") == sorted(references, reverse=True)


def test_search_and_filters(qtbot: Any, demo_context: AppContext) -> None:
    page = _loaded_page(qtbot, demo_context)
    assert page.count_label.text() == "3,000 incidents"
    page.search.setText("DV/")
    page.search.returnPressed.emit()
    wait_idle(qtbot, demo_context)
    dv_count = page.model.rowCount()
    assert 0 < dv_count < 3000
    assert page.count_label.text() == f"{dv_count:,} incidents"
    _all_fetched(qtbot, demo_context, page.model)
    assert all(reference.startswith("DV/") for reference in _column(page.model, "Reference"))

    page.search.clear()
    page.search.returnPressed.emit()
    page.type_filter.setCurrentIndex(page.type_filter.findData("burglary"))
    page.repeats_only.setChecked(True)
    wait_idle(qtbot, demo_context)
    _all_fetched(qtbot, demo_context, page.model)
    assert page.model.rowCount() > 0
    assert set(_column(page.model, "Type")) == {"Burglary"}
    assert set(_column(page.model, "Repeat")) == {"Repeat"}

    # A date that is not a date is shown next to the filters and nothing is re-queried.
    before = page.model.rowCount()
    page.date_from.setText("31/02/2024")
    page.date_from.editingFinished.emit()
    assert page.date_error.isVisible() and "31/02/2024" in page.date_error.text()
    assert page.date_from.property("invalid") is True
    assert not page.model.loading and page.model.rowCount() == before
    page.date_from.setText("01/01/2020")
    page.date_from.editingFinished.emit()
    assert not page.date_error.isVisible()
    wait_idle(qtbot, demo_context)


def test_a_filter_from_another_screen_shows_exactly_its_incidents(
        qtbot: Any, demo_context: AppContext) -> None:
    page = _loaded_page(qtbot, demo_context)
    chosen = _first_ids(demo_context, 7)
    page.apply_filter(IncidentFilter(incident_ids=chosen, title="Open alert: 7 incidents"))
    wait_idle(qtbot, demo_context)
    assert page.banner.isVisible() and "Open alert: 7 incidents" in page.banner_label.text()
    assert sorted(page.model.ids) == sorted(chosen)
    assert page.count_label.text() == "7 incidents"
    qtbot.mouseClick(page.banner_clear, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert not page.banner.isVisible() and page.model.rowCount() == 3000


def test_delete_needs_a_reason_and_can_be_restored(qtbot: Any, demo_context: AppContext,
                                                   errors: ErrorRecorder) -> None:
    page = _loaded_page(qtbot, demo_context)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None)
    reference = page.model.row_at(0).reference  # type: ignore[union-attr]
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    dialog = page.delete_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.confirm()
    assert dialog.error.isVisible() and "reason" in dialog.error.text()
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Entered twice by mistake")
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    page.refresh()
    wait_idle(qtbot, demo_context)
    assert page.count_label.text() == "2,999 incidents"

    qtbot.mouseClick(page.deleted_button, Qt.MouseButton.LeftButton)
    deleted = page.deleted_dialog
    assert deleted is not None
    wait_idle(qtbot, demo_context)
    assert isinstance(deleted.model, DeletedModel)
    assert deleted.model.rows[0].reference == reference
    assert deleted.model.data(deleted.model.index(0, 4)) == "Entered twice by mistake"
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(deleted.restore_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert deleted.status.text().startswith(f"Restored {reference}.")
    assert all(row.reference != reference for row in deleted.model.rows)
    page.refresh()
    wait_idle(qtbot, demo_context)
    assert page.count_label.text() == "3,000 incidents"
    assert errors.errors == []


def test_deleted_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any,
                                               demo_context: AppContext) -> None:
    page = _loaded_page(qtbot, demo_context)
    page.show_recently_deleted()
    wait_idle(qtbot, demo_context)
    assert page.deleted_dialog is not None
    assert page.deleted_dialog.status.text() == "No incidents have been deleted."
    qtmodeltester.check(page.deleted_dialog.model)


def test_the_page_keeps_a_search_copy_in_memory_and_renews_it_after_a_change(
        qtbot: Any, demo_context: AppContext) -> None:
    page = _loaded_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.model.search_copy is not None, timeout=10_000)
    first = page.model.search_copy
    assert first is not None and len(first) > 0
    with demo_context.user.database.session() as session:
        reference = session.scalars(select(Incident.reference).order_by(Incident.id)).first()
    assert reference is not None
    digits = "".join(ch for ch in reference if ch.isdigit())[-5:]
    # A search inside references, with the copy, lists what the database alone lists.
    page.search.setText(digits)
    page.search.returnPressed.emit()
    wait_idle(qtbot, demo_context)
    with demo_context.user.database.session() as session:
        expected = incident_directory.incident_ids(session, IncidentQuery(text=digits))
    assert 0 < len(expected) and page.model.ids == expected
    # Data changed: the copy is dropped at once (searches use the database meanwhile) and a
    # new one is loaded.
    page.refresh()
    assert page.model.search_copy is None
    qtbot.waitUntil(lambda: page.model.search_copy is not None, timeout=10_000)
    assert page.model.search_copy is not first


def _searches(context: AppContext) -> list[dict[str, Any]]:
    user = context.user
    with user.database.session() as session:
        rows = audit_rows(session, AuditFilter(kind="search", user=user.name), limit=None)
    assert all("DV/" not in (row.detail or "") for row in rows)  # never the text typed
    return [json.loads(row.detail or "{}") for row in reversed(rows)]


def test_each_list_is_recorded_as_a_search_without_its_text(
        qtbot: Any, demo_context: AppContext) -> None:
    page = _loaded_page(qtbot, demo_context)
    page.search.setText("DV/")
    page.search.returnPressed.emit()
    wait_idle(qtbot, demo_context)
    dv_count = page.model.rowCount()
    assert _searches(demo_context) == [
        {"query": "incidents", "shown": 3000},
        {"query": "incidents by text", "shown": dv_count},
    ]


def test_an_analyst_lists_incidents_without_names_and_opens_none(
        qtbot: Any, demo_db: Database, make_context: Callable[..., AppContext]) -> None:
    context = make_context(demo_db, Role.ANALYST)
    page = _loaded_page(qtbot, context)
    assert page.count_label.text() == "3,000 incidents"
    _all_fetched(qtbot, context, page.model)
    assert set(_column(page.model, "Victim")) == {""}
    assert set(_column(page.model, "Perpetrator")) == {""}
    for button in (page.new_button, page.edit_button, page.delete_button,
                   page.deleted_button):
        assert not button.isVisibleTo(page)


def test_an_analyst_sees_the_list_without_names_or_addresses(
        qtbot: Any, demo_db: Any, make_context: Any) -> None:
    from scs_victims.accounts import Role
    from ui.incidents.model import COLUMN_INDEX
    from ui.incidents.page import IncidentsPage

    context = make_context(demo_db, Role.ANALYST)
    page = IncidentsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    for title in ("Victim", "Perpetrator", "Address"):
        assert page.table.isColumnHidden(COLUMN_INDEX[title])
    assert not page.table.isColumnHidden(COLUMN_INDEX["Ward"])
    assert not page.edit_button.isVisibleTo(page)
