"""Who has a database file open: a small lock file beside it (``NAME.db.inuse``) names the
account, the computer and since when, so that a second person is told "In use by ada on
PC-0142 since 09:14" instead of two copies of the app writing one file.

A lock left by a process that crashed on the same computer (its process is gone) is cleared.
The same process may open the file again (the desktop app signs in again after signing
out). A second opener is refused (``InUse``), and may then open the file read-only: it does
not claim the lock, and the actions refuse every change (``actions.base.writing``). Views
stay audited: on a local disk the file is in WAL mode, where a second process appends its
``view`` and ``search`` events safely beside the first one's writes. On a network drive
there is no read-only open: the holder's exclusive lock keeps every other connection out,
readers included.
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
from scs_victims.storage import network
from scs_victims.storage.files import write_bytes_privately

SUFFIX = ".inuse"


@dataclass(frozen=True, slots=True)
class Holder:
    account: str
    computer: str
    pid: int
    since: datetime

    @property
    def described(self) -> str:
        """"ada on PC-0142 since 09:14" (and the day, when it was not today)."""
        day = ("" if self.since.date() == datetime.now().date()
               else f" on {self.since:%d/%m/%Y}")
        return f"{self.account} on {self.computer} since {self.since:%H:%M}{day}"


class InUse(DatabaseError):
    """Someone else has the file open: ``holder`` says who, where and since when;
    ``read_only_possible`` whether it may be opened read-only meanwhile."""

    code = "in_use"

    def __init__(self, message: str, holder: Holder, read_only_possible: bool) -> None:
        super().__init__(message)
        self.holder = holder
        self.read_only_possible = read_only_possible


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


def in_use(database: Path) -> InUse | None:
    """The refusal a second opener gets now, or None when nobody else has the file open
    (nobody, this process, or a process on this computer that has gone)."""
    current = holder(database)
    here = _computer()
    if current is None or (current.computer == here and current.pid == os.getpid()):
        return None
    if current.computer == here and not _alive(current.pid):
        return None  # left by a crash: cleared by the next claim
    shared = network.on_network_drive(database)
    why = (" It is on a network drive, where only one person at a time can have it open."
           if shared else "")
    return InUse(f"{database.name} is in use by {current.described}. Ask them to close it, "
                 f"then try again; nothing was opened.{why}", current,
                 read_only_possible=not shared)


def claim(database: Path, account: str) -> None:
    """Note that ``account`` has the file open here, unless someone else has it open now."""
    refusal = in_use(database)
    if refusal is not None:
        raise refusal
    data = {"account": account, "computer": _computer(), "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds")}
    write_bytes_privately(lock_path(database), json.dumps(data).encode("utf-8"))


def release(database: Path) -> None:
    """Remove the lock if this process holds it."""
    current = holder(database)
    if current is not None and current.computer == _computer() and current.pid == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            lock_path(database).unlink()
