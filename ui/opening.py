"""Opening the database as the app starts.

A file written by an earlier version is backed up and migrated first, which takes a while on
a large one (about half a minute for a million incidents). That runs on a worker thread
behind a progress dialog with Cancel; cancelling leaves the file as it was.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEventLoop, Qt

from scs_victims.actions.opening import BACKING_UP, Database, open_store, schema_update_needed
from scs_victims.errors import Cancelled
from scs_victims.progress import ProgressCallback
from ui.operations import Operations, current_task_cancelled

UPDATING_LABEL = ("Updating the database for this version of SCS Victims.\n"
                  "A backup copy is made and checked first. On a large database this takes "
                  "a minute or two.")


class Outcome(Enum):
    OPENED = "opened"
    CANCELLED = "cancelled"
    FAILED = "failed"  # already reported through the operations' error handler


def open_at_start(location: str, operations: Operations
                  ) -> tuple[Outcome, Database | None]:
    """The database at ``location``, brought up to date; off the UI thread when that means
    a backup and a migration. Errors of a plain open are raised as ``open_store`` raises
    them."""
    if not schema_update_needed(location):
        return Outcome.OPENED, open_store(location)
    opened: list[Database] = []
    outcome = [Outcome.FAILED]

    def work(progress: ProgressCallback) -> Database:
        def heard(stage: str, done: int, total: int) -> None:
            # Pages of the backup are counted; checking it and migrating have no count.
            progress(done, total if stage == BACKING_UP else None)

        return open_store(location, progress=heard, stop=current_task_cancelled)

    def succeeded(database: Database) -> None:
        opened.append(database)
        outcome[0] = Outcome.OPENED

    def failed(error: BaseException) -> bool:
        if isinstance(error, Cancelled):
            outcome[0] = Outcome.CANCELLED
            return True  # the user asked for it: nothing to report
        return False

    loop = QEventLoop()
    task = operations.run(work, succeeded, label=UPDATING_LABEL, on_failure=failed)

    def quit_loop(_result: object) -> None:
        loop.quit()

    # Connected after the operations' own handlers, so this runs once the outcome is known.
    task.succeeded.connect(quit_loop, Qt.ConnectionType.QueuedConnection)
    task.failed.connect(quit_loop, Qt.ConnectionType.QueuedConnection)
    loop.exec()
    return outcome[0], (opened[0] if opened else None)
