"""The Settings screen: area, wards, rules of the definitions, the database, and the saved
import profiles."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from scs_victims.actions.changes import OpChanges
from scs_victims.actions.permissions import Permission
from ui.context import AppContext
from ui.settings.area_tab import AreaTab
from ui.settings.database_tab import DatabaseTab
from ui.settings.profiles_tab import ProfilesTab
from ui.settings.rules_tab import RulesTab
from ui.settings.wards_tab import WardsTab

# Which tabs each part of a change concerns: a ward's incident count follows the incidents,
# the idle lock (Database tab) is saved as an area change.
TABS_ON: dict[str, tuple[str, ...]] = {
    "area": ("area", "database"),
    "wards": ("wards",),
    "incidents": ("wards",),
    "rules": ("rules",),
    "backups": ("database",),
}


class SettingsPage(QWidget):
    """Loads each tab the first time the screen is shown; refresh() reloads the tabs the
    changes since the last refresh concern (every tab for the Refresh command), never a ward
    list with unsaved edits. Other roles than administrators see every value, read-only."""

    REFRESH_ON = tuple(TABS_ON)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.area = AreaTab(context)
        self.wards = WardsTab(context)
        self.rules = RulesTab(context)
        self.database = DatabaseTab(context)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Settings sections")
        self.tabs.addTab(self.area, "Ar&ea")
        self.tabs.addTab(self.wards, "&Wards")
        self.tabs.addTab(self.rules, "R&ules")
        self.tabs.addTab(self.database, "Data&base")
        # Profiles serve importing: a role that cannot import has none to see.
        self.profiles = (ProfilesTab(context) if context.user.can(Permission.IMPORT)
                         else None)
        if self.profiles is not None:
            self.tabs.addTab(self.profiles, "I&mport profiles")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._loaded = False
        # Connected before the main window's refresh (made after its pages), so the tabs a
        # change concerns are known when refresh() comes.
        self._pending: set[str] = set()
        context.signals.data_changed.connect(self._note_changes)

    def _note_changes(self, changes: OpChanges) -> None:
        for name, tabs in TABS_ON.items():
            if changes.any(name):
                self._pending.update(tabs)

    def on_shown(self) -> None:
        if not self._loaded:
            self.refresh_all()

    def refresh(self) -> None:
        if not self._loaded:
            return
        pending, self._pending = self._pending, set()
        self._reload(pending or {"area", "wards", "rules", "database"})

    def refresh_all(self) -> None:
        self._loaded = True
        self._pending = set()
        self._reload({"area", "wards", "rules", "database"})

    def _reload(self, tabs: set[str]) -> None:
        if "area" in tabs:
            self.area.load()
        if "wards" in tabs and not self.wards.model.dirty:
            self.wards.load()
        if "rules" in tabs:
            self.rules.load()
        if "database" in tabs:
            self.database.load()
        if "database" in tabs and self.profiles is not None and self.profiles.isVisible():
            self.profiles.load()  # (it reloads itself whenever it is shown)
