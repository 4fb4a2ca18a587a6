"""Reading a database file as another program would, encrypted or not: a plain file with the
standard sqlite3 module, an encrypted one with SQLCipher and the key the command line's test
administrator unwraps from its key file (tests/helpers/cli.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3

from scs_victims.storage.encryption import FileState, file_state
from scs_victims.storage.keyring import keyed, read_keyring

ADMIN = "test-admin"
ADMIN_PASSWORD = "synthetic-admin-pass-1"


def database_key(path: Path, name: str = ADMIN, password: str = ADMIN_PASSWORD) -> bytes:
    keyring = read_keyring(path)
    assert keyring is not None, f"{path} has no key file"
    return keyring.unwrap(name, password)


def connect(path: Path) -> Any:
    """A DB-API connection to ``path`` (keyed when the file is encrypted)."""
    if file_state(path) is FileState.ENCRYPTED:
        return keyed(sqlcipher3.connect(str(path)), database_key(path))
    return sqlite3.connect(path)


def copy_database(source: Path, target: Path) -> Path:
    """Copy a closed database file with its key file, if it has one."""
    import shutil

    from scs_victims.storage.keyring import keyring_path

    shutil.copyfile(source, target)
    if keyring_path(source).is_file():
        shutil.copyfile(keyring_path(source), keyring_path(target))
    return target


def table_counts(path: Path) -> dict[str, int]:
    """The rows of every table of the file at ``path``, by table."""
    connection = connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables}
    finally:
        connection.close()
