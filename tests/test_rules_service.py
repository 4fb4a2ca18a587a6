"""Changing a look-back window recomputes every repeat flag, with progress, and audits it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.domain.periods import PeriodKind, periods_between
from scs_victims.errors import Cancelled, InputRefused
from scs_victims.exports import figures_csv_text
from scs_victims.figures import compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.services.rules import change_rules, parse_rule_value
from scs_victims.settings import load_rules
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, Incident


@pytest.fixture
def small(database: Database, shared_data: Path) -> Database:
    load_wards(database, shared_data / "wards.csv")
    import_incidents(database, shared_data / "incidents-small.csv", today=date(2026, 1, 1))
    return database


def _repeat_references(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.scalars(select(Incident.reference).where(Incident.is_repeat)))


def _figures(database: Database) -> str:
    periods = periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.QUARTER)
    with database.session() as session:
        return figures_csv_text(compute_figures(session, periods, by_ward=True))


def test_shorter_burglary_window_unflags_and_restoring_it_gives_the_same_figures(
    small: Database,
) -> None:
    before_flags, before_figures = _repeat_references(small), _figures(small)
    assert {"B2", "B4"} <= before_flags  # exactly 12 months, and about 6 months, apart
    seen: list[tuple[int, int | None]] = []
    with small.session() as session:
        change = change_rules(session, {"window_months_burglary": 3},
                              lambda done, total: seen.append((done, total)))
    assert change.recomputed and change.flags_changed == 2
    assert seen and seen[-1][0] == seen[-1][1]
    assert _repeat_references(small) == before_flags - {"B2", "B4"}
    with small.session() as session:
        change_rules(session, {"window_months_burglary": 12})
        assert load_rules(session).window_months_burglary == 12
        recomputes = session.scalar(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.action == "recompute"))
    assert recomputes == 2
    assert _repeat_references(small) == before_flags
    assert _figures(small) == before_figures


def test_a_threshold_change_does_not_recompute(small: Database) -> None:
    with small.session() as session:
        change = change_rules(session, {"dv_escalation_incidents": 4})
    assert not change.recomputed


def test_cancelling_the_recompute_keeps_the_old_window(small: Database) -> None:
    def cancel(_done: int, _total: int | None) -> None:
        raise Cancelled

    with pytest.raises(Cancelled), small.session() as session:
        change_rules(session, {"window_months_dv": 1}, cancel)
    with small.session() as session:
        assert load_rules(session).window_months_dv == 12


@pytest.mark.parametrize(("name", "text"), [("window_months_dv", "0"),
                                            ("window_months_dv", "six"),
                                            ("no_such_setting", "3"),
                                            ("dv_escalation_police_only", "maybe")])
def test_bad_values_are_refused(small: Database, name: str, text: str) -> None:
    with pytest.raises(InputRefused):
        value = parse_rule_value(name, text)
        with small.session() as session:
            change_rules(session, {name: value})
