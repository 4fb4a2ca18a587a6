"""The dashboard: figures of this quarter and the year to date, the status rule, the trend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from scs_victims.alerts import AlertKind
from scs_victims.domain.crime_types import CrimeType
from scs_victims.services.alert_reviews import AlertKey, review_alert
from scs_victims.services.dashboard import (
    REPEAT_INCIDENT_RATE,
    REPEAT_VICTIM_RATE,
    Dashboard,
    Status,
    TypeFigures,
    dashboard,
    judge,
)
from scs_victims.settings import AreaSettings, load_area, save_area
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident
from tests.test_alerts import World

TODAY = date(2025, 8, 15)  # 2025/26 Q2, which began on 1 July
ASB, BURGLARY, DV = "asb", "burglary", "dv"


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with database.session() as session:
        yield World(session)


@pytest.fixture
def built(world: World) -> tuple[World, dict[str, int]]:
    """Two dwellings, one DV victim, an ASB complaint without a victim."""
    home, other = world.address("1 Invented Row"), world.address("2 Invented Row")
    victim = world.person("Ada")
    world.incident(BURGLARY, date(2024, 1, 15), address=other)  # 2023/24 Q4
    world.incident(BURGLARY, date(2025, 4, 10), address=other)  # over 12 months: no repeat
    world.incident(BURGLARY, date(2025, 7, 2), address=home)
    world.incident(BURGLARY, date(2025, 7, 20), address=home)  # repeat
    world.incident(BURGLARY, date(2025, 8, 20), address=other)  # after today: not counted
    world.incident(BURGLARY, date(2025, 7, 21), address=other, deleted=True)
    world.incident(DV, date(2025, 5, 1), victim=victim)
    world.incident(DV, date(2025, 6, 1), victim=victim)  # repeat
    world.incident(DV, date(2025, 7, 10), victim=victim)  # repeat
    world.incident(ASB, date(2025, 8, 1))  # no victim: counted, not linked
    world.refresh()
    return world, {"home": home, "other": other, "victim": victim}


def figures(board: Dashboard, crime_type: CrimeType, *, year: bool = False) -> TypeFigures:
    rows = board.financial_year if year else board.this_quarter
    [row] = [row for row in rows if row.crime_type is crime_type]
    return row


def counts(row: TypeFigures) -> tuple[int, int, int, int, int]:
    return (row.incidents, row.linked_incidents, row.victims, row.repeat_victims,
            row.repeat_incidents)


def rates(row: TypeFigures) -> tuple[Decimal | None, Decimal | None]:
    return row.repeat_victim_rate.value, row.repeat_incident_rate.value


def test_this_quarter_and_the_year_to_date(built: tuple[World, dict[str, int]]) -> None:
    world, _ids = built
    board = dashboard(world.session, TODAY)

    assert (board.quarter.label, board.quarter.start, board.quarter.end) == (
        "2025/26 Q2", date(2025, 7, 1), TODAY)
    assert (board.year_to_date.label, board.year_to_date.start, board.year_to_date.end) == (
        "2025/26", date(2025, 4, 1), TODAY)
    burglary = figures(board, CrimeType.BURGLARY)
    assert counts(burglary) == (2, 2, 1, 1, 1)
    assert rates(burglary) == (Decimal("100.00"), Decimal("50.00"))
    burglary_year = figures(board, CrimeType.BURGLARY, year=True)
    assert counts(burglary_year) == (3, 3, 2, 1, 1)
    assert rates(burglary_year) == (Decimal("50.00"), Decimal("33.33"))
    dv = figures(board, CrimeType.DV)
    assert counts(dv) == (1, 1, 1, 1, 1)
    dv_year = figures(board, CrimeType.DV, year=True)
    assert counts(dv_year) == (3, 3, 1, 1, 2)
    assert rates(dv_year) == (Decimal("100.00"), Decimal("66.67"))
    asb = figures(board, CrimeType.ASB)
    assert counts(asb) == (1, 0, 0, 0, 0)
    assert rates(asb) == (None, None)


def test_statuses_use_the_default_targets(built: tuple[World, dict[str, int]]) -> None:
    world, _ids = built
    board = dashboard(world.session, TODAY)
    burglary = figures(board, CrimeType.BURGLARY)
    assert burglary.repeat_victim_rate.target == Decimal("5.25")
    assert burglary.repeat_victim_rate.baseline is None
    assert burglary.repeat_victim_rate.status is Status.RED
    assert burglary.repeat_incident_rate.status is Status.NONE  # no target set
    assert burglary.repeat_incident_rate.rule == "No target is set for this rate."
    dv_year = figures(board, CrimeType.DV, year=True)
    assert dv_year.repeat_incident_rate.target == Decimal("21")
    assert dv_year.repeat_incident_rate.status is Status.RED


def test_baselines_and_targets_come_from_the_area_settings(
        built: tuple[World, dict[str, int]]) -> None:
    world, _ids = built
    area = load_area(world.session)
    save_area(world.session, replace(
        area, targets={**area.targets, "dv_repeat_incident_rate": 70.0},
        baselines={"burglary_repeat_victim_rate": 100.0}))
    board = dashboard(world.session, TODAY)
    assert figures(board, CrimeType.DV, year=True).repeat_incident_rate.status is Status.GREEN
    burglary = figures(board, CrimeType.BURGLARY).repeat_victim_rate
    assert (burglary.baseline, burglary.status) == (Decimal("100"), Status.AMBER)


def test_the_trend_has_eight_quarters_ending_with_this_one(
        built: tuple[World, dict[str, int]]) -> None:
    world, _ids = built
    board = dashboard(world.session, TODAY)
    trend = board.trend[CrimeType.BURGLARY]
    assert [point.period.label for point in trend] == [
        "2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4",
        "2025/26 Q1", "2025/26 Q2"]
    assert [point.repeat_victim_rate for point in trend] == [
        None, Decimal("0.00"), None, None, None, None, Decimal("0.00"), Decimal("100.00")]
    assert [point.repeat_incident_rate for point in board.trend[CrimeType.DV]][-2:] == [
        Decimal("50.00"), Decimal("100.00")]
    assert trend[-1].period == board.quarter


def test_open_alerts_are_counted_by_kind_until_reviewed(
        built: tuple[World, dict[str, int]]) -> None:
    world, ids = built
    board = dashboard(world.session, TODAY)
    assert board.open_alerts == {AlertKind.REPEAT_VICTIM: 2, AlertKind.ASB_CASE_REVIEW: 0,
                                 AlertKind.ASB_CASE_REVIEW_COMMUNITY: 0,
                                 AlertKind.DV_ESCALATION: 1}
    assert board.open_alert_total == 3
    review_alert(world.session, AlertKey(AlertKind.REPEAT_VICTIM, CrimeType.BURGLARY, "address",
                                         ids["home"]), "Visited.", TODAY)
    assert dashboard(world.session, TODAY).open_alerts[AlertKind.REPEAT_VICTIM] == 1


def test_an_empty_database_has_no_rates_and_no_alerts(database: Database) -> None:
    with database.session() as session:
        board = dashboard(session, TODAY)
    assert [counts(row) for row in board.this_quarter] == [(0, 0, 0, 0, 0)] * 3
    assert all(row.repeat_victim_rate.status is Status.NONE for row in board.financial_year)
    assert board.open_alert_total == 0


def test_deleted_incidents_are_never_counted(built: tuple[World, dict[str, int]]) -> None:
    world, _ids = built
    deleted = world.session.query(Incident).filter(Incident.deleted_at.is_not(None)).one()
    assert deleted.occurred_on <= TODAY
    assert figures(dashboard(world.session, TODAY), CrimeType.BURGLARY).incidents == 2
    deleted.deleted_at = None
    world.session.flush()
    world.refresh()
    assert figures(dashboard(world.session, TODAY), CrimeType.BURGLARY).incidents == 3


# --- the status rule at its boundaries -------------------------------------------------------

AREA = AreaSettings(targets={"burglary_repeat_victim_rate": 5.25},
                    baselines={"dv_repeat_incident_rate": 25.0})
AREA_DV = AreaSettings(targets={"dv_repeat_incident_rate": 21.0},
                       baselines={"dv_repeat_incident_rate": 25.0})


@pytest.mark.parametrize(("value", "status"), [
    ("0.00", Status.GREEN),
    ("5.24", Status.GREEN),
    ("5.25", Status.GREEN),  # exactly at the target
    ("5.26", Status.AMBER),
    ("5.77", Status.AMBER),  # within 10% of the target (5.775)
    ("5.78", Status.RED),
    ("100.00", Status.RED),
])
def test_without_a_baseline_amber_is_within_ten_percent_of_the_target(
        value: str, status: Status) -> None:
    judged = judge(CrimeType.BURGLARY, REPEAT_VICTIM_RATE, Decimal(value), AREA)
    assert judged.status is status
    assert judged.rule == ("Lower is better. Green: at or below the target of 5.25%. Amber: "
                           "above the target, up to 5.775% (10% above the target). Red: above "
                           "5.775%.")


@pytest.mark.parametrize(("value", "status"), [
    ("21.00", Status.GREEN),  # exactly at the target
    ("21.01", Status.AMBER),
    ("25.00", Status.AMBER),  # exactly at the baseline
    ("25.01", Status.RED),
])
def test_with_a_baseline_amber_reaches_the_baseline(value: str, status: Status) -> None:
    judged = judge(CrimeType.DV, REPEAT_INCIDENT_RATE, Decimal(value), AREA_DV)
    assert judged.status is status
    assert judged.rule == ("Lower is better. Green: at or below the target of 21.00%. Amber: "
                           "above the target, up to the baseline of 25.00%. Red: above 25.00%.")


def test_a_baseline_not_above_the_target_falls_back_to_ten_percent() -> None:
    area = AreaSettings(targets={"asb_repeat_victim_rate": 10.0},
                        baselines={"asb_repeat_victim_rate": 8.0})
    assert judge(CrimeType.ASB, REPEAT_VICTIM_RATE, Decimal("11.00"), area).status is (
        Status.AMBER)
    assert judge(CrimeType.ASB, REPEAT_VICTIM_RATE, Decimal("11.01"), area).status is Status.RED


def test_no_target_or_no_rate_has_no_status() -> None:
    assert judge(CrimeType.DV, REPEAT_VICTIM_RATE, Decimal("50.00"), AREA).status is Status.NONE
    no_rate = judge(CrimeType.BURGLARY, REPEAT_VICTIM_RATE, None, AREA)
    assert no_rate.status is Status.NONE
    assert no_rate.rule.startswith("No rate: no victims were recorded in the period.")
    assert Status.NONE.label == "No status" and Status.AMBER.label == "Amber"
