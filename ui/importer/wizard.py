"""PLACEHOLDER: replaced by the import wizard."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from ui.context import AppContext


class ImportWizard(QWizard):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
