"""SQLite's failures become sentences by their error codes (issue 17, bad input and faults):
busy, read-only, damaged, not a database; on the command line, exit 1 and nothing changed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from scs_victims.storage import failures
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
