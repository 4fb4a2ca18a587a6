"""The "Mark reviewed" dialog (and "Change review", the same with the note in force): a
required note, saved through the operations layer.

Built and shown with ``open()`` (never ``exec()``), so tests can type the note and call
``submit()`` directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import alerts
from scs_victims.errors import NotAllowed, UserError
from scs_victims.services.alert_reviews import AlertKey, Review
from ui.context import AppContext

ERROR_STYLE = "QPlainTextEdit { border: 2px solid #c0392b; }"


class ReviewDialog(QDialog):
    def __init__(self, context: AppContext, key: AlertKey, description: str, on: date,
                 on_saved: Callable[[Review], None], parent: QWidget | None = None, *,
                 replacing: Review | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.key = key
        self.on = on
        self._on_saved = on_saved
        self.setWindowTitle("Mark alert as reviewed" if replacing is None
                            else "Change the alert's review")
        intro = QLabel(description)
        intro.setWordWrap(True)
        label = QLabel("What was &done about it (required):")
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Review note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("e.g. Called the victim; referred to MARAC.")
        label.setBuddy(self.note)
        if replacing is not None:
            self.note.setPlainText(replacing.note)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Note error")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # A fixed starting size rather than one that follows the contents: the error line
        # appearing must not resize the window under the user's pointer.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(520, 300)
        for widget in (intro, label, self.note, self.error, self.buttons):
            layout.addWidget(widget)
        self.note.textChanged.connect(self._clear_error)

    def submit(self) -> None:
        """Save the review; a refused note is shown beside the field and nothing changes."""
        # The core checks the note (required, not too long): one rule, one wording.
        note = self.note.toPlainText()
        self.buttons.setEnabled(False)
        user, key, on = self.context.user, self.key, self.on

        def saved(review: Review) -> None:
            self.buttons.setEnabled(True)
            self.accept()
            self._on_saved(review)

        def failed(error: BaseException) -> bool:
            self.buttons.setEnabled(True)
            if isinstance(error, UserError) and not isinstance(error, NotAllowed):
                self.show_error(str(error))
                return True
            return False

        self.context.operations.run(lambda _progress: alerts.review_alert(user, key, note, on),
                                    saved, parent=self, on_failure=failed)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.note.setStyleSheet(ERROR_STYLE)
        self.note.setFocus()

    def _clear_error(self) -> None:
        if self.error.isVisible():
            self.error.hide()
            self.note.setStyleSheet("")
