"""Opening a database before anyone has signed in: the one place front ends reach the
storage layer to open a file (creating it, or backing it up and migrating it first).

Nothing here reads records: what is inside is reached only by signing in
(``scs_victims.actions.signing_in``) and then through the other actions. An encrypted file
stays locked (``Store.database`` is None) until a sign-in unwraps its key; a plain file (a new
one, or one made before encryption) is opened at once, and is encrypted when its first
administrator is created.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scs_victims.errors import DatabaseError
from scs_victims.storage.damage import clear_damage
from scs_victims.storage.database import (
    BACKING_UP,
    Database,
    OpeningProgress,
    is_url,
    open_database,
    resolve_location,
    schema_update_needed,
)
from scs_victims.storage.encryption import FileState, clear_leftovers, file_state
from scs_victims.storage.failures import explain as explain_failure
from scs_victims.storage.files import owner_only_from_now
from scs_victims.storage.keyring import keyring_path

__all__ = ["BACKING_UP", "Database", "OpeningProgress", "Store", "close_store",
           "explain_failure", "is_url",
           "open_store", "owner_only_from_now", "resolve_location", "schema_update_needed"]


@dataclass(eq=False)
class Store:
    """A database file as the front ends hold it: ``database`` is the open database, or None
    while an encrypted file waits for a sign-in to unlock it."""

    location: str
    path: Path | None
    database: Database | None = None

    @property
    def locked(self) -> bool:
        return self.database is None

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def open_store(location: str | os.PathLike[str] | None, progress: OpeningProgress | None = None,
               stop: Callable[[], bool] | None = None) -> Store:
    """The database at ``location`` (``--db``, ``$SCS_VICTIMS_DB`` or the default file),
    created if new; a plain file written by an earlier version is backed up, checked and
    migrated first (``progress`` hears how far; ``stop`` ends it with ``Cancelled``, the file
    as it was). An encrypted file is migrated when it is unlocked."""
    resolved = resolve_location(location)
    if is_url(resolved):
        return Store(resolved, None, open_database(resolved, progress=progress, stop=stop))
    path = Path(resolved).expanduser()
    if path.parent.is_dir() and not path.is_dir():
        clear_leftovers(path)
    state = file_state(path) if not path.is_dir() else FileState.MISSING
    if state is FileState.MISSING and path.parent.is_dir():
        clear_damage(path)  # a mark left by a file that has been deleted since
    if state is FileState.ENCRYPTED:
        return Store(os.fspath(path), path)
    if state is FileState.UNKNOWN:
        raise DatabaseError(
            f"{path} is not an SCS Victims database, or it is an encrypted one whose key file "
            f"({keyring_path(path).name}) is missing. Choose another file, or put the key file "
            "back beside it (there is a copy beside each backup)."
        )
    return Store(os.fspath(path), path, open_database(path, progress=progress, stop=stop))


def close_store(store: Store | Database) -> None:
    """Let go of the file (the window has closed)."""
    store.close()
