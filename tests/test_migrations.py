"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from scs_victims.storage import migrate
from scs_victims.storage.database import Database
from scs_victims.storage.models import Base


def test_migrated_database_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_fixture_database_is_at_the_head_revision(database: Database) -> None:
    with database.engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
