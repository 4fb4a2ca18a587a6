"""Putting a backup back in place of the live database.

The backup is checked first (it opens with this database's key, passes SQLite's integrity
check, and its schema is one this version knows); the live database is backed up; then the
backup's pages are copied into the live file with SQLite's backup API (one transaction: a
kill leaves the live file as it was), and the schema is brought up to date. A file marked
damaged (``storage.damage``) is kept as a byte copy instead, and replaced whole.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from scs_victims.errors import DatabaseError, DatabaseTooNew
from scs_victims.storage import migrate
from scs_victims.storage.damage import clear_damage
from scs_victims.storage.database import (
    Database,
    _bring_up_to_date,
    backup_sqlite_file,
    connect_file,
)
from scs_victims.storage.encryption import FileState, file_state, wipe


def check_backup(database: Database, backup: Path) -> str:
    """The backup's schema revision, once it is known to be a sound copy of this database."""
    import sqlite3

    if not backup.is_file():
        raise DatabaseError(f"There is no backup at {backup}.")
    if database.path is not None and backup.resolve() == database.path.resolve():
        raise DatabaseError(f"{backup} is the database itself, not a backup of it.")
    encrypted = file_state(backup) is not FileState.PLAIN
    if encrypted != database.encrypted:
        raise DatabaseError(f"{backup} is not a backup of this database (one is encrypted, the "
                            "other not); nothing was changed.")
    try:
        connection = connect_file(backup, database.key, read_only=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError):
        raise DatabaseError(f"{backup} is not a backup of this database, or it is damaged "
                            "(it cannot be read with this database's key); nothing was "
                            "changed.") from None
    if result is None or result[0] != "ok" or revision is None:
        raise DatabaseError(f"{backup} is damaged; nothing was changed.")
    if not migrate.is_known_revision(str(revision[0])):
        raise DatabaseTooNew(f"{backup} was written by a newer version of SCS Victims; "
                             "nothing was changed.")
    return str(revision[0])


def restore_into(database: Database, backup: Path) -> None:
    """Copy the checked ``backup`` into the live database, then migrate it if it is older."""
    if database.path is None:
        raise DatabaseError("A server database is restored on the server.")
    database.engine.dispose()  # no connection of ours holds the file while it is replaced
    if database.damaged_since is not None:
        _replace_damaged_file(database.path, backup, database.key)
        database.engine.dispose()
        clear_damage(database.path)
        _bring_up_to_date(database, backup_first=False)
        return
    source = connect_file(backup, database.key, read_only=True)
    try:
        target = connect_file(database.path, database.key)
        try:
            target.execute("PRAGMA busy_timeout = 10000")
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    database.engine.dispose()
    clear_damage(database.path)
    _bring_up_to_date(database, backup_first=False)


RESTORING = ".restoring"


def _replace_damaged_file(path: Path, backup: Path, key: bytes | None) -> None:
    """A damaged file cannot be written into page by page (SQLite stops at its damage): a
    checked copy of the backup is made beside it and takes its name. The damaged file's own
    copy has been kept in ``backups/`` first; its ``-wal`` goes before the rename, since
    SQLite would apply its frames to the restored file."""
    copy = path.with_name(path.name + RESTORING)
    wipe(copy)  # left by a restore killed part-way
    backup_sqlite_file(backup, copy, key=key)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(copy, path)
