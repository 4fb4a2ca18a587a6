"""Turning a plain SQLite database into an encrypted one, so that a kill at any moment leaves
either the plain file or the encrypted one whole, never neither.

1. The plain file is checkpointed (its -wal folded in and removed).
2. An encrypted copy is exported beside it (``NAME.db.encrypting``, SQLCipher's
   ``sqlcipher_export``), then checked: integrity, and the rows of every table counted
   against the plain file.
3. ``prepare`` runs on the copy (the first administrator is written there), the key file is
   written, and a checked, encrypted backup of the copy is made in ``backups/``.
4. The copy takes the database's name in one rename. The plain original, kept until then
   under a second name (a hard link), is overwritten with zeros and removed; so are plain
   backups of the old file, which are encrypted in their turn.

A leftover of a killed conversion (``.encrypting``, ``.plain-old``) is cleared at the next
opening (``clear_leftovers``). Which state a file is in is read from its first bytes, not
from the key file: a plain file with a key file beside it is a conversion that did not
finish, and is still plain.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import sqlcipher3

from scs_victims.errors import DatabaseError
from scs_victims.storage.files import owner_only
from scs_victims.storage.keyring import (
    CIPHER_PAGE_SIZE,
    Keyring,
    keyed,
    keyring_path,
    write_keyring,
)

PLAIN_HEADER = b"SQLite format 3\x00"
ENCRYPTING = ".encrypting"
PLAIN_OLD = ".plain-old"
_WIPE_CHUNK = 1 << 20


class FileState(Enum):
    MISSING = "missing"  # no file, or an empty one
    PLAIN = "plain"
    ENCRYPTED = "encrypted"  # not plain SQLite, with a key file beside it
    UNKNOWN = "unknown"  # not plain SQLite and no key file: not ours, or its key file is lost


def file_state(path: Path) -> FileState:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(PLAIN_HEADER))
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return FileState.MISSING
    if not header:
        return FileState.MISSING
    if header == PLAIN_HEADER:
        return FileState.PLAIN
    return FileState.ENCRYPTED if keyring_path(path).is_file() else FileState.UNKNOWN


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def wipe(path: Path) -> None:
    """Overwrite a file's bytes with zeros, then remove it (plaintext must not linger)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            written = 0
            while written < size:
                chunk = min(_WIPE_CHUNK, size - written)
                handle.write(b"\0" * chunk)
                written += chunk
            handle.flush()
            os.fsync(handle.fileno())
    except FileNotFoundError:
        return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def clear_leftovers(path: Path) -> None:
    """Remove what a killed conversion left beside the database."""
    with contextlib.suppress(FileNotFoundError):
        _sibling(path, ENCRYPTING).unlink()
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            _sibling(path, ENCRYPTING + suffix).unlink()
    wipe(_sibling(path, PLAIN_OLD))
    wipe(_sibling(path, ".restoring"))  # a restore killed part-way (storage.restore)
    backups = path.parent / "backups"
    if backups.is_dir():  # half-made copies of a backup killed part-way (possibly plaintext)
        for partial in backups.glob(f"{path.stem}.*.partial"):
            wipe(partial)
    if file_state(path) is FileState.PLAIN and keyring_path(path).is_file():
        # The key file of a conversion that never swapped: the file is still plain.
        with contextlib.suppress(FileNotFoundError):
            keyring_path(path).unlink()


def _table_counts(connection: object) -> dict[str, int]:
    cursor = connection.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    names = [row[0] for row in cursor.fetchall()]
    return {name: connection.execute(  # type: ignore[attr-defined]
        f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def checkpoint_plain(path: Path) -> None:
    """Fold the -wal into the plain file and leave it in rollback mode, so that nothing of it
    is outside the file (and no plaintext -wal could be read into the encrypted one)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"{path} is in use by another program or window; close it and "
                            "try again. Nothing was changed.") from exc
    finally:
        connection.close()
    if str(mode).lower() != "delete":
        raise DatabaseError(f"{path} is in use by another program or window; close it and "
                            "try again. Nothing was changed.")


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """An encrypted copy of ``plain`` at ``target`` (SQLCipher's sqlcipher_export), checked
    for integrity and for the same number of rows in every table."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    source = sqlcipher3.connect(str(plain), isolation_level=None)
    try:
        source.execute("PRAGMA cipher_log_level = NONE")
        source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target),
                                                                 f"x'{key.hex()}'"))
        source.execute(f"PRAGMA encrypted.cipher_page_size = {CIPHER_PAGE_SIZE}")
        source.execute("SELECT sqlcipher_export('encrypted')")
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        source.execute("DETACH DATABASE encrypted")
        expected = _table_counts(source)
    finally:
        source.close()
    owner_only(target)
    check_encrypted(target, key, expected)


def check_encrypted(path: Path, key: bytes, expected: dict[str, int] | None = None) -> None:
    connection = sqlcipher3.connect(str(path))
    try:
        keyed(connection, key)
        result = connection.execute("PRAGMA integrity_check").fetchone()
        counts = _table_counts(connection)
    except sqlcipher3.DatabaseError as exc:
        raise DatabaseError(f"The encrypted copy {path} could not be read back; nothing was "
                            "changed.") from exc
    finally:
        connection.close()
    if result is None or result[0] != "ok" or (expected is not None and counts != expected):
        raise DatabaseError(f"The encrypted copy {path} did not match the original; nothing "
                            "was changed.")


def convert(path: Path, key: bytes, keyring: Keyring, prepare: Callable[[Path], None],
            backup: Callable[[Path], Path]) -> Path:
    """Encrypt the plain database at ``path`` in place (see the module's steps); ``prepare``
    writes into the encrypted copy before it is swapped in (the first administrator);
    ``backup`` makes the checked, encrypted backup of the copy and returns its path."""
    clear_leftovers(path)
    checkpoint_plain(path)
    copy = _sibling(path, ENCRYPTING)
    export_encrypted(path, copy, key)
    prepare(copy)
    check_encrypted(copy, key)
    backup_path = backup(copy)
    write_keyring(path, keyring)
    old = _sibling(path, PLAIN_OLD)
    with contextlib.suppress(FileNotFoundError):
        old.unlink()
    try:
        os.link(path, old)  # a second name for the plain bytes, to overwrite after the swap
    except OSError:
        old = path.with_name("")  # the file system has no hard links: nothing to overwrite
    os.replace(copy, path)
    if old.name:
        wipe(old)
    encrypt_plain_backups(path, key)
    return backup_path


def encrypt_plain_backups(path: Path, key: bytes) -> None:
    """Backups of the plain file (made before upgrades) are encrypted too."""
    folder = path.parent / "backups"
    if not folder.is_dir():
        return
    for backup in sorted(folder.glob(f"{path.stem}.*{path.suffix}")):
        if file_state(backup) is not FileState.PLAIN and not backup.name.endswith(".partial"):
            continue
        if backup.name.endswith(".partial"):
            wipe(backup)
            continue
        copy = _sibling(backup, ENCRYPTING)
        export_encrypted(backup, copy, key)
        stamp = backup.stat().st_mtime
        old = _sibling(backup, PLAIN_OLD)
        os.link(backup, old)
        os.replace(copy, backup)
        os.utime(backup, (stamp, stamp))
        wipe(old)


