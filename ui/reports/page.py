"""PLACEHOLDER: replaced by the screen's real implementation."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import AppContext


class ReportsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def refresh(self) -> None:
        pass
