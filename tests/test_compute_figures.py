"""compute_figures on hand-made cases: periods with gaps, and the whole area against its wards.

The fixtures and the independent oracle (tests/test_oracle.py) hold the figures to the spec on
whole data sets; these pin the two things the tally does on its own: which period a day falls
in when the periods asked for do not touch, and that a victim in two wards is one victim of
the whole area."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import update

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import Period, PeriodKind, period_containing
from scs_victims.figures import ALL_AREA, UNKNOWN_WARD, FigureRow, compute_figures
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident, Ward
from tests.test_alerts import World

DV = "dv"


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with database.session() as session:
        yield World(session)


def quarter(day: date) -> Period:
    return period_containing(day, PeriodKind.QUARTER)


def add_ward(world: World, name: str, position: int) -> int:
    ward = Ward(name=name, name_key=name.lower(), population=1000, households=400,
                position=position)
    world.session.add(ward)
    world.session.flush()
    return ward.id


def in_ward(world: World, incident_id: int, ward_id: int) -> None:
    world.session.execute(update(Incident).where(Incident.id == incident_id)
                          .values(ward_id=ward_id))


def row_of(rows: list[FigureRow], period: Period, area: str = ALL_AREA) -> FigureRow:
    [row] = [row for row in rows
             if row.period == period and row.area == area and row.crime_type is CrimeType.DV]
    return row


def test_days_between_the_periods_asked_for_count_in_none(world: World) -> None:
    first, third = quarter(date(2025, 4, 1)), quarter(date(2025, 10, 1))
    victim = world.person()
    for day in (date(2025, 3, 31), date(2025, 4, 1), date(2025, 6, 30),  # before, Q1, Q1
                date(2025, 7, 1), date(2025, 9, 30),  # the gap (Q2)
                date(2025, 10, 1), date(2025, 12, 31), date(2026, 1, 1)):  # Q3, Q3, after
        world.incident(DV, day, victim=victim)
    world.refresh()

    rows = compute_figures(world.session, [first, third], [CrimeType.DV])

    assert [row.period for row in rows] == [first, third]
    assert (row_of(rows, first).incidents, row_of(rows, third).incidents) == (2, 2)
    # The flags come from the whole chain, gap included: all but the first are repeats.
    assert (row_of(rows, first).repeat_incidents, row_of(rows, third).repeat_incidents) == (2, 2)


def test_a_victim_in_two_wards_is_one_victim_of_the_whole_area(world: World) -> None:
    north, south = add_ward(world, "North", 1), add_ward(world, "South", 2)
    period = quarter(date(2025, 4, 1))
    victim, other = world.person(), world.person()
    in_ward(world, world.incident(DV, date(2025, 4, 2), victim=victim), north)
    in_ward(world, world.incident(DV, date(2025, 4, 3), victim=victim), south)
    world.incident(DV, date(2025, 4, 4), victim=victim)  # no ward: Unknown
    in_ward(world, world.incident(DV, date(2025, 5, 1), victim=other), north)
    world.incident(DV, date(2025, 5, 2))  # no victim: counted, not linked
    world.refresh()

    rows = compute_figures(world.session, [period], [CrimeType.DV], by_ward=True)

    assert [row.area for row in rows] == [ALL_AREA, "North", "South", UNKNOWN_WARD]
    counts = {row.area: (row.incidents, row.linked_incidents, row.victims, row.repeat_incidents,
                         row.repeat_victims) for row in rows}
    assert counts == {
        ALL_AREA: (5, 4, 2, 2, 1),
        "North": (2, 2, 2, 0, 0),
        "South": (1, 1, 1, 1, 1),
        UNKNOWN_WARD: (2, 1, 1, 1, 1),
    }
    assert row_of(rows, period) == compute_figures(world.session, [period], [CrimeType.DV])[0]
