"""PLACEHOLDER: replaced by the incident form."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import AppContext


def open_incident_form(context: AppContext, parent: QWidget,
                       incident_id: int | None = None) -> None:
    pass
