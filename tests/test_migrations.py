"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from scs_victims.storage import migrate
from scs_victims.storage.database import Database
from scs_victims.storage.models import Base
from tests.helpers.revisions import database_at, stored_revision


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
            assert migrate.current_revision(connection) == migrate.head_revision()
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


def test_whether_opening_will_migrate_is_known_beforehand(tmp_path: Path) -> None:
    from scs_victims.storage.database import open_database, schema_update_needed

    assert not schema_update_needed(tmp_path / "new.db")
    database_at(tmp_path / "old.db", "0006")
    assert schema_update_needed(tmp_path / "old.db")
    open_database(tmp_path / "old.db").close()
    assert not schema_update_needed(tmp_path / "old.db")
    (tmp_path / "other.txt").write_text("not a database")
    assert not schema_update_needed(tmp_path / "other.txt")


def test_opening_tells_its_progress_backup_first(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from scs_victims.storage import database as database_module

    monkeypatch.setattr(database_module, "BACKUP_STEP_PAGES", 1)
    database_at(tmp_path / "old.db", "0006")
    heard: list[tuple[str, int, int]] = []
    database_module.open_database(tmp_path / "old.db",
                                  progress=lambda *step: heard.append(step)).close()
    stages = [stage for stage, _done, _total in heard]
    checking = stages.index(database_module.CHECKING_BACKUP)
    assert set(stages[:checking]) == {database_module.BACKING_UP}
    assert stages[checking + 1:] == [database_module.MIGRATING]
    copied = [done for stage, done, _total in heard if stage == database_module.BACKING_UP]
    assert copied == sorted(copied) and len(copied) > 1
    assert copied[-1] == heard[0][2]  # every page of the total
    assert stored_revision(tmp_path / "old.db") == migrate.head_revision()


def test_stopping_during_the_backup_leaves_the_file_and_no_half_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scs_victims.errors import Cancelled
    from scs_victims.storage import database as database_module

    monkeypatch.setattr(database_module, "BACKUP_STEP_PAGES", 1)
    database_at(tmp_path / "old.db", "0006")
    steps = 0

    def stop() -> bool:
        nonlocal steps
        steps += 1
        return steps > 3

    with pytest.raises(Cancelled):
        database_module.open_database(tmp_path / "old.db", stop=stop)
    assert stored_revision(tmp_path / "old.db") == "0006"
    assert list((tmp_path / "backups").glob("*")) == []


def test_stopping_during_the_migration_rolls_it_back(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from scs_victims.errors import Cancelled
    from scs_victims.storage import database as database_module

    # Asked at every SQLite step: this small file's statements are over in fewer than usual.
    monkeypatch.setattr(database_module, "STOP_CHECK_STEPS", 1)
    database_at(tmp_path / "old.db", "0006")
    migrating = False

    def heard(stage: str, _done: int, _total: int) -> None:
        nonlocal migrating
        migrating = migrating or stage == database_module.MIGRATING

    with pytest.raises(Cancelled):
        database_module.open_database(tmp_path / "old.db", progress=heard,
                                      stop=lambda: migrating)
    assert stored_revision(tmp_path / "old.db") == "0006"
    reopened = database_module.open_database(tmp_path / "old.db")  # and it can still migrate
    reopened.close()
    assert stored_revision(tmp_path / "old.db") == migrate.head_revision()


def test_0010_adds_the_new_columns_empty_and_keeps_every_row(tmp_path: Path) -> None:
    """Incidents, referrals and import runs made before 0010 keep their rows; the new columns
    start as not recorded, and an earlier run counts no rows left out by a profile."""
    from sqlalchemy import text

    from scs_victims.storage.database import open_database

    path = database_at(tmp_path / "before.db", "0009")
    connection = sqlite3.connect(path)
    with connection:
        for sql in (
            "INSERT INTO import_runs (id, kind, file_name, encoding, started_at, actor, "
            "rows_read, rows_imported, rows_unchanged, rows_rejected) VALUES "
            "(1, 'incidents', 'old.csv', 'UTF-8', '2026-01-01 00:00:00', 'tester', 1, 1, 0, 0)",
            "INSERT INTO people (id, key, created_at) VALUES (1, 'p1', '2026-01-01 00:00:00')",
            "INSERT INTO incidents (reference, crime_type, occurred_on, is_repeat, "
            "content_hash, import_id, created_at, updated_at) VALUES ('R1', 'asb', "
            "'2024-01-01', 0, 'kept', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO marac_referrals (reference, referral_date, victim_id, children_count, "
            "withhold_address, dash_score, professional_judgement, potential_escalation, "
            "content_hash, created_at, updated_at) VALUES ('M1', '2024-02-01', 1, 0, 0, 14, 0, "
            "0, 'also kept', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        ):
            connection.execute(sql)
    connection.close()
    database = open_database(path)
    try:
        with database.engine.connect() as migrated:
            assert migrate.current_revision(migrated) == "0010"
            assert migrated.execute(text(
                "SELECT reference, content_hash, case_ref, hate_motivated FROM incidents"
            )).one() == ("R1", "kept", None, None)
            assert migrated.execute(text(
                "SELECT reference, dash_score, content_hash, incident_date, dash_version "
                "FROM marac_referrals")).one() == ("M1", 14, "also kept", None, None)
            assert migrated.execute(text(
                "SELECT rows_read, rows_skipped FROM import_runs")).one() == (1, 0)
    finally:
        database.close()
