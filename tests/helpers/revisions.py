"""Database files at an earlier schema revision, for tests of migrating them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scs_victims.storage import migrate
from scs_victims.storage.database import _sqlite_engine


def database_at(path: Path, revision: str) -> Path:
    """A new SQLite file at ``path`` migrated only as far as ``revision``."""
    engine = _sqlite_engine(path)
    with engine.begin() as connection:
        migrate.upgrade(connection, revision)
    engine.dispose()
    return path


def stored_revision(path: Path) -> str:
    """The schema revision the file says it is at (read without the app)."""
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()
