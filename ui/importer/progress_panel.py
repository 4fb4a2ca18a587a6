"""A progress bar with a Cancel button inside a page, following one background task."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ui.operations import Task

STEPS = 1000  # file sizes overflow a QProgressBar's int: progress is shown per mille


class ProgressPanel(QWidget):
    """Shows ``text`` and the progress of a task; Cancel asks the task to stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setAccessibleName("Cancel this step")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self._task: Task[Any] | None = None

    def follow(self, task: Task[Any], text: str) -> None:
        self._task = task
        self.label.setText(text)
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        task.progressed.connect(self._progressed)
        self.setVisible(True)

    def finish(self) -> None:
        """The task ended (either way): nothing left to cancel."""
        self._task = None
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling; nothing will be changed\u2026")

    def _progressed(self, done: int, total: int) -> None:
        if self.sender() is not self._task:
            return  # a late report from a task that was already given up
        if total <= 0:
            self.bar.setRange(0, 0)  # busy, amount unknown
            return
        self.bar.setRange(0, STEPS)
        self.bar.setValue(min(STEPS, int(STEPS * done / total)))
