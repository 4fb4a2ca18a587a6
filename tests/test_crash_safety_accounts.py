"""Killed with SIGKILL while it is converted, a database is left whole: either as it was or
fully converted (issue 16: the move to accounts and the chained audit log, migration 0008;
issue 17: the creation of the first administrator, which encrypts the file, with an encrypted
backup first)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scs_victims.audit_trail import verify_chain
from scs_victims.storage.database import open_database
from scs_victims.storage.encryption import FileState, file_state
from scs_victims.storage.migrate import SCHEMA_HEAD
from tests.helpers.cli import cli_env, command
from tests.helpers.raw import connect as raw_connect
from tests.helpers.raw import database_key
from tests.helpers.revisions import database_at, stored_revision
from tests.helpers.snapshot import integrity, snapshot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]

EVENTS = 50_000  # enough for the copy of the audit table to take a good part of a second
DELAYS = (0.2, 0.35, 0.5, 0.65, 0.8, 1.0, 1.3, 1.8, 4.0)
BEFORE_ACCOUNTS = ("wards", "people", "incidents", "settings")


@pytest.fixture(scope="module")
def old_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at revision 0007 with a long audit log and a few records."""
    path = database_at(tmp_path_factory.mktemp("old") / "old.db", "0007")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DROP TRIGGER audit_events_no_update")  # restored below
        connection.executemany(
            "INSERT INTO audit_events (at, actor, action, entity, entity_id, detail) "
            "VALUES (?, 'olduser', 'insert', 'incident', ?, ?)",
            [(f"2025-01-01 09:{number % 60:02d}:00.{number:06d}", number, f'{{"n": {number}}}')
             for number in range(1, EVENTS + 1)])
        connection.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON "
                           "audit_events BEGIN SELECT RAISE(ABORT, 'the audit log is "
                           "append-only'); END")
        connection.execute("INSERT INTO people (id, key, forename, surname, created_at) VALUES "
                           "(1, 'k1', 'Synthetic', 'Person', '2025-01-01 00:00:00')")
    connection.close()
    return path


def _start(args: list[str], sandbox: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=sandbox, env=cli_env(sandbox), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL after ``delay`` seconds; whether it was still running then."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    process.kill()
    process.wait(timeout=30)
    return True


def _chain_intact(path: Path) -> bool:
    encrypted = file_state(path) is FileState.ENCRYPTED
    database = open_database(path, key=database_key(path) if encrypted else None)
    try:
        with database.session() as session:
            return verify_chain(session).broken is None
    finally:
        database.close()


def test_a_migration_killed_at_any_moment_leaves_the_old_file_or_the_new_whole(
        old_file: Path, tmp_path: Path) -> None:
    before = snapshot(old_file, ("audit_events", "people", "alembic_version"))
    seen: set[str] = set()
    for number, delay in enumerate(DELAYS):
        db = tmp_path / f"kill-{number}.db"
        db.write_bytes(old_file.read_bytes())
        opening = _start([sys.executable, "-c", "import sys; from scs_victims.storage.database "
                          "import open_database; open_database(sys.argv[1])", str(db)],
                         tmp_path)
        killed = _kill_after(opening, delay)
        assert integrity(db) == ["ok"]
        revision = stored_revision(db)
        if revision == "0007":
            assert snapshot(db, ("audit_events", "people", "alembic_version")) == before
            seen.add("old" if killed else "old, not killed")
        else:
            assert revision == SCHEMA_HEAD  # every step since 0007, in one transaction
            connection = sqlite3.connect(db)
            assert connection.execute("SELECT count(*) FROM audit_events").fetchone()[0] == \
                EVENTS
            connection.close()
            seen.add("new")
        # Whatever was left, opening it again brings it up to date with its chain intact.
        assert _chain_intact(db)
        leftovers = list((db.parent / "backups").glob("*.partial"))
        # A half-made backup copy may stay behind a kill, never under a backup's name.
        assert all(path.name.endswith(".partial") for path in leftovers)
    assert "old" in seen and "new" in seen, seen


def test_the_first_administrator_killed_at_any_moment_is_made_whole_or_not_at_all(
        old_file: Path, tmp_path: Path) -> None:
    upgraded = tmp_path / "upgraded.db"
    upgraded.write_bytes(old_file.read_bytes())
    open_database(upgraded).close()  # migrated, untimed: this test kills the conversion
    before = snapshot(upgraded, BEFORE_ACCOUNTS)
    seen: set[str] = set()
    for number, delay in enumerate(DELAYS):
        db = tmp_path / f"init-{number}.db"
        db.write_bytes(upgraded.read_bytes())
        killed = _kill_after(_start(command("init", db=db), tmp_path), delay)
        assert integrity(db) == ["ok"]
        connection = raw_connect(db)  # plain, or encrypted whole: never neither
        accounts = connection.execute("SELECT count(*) FROM users").fetchone()[0]
        connection.close()
        assert (file_state(db) is FileState.ENCRYPTED) is (accounts == 1)
        assert snapshot(db, BEFORE_ACCOUNTS) == before
        assert accounts in (0, 1)
        seen.add(f"{accounts} account{'s' if accounts != 1 else ''}"
                 + ("" if killed else ", finished"))
        if accounts:
            backups = [path for path in (db.parent / "backups").glob(f"{db.stem}.*")
                       if not path.name.endswith(".partial")]
            assert backups, "the first administrator is written only after the backup"
        assert _chain_intact(db)
    assert any(state.startswith("0") for state in seen) and any(
        state.startswith("1") for state in seen), seen
