"""Two writers at once: the loser gets a sentence to retry, never a database error."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.errors import ConcurrentChange
from scs_victims.services.incidents import IncidentInput, create_incident
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import Incident, Person


def _form(reference: str) -> IncidentInput:
    return IncidentInput(reference=reference, crime_type="dv", occurred_on="2024-03-01",
                         victim_forename="Orla", victim_surname="Quintrell",
                         victim_dob="1984-06-02", postcode="N3 1AB")


def test_a_save_while_another_user_is_saving_asks_to_try_again(database: Database,
                                                               db_path: Path) -> None:
    other = open_database(db_path)
    try:
        first = database.sessions()
        first.begin()
        create_incident(first, _form("RACE-1"), today=date(2026, 1, 1))
        with pytest.raises(ConcurrentChange, match="Try again"), other.session() as second:
            create_incident(second, _form("RACE-2"), today=date(2026, 1, 1))
        first.commit()
        first.close()
        with other.session() as second:  # once the first save is done, the retry works
            create_incident(second, _form("RACE-2"), today=date(2026, 1, 1))
    finally:
        other.close()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 2


def test_a_unique_clash_inside_one_unit_of_work_is_reported_as_retryable(
    database: Database,
) -> None:
    with pytest.raises(ConcurrentChange), database.session() as session:
        now = datetime(2026, 1, 1)
        session.add(Person(key="name:orla|quintrell|1984-06-02", created_at=now))
        session.flush()
        session.add(Person(key="name:orla|quintrell|1984-06-02", created_at=now))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
