"""Importing incident files: look at a file, match its columns (remembered per header
layout), check every row, import. Each step needs the IMPORT permission; the import's audit
events name the signed-in account."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scs_victims.actions.base import SignedIn, action, confirm_account, consult, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.audit import acting_as
from scs_victims.importing import incidents as incident_import
from scs_victims.importing import saved_mappings
from scs_victims.importing.incidents import ImportSummary
from scs_victims.importing.mapping import ColumnMapping
from scs_victims.importing.preview import FilePreview, preview_incidents
from scs_victims.progress import ProgressCallback, no_progress

# What an import can change: people and incidents (and so alerts), and wards it names.
IMPORTED = OpChanges(people=True, incidents=True, alerts=True, wards=True)


@action(Permission.IMPORT)
def preview(user: SignedIn, path: Path) -> FilePreview:
    """The file's headers, encoding and first rows; the database is not touched."""
    del user
    return preview_incidents(path)


@action(Permission.IMPORT)
def offered_mapping(user: SignedIn, headers: Sequence[str]) -> tuple[ColumnMapping, bool]:
    """The column mapping to offer for these headers, and whether it is one saved earlier."""
    return consult(user, lambda session: saved_mappings.offered_mapping(session, headers),
                   lambda _offered: ())


@action(Permission.IMPORT)
def save_mapping(user: SignedIn, headers: Sequence[str],
                 mapping: ColumnMapping) -> Changed[ColumnMapping]:
    """Remember ``mapping`` for files with these headers (a preference: no screen shows it,
    so nothing needs refreshing)."""
    with writing(user) as session:
        saved_mappings.save_mapping(session, headers, mapping)
    return Changed(mapping, OpChanges())


@action(Permission.IMPORT)
def check_incidents(user: SignedIn, /, path: Path, *, mapping: ColumnMapping | None = None,
                    progress: ProgressCallback = no_progress, **options: Any) -> ImportSummary:
    """What importing ``path`` would do, every row checked as the import checks it, with
    nothing written (so nothing audited)."""
    confirm_account(user, writes=False)
    with acting_as(user.actor):
        return incident_import.check_incidents(user.database, path, mapping=mapping,
                                               progress=progress, **options)


@action(Permission.IMPORT)
def import_incidents(user: SignedIn, /, path: Path, *, skip_invalid: bool = False,
                     rejects_path: Path | None = None,
                     progress: ProgressCallback = no_progress,
                     **options: Any) -> Changed[ImportSummary]:
    """Import an incident CSV in one transaction (``options``: ``mapping``, ``today``, ...).
    Refuses the whole file (nothing changed) when a row is invalid, unless ``skip_invalid``:
    then the invalid rows go to ``rejects_path``."""
    confirm_account(user)
    with acting_as(user.actor):
        summary = incident_import.import_incidents(
            user.database, path, skip_invalid=skip_invalid, rejects_path=rejects_path,
            progress=progress, **options)
    return Changed(summary, IMPORTED)
