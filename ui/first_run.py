"""First run with no database: start empty, or with the synthetic demo borough."""

from __future__ import annotations

from enum import Enum
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


class FirstRunChoice(Enum):
    EMPTY = "empty"
    DEMO = "demo"


class FirstRunDialog(QDialog):
    def __init__(self, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to SCS Victims")
        self.choice: FirstRunChoice | None = None
        text = QLabel(
            "<p>There is no database yet. SCS Victims will create one at:</p>"
            f"<p><tt>{escape(location)}</tt></p>"
            "<p>Start with an empty database to record your own incidents, or load the "
            "<b>demo borough</b>: 20,000 incidents about invented people in invented wards, "
            "to try every screen safely.</p>"
            "<p>Then you create the database's first <b>administrator</b>: the account you "
            "sign in with, which adds everyone else's.</p>")
        text.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.empty_button = QPushButton("Start &empty")
        self.demo_button = QPushButton("Load &demo borough")
        self.empty_button.setDefault(True)
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.empty_button.clicked.connect(lambda: self._choose(FirstRunChoice.EMPTY))
        self.demo_button.clicked.connect(lambda: self._choose(FirstRunChoice.DEMO))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)

    def _choose(self, choice: FirstRunChoice) -> None:
        self.choice = choice
        self.accept()
