"""The Dashboard on the demo borough: the core's figures, statuses, and the lists behind them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from scs_victims.accounts import Role
from scs_victims.actions.changes import OpChanges
from scs_victims.alerts import AlertKind
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import Period, PeriodKind, period_containing
from scs_victims.domain.rates import format_rate
from scs_victims.figures import FigureRow, compute_figures
from scs_victims.services.alert_reviews import open_alerts
from scs_victims.storage.database import Database
from tests.ui.conftest import shown, wait_idle
from ui.context import AppContext, IncidentFilter
from ui.dashboard.figures_grid import (
    INCIDENT_RATE,
    INCIDENTS,
    REPEAT_INCIDENTS,
    REPEAT_VICTIMS,
    VICTIM_RATE,
    VICTIMS,
)
from ui.dashboard.page import DashboardPage

TODAY = date.today()  # the demo borough's incidents end today


@pytest.fixture
def page(qtbot: Any, demo_context: AppContext) -> DashboardPage:
    page = DashboardPage(demo_context)
    page.today = lambda: TODAY
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, demo_context)
    return page


def quarter_to_date() -> Period:
    quarter = period_containing(TODAY, PeriodKind.QUARTER)
    return Period(quarter.start, TODAY, quarter.label)


def year_to_date() -> Period:
    year = period_containing(TODAY, PeriodKind.FINANCIAL_YEAR)
    return Period(year.start, TODAY, year.label)


def core_rows(context: AppContext, period: Period) -> dict[CrimeType, FigureRow]:
    with context.user.database.session() as session:
        rows = compute_figures(session, [period])
    return {row.crime_type: row for row in rows}


def expected_status(rate: Decimal | None, target: str | None) -> str:
    """The documented rule, restated: at or below target green, up to 10% above amber."""
    if target is None:
        return "No target"
    if rate is None:
        return "No rate"
    if rate <= Decimal(target):
        return "Green"
    return "Amber" if rate <= Decimal(target) * Decimal("1.1") else "Red"


TARGETS = {(CrimeType.BURGLARY, VICTIM_RATE): "5.25", (CrimeType.DV, INCIDENT_RATE): "21"}


@pytest.mark.parametrize("which", ["quarter", "year"])
def test_the_figures_are_the_core_figures(page: DashboardPage, demo_context: AppContext,
                                          which: str) -> None:
    grid = page.quarter if which == "quarter" else page.year
    period = quarter_to_date() if which == "quarter" else year_to_date()
    expected = core_rows(demo_context, period)
    assert period.label in grid.title()
    assert sum(row.incidents for row in expected.values()) > 50  # the demo has data here
    for crime_type, row in expected.items():
        shown = {figure: grid.numbers[(crime_type, figure)].text()
                 for figure in (INCIDENTS, VICTIMS, REPEAT_VICTIMS, REPEAT_INCIDENTS)}
        assert shown == {INCIDENTS: f"{row.incidents:,}", VICTIMS: f"{row.victims:,}",
                         REPEAT_VICTIMS: f"{row.repeat_victims:,}",
                         REPEAT_INCIDENTS: f"{row.repeat_incidents:,}"}
        for figure, rate in ((VICTIM_RATE, row.repeat_victim_rate),
                             (INCIDENT_RATE, row.repeat_incident_rate)):
            cell = grid.rates[(crime_type, figure)]
            assert cell.value.text() == ("–" if rate is None else f"{format_rate(rate)}%")
            assert cell.chip.text() == expected_status(rate, TARGETS.get((crime_type, figure)))


def test_status_has_text_colour_and_the_rule_on_hover(page: DashboardPage) -> None:
    cell = page.quarter.rates[(CrimeType.BURGLARY, VICTIM_RATE)]
    assert cell.chip.text() in {"Green", "Amber", "Red"}
    assert "background" in cell.chip.styleSheet()
    assert cell.chip.toolTip().startswith("Lower is better. Green: at or below the target of "
                                          "5.25%.")
    assert cell.detail.text() == "Target 5.25% · no baseline"
    no_target = page.quarter.rates[(CrimeType.ASB, VICTIM_RATE)]
    assert no_target.chip.text() == "No target"
    assert no_target.chip.toolTip() == "No target is set for this rate."


def test_open_alert_counts_match_the_core(page: DashboardPage, demo_context: AppContext
                                          ) -> None:
    with demo_context.user.database.session() as session:
        items = open_alerts(session, TODAY)
    total = sum(1 for item in items if item.review is None)
    assert total > 0
    assert page.action_count.text() == f"{total:,} open alerts"
    dv = sum(1 for item in items if item.alert.kind is AlertKind.DV_ESCALATION)
    assert page.alert_counts[AlertKind.DV_ESCALATION].text() in {
        f"{dv} DV escalations", f"{dv} DV escalation"}


def test_clicking_an_incidents_number_shows_those_incidents(
        qtbot: Any, page: DashboardPage, demo_context: AppContext) -> None:
    button = page.quarter.numbers[(CrimeType.DV, INCIDENTS)]
    with qtbot.waitSignal(demo_context.signals.show_incidents) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    shown: IncidentFilter = blocker.args[0]
    period = quarter_to_date()
    assert (shown.crime_types, shown.date_from, shown.date_to, shown.repeats_only) == (
        ("dv",), period.start, TODAY, False)
    assert shown.title.startswith("Incidents: Domestic abuse, This quarter")


def test_a_repeat_incidents_number_shows_repeats_only(
        qtbot: Any, page: DashboardPage, demo_context: AppContext) -> None:
    button = page.year.numbers[(CrimeType.ASB, REPEAT_INCIDENTS)]
    button.setFocus()
    with qtbot.waitSignal(demo_context.signals.show_incidents) as blocker:
        qtbot.keyClick(button, Qt.Key.Key_Space)  # reachable by keyboard
    shown: IncidentFilter = blocker.args[0]
    assert (shown.crime_types, shown.date_from, shown.date_to, shown.repeats_only) == (
        ("asb",), year_to_date().start, TODAY, True)


def test_a_victims_number_shows_those_people(
        qtbot: Any, page: DashboardPage, demo_context: AppContext) -> None:
    with qtbot.waitSignal(demo_context.signals.show_people) as blocker:
        qtbot.mouseClick(page.quarter.numbers[(CrimeType.DV, REPEAT_VICTIMS)],
                         Qt.MouseButton.LeftButton)
    filters = blocker.args[0]
    assert {key: filters[key] for key in ("crime_type", "repeat_only", "date_from",
                                          "date_to")} == {
        "crime_type": "dv", "repeat_only": True, "date_from": quarter_to_date().start,
        "date_to": TODAY}
    assert filters["title"].startswith("Repeat victims: Domestic abuse")


def test_burgled_dwellings_lead_to_their_incidents(
        qtbot: Any, page: DashboardPage, demo_context: AppContext) -> None:
    with qtbot.assertNotEmitted(demo_context.signals.show_people), \
            qtbot.waitSignal(demo_context.signals.show_incidents) as blocker:
        qtbot.mouseClick(page.quarter.numbers[(CrimeType.BURGLARY, VICTIMS)],
                         Qt.MouseButton.LeftButton)
    assert blocker.args[0].crime_types == ("burglary",)


def test_alert_counts_lead_to_the_alerts_screen(qtbot: Any, page: DashboardPage) -> None:
    with qtbot.waitSignal(page.open_alerts) as blocker:
        qtbot.mouseClick(page.alert_counts[AlertKind.DV_ESCALATION], Qt.MouseButton.LeftButton)
    assert blocker.args == ["dv_escalation"]
    with qtbot.waitSignal(page.open_alerts) as blocker:
        qtbot.mouseClick(page.alerts_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [""]


def test_the_trend_has_eight_quarters_per_type(page: DashboardPage) -> None:
    for chart in page.charts.values():
        assert len(chart.points) == 8
        assert chart.points[-1].period.label == quarter_to_date().label
        assert quarter_to_date().label in chart.accessibleDescription()
    # Painting must not fail (and Qt warnings would fail the test).
    assert not page.grab().isNull()


def test_an_empty_database_shows_zeros(qtbot: Any, empty_context: AppContext) -> None:
    page = DashboardPage(empty_context)
    qtbot.addWidget(page)
    page.on_shown()
    wait_idle(qtbot, empty_context)
    assert page.quarter.numbers[(CrimeType.ASB, INCIDENTS)].text() == "0"
    assert page.quarter.rates[(CrimeType.DV, INCIDENT_RATE)].chip.text() == "No rate"
    assert page.action_count.text() == "0 open alerts"
    assert not page.grab().isNull()


def test_an_analyst_sees_the_figures_but_opens_no_list(
        qtbot: Any, make_context: Any, demo_db: Database) -> None:
    context = make_context(demo_db, Role.ANALYST)
    page = DashboardPage(context)
    page.today = lambda: TODAY
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, context)
    row = core_rows(context, quarter_to_date())[CrimeType.DV]
    button = page.quarter.numbers[(CrimeType.DV, INCIDENTS)]
    assert button.text() == f"{row.incidents:,}"
    assert page.action_count.text().endswith(" open alerts")  # a count, allowed
    assert "overdue MARAC action" in page.marac_overdue.text()
    assert not page.alerts_button.isVisible()
    assert "Select a number" not in page.status.text()
    with qtbot.assertNotEmitted(context.signals.show_incidents), \
            qtbot.assertNotEmitted(page.open_alerts), qtbot.assertNotEmitted(page.open_marac):
        for target in (button, page.action_count, page.marac_overdue):
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    assert not button.toolTip()


def test_refreshes_on_the_changes_that_concern_it() -> None:
    assert OpChanges(alerts=True).any(*DashboardPage.REFRESH_ON)
    assert not OpChanges(accounts=True, backups=True).any(*DashboardPage.REFRESH_ON)
