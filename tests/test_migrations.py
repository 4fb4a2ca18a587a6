"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

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


def test_an_existing_database_is_backed_up_then_migrated(tmp_path: Path) -> None:
    """A file made at the first revision, with data, is backed up and brought to head."""
    from sqlalchemy import text

    from scs_victims.storage.database import _sqlite_engine, open_database

    path = tmp_path / "old.db"
    engine = _sqlite_engine(path)
    with engine.begin() as connection:
        migrate.upgrade(connection, "0001")
        connection.execute(text(
            "INSERT INTO incidents (reference, crime_type, occurred_on, is_repeat, "
            "content_hash, created_at, updated_at, deleted_at) VALUES ('R1', 'dv', "
            "'2024-01-01', 0, 'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00', "
            "'2026-02-01 00:00:00')"))
    engine.dispose()
    database = open_database(path)
    try:
        with database.engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.head_revision()
            indexes = {row[1] for row in connection.exec_driver_sql(
                "PRAGMA index_list('incidents')")}
            count = connection.exec_driver_sql("SELECT count(*) FROM incidents").scalar()
    finally:
        database.close()
    assert "ix_incidents_deleted_at" in indexes
    assert count == 1
    backups = list((tmp_path / "backups").glob("old.*.pre-*.db"))
    assert len(backups) == 1


def test_the_head_constant_is_the_newest_shipped_script() -> None:
    assert migrate.SCHEMA_HEAD == migrate.script_head()
