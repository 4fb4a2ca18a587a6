"""What every screen shares: the database, the operations layer, and the app-wide signals.

Screens never call each other. They ask for things through these signals (open a person, edit
an incident, show the incidents behind a number) and the main window routes them; after any
write, ``data_changed`` tells every screen to refresh what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from scs_victims.storage.database import Database
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
    data_changed = Signal()  # something was written: screens refresh
    open_person = Signal(int)  # person id: show their details and timeline
    new_incident = Signal()
    new_incident_for = Signal(int)  # person id: a new incident with them as the victim
    edit_incident = Signal(int)  # incident id
    show_incidents = Signal(object)  # IncidentFilter
    show_people = Signal(object)  # dict of filters, e.g. {"repeat_only": True}
    settings_changed = Signal()  # area name, targets, marking


@dataclass
class AppContext:
    database: Database
    operations: Operations
    settings: QSettings
    signals: AppSignals
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.database.location
