"""Opening the database: pragmas, migrations, the backup before migrating, refusals."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from scs_victims.audit import record
from scs_victims.errors import Cancelled, DatabaseError, DatabaseTooNew
from scs_victims.storage import database as database_module
from scs_victims.storage import migrate
from scs_victims.storage.database import (
    BACKUPS_KEPT,
    Database,
    backup_sqlite_file,
    open_database,
)
from tests.helpers.snapshot import integrity, snapshot

HEAD = migrate.head_revision()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_rows(database: Database, how_many: int = 3) -> None:
    with database.session() as session:
        for number in range(how_many):
            session.execute(text(
                "INSERT INTO wards (name, name_key, position, population, listed) "
                "VALUES (:name, :key, :position, 1000, 1)"),
                {"name": f"Ward {number}", "key": f"ward {number}", "position": number})
            record(session, "load", "ward", number)


def _stamp(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    finally:
        connection.close()


# Pragmas ----------------------------------------------------------------------------------

def test_every_pooled_connection_gets_the_pragmas(database: Database) -> None:
    # Several connections open at once force the pool to make new DBAPI connections;
    # after dispose() the pool makes fresh ones again.
    for _round in range(2):
        connections = [database.engine.connect() for _ in range(3)]
        try:
            raw_ids = set()
            for connection in connections:
                raw_ids.add(id(connection.connection.dbapi_connection))
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
            assert len(raw_ids) == 3
        finally:
            for connection in connections:
                connection.close()
        database.engine.dispose()


def test_sessions_enforce_foreign_keys(database: Database) -> None:
    with pytest.raises(exc.IntegrityError), database.session() as session:
        session.execute(text(
            "INSERT INTO addresses (key, ward_id, created_at) "
            "VALUES ('k', 999, '2025-01-01 00:00:00')"))


def test_none_and_booleans_bind_as_they_always_did(database: Database) -> None:
    """The adapters that speed up bulk inserts bind exactly NULL, 0 and 1 (storage.database)."""
    with database.engine.connect() as connection:
        bound = connection.exec_driver_sql(
            "SELECT typeof(?), ?, typeof(?), ?, typeof(?), ?",
            (None, None, True, True, False, False)).one()
    assert tuple(bound) == ("null", None, "integer", 1, "integer", 0)


def test_a_failed_session_rolls_back(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as session:
        session.execute(text(
            "INSERT INTO wards (name, name_key, position, listed) VALUES ('Hale', 'hale', 0, 1)"))
        raise RuntimeError("stop")
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM wards")).scalar() == 0


# Far more SQLite steps than any test should wait for: it ends only if it is stopped.
LONG_QUERY = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
              "WHERE i < 100000000) SELECT count(*) FROM n")


def test_a_stopped_session_ends_its_long_query_and_changes_nothing(database: Database) -> None:
    _add_rows(database)
    before = snapshot(Path(database.location))
    stopped = False
    with pytest.raises(Cancelled), database.session(stop=lambda: stopped) as session:
        session.execute(text("DELETE FROM wards"))
        stopped = True
        session.execute(text(LONG_QUERY)).scalar()
    assert snapshot(Path(database.location)) == before


def test_a_session_that_is_not_stopped_commits_and_leaves_no_handler_behind(
        database: Database) -> None:
    asked = 0

    def stop() -> bool:
        nonlocal asked
        asked += 1
        return False

    query = LONG_QUERY.replace("100000000", "100000")
    with database.session(stop=stop) as session:
        first_connection = session.connection().connection.dbapi_connection
        assert session.execute(text(query)).scalar() == 100_000
        session.execute(text(
            "INSERT INTO wards (name, name_key, position, listed) VALUES ('Hale', 'hale', 0, 1)"))
    assert asked > 0
    asked_during = asked
    # The same pooled connection, now without the handler: stop is not asked any more.
    with database.session() as session:
        assert session.connection().connection.dbapi_connection is first_connection
        assert session.execute(text(query)).scalar() == 100_000
        assert session.execute(text("SELECT count(*) FROM wards")).scalar() == 1
    assert asked == asked_during


# Migrations -------------------------------------------------------------------------------

def test_a_new_file_is_migrated_to_head_without_a_backup(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        with database.engine.connect() as connection:
            assert migrate.current_revision(connection) == HEAD
            tables = set(connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
        assert {"wards", "people", "addresses", "incidents", "import_runs", "audit_events",
                "merges", "settings", "alembic_version"} <= tables
        assert database.integrity_problems() == []
    finally:
        database.close()
    assert not (db_path.parent / "backups").exists()
    assert sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_a_database_at_head_neither_backs_up_nor_migrates(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = open_database(db_path)
    _add_rows(first)
    first.close()
    before = snapshot(db_path)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("must not be called for a database already at head")

    monkeypatch.setattr(migrate, "upgrade", refuse)
    monkeypatch.setattr(database_module, "backup_sqlite_file", refuse)
    again = open_database(db_path)
    again.close()

    assert snapshot(db_path) == before
    assert not (db_path.parent / "backups").exists()


def test_a_database_from_a_newer_version_is_refused_and_left_alone(db_path: Path) -> None:
    database = open_database(db_path)
    _add_rows(database)
    database.close()
    _stamp(db_path, "ffff_future")
    digest = _file_digest(db_path)

    with pytest.raises(DatabaseTooNew, match="newer version of SCS Victims"):
        open_database(db_path)

    assert _file_digest(db_path) == digest
    assert not (db_path.parent / "backups").exists()
    connection = sqlite3.connect(db_path)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
        ("ffff_future",)]
    connection.close()


def test_an_older_database_is_backed_up_before_it_is_migrated(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one shipped revision there is no real older schema: pretend the package's head
    is a newer revision, so the file at 0001 is "old", and watch what happens in order."""
    database = open_database(db_path)
    _add_rows(database)
    database.close()
    before = snapshot(db_path)
    events: list[tuple[str, Path | None]] = []
    real_backup = database_module.backup_sqlite_file

    def recording_backup(source: Path, target: Path, **options: object) -> Path:
        events.append(("backup", target))
        return real_backup(source, target, **options)  # type: ignore[arg-type]

    def recording_upgrade(connection: object, target: str = "head") -> None:
        del connection
        backups = sorted((db_path.parent / "backups").glob("*"))
        events.append(("upgrade", backups[0] if backups else None))
        assert target == "head"

    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "upgrade", recording_upgrade)
    monkeypatch.setattr(database_module, "backup_sqlite_file", recording_backup)

    open_database(db_path).close()

    assert [event for event, _ in events] == ["backup", "upgrade"]
    backup = events[0][1]
    assert backup is not None
    assert events[1][1] == backup, "the backup must exist before the upgrade starts"
    assert backup.parent == db_path.parent / "backups"
    assert re.fullmatch(r"test\.\d{8}-\d{6}\.pre-0002_next\.db", backup.name), backup.name
    assert integrity(backup) == ["ok"]
    assert snapshot(backup) == before
    assert not Path(f"{backup}-wal").exists()


