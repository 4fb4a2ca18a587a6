"""Backups made from Settings: consistent copies beside the database, listed newest first."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from scs_victims.importing.wards import load_wards
from scs_victims.services.backups import back_up_now, backups_folder, list_backups
from scs_victims.storage.database import Database
from tests.test_import_wards import write_wards


def test_back_up_now_copies_the_live_database(database: Database, tmp_path: Path) -> None:
    load_wards(database, write_wards(tmp_path / "w.csv", [["Testford North", "", "1", ""]]))
    assert list_backups(database) == []
    first = back_up_now(database, now=datetime(2025, 3, 4, 5, 6, 7))
    second = back_up_now(database, now=datetime(2025, 3, 4, 5, 6, 7))
    assert first.path.parent == backups_folder(database) == database.path.parent / "backups"
    assert first.path.name == "test.20250304-050607.db"
    assert second.path.name == "test.20250304-050607-2.db"
    assert first.size > 0
    with sqlite3.connect(first.path) as copy:
        assert copy.execute("SELECT name FROM wards").fetchall() == [("Testford North",)]
    listed = list_backups(database)
    assert {backup.path for backup in listed} == {first.path, second.path}
    assert listed[0].modified >= listed[1].modified
