"""The list behind a victims figure has exactly as many people as the figure counts."""

from __future__ import annotations

from datetime import date

from scs_victims.demo import load_demo_borough
from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.domain.periods import PeriodKind, periods_between
from scs_victims.figures import compute_figures, victims_behind
from scs_victims.storage.database import Database


def test_victims_behind_match_the_figures(database: Database) -> None:
    load_demo_borough(database, 1_500, seed=5)
    with database.session() as session:
        periods = periods_between(date(2024, 4, 1), date(2026, 3, 31), PeriodKind.QUARTER)
        rows = compute_figures(session, periods)
        assert any(row.repeat_victims for row in rows)
        for row in rows:
            assert row.crime_type in CRIME_TYPES
            start, end = row.period.start, row.period.end
            victims = victims_behind(session, row.crime_type, start, end)
            repeaters = victims_behind(session, row.crime_type, start, end, repeat_only=True)
            assert (len(victims), len(repeaters)) == (row.victims, row.repeat_victims)
            assert repeaters <= victims
