"""What the account forms share: password fields, the rule a new password must meet, and the
one place a refusal is shown (a sentence under the form, the field it concerns highlighted).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from scs_victims.accounts import MIN_PASSWORD_LENGTH
from scs_victims.errors import FormInvalid, UserError
from ui.widgets import error_label, mark_invalid, show_message

PASSWORD_RULE = (f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words together "
                 "are easy to remember and hard to guess.")
NOT_THE_SAME = "The two passwords are not the same."


def text_edit(accessible_name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible_name)
    return edit


def password_edit(accessible_name: str) -> QLineEdit:
    """A field whose text is never shown (nor offered to the clipboard)."""
    edit = text_edit(accessible_name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class FieldErrors:
    """The refusals of one form: ``show`` puts the core's sentence under the form and
    highlights the fields a ``FormInvalid`` names (``fields`` maps the core's field names to
    the widgets); ``clear`` takes them away again."""

    def __init__(self, fields: Mapping[str, QWidget], label: QLabel | None = None) -> None:
        self.fields = dict(fields)
        self.label = label if label is not None else error_label()
        self.label.setAccessibleName("What was refused")

    def clear(self) -> None:
        show_message(self.label, None)
        for widget in self.fields.values():
            mark_invalid(widget, None)

    def refuse(self, field: str | None, message: str) -> None:
        """One sentence about one field (or about the whole form when ``field`` is None)."""
        self.clear()
        show_message(self.label, message)
        widget = self.fields.get(field) if field else None
        if widget is not None:
            mark_invalid(widget, message)
            if widget.isVisible():
                widget.setFocus()

    def show(self, error: BaseException) -> bool:
        """Show a refusal the user can put right (True); anything else is not handled here
        (False: the operations' error handler reports it)."""
        if isinstance(error, FormInvalid):
            self.clear()
            shown = [widget for name, widget in self.fields.items() if name in error.errors]
            for name, message in error.errors.items():
                if name in self.fields:
                    mark_invalid(self.fields[name], message)
            show_message(self.label, " ".join(error.errors.values()) or str(error))
            visible = [widget for widget in shown if widget.isVisible()]
            if visible:
                visible[0].setFocus()
            return True
        if isinstance(error, UserError):
            self.refuse(None, str(error))
            return True
        return False