def test_no_backup_when_asked_not_to(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    upgrades: list[str] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "upgrade", lambda _connection, target="head": upgrades.append(
        target))

    open_database(db_path, backup_before_migrating=False).close()

    assert upgrades == ["head"]
    assert not (db_path.parent / "backups").exists()


def test_old_backups_are_pruned(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    folder = db_path.parent / "backups"
    folder.mkdir()
    old = [folder / f"test.2020010{day}-120000.pre-0001.db" for day in range(1, 8)]
    for path in old:
        path.write_bytes(b"old backup")
    unrelated = folder / "other.20200101-120000.pre-0001.db"
    unrelated.write_bytes(b"another database's backup")
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "upgrade", lambda _connection, _target="head": None)

    open_database(db_path).close()

    kept = sorted(path.name for path in folder.glob("test.*"))
    assert len(kept) == BACKUPS_KEPT
    assert any(name.endswith(".pre-0002_next.db") for name in kept)
    assert kept[:BACKUPS_KEPT - 1] == [path.name for path in old[-(BACKUPS_KEPT - 1):]]
    assert unrelated.exists()


def test_a_failed_migration_leaves_the_backup_and_the_file_as_they_were(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(db_path).close()
    before = snapshot(db_path)

    def failing_upgrade(connection: object, target: str = "head") -> None:
        del connection, target
        raise RuntimeError("migration failed")

    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(migrate, "upgrade", failing_upgrade)

    with pytest.raises(RuntimeError, match="migration failed"):
        open_database(db_path)

    assert snapshot(db_path) == before
    assert len(list((db_path.parent / "backups").glob("test.*.pre-0002_next.db"))) == 1


# Backups ----------------------------------------------------------------------------------

def test_backup_is_a_sound_standalone_copy_including_uncheckpointed_data(
        database: Database, tmp_path: Path) -> None:
    _add_rows(database, 50)
    # Hold a connection open so the WAL is not checkpointed into the main file.
    holder = database.engine.connect()
    try:
        wal = Path(f"{database.path}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        target = database.backup(tmp_path / "copies" / "copy.db")
    finally:
        holder.close()

    assert target == tmp_path / "copies" / "copy.db"
    assert not Path(f"{target}-wal").exists()
    assert not Path(f"{target}-shm").exists()
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    assert database.path is not None
    assert snapshot(target) == snapshot(database.path)
    assert snapshot(target)["wards"].rows == 50


def test_backup_never_overwrites(database: Database, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_bytes(b"precious")
    with pytest.raises(DatabaseError, match="already exists"):
        database.backup(target)
    assert target.read_bytes() == b"precious"


def test_backup_sqlite_file_does_not_change_the_source(database: Database,
                                                       tmp_path: Path) -> None:
    _add_rows(database)
    database.close()
    assert database.path is not None
    before = snapshot(database.path)
    copy = backup_sqlite_file(database.path, tmp_path / "b" / "copy.db")
    assert snapshot(copy) == before
    assert snapshot(database.path) == before


# Refusals ---------------------------------------------------------------------------------

def test_a_file_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('keep me')")
    connection.close()

    with pytest.raises(DatabaseError, match="not an SCS Victims database") as refused:
        open_database(path)

    assert not isinstance(refused.value, DatabaseTooNew)
    connection = sqlite3.connect(path)
    tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("notes",)]
    assert connection.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    connection.close()
    assert not (tmp_path / "backups").exists()


def test_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Partnership meeting notes\n" * 100, encoding="utf-8")
    before = path.read_bytes()

    with pytest.raises(DatabaseError, match="cannot be opened as a database"):
        open_database(path)

    assert path.read_bytes() == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(folder)
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_made_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(DatabaseError, match="cannot be created"):
        open_database(blocker / "inside" / "scs.db")


def test_location_comes_from_argument_then_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = tmp_path / "env.db"
    monkeypatch.setenv(database_module.DB_ENV_VAR, str(from_env))
    assert database_module.resolve_location(tmp_path / "arg.db") == str(tmp_path / "arg.db")
    assert database_module.resolve_location() == str(from_env)
    monkeypatch.delenv(database_module.DB_ENV_VAR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    default = Path(database_module.resolve_location())
    assert default.name == database_module.DEFAULT_FILE_NAME
    assert default.parent.is_dir()


# The audit log ----------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'someone else'",
    "DELETE FROM audit_events",
    "DELETE FROM audit_events WHERE id = 1",
])
def test_the_audit_log_refuses_update_and_delete(database: Database, statement: str) -> None:
    _add_rows(database)
    assert database.path is not None
    before = snapshot(database.path, ("audit_events",))

    with pytest.raises(exc.DBAPIError, match="append-only"), database.session() as session:
        session.execute(text(statement))

    assert snapshot(database.path, ("audit_events",)) == before
    # Appending still works.
    with database.session() as session:
        record(session, "setting", "rules", None)
    after = snapshot(database.path, ("audit_events",))["audit_events"]
    assert after.rows == before["audit_events"].rows + 1
