"""Backups of the SQLite database, made on request (Settings) into the ``backups`` folder
beside it, where the copies made before a schema upgrade are kept too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scs_victims.errors import DatabaseError
from scs_victims.storage.database import Database
from scs_victims.storage.files import private_folder, write_bytes_privately
from scs_victims.storage.keyring import keyring_path

FOLDER_NAME = "backups"


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    modified: datetime
    size: int  # bytes


def backups_folder(database: Database) -> Path:
    """Where the backups of this database go; refuses a server database (backed up there)."""
    if database.path is None:
        raise DatabaseError("Backups of a server database are made on the server.")
    return database.path.parent / FOLDER_NAME


def list_backups(database: Database) -> list[BackupFile]:
    """The backup copies of this database, newest first (none when the folder is missing)."""
    folder = backups_folder(database)
    assert database.path is not None
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{database.path.stem}.*{database.path.suffix}"):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed while listing
        if path.is_file():
            found.append(BackupFile(path, datetime.fromtimestamp(stat.st_mtime), stat.st_size))
    return sorted(found, key=lambda backup: (backup.modified, backup.path.name), reverse=True)


def free_backup_path(database_path: Path, label: str = "", now: datetime | None = None
                     ) -> Path:
    """``backups/NAME.YYYYMMDD-HHMMSS[.LABEL].db``, numbered when one of the same second
    exists."""
    folder = database_path.parent / FOLDER_NAME
    stamp = f"{(now or datetime.now()):%Y%m%d-%H%M%S}"
    tail = f".{label}" if label else ""
    target = folder / f"{database_path.stem}.{stamp}{tail}{database_path.suffix}"
    count = 2
    while target.exists():  # two backups in the same second
        target = folder / f"{database_path.stem}.{stamp}-{count}{tail}{database_path.suffix}"
        count += 1
    return target


def back_up_now(database: Database, now: datetime | None = None) -> BackupFile:
    """A consistent copy of the live database (SQLite's backup API, integrity-checked) named
    after the moment it was taken. An encrypted database's copy is encrypted with the same
    key, and a copy of its key file is put beside it."""
    backups_folder(database)  # refuses a server database
    assert database.path is not None
    target = free_backup_path(database.path, now=now)
    database.backup(target)
    if database.encrypted:
        source = keyring_path(database.path)
        if source.is_file():
            write_bytes_privately(keyring_path(target), source.read_bytes())
    stat = target.stat()
    return BackupFile(target, datetime.fromtimestamp(stat.st_mtime), stat.st_size)


def keep_damaged_copy(database: Database, now: datetime | None = None) -> BackupFile:
    """A byte-for-byte copy of a damaged live file (and its ``-wal``), kept before a backup
    replaces it: the backup API cannot copy a damaged file, and support may still recover
    something from it. It stays encrypted when the file is."""
    backups_folder(database)
    assert database.path is not None
    private_folder(database.path.parent / FOLDER_NAME)
    target = free_backup_path(database.path, "damaged", now=now)
    database.engine.dispose()  # nothing of ours writes to the file while it is copied
    for suffix in ("", "-wal"):
        source = database.path.with_name(database.path.name + suffix)
        if source.is_file():
            copy = target.with_name(target.name + suffix)
            write_bytes_privately(copy, source.read_bytes())
    if database.encrypted and keyring_path(database.path).is_file():
        write_bytes_privately(keyring_path(target), keyring_path(database.path).read_bytes())
    stat = target.stat()
    return BackupFile(target, datetime.fromtimestamp(stat.st_mtime), stat.st_size)
