"""The About box: version, database and log locations."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from scs_victims import __version__
from scs_victims.logs import log_folder


def about_text(database_location: str) -> str:
    return (
        f"<h3>SCS Victims {escape(__version__)}</h3>"
        "<p>Repeat victims of anti-social behaviour, domestic burglary and domestic abuse: "
        "records, alerts and figures for community safety partnerships.</p>"
        f"<p><b>Database:</b> {escape(database_location)}<br>"
        f"<b>Log folder:</b> {escape(str(log_folder()))}</p>"
        f"<p>Qt for Python {escape(pyside_version)}</p>"
    )


def show_about(parent: QWidget) -> None:
    window = parent.window()
    location = getattr(getattr(window, "context", None), "location", "")
    QMessageBox.about(parent, "About SCS Victims", about_text(location))
