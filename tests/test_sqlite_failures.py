"""SQLite's failures become sentences by their error codes (issue 17, bad input and faults):
busy, read-only, damaged, not a database; on the command line, exit 1 and nothing changed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from scs_victims.storage import failures
from scs_victims.storage.failures import DatabaseDamaged
from tests.helpers.cli import run_cli


def test_a_busy_file_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as raised:
        other.execute("SELECT * FROM t").fetchall()
    holder.execute("ROLLBACK")
    wrapped = sa_exc.OperationalError("SELECT", {}, raised.value)
    explained = failures.explain(wrapped)
    assert isinstance(explained, failures.DatabaseBusy)
    assert explained.code == "database_busy"


def test_a_file_that_is_not_a_database_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "text.db"
    path.write_bytes(b"not a database at all " * 500)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    assert isinstance(failures.explain(raised.value), failures.DatabaseUnreadable)


def test_other_errors_stay_bugs() -> None:
    assert failures.explain(ValueError("no code")) is None


def test_a_damaged_database_exits_1_with_a_sentence(tmp_path: Path) -> None:
    db = tmp_path / "damaged.db"
    assert run_cli(tmp_path, "init", db=db).returncode == 0
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 3, len(data), 997):  # scribble over pages after the first
        data[offset] ^= 0xFF
    db.write_bytes(bytes(data))
    result = run_cli(tmp_path, "check", db=db)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and "Something went wrong" not in result.stderr
    assert str(db) in result.stderr or "database" in result.stderr


def test_a_full_disk_or_a_read_only_folder_is_a_sentence() -> None:
    import errno

    full = OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(failures.explain(full), failures.DatabaseFull)
    locked = PermissionError(errno.EACCES, "Permission denied", "/srv/scs.db.keys")
    explained = failures.explain(locked)
    assert isinstance(explained, failures.DatabaseReadOnly)
    assert "/srv/scs.db.keys" in str(explained)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="POSIX modes, and root may write anywhere (CI runs as root)")
def test_a_read_only_folder_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    result = run_cli(tmp_path, "init", db=folder / "scs.db", init=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def _damaged_where_signing_in_does_not_look(tmp_path: Path) -> Path:
    """An encrypted database holding the small fixture, with one page scribbled over that
    signing in does not read: ``check`` finds it, other work may not."""
    from tests.conftest import SHARED_DATA
    from tests.helpers.raw import copy_database

    made = tmp_path / "made" / "scs.db"
    assert run_cli(tmp_path, "init", db=made).returncode == 0
    assert run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=made).returncode == 0
    assert run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-small.csv",
                   db=made).returncode == 0
    assert run_cli(tmp_path, "backup", db=made).returncode == 0
    pages = made.stat().st_size // 16384
    for page in range(pages - 1, 1, -1):
        (tmp_path / f"page-{page}").mkdir()
        db = copy_database(made, tmp_path / f"page-{page}" / "scs.db")
        for backup in (made.parent / "backups").iterdir():  # its backups beside it
            (db.parent / "backups").mkdir(exist_ok=True)
            (db.parent / "backups" / backup.name).write_bytes(backup.read_bytes())
        data = bytearray(db.read_bytes())
        data[page * 16384 + 100:page * 16384 + 164] = bytes(64)
        db.write_bytes(bytes(data))
        checked = run_cli(tmp_path, "check", db=db, init=False)
        if checked.returncode == 1 and "has problems" in checked.stderr:
            return db
    raise AssertionError("no page found that signing in does not read")


def test_once_check_finds_damage_nothing_more_is_written_until_a_backup_is_restored(
        tmp_path: Path) -> None:
    from tests.conftest import SHARED_DATA
    from tests.helpers.raw import connect

    db = _damaged_where_signing_in_does_not_look(tmp_path)
    marker = db.with_name(db.name + ".damaged")
    assert marker.is_file() and b"incidents" not in marker.read_bytes()
    imported = run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-medium.csv",
                       db=db, init=False)
    assert imported.returncode == 1, imported.stdout
    assert "found damaged" in imported.stderr and "Traceback" not in imported.stderr
    assert "Imported" not in imported.stdout  # refused before any row was read
    backups = sorted(path for path in (db.parent / "backups").iterdir()
                     if path.suffix == ".db")
    restored = run_cli(tmp_path, "restore", backups[-1], db=db, init=False)
    assert restored.returncode == 0, restored.stderr
    assert not marker.exists()
    kept = [path for path in (db.parent / "backups").iterdir() if ".damaged" in path.name]
    assert any(path.suffix == ".db" for path in kept), kept  # for the support team
    assert run_cli(tmp_path, "check", db=db, init=False).returncode == 0
    assert run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-medium.csv",
                   db=db, init=False).returncode == 0
    connection = connect(db)
    assert connection.execute("SELECT count(*) FROM incidents").fetchone()[0] > 20
    connection.close()


def test_work_that_meets_a_damaged_page_marks_the_file(tmp_path: Path) -> None:
    from scs_victims.storage.damage import damage_noted
    from scs_victims.storage.database import Database

    db = tmp_path / "plain.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 400)
    connection.close()
    data = bytearray(db.read_bytes())
    data[4096 * 3: 4096 * 3 + 200] = b"\xff" * 200  # an inner page of the table
    db.write_bytes(bytes(data))
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import sessionmaker

    engine = create_engine(f"sqlite:///{db}")
    database = Database(engine, str(db), sessionmaker(engine))
    with pytest.raises(Exception), database.session() as session:  # noqa: B017, PT011
        session.execute(text("SELECT count(*), max(length(x)) FROM t")).all()
    assert damage_noted(db) is not None
    with pytest.raises(DatabaseDamaged):
        database.refuse_writes_if_damaged()
    engine.dispose()
