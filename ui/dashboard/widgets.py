"""Small pieces of the dashboard: a status chip (colour AND text) and clickable numbers."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from scs_victims.services.dashboard import RateStatus, Status

# The only fixed colours of the app: status, always shown with its word as well.
STATUS_COLOURS = {
    Status.GREEN: ("#1e7b34", "#ffffff"),
    Status.AMBER: ("#f0ad00", "#000000"),
    Status.RED: ("#b3261e", "#ffffff"),
}


class StatusChip(QLabel):
    """"Green", "Amber" or "Red" on its colour; the rule that decided it on hover."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.status = Status.NONE

    def set_status(self, judged: RateStatus) -> None:
        self.status = judged.status
        colours = STATUS_COLOURS.get(judged.status)
        if colours is None:
            self.setText("No target" if judged.target is None else "No rate")
            self.setStyleSheet("QLabel { padding: 1px 6px; }")
            self.setEnabled(False)
        else:
            background, foreground = colours
            self.setText(judged.status.label)
            self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; "
                               "border-radius: 8px; padding: 1px 8px; font-weight: bold; }")
            self.setEnabled(True)
        self.setToolTip(judged.rule)
        self.setAccessibleName(f"Status: {self.text()}")
        self.setAccessibleDescription(judged.rule)
        self.adjustSize()


class NumberButton(QPushButton):
    """A figure that opens the list behind it: flat, keyboard-focusable, with a spoken name.
    Unlinked (the user's role does not open that list), it is a plain number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.linked = True
        self.setFlat(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_linked(True)

    def set_linked(self, linked: bool) -> None:
        self.linked = linked
        self.setCursor(Qt.CursorShape.PointingHandCursor if linked
                       else Qt.CursorShape.ArrowCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if linked else Qt.FocusPolicy.NoFocus)
        font = self.font()
        font.setUnderline(linked)
        self.setFont(font)
        if not linked:
            self.setToolTip("")

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 - Qt's name
        return self.linked and super().hitButton(pos)

    def set_value(self, text: str, accessible_name: str, tip: str) -> None:
        self.setText(text)
        self.setAccessibleName(accessible_name)
        self.setToolTip(tip if self.linked else "")
