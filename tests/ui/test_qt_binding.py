"""The Qt binding itself: a long working day emits millions of signals.

PySide6 6.12.0 on Python 3.11 dropped a reference to True (or None) on every signal emitted
from Python, and after enough emits the interpreter aborted ("bool_dealloc"). pyproject.toml
excludes that release; this test fails (or aborts the run) on any binding with the same leak.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

EMITS = 50_000


class _Emitter(QObject):
    number = Signal(int)
    anything = Signal(object)
    flag = Signal(bool)
    nothing = Signal()


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    def take(self, _value: object) -> None:
        self.received += 1


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def test_emitting_signals_does_not_leak_references(qtbot: Any) -> None:
    del qtbot  # a QApplication must exist
    emitter = _Emitter()
    for signal in (emitter.number, emitter.anything, emitter.flag):
        signal.connect(lambda _value: None)
    emitter.nothing.connect(lambda: None)
    before = _counts()
    for index in range(EMITS):
        emitter.number.emit(index)
        emitter.anything.emit(None)
        emitter.flag.emit(True)
        emitter.nothing.emit()
    after = _counts()
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]


def test_queued_signals_from_a_worker_thread_do_not_leak(qtbot: Any) -> None:
    emitter, receiver = _Emitter(), _Receiver()
    emitter.anything.connect(receiver.take, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        for index in range(EMITS):
            emitter.anything.emit((index, None, True))

    before = _counts()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: receiver.received == EMITS, timeout=30_000)
    after = _counts()
    # A few references may still be held by the last queued events; a leak would be ~EMITS.
    assert all(a - b < 100 for a, b in zip(after, before, strict=True))
