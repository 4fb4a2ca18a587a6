"""Small label helpers shared by the Settings tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def wrapped_label(text: str) -> QLabel:
    """A label whose text wraps, so a long sentence never sets the screen's minimum width."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label
