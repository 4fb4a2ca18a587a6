""""Protect with a password" for the PDF and Excel files a screen saves (issue 17, item 6).

A box to tick and, once it is ticked, the password twice. A screen reads it (``read``) before
it asks where to save: a password that is too short, or typed differently the second time, is
shown under the fields with the field highlighted, and nothing is saved. The core protects the
file in memory before writing it (``scs_victims.protection``); a CSV file cannot be protected,
which the screen says here too (``refuse``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from scs_victims.errors import FormInvalid
from scs_victims.protection import MIN_PASSWORD_LENGTH, password_problem
from ui.incidents.dialogs import error_label, mark_invalid

CSV_REFUSED = ("A CSV file cannot be protected with a password: save it as Excel (.xlsx), or "
               "untick the password box.")
NOT_THE_SAME = "The two passwords are not the same: type the password again in both."


class PasswordProtection(QWidget):
    """The box, the two password fields (shown while it is ticked) and an error line."""

    def __init__(self, text: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox(text)
        self.enabled.setAccessibleName("Protect with a password")
        self.enabled.setToolTip(tooltip)
        self.password = self._field("Password for the file",
                                    f"Password (at least {MIN_PASSWORD_LENGTH} characters)")
        self.again = self._field("The password again", "The same password again")
        self.error = error_label()
        self.error.setAccessibleName("Password error")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled)
        row.addWidget(self.password)
        row.addWidget(self.again)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.enabled.toggled.connect(self._toggled)
        self._toggled(False)

    @staticmethod
    def _field(name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        field.setPlaceholderText(placeholder)
        field.setMinimumWidth(200)
        return field

    def _toggled(self, ticked: bool) -> None:
        self.clear_error()
        for field in (self.password, self.again):
            field.setVisible(ticked)
            if not ticked:
                field.clear()
        if ticked:
            self.password.setFocus()

    @property
    def wanted(self) -> bool:
        return self.enabled.isChecked()

    def read(self) -> tuple[bool, str | None]:
        """(True, the password) when the box is ticked and the password will do; (True,
        None) when it is not ticked; (False, None) after showing what is wrong."""
        self.clear_error()
        if not self.enabled.isChecked():
            return True, None
        password = self.password.text()
        problem = password_problem(password)
        if problem is not None:
            self.refuse(problem)
            return False, None
        if self.again.text() != password:
            self.refuse(NOT_THE_SAME, self.again)
            return False, None
        return True, password

    def refuse(self, message: str, field: QLineEdit | None = None) -> None:
        """Say why nothing was saved, on the field at fault (the password by default)."""
        self.clear_error()
        shown = field or self.password
        mark_invalid(shown, message)
        self.error.setText(message)
        self.error.setVisible(True)
        if shown.isVisible():
            shown.setFocus()

    def refused(self, error: BaseException) -> bool:
        """For an ``on_failure``: show the core's refusal of the password here (True), or
        leave any other error to the operations layer (False)."""
        if isinstance(error, FormInvalid) and "password" in error.errors:
            self.refuse(error.errors["password"])
            return True
        return False

    def clear_error(self) -> None:
        self.error.setVisible(False)
        for field in (self.password, self.again):
            mark_invalid(field, None)
