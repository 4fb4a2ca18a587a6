"""The full pass over the store (``recompute_flags``) against the pure rule (``evaluate_chain``).

The full pass compares dates and times as stored text for speed; these tests hold it to the
rule on Python values, including leap days, month ends, missing and explicit midnight times,
and same-day incidents ordered by reference.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from scs_victims import repeats
from scs_victims.domain.crime_types import CrimeType
from scs_victims.repeats import ChainItem, evaluate_chain, recompute_flags
from scs_victims.settings import RuleSettings
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident, table_of

# Dates crowded round the awkward days: 29 February and month ends, a year apart.
DAYS = st.sampled_from([
    date(2023, 2, 28), date(2023, 3, 1), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1),
    date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31), date(2025, 2, 28),
    date(2025, 3, 1), date(2025, 2, 27), date(2023, 8, 31), date(2024, 8, 31),
])
DAYS = st.one_of(DAYS, DAYS, DAYS, st.dates(min_value=date(2022, 1, 1),
                                            max_value=date(2026, 12, 31)))
TIMES = st.none() | st.sampled_from([time(0, 0), time(0, 1), time(23, 59), time(12, 0)])
INCIDENTS = st.lists(
    st.tuples(st.sampled_from(list(CrimeType)), st.integers(1, 2), DAYS, TIMES,
              st.integers(1, 10**6), st.booleans()),
    min_size=1, max_size=25,
)
# Mostly the windows whose boundaries the awkward days above sit on.
WINDOWS = st.sampled_from([12, 12, 1, 6, 24]) | st.integers(1, 36)
NOW = datetime(2026, 11, 1)


def _store(database: Database, incidents: list[tuple[CrimeType, int, date, time | None, int,
                                                     bool]]) -> None:
    table = table_of(Incident)
    with database.session() as session:
        session.execute(delete(table))
        rows = []
        for index, (crime_type, subject, on, at, number, stale_flag) in enumerate(incidents):
            rows.append({
                "reference": f"REF-{number:07d}-{index}", "crime_type": crime_type.value,
                "occurred_on": on, "occurred_time": at, "subject_id": subject,
                # A stale stored flag, so the pass must both set and clear flags.
                "is_repeat": stale_flag, "previous_id": None, "content_hash": "x",
                "created_at": NOW, "updated_at": NOW,
            })
        session.execute(insert(table), rows)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incidents=INCIDENTS, windows=st.tuples(WINDOWS, WINDOWS, WINDOWS),
       changes_kept=st.sampled_from([1, 3, 200_000]))
def test_full_pass_agrees_with_the_rule(
    database: Database, incidents: list[tuple[CrimeType, int, date, time | None, int, bool]],
    windows: tuple[int, int, int], changes_kept: int,
) -> None:
    rules = RuleSettings(window_months_asb=windows[0], window_months_burglary=windows[1],
                         window_months_dv=windows[2])
    _store(database, incidents)
    table = table_of(Incident)
    # changes_kept: the pass writes its changes whenever it holds this many (in id order).
    with (database.session() as session,
          patch.object(repeats, "_FULL_PASS_CHANGES", changes_kept)):
        recompute_flags(session, rules)
    with database.session() as session:
        stored = session.execute(select(table.c.id, table.c.crime_type, table.c.subject_id,
                                        table.c.occurred_on, table.c.occurred_time,
                                        table.c.reference, table.c.is_repeat,
                                        table.c.previous_id)).all()
    chains: dict[tuple[str, int], list[ChainItem]] = {}
    for row in stored:
        chains.setdefault((row.crime_type, row.subject_id), []).append(
            ChainItem(row.id, row.occurred_on, row.occurred_time, row.reference))
    expected = {}
    for (crime_type, _), items in chains.items():
        for flag in evaluate_chain(items, rules.window_months(CrimeType(crime_type))):
            expected[flag.id] = (flag.is_repeat, flag.previous_id)
    assert {row.id: (row.is_repeat, row.previous_id) for row in stored} == expected


def test_full_pass_reports_only_changed_flags(database: Database) -> None:
    day = date(2024, 2, 29)
    _store(database, [(CrimeType.DV, 1, day, None, 1, False),
                      (CrimeType.DV, 1, day + timedelta(days=1), None, 2, False)])
    with database.session() as session:
        assert recompute_flags(session, RuleSettings()) == 1
    with database.session() as session:
        assert recompute_flags(session, RuleSettings()) == 0


def test_missing_time_ties_with_midnight_and_reference_decides(database: Database) -> None:
    day = date(2024, 2, 29)
    # REF-0000001 at 00:00 sorts before REF-0000002 with no time: the second is the repeat.
    _store(database, [(CrimeType.ASB, 1, day, None, 2, False),
                      (CrimeType.ASB, 1, day, time(0, 0), 1, False)])
    table = table_of(Incident)
    with database.session() as session:
        recompute_flags(session, RuleSettings())
        flags = dict(session.execute(select(table.c.reference, table.c.is_repeat)).all())
    assert flags == {"REF-0000001-1": False, "REF-0000002-0": True}
