"""The Reports screen: the figures CSV, exactly as the core (and the command line) writes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import PeriodKind, periods_between
from scs_victims.exports import figures_csv_text
from scs_victims.figures import compute_figures
from tests.ui.conftest import shown
from ui.context import AppContext
from ui.reports.page import ReportsPage

from .conftest import wait_idle


@pytest.fixture
def page(qtbot: Any, demo_context: AppContext) -> ReportsPage:
    page = ReportsPage(demo_context)
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    return page


def fill(qtbot: Any, page: ReportsPage, first: str, last: str) -> None:
    for field, text in ((page.first, first), (page.last, last)):
        field.clear()
        qtbot.keyClicks(field, text)


def test_export_writes_the_core_figures_csv(qtbot: Any, page: ReportsPage,
                                            demo_context: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "figures.csv"
    asked: list[str] = []
    page.choose_file = lambda _parent, suggested: (asked.append(suggested), str(target))[1]
    fill(qtbot, page, "01/04/2026", "30/09/2026")
    page.by.setCurrentIndex(page.by.findData(PeriodKind.MONTH.value))
    page.types[CrimeType.ASB].setChecked(False)
    page.by_ward.setFocus()
    qtbot.keyClick(page.by_ward, Qt.Key.Key_Space)
    assert page.by_ward.isChecked()
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)

    with demo_context.database.session() as session:
        rows = compute_figures(
            session, periods_between(date(2026, 4, 1), date(2026, 9, 30), PeriodKind.MONTH),
            [CrimeType.BURGLARY, CrimeType.DV], by_ward=True)
    expected = figures_csv_text(rows)
    assert target.read_bytes() == expected.encode("utf-8")
    assert len(rows) > 6 * 2  # 6 months × 2 types, and a row per ward as well as "All"
    assert {row.area for row in rows} > {"All", "Unknown"}
    assert asked[0].endswith("figures-20260401-20260930.csv")
    assert page.result.text() == f"Wrote {len(rows):,} rows to {target}."


def test_bad_dates_are_shown_on_their_fields(qtbot: Any, page: ReportsPage) -> None:
    page.choose_file = lambda _parent, _suggested: pytest.fail("no file is asked for")
    fill(qtbot, page, "31/02/2026", "01/01/2026")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.errors["first"].text() == "From must be a date such as 31/03/2026."
    assert page.errors["first"].isVisibleTo(page)
    assert not page.errors["last"].isVisibleTo(page)
    fill(qtbot, page, "01/02/2026", "01/01/2026")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.errors["last"].text() == "To must not be before From."
    assert not page.errors["first"].isVisibleTo(page)


def test_no_crime_type_is_refused(qtbot: Any, page: ReportsPage) -> None:
    page.choose_file = lambda _parent, _suggested: pytest.fail("no file is asked for")
    for box in page.types.values():
        box.setChecked(False)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.errors["types"].text() == "Choose at least one crime type."


def test_cancelling_the_file_dialog_writes_nothing(qtbot: Any, page: ReportsPage,
                                                  demo_context: AppContext) -> None:
    page.choose_file = lambda _parent, _suggested: ""
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert page.result.text() == ""
    assert page.export_button.isEnabled()
