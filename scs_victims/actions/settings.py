"""The definitions' rules, the area's details, the wards and the idle lock: read by everyone
signed in (forms need them), changed by administrators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from scs_victims import settings as stored
from scs_victims.actions.base import SignedIn, action, confirm_account, consult, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.audit import acting_as
from scs_victims.importing import wards as ward_file
from scs_victims.importing.wards import WardsSummary
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.services import rules as rule_changes
from scs_victims.services import wards as ward_list
from scs_victims.services.rules import RulesChange
from scs_victims.services.wards import WardEdit, WardRecord, WardsSaved
from scs_victims.settings import AreaSettings, RuleSettings, SecuritySettings

T = TypeVar("T")


def _read(user: SignedIn, read: Callable[[Session], T]) -> T:
    """A plain read: settings are no personal data, so nothing is recorded as consulted."""
    return consult(user, read, lambda _result: ())


# --- The definitions' rules -----------------------------------------------------------------

@action(None)
def rules(user: SignedIn) -> RuleSettings:
    return _read(user, stored.load_rules)


@action(Permission.CHANGE_SETTINGS)
def change_rules(user: SignedIn, changes: dict[str, int | bool],
                 progress: ProgressCallback = no_progress) -> Changed[RulesChange]:
    """New windows or thresholds (audited); a changed look-back window recomputes every
    repeat flag in the same transaction, reporting ``progress`` (raise Cancelled to stop:
    nothing is then changed)."""
    with writing(user) as session:
        change = rule_changes.change_rules(session, changes, progress)
    recomputed = change.recomputed
    return Changed(change, OpChanges(rules=True, incidents=recomputed, alerts=recomputed))


# --- The area ---------------------------------------------------------------------------------

@action(None)
def area(user: SignedIn) -> AreaSettings:
    return _read(user, stored.load_area)


@action(Permission.CHANGE_SETTINGS)
def save_area(user: SignedIn, settings: AreaSettings) -> Changed[AreaSettings]:
    """The area's name, marking, population and targets (audited)."""
    with writing(user) as session:
        stored.save_area(session, settings)
    return Changed(settings, OpChanges(area=True))


# --- Security ---------------------------------------------------------------------------------

@action(None)
def security(user: SignedIn) -> SecuritySettings:
    """The idle lock's delay (the desktop app reads it at sign-in and after a change)."""
    return _read(user, stored.load_security)


@action(Permission.CHANGE_SETTINGS)
def save_security(user: SignedIn, settings: SecuritySettings) -> Changed[SecuritySettings]:
    """Refuses (nothing changed) a delay outside 1 to 240 minutes; a change is audited."""
    settings.validated()
    with writing(user) as session:
        stored.save_security(session, settings)
    return Changed(settings, OpChanges(area=True))


# --- Wards ------------------------------------------------------------------------------------

@action(None)
def list_wards(user: SignedIn) -> list[WardRecord]:
    """Every ward in the order loaded, with how many incidents name it."""
    return _read(user, ward_list.list_wards)


@action(Permission.CHANGE_SETTINGS)
def save_wards(user: SignedIn, wards: Sequence[WardEdit]) -> Changed[WardsSaved]:
    """Make the ward list exactly ``wards`` (one audit event per ward changed); refuses an
    invalid list or the removal of a ward incidents use, changing nothing."""
    with writing(user) as session:
        saved = ward_list.save_wards(session, wards)
    return Changed(saved, OpChanges(wards=True))


@action(Permission.CHANGE_SETTINGS)
def load_wards_file(user: SignedIn, path: Path) -> Changed[WardsSummary]:
    """Replace the ward list with a CSV file's (formats.md "Wards"): whole file or nothing."""
    confirm_account(user)
    with acting_as(user.actor):
        summary = ward_file.load_wards(user.database, path)
    return Changed(summary, OpChanges(wards=True))
