"""The Settings screen: area, wards, rules of the definitions, and the database."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.settings.area_tab import AreaTab
from ui.settings.database_tab import DatabaseTab
from ui.settings.rules_tab import RulesTab
from ui.settings.wards_tab import WardsTab


class SettingsPage(QWidget):
    """Loads each tab the first time the screen is shown; refresh() reloads them."""

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
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._loaded = False

    def on_shown(self) -> None:
        if not self._loaded:
            self.refresh_all()

    def refresh(self) -> None:
        if self._loaded and not self.wards.model.dirty:
            self.refresh_all()

    def refresh_all(self) -> None:
        self._loaded = True
        self.area.load()
        self.wards.load()
        self.rules.load()
        self.database.load()
