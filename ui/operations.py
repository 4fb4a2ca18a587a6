"""The thin layer through which screens reach the core (after Anki's ``aqt.operations``).

Every call into the core runs on a worker thread, so the window never freezes. Long work
gets a progress dialog with Cancel; cancelling makes the core's progress callback raise
``Cancelled``, whose transaction then rolls back. Results come back on the UI thread; errors
go to one handler (``ui.errors.show_error`` unless a test puts a recorder in its place). An
action's ``Changed`` result is unwrapped: its value goes to the caller, its ``OpChanges`` to
``changes_listener`` (the app-wide ``data_changed`` signal), after the caller has seen it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.errors import Cancelled
from scs_victims.progress import ProgressCallback

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[[QWidget | None, BaseException], None]

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second cross to the UI thread


class Task(QObject, Generic[T]):
    """One piece of work on a worker thread; its signals arrive on the UI thread."""

    progressed = Signal(int, int)  # done, total (-1: not known yet)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, label: str | None) -> None:
        super().__init__()
        self.label = label
        self.done = False
        self._cancel = threading.Event()
        self._last_report = 0.0
        self._last_total: int | None = None

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int | None) -> None:
        """The core's progress callback (runs on the worker thread)."""
        if self._cancel.is_set():
            raise Cancelled
        now = time.monotonic()
        shown_total = -1 if total is None else total
        # A new total (a new stage of the work) is always shown, however soon it comes.
        if (now - self._last_report >= PROGRESS_INTERVAL_S or (total and done >= total)
                or shown_total != self._last_total):
            self._last_report = now
            self._last_total = shown_total
            self.progressed.emit(done, shown_total)


_worker = threading.local()  # the Task a worker thread is running, if any


def current_task_cancelled() -> bool:
    """Whether the work running on this worker thread has been cancelled or overtaken by a
    newer call with its ``latest_key`` (False off a worker). Pass it as
    ``database.session(stop=current_task_cancelled)`` so such work ends inside SQLite."""
    task: Task[Any] | None = getattr(_worker, "task", None)
    return task is not None and task.cancelled


class _Runner(QRunnable):
    def __init__(self, task: Task[Any], work: Callable[[ProgressCallback], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._work = work

    def run(self) -> None:
        _worker.task = self._task
        try:
            result = self._work(self._task.report)
        except BaseException as error:  # noqa: BLE001 - every failure goes to the handler
            self._task.failed.emit(error)
        else:
            self._task.succeeded.emit(result)
        finally:
            _worker.task = None


class Operations(QObject):
    """Runs core calls off the UI thread and routes their errors to one handler."""

    busy_changed = Signal(bool)

    def __init__(self, error_handler: ErrorHandler, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.error_handler = error_handler
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._running: set[Task[Any]] = set()
        self._latest: dict[str, Task[Any]] = {}
        self._shutting_down = False
        self.changes_listener: Callable[[OpChanges], None] | None = None

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(self, work: Callable[[ProgressCallback], T],
            on_success: Callable[[Any], None] | None = None, *,
            parent: QWidget | None = None, label: str | None = None,
            on_failure: Callable[[BaseException], bool] | None = None,
            latest_key: str | None = None) -> Task[T]:
        """Run ``work(progress)`` on a worker thread.

        ``label`` shows a progress dialog with Cancel (for long work). ``on_failure`` may
        handle an error itself by returning True. With ``latest_key``, only the most recent
        call with that key delivers its result (searches typed quickly)."""
        task: Task[T] = Task(label)
        self._running.add(task)
        dialog = self._progress_dialog(task, parent) if label else None
        if latest_key is not None:
            earlier = self._latest.get(latest_key)
            if earlier is not None:
                earlier.cancel()
            self._latest[latest_key] = task

        def finish() -> None:
            task.done = True
            self._running.discard(task)
            if latest_key is not None and self._latest.get(latest_key) is task:
                del self._latest[latest_key]
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if not self._running:
                self.busy_changed.emit(False)

        def succeeded(result: T) -> None:
            superseded = latest_key is not None and self._latest.get(latest_key) is not task
            finish()
            value: Any = result
            changes: OpChanges | None = None
            if isinstance(result, Changed):
                value, changes = result.value, result.changes
            try:
                if parent is not None and not shiboken6.isValid(parent):
                    return  # the screen that asked has been closed: nobody to show it to
                if on_success is not None and not superseded:
                    on_success(value)
            finally:
                if changes and self.changes_listener is not None:
                    self.changes_listener(changes)

        def failed(error: BaseException) -> None:
            superseded = latest_key is not None and self._latest.get(latest_key) is not task
            finish()
            if (superseded or self._shutting_down) and isinstance(error, Cancelled):
                return  # nobody asked to hear about work the app itself stopped
            if on_failure is not None and on_failure(error):
                return
            # Still reported if the screen that asked has closed (bugs are logged), just not
            # over that screen.
            alive = parent if parent is not None and shiboken6.isValid(parent) else None
            self.error_handler(alive, error)

        task.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        task.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        if len(self._running) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Runner(task, work))
        return task

    def report(self, parent: QWidget | None, error: BaseException) -> None:
        """Show an error raised on the UI thread through the same single handler."""
        self.error_handler(parent, error)

    def cancel_all(self) -> None:
        """Stop everything (the window is closing): cancellations are not reported."""
        self._shutting_down = True
        for task in list(self._running):
            task.cancel()

    def wait_for_done(self, timeout_ms: int = 30_000) -> bool:
        """Cancel nothing; wait for the worker threads (used when the window closes)."""
        return self._pool.waitForDone(timeout_ms)

    def _progress_dialog(self, task: Task[Any], parent: QWidget | None) -> QProgressDialog:
        dialog = QProgressDialog(task.label or "", "Cancel", 0, 0, parent)
        dialog.setWindowTitle("SCS Victims")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setAccessibleName(task.label or "Progress")
        dialog.canceled.connect(task.cancel)
        dialog.canceled.connect(lambda: dialog.setLabelText("Cancelling; nothing will be "
                                                            "changed ..."))

        def progressed(done: int, total: int) -> None:
            if total <= 0:
                dialog.setMaximum(0)
                return
            # QProgressDialog counts in int: scale large totals (file bytes) to per mille.
            dialog.setMaximum(1000)
            dialog.setValue(min(1000, int(1000 * done / total)))

        task.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
        return dialog
