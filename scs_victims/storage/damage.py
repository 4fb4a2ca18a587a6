"""A database found damaged stays marked until it is restored or checked sound again.

SQLite reports damage only when it reads a damaged page, so an import that touches other
pages would carry on writing into a file that ``check`` has just found damaged. Whenever
damage is seen (the integrity check, or an SQLite "corrupt" error in any unit of work) a small
marker file is written beside the database (``NAME.db.damaged``: when, and how many problems;
nothing of the records), and every later write is refused while it is there. Restoring a
backup, or a check that finds the file sound, removes it. Reads stay possible, so that people
can still look up what they need while a backup is restored.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path

from scs_victims.storage.files import write_bytes_privately

SUFFIX = ".damaged"


def marker_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def note_damage(database: Path, problems: int) -> None:
    """Mark ``database`` damaged (kept if marking fails: the error being raised says so)."""
    data = {"found": datetime.now().isoformat(timespec="seconds"), "problems": problems}
    with contextlib.suppress(OSError):  # a full disk: the error being raised says enough
        write_bytes_privately(marker_path(database), json.dumps(data).encode("utf-8"))


def damage_noted(database: Path) -> datetime | None:
    """When ``database`` was found damaged, or None if it is not marked."""
    path = marker_path(database)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return datetime.fromisoformat(str(raw["found"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return datetime.fromtimestamp(path.stat().st_mtime) if path.exists() else None


def clear_damage(database: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        marker_path(database).unlink()
