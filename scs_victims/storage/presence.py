"""Who has a database file open: a small lock file beside it (``NAME.db.inuse``) names the
account, the computer and since when, so that a second person is told "In use by ada on
PC-0142 since 09:14" instead of two copies of the app writing one file.

A lock left by a process that crashed on the same computer (its process is gone) is cleared.
The same process may open the file again (the desktop app signs in again after signing
out). A second opener is refused rather than given a read-only view: every look at a record
is written to the audit log, which a read-only copy could not do.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scs_victims.errors import DatabaseError
from scs_victims.storage.files import write_bytes_privately

SUFFIX = ".inuse"


class InUse(DatabaseError):
    code = "in_use"


@dataclass(frozen=True, slots=True)
class Holder:
    account: str
    computer: str
    pid: int
    since: datetime


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def _computer() -> str:
    return socket.gethostname() or "this computer"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        windll = getattr(ctypes, "windll")  # noqa: B009 - absent on POSIX, for mypy
        handle = windll.kernel32.OpenProcess(0x1000, False, pid)  # query limited information
        if not handle:
            return False
        windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder(database: Path) -> Holder | None:
    try:
        raw = json.loads(lock_path(database).read_text(encoding="utf-8"))
        return Holder(str(raw["account"]), str(raw["computer"]), int(raw["pid"]),
                      datetime.fromisoformat(str(raw["since"])))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def claim(database: Path, account: str) -> None:
    """Note that ``account`` has the file open here, unless someone else has it open now."""
    current = holder(database)
    here = _computer()
    if current is not None and not (current.computer == here and current.pid == os.getpid()):
        stale = current.computer == here and not _alive(current.pid)
        if not stale:
            day = ("" if current.since.date() == datetime.now().date()
                   else f" on {current.since:%d/%m/%Y}")
            raise InUse(f"{database.name} is in use by {current.account} on "
                        f"{current.computer} since {current.since:%H:%M}{day}. Ask them to "
                        "close it, then try again; nothing was opened.")
    data = {"account": account, "computer": here, "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds")}
    write_bytes_privately(lock_path(database), json.dumps(data).encode("utf-8"))


def release(database: Path) -> None:
    """Remove the lock if this process holds it."""
    current = holder(database)
    if current is not None and current.computer == _computer() and current.pid == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            lock_path(database).unlink()
