"""Looking after the database: the demo borough, recomputing, checking, backups, and what a
database holds (the command line's overview)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.actions.base import (
    Consulted,
    SignedIn,
    action,
    confirm_account,
    consult,
    recording,
    refuse_read_only,
    writing,
)
from scs_victims.actions.changes import EVERYTHING, Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.audit import acting_as, record
from scs_victims.figures import FigureRow
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.services.backups import BackupFile
from scs_victims.storage.models import Incident


@action(Permission.MAINTAIN)
def load_demo(user: SignedIn, incidents: int, seed: int = 1,
              progress: ProgressCallback = no_progress) -> Changed[int]:
    """Fill an empty database with the synthetic demo borough."""
    from scs_victims.demo import load_demo_borough
    from scs_victims.errors import InputRefused

    if incidents < 1:
        raise InputRefused("The demo borough needs 1 incident or more.")
    confirm_account(user)
    with acting_as(user.actor):
        imported = load_demo_borough(user.database, incidents, seed, progress)
    return Changed(imported, EVERYTHING)


@action(Permission.MAINTAIN)
def recompute(user: SignedIn, progress: ProgressCallback = no_progress) -> Changed[int]:
    """Recompute every repeat flag; the number of flags that changed."""
    from scs_victims.repeats import recompute_all

    with writing(user) as session:
        changed = recompute_all(session, progress=progress)
        record(session, "recompute", "incident", None, {"reason": "asked for",
                                                        "flags_changed": changed})
    return Changed(changed, OpChanges(incidents=True, alerts=True))


@action(Permission.MAINTAIN)
def check_file(user: SignedIn) -> list[str]:
    """What SQLite's integrity check finds; an empty list means the file is sound."""
    confirm_account(user, writes=False)
    return user.database.integrity_problems()


@action(Permission.BACKUPS)
def back_up(user: SignedIn) -> Changed[BackupFile]:
    """A checked copy of the live database in its backups folder (the last five are kept)."""
    from scs_victims.services.backups import back_up_now

    confirm_account(user, writes=False)  # a copy: allowed to a read-only sign-in too
    backup = back_up_now(user.database)
    with recording(user) as session:
        record(session, "backup", "database", None, {"file": backup.path.name})
    return Changed(backup, OpChanges(backups=True))


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Path
    safety_copy: BackupFile  # the live database as it was just before


@action(Permission.BACKUPS)
def restore_backup(user: SignedIn, backup: Path) -> Changed[Restored]:
    """Put ``backup`` back in place of the live database, after checking it and backing up
    the live one. Everything recorded since the backup was made is then only in that copy
    (the audit says so)."""
    from scs_victims.services.backups import back_up_now, keep_damaged_copy
    from scs_victims.storage.restore import check_backup, restore_into

    # Restoring is the cure for a damaged file: refused read-only, never for the damage.
    refuse_read_only(user)
    confirm_account(user, writes=False)
    revision = check_backup(user.database, backup)
    damaged = user.database.damaged_since is not None
    safety = keep_damaged_copy(user.database) if damaged else back_up_now(user.database)
    restore_into(user.database, backup)
    with writing(user) as session:
        record(session, "restore", "database", None,
               {"backup": backup.name, "backup_revision": revision,
                "copy_of_the_replaced_database": safety.path.name, "was_damaged": damaged})
    return Changed(Restored(backup, safety), EVERYTHING)


@action(Permission.BACKUPS)
def backups(user: SignedIn) -> list[BackupFile]:
    from scs_victims.services.backups import list_backups

    confirm_account(user, writes=False)
    return list_backups(user.database)


@action(Permission.BACKUPS)
def backups_folder(user: SignedIn) -> Path:
    from scs_victims.services.backups import backups_folder as folder

    return folder(user.database)


@dataclass(frozen=True, slots=True)
class Overview:
    incidents: int
    rows: list[FigureRow]  # this financial year's quarters so far, whole area


@action(Permission.SEE_FIGURES)
def overview(user: SignedIn, today: date) -> Overview:
    """How many incidents, and this financial year's figures so far (no names)."""
    from scs_victims.domain.periods import PeriodKind, period_containing, periods_between
    from scs_victims.figures import compute_figures

    year = period_containing(today, PeriodKind.FINANCIAL_YEAR)

    def read(session: Session) -> Overview:
        count = session.scalar(select(func.count()).select_from(Incident)
                               .where(Incident.deleted_at.is_(None))) or 0
        rows = compute_figures(session, periods_between(year.start, today,
                                                        PeriodKind.QUARTER)) if count else []
        return Overview(count, list(rows))

    return consult(user, read, lambda _overview: [Consulted("view", "figures", None,
                                                            {"overview": year.label})])
