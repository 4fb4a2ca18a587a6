"""Files that hold personal data are readable by their owner only.

On POSIX the database, its backups, the key file and the log are made 0600 (folders 0700).
On Windows the data folder is under the user's profile (%LOCALAPPDATA%), whose access list
already admits the user alone; files copied elsewhere keep the folder's access list.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def owner_only(path: Path) -> None:
    """Make an existing file (or folder) readable and writable by its owner alone (POSIX)."""
    if os.name == "nt":
        return
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FOLDER_MODE if path.is_dir() else FILE_MODE)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents) if need be; a folder we create is owner-only."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        owner_only(path)
    return path


def owner_only_from_now() -> None:
    """Every file this process creates from now on starts owner-only (POSIX umask 077): the
    database's -wal and -shm files, backups, the log, exports. Called once at start-up."""
    if os.name != "nt":
        os.umask(0o077)


def write_bytes_privately(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary name beside it, then a rename),
    owner-only from the first byte."""
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
