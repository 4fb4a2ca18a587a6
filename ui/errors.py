"""The one place errors reach the user: a short sentence, with details folded away.

A ``UserError`` is the user's to fix, so its message is all they see. Anything else is a bug:
it is logged with its traceback (the log holds no personal data) and the user sees a sentence
and where the log is. Nothing here ever shows a traceback.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from scs_victims.actions.opening import explain_failure
from scs_victims.errors import Cancelled, ConcurrentChange, FileRefused, UserError
from scs_victims.logs import LOG_FILE_NAME, log_folder

log = logging.getLogger(__name__)

MAX_ROW_ERRORS_SHOWN = 50


def describe(error: BaseException) -> tuple[str, str]:
    """The sentence to show and the folded details for an error."""
    if isinstance(error, FileRefused):
        lines = [str(row_error) for row_error in error.errors[:MAX_ROW_ERRORS_SHOWN]]
        if error.total > len(lines):
            lines.append(f"... and {error.total - len(lines)} more.")
        return str(error), "\n".join(lines)
    if isinstance(error, ConcurrentChange):
        return str(error), ""
    if isinstance(error, UserError):
        return str(error), ""
    if isinstance(error, Cancelled):
        return "Cancelled; nothing was changed.", ""
    explained = explain_failure(error)
    if explained is not None:
        return str(explained), ""
    try:
        where = str(log_folder() / LOG_FILE_NAME)
    except OSError:
        where = "the log file"
    return ("Something went wrong inside SCS Victims, and nothing was saved by that step. "
            "Please try again; if it happens again, send the log to your support team.",
            f"{type(error).__name__}. Details are in {where}.")


def show_error(parent: QWidget | None, error: BaseException, title: str = "SCS Victims") -> None:
    """Log (bugs only, with traceback) and show an error as a sentence with details folded."""
    if not isinstance(error, UserError | Cancelled) and explain_failure(error) is None:
        log.error("Unexpected error", exc_info=(type(error), error, error.__traceback__))
    message, details = describe(error)
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Information if isinstance(error, Cancelled)
                else QMessageBox.Icon.Warning)
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setObjectName("errorBox")
    box.setAccessibleName("Error message")
    box.exec()
