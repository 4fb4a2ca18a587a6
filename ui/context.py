"""What every screen shares: the signed-in user, the operations layer, the app-wide signals.

Screens never call each other. They ask for things through these signals (open a person, edit
an incident, show the incidents behind a number) and the main window routes them. Screens
reach the core only through ``scs_victims.actions``, passing ``context.user``; after a write,
``data_changed`` carries the action's ``OpChanges`` and each screen refreshes only when the
change concerns it (its ``REFRESH_ON``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from scs_victims.actions.base import SignedIn
from ui.operations import Operations


@dataclass(frozen=True)
class IncidentFilter:
    """A request to show the incidents behind a figure (Dashboard, Alerts)."""

    crime_types: tuple[str, ...] = ()
    ward_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    repeats_only: bool = False
    incident_ids: tuple[int, ...] = ()  # when set, exactly these incidents
    title: str = ""


class AppSignals(QObject):
    data_changed = Signal(object)  # OpChanges: something was written; screens it concerns refresh
    open_person = Signal(int)  # person id: show their details and timeline
    new_incident = Signal()
    new_incident_for = Signal(int)  # person id: a new incident with them as the victim
    edit_incident = Signal(int)  # incident id
    show_incidents = Signal(object)  # IncidentFilter
    show_people = Signal(object)  # dict of filters, e.g. {"repeat_only": True}
    settings_changed = Signal()  # area name, targets, marking
    locked = Signal()  # the idle lock hid the window's content
    unlocked = Signal()


@dataclass
class AppContext:
    user: SignedIn
    operations: Operations
    settings: QSettings
    signals: AppSignals
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every write's changes reach the screens through one signal (Anki's
        # operation_did_execute): the action's caller never emits it by hand.
        self.operations.changes_listener = self.signals.data_changed.emit

    @property
    def location(self) -> str:
        return self.user.location
