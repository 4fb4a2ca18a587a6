"""Opening a database before anyone has signed in: the one place front ends reach the
storage layer to open a file (creating it, or backing it up and migrating it first).

Nothing here reads records: what is inside is reached only by signing in
(``scs_victims.actions.signing_in``) and then through the other actions.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from scs_victims.storage.database import (
    BACKING_UP,
    Database,
    OpeningProgress,
    is_url,
    open_database,
    resolve_location,
    schema_update_needed,
)

__all__ = ["BACKING_UP", "Database", "OpeningProgress", "close_store", "is_url", "open_store",
           "resolve_location", "schema_update_needed"]


def open_store(location: str | os.PathLike[str] | None, progress: OpeningProgress | None = None,
               stop: Callable[[], bool] | None = None) -> Database:
    """The database at ``location`` (``--db``, ``$SCS_VICTIMS_DB`` or the default file),
    created if new; a file written by an earlier version is backed up, checked and migrated
    first (``progress`` hears how far; ``stop`` ends it with ``Cancelled``, the file as it
    was)."""
    return open_database(location, progress=progress, stop=stop)


def close_store(database: Database) -> None:
    """Let go of the file (the window has closed)."""
    database.close()
