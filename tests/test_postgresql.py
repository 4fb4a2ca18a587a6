"""The same rules on PostgreSQL: nothing above the storage layer is SQLite-specific.

Runs when ``SCS_TEST_POSTGRES_URL`` names a server database SCS Victims may create test
databases beside (``.ci/run`` starts a throwaway cluster for it); skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from scs_victims.audit import record
from scs_victims.domain.periods import PeriodKind, periods_between
from scs_victims.exports import figures_csv_text
from scs_victims.figures import compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.services.incidents import IncidentInput, create_incident
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import Incident

SERVER_URL = os.environ.get("SCS_TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(not SERVER_URL, reason="SCS_TEST_POSTGRES_URL is not set")


@pytest.fixture
def pg_database() -> Iterator[Database]:
    assert SERVER_URL is not None
    name = f"scs_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = open_database(make_url(SERVER_URL).set(database=name)
                             .render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.close()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize(("size", "defer_indexes"), [("small", False), ("medium", False),
                                                     ("medium", True)])
def test_public_fixtures_reproduce_exactly(pg_database: Database, shared_data: Path,
                                           size: str, defer_indexes: bool) -> None:
    """defer_indexes: the large-load path (indexes rebuilt, repeats worked out beside them)."""
    load_wards(pg_database, shared_data / "wards.csv")
    import_incidents(pg_database, shared_data / f"incidents-{size}.csv", today=date(2026, 1, 1),
                     defer_indexes=defer_indexes)
    again = import_incidents(pg_database, shared_data / f"incidents-{size}.csv",
                             today=date(2026, 1, 1))
    assert again.imported == 0 and again.rejected == 0
    periods = periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.QUARTER)
    with pg_database.session() as session:
        produced = figures_csv_text(compute_figures(session, periods, by_ward=True))
    expected = (shared_data / f"expected-figures-{size}.csv").read_bytes().decode("utf-8")
    assert produced == expected


def test_adding_an_incident_flags_the_repeat(pg_database: Database, shared_data: Path) -> None:
    load_wards(pg_database, shared_data / "wards.csv")
    import_incidents(pg_database, shared_data / "incidents-small.csv", today=date(2026, 1, 1))
    with pg_database.session() as session:
        result = create_incident(session, IncidentInput(
            reference="PG-1", crime_type="burglary", occurred_on="2024-05-20",
            address_line1="12 High Street", postcode="N3 1AA", ward="Finchley Church End"),
            today=date(2026, 1, 1))
    assert result.is_repeat


def test_the_audit_log_is_append_only(pg_database: Database) -> None:
    with pg_database.session() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        record(session, "insert", "incident", 1)
    with pytest.raises(DBAPIError), pg_database.session() as session:
        session.execute(text("UPDATE audit_events SET actor = 'someone else'"))
