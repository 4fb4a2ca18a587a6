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


def test_every_check_constraint_is_the_models_own(database: Database) -> None:
    """Alembic's comparison above does not look at CHECK constraints; this does."""
    from sqlalchemy import CheckConstraint, inspect

    inspector = inspect(database.engine)
    for table in Base.metadata.sorted_tables:
        stored = {(check["name"], check["sqltext"])
                  for check in inspector.get_check_constraints(table.name)}
        modelled = {(constraint.name, str(constraint.sqltext))
                    for constraint in table.constraints if isinstance(constraint, CheckConstraint)}
        assert stored == modelled, table.name


def test_copying_tables_others_refer_to_keeps_their_rows_and_links(tmp_path: Path) -> None:
    """0007 copies people, whom incidents refer to: with foreign keys on, dropping the
    original would fail. The rows, the links and the checks survive, and connections handed
    out afterwards enforce foreign keys again."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from scs_victims.storage.database import _sqlite_engine, open_database

    path = tmp_path / "linked.db"
    engine = _sqlite_engine(path)
    with engine.begin() as connection:
        migrate.upgrade(connection, "0006")
        for sql in (
            "INSERT INTO people (id, key, gender, created_at) VALUES "
            "(1, 'p1', 'female', '2026-01-01 00:00:00'), (2, 'p2', NULL, '2026-01-01 00:00:00')",
            "INSERT INTO incidents (reference, crime_type, occurred_on, victim_id, "
            "perpetrator_id, relationship, source, is_repeat, content_hash, created_at, "
            "updated_at) VALUES ('R1', 'dv', '2024-01-01', 1, 2, 'ex-partner', 'police', 0, "
            "'x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        ):
            connection.execute(text(sql))
    engine.dispose()

    database = open_database(path)
    try:
        with database.engine.connect() as connection:
            assert migrate.current_revision(connection) == "0007"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql(
                "SELECT victim_id, perpetrator_id, relationship FROM incidents").one() == (
                1, 2, "ex-partner")
            assert connection.exec_driver_sql("SELECT count(*) FROM people").scalar() == 2
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            connection.rollback()
            with pytest.raises(IntegrityError, match="FOREIGN KEY"), connection.begin():
                connection.exec_driver_sql("UPDATE incidents SET victim_id = 99")
            with pytest.raises(IntegrityError, match="ck_incidents_crime_type_known"), \
                    connection.begin():
                connection.exec_driver_sql("UPDATE incidents SET crime_type = 'theft'")
            with pytest.raises(IntegrityError, match="ck_people_gender_known"), \
                    connection.begin():
                connection.exec_driver_sql("UPDATE people SET gender = 'f' WHERE id = 2")
    finally:
        database.close()
