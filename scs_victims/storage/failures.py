"""SQLite's failures, classified by their error codes (not their wording), as sentences a user
can act on. Everything else stays a bug."""

from __future__ import annotations

import errno

from scs_victims.errors import DatabaseError

# Primary result codes (the low byte of an extended code): sqlite.org/rescode.html.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


class DatabaseBusy(DatabaseError):
    code = "database_busy"


class DatabaseFull(DatabaseError):
    code = "disk_full"


class DatabaseReadOnly(DatabaseError):
    code = "read_only"


class DatabaseDamaged(DatabaseError):
    code = "damaged"


class DatabaseUnreadable(DatabaseError):
    code = "unreadable"


def sqlite_code(error: BaseException) -> int | None:
    """The SQLite result code behind ``error`` (a driver's error, or SQLAlchemy's wrapping
    of one), or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def _os_error(error: BaseException) -> OSError | None:
    current: BaseException | None = error
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        current = current.__cause__ or current.__context__
    return None


def explain(error: BaseException, where: str = "The database") -> DatabaseError | None:
    """A sentence for an SQLite or file-system failure the user can do something about;
    None for others."""
    system = _os_error(error)
    if system is not None:
        if system.errno == errno.ENOSPC:
            return DatabaseFull("The disk is full; nothing was changed. Free some space and "
                                "try again.")
        if system.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            name = f" ({system.filename})" if system.filename else ""
            return DatabaseReadOnly(f"A file{name} cannot be written: it or its folder is "
                                    "read-only, or belongs to someone else. Nothing was "
                                    "changed.")
    code = sqlite_code(error)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy(f"{where} is busy with another program or window; nothing was "
                            "changed. Try again when it has finished.")
    if code == SQLITE_FULL:
        return DatabaseFull("The disk is full; nothing was changed. Free some space and try "
                            "again.")
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return DatabaseReadOnly(f"{where} cannot be written (it or its folder is read-only); "
                                "nothing was changed.")
    if code == SQLITE_CORRUPT:
        return DatabaseDamaged(f"{where} is damaged; nothing more was written to it. Restore "
                               "the latest backup (Settings, or 'scs-victims restore').")
    if code in (SQLITE_NOTADB, SQLITE_CANTOPEN, SQLITE_IOERR):
        return DatabaseUnreadable(f"{where} cannot be read: it is not a database, it is "
                                  "encrypted with another key, it is truncated, or the disk "
                                  "failed. Nothing was changed.")
    return None
