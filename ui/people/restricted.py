"""Restricted records on screen: the reason asked before one is opened (break glass), and
the reason for marking or lifting a restriction.

The core decides who may see what (``scs_victims.actions.people``): an opening action raises
``RestrictedRecord`` and ``open_with_reason`` asks for the reason, records it through
``people.break_glass`` and runs the opening again. Tests put a stand-in in place of
``ask_reason`` (a modal dialog would stop a headless test).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from scs_victims.actions import people
from scs_victims.actions.people import RestrictedRecord
from scs_victims.progress import ProgressCallback
from ui.context import AppContext

T = TypeVar("T")

OPEN_TITLE = "Restricted record"
OPEN_QUESTION = ("This is a restricted record. Say why you need to open it; your reason is "
                 "kept in the audit log and shown to supervisors.")


def ask_reason(parent: QWidget | None, title: str, question: str) -> str | None:
    """Ask for a reason until one is given; None when the user cancels."""
    while True:
        text, accepted = QInputDialog.getText(parent, title, question, QLineEdit.EchoMode.Normal)
        if not accepted:
            return None
        if text.strip():
            return text.strip()


def open_with_reason(context: AppContext, parent: QWidget | None, work: Callable[[], T],
                     on_success: Callable[[T], None], *,
                     on_cancel: Callable[[], object] | None = None,
                     latest_key: str | None = None) -> None:
    """Run ``work`` (an action that opens a record) in the background. A restricted record
    asks the user for a reason, breaks the glass for its people and opens it; without a
    reason nothing is opened and ``on_cancel`` runs."""
    user = context.user

    def failed(error: BaseException) -> bool:
        if not isinstance(error, RestrictedRecord):
            return False
        if parent is not None and not shiboken6.isValid(parent):
            return True  # the screen that asked has closed: nothing to open
        reason = ask_reason(parent, OPEN_TITLE, OPEN_QUESTION)
        if reason is None:
            if on_cancel is not None:
                on_cancel()
            return True
        person_ids = error.person_ids

        def again(_progress: ProgressCallback) -> T:
            for person_id in person_ids:
                people.break_glass(user, person_id, reason)
            return work()

        context.operations.run(again, on_success, parent=parent)
        return True

    def first(_progress: ProgressCallback) -> Any:
        return work()

    context.operations.run(first, on_success, parent=parent, on_failure=failed,
                           latest_key=latest_key)
