"""Files that hold personal data are readable by their owner only.

On POSIX the database, its backups, the key file and the log are made 0600 (folders 0700).
On Windows the same files and folders get an access list of their own, not inherited from
the folder they are in (a database put on a shared drive would otherwise be readable by
whoever may read that folder): the signed-in Windows user alone, with full control, set
with the system's own ``icacls``. Files created later in such a folder inherit it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def owner_only(path: Path) -> None:
    """Make an existing file (or folder) readable and writable by its owner alone."""
    if os.name == "nt":
        _windows_owner_only(path)
        return
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FOLDER_MODE if path.is_dir() else FILE_MODE)


def windows_acl_command(path: Path, user: str, folder: bool) -> list[str]:
    """``icacls`` arguments that give ``path`` an access list of its own admitting ``user``
    alone (full control; inherited by what a folder will hold)."""
    grant = f"{user}:(OI)(CI)F" if folder else f"{user}:F"
    return ["icacls", str(path), "/inheritance:r", "/grant:r", grant, "/q"]


def _windows_user() -> str:
    user = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    return f"{domain}\\{user}" if domain and user else user


def _windows_owner_only(path: Path) -> None:
    user = _windows_user()
    if not user or not path.exists():
        return
    no_window = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        done = subprocess.run(windows_acl_command(path, user, path.is_dir()),  # noqa: S603
                              capture_output=True, check=False, timeout=30,
                              creationflags=no_window)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("The access list of a data file could not be set (%s)", type(exc).__name__)
        return
    if done.returncode != 0:
        log.warning("The access list of a data file could not be set (icacls exit %s)",
                    done.returncode)


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
        if os.name == "nt":
            _windows_owner_only(Path(temporary))  # before a byte is written
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
