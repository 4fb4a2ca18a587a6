"""Whether a database file is on a network drive, where SQLite's WAL mode does not work
("WAL does not work over a network filesystem", sqlite.org/wal.html): such a file is opened
in rollback-journal mode with exclusive locking instead.

Windows: a UNC path (\\\\server\\share) or a drive whose type is remote; Linux: the type of
the file system holding it (/proc/self/mounts); macOS: the type ``statfs`` reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NETWORK_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ncpfs", "9p", "davfs",
    "fuse.sshfs", "sshfs", "webdav", "afpfs", "ceph", "glusterfs", "fuse.glusterfs",
    "lustre", "gpfs", "beegfs",
})  # fmt: skip
DRIVE_REMOTE = 4  # GetDriveTypeW


def _mount_type_linux(path: Path) -> str | None:
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    best, kind = "", None
    target = os.fspath(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _mount_type_macos(path: Path) -> str | None:
    try:
        done = subprocess.run(["/usr/bin/stat", "-f", "%T", os.fspath(path)],
                              capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _remote_on_windows(path: Path) -> bool:
    text = os.fspath(path)
    if text.startswith(("\\\\", "//")):
        return True
    import ctypes

    drive = os.path.splitdrive(text)[0]
    if not drive:
        return False
    windll = getattr(ctypes, "windll")  # noqa: B009 - absent on POSIX, for mypy
    return int(windll.kernel32.GetDriveTypeW(drive + "\\")) == DRIVE_REMOTE


def on_network_drive(path: Path) -> bool:
    """Whether ``path`` (a file, or the folder it will be created in) is on a network file
    system. Unknown counts as local: the local settings are the safe ones on a local disk."""
    existing = path if path.exists() else path.parent
    try:
        existing = existing.resolve()
    except OSError:
        return False
    if os.name == "nt":
        return _remote_on_windows(existing)
    kind = _mount_type_macos(existing) if sys.platform == "darwin" else _mount_type_linux(
        existing)
    return kind is not None and kind.lower() in NETWORK_TYPES
