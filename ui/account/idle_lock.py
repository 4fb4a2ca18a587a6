"""The idle lock: after a set time without keyboard or mouse input anywhere in the app, the
main window hides its content behind a panel asking for the password again.

Nothing typed is lost: the content is hidden, never destroyed, and the app's other windows
(forms, wizards, progress) are hidden and shown again after the password. A question that
was waiting for an answer in a window of its own (a confirmation, a file chooser) is
answered "Cancel", since its window has to go and it cannot be asked again.
"""

from __future__ import annotations

from html import escape

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.base import SignedIn
from ui.account.fields import FieldErrors, password_edit

MINUTE_MS = 60_000
DEFAULT_MINUTES = 10  # the core's default, used until the stored setting has been read

_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.TabletMove, QEvent.Type.ShortcutOverride,
})


class IdleWatcher(QObject):
    """An application-wide event filter: ``idle`` is emitted once ``interval_ms`` pass
    without input. Watching starts with ``start`` and stops while the window is locked."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.idle.emit)
        self._installed = False

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    @property
    def watching(self) -> bool:
        return self._timer.isActive()

    def set_interval(self, interval_ms: int) -> None:
        """A new delay, counted from now when watching."""
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        app = QApplication.instance()
        if not self._installed and app is not None:
            app.installEventFilter(self)
            self._installed = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def uninstall(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
        self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802, ARG002
        if event.type() in _INPUT and self._timer.isActive():
            self._timer.start()
        return False


class OtherWindows(QObject):
    """The app's windows other than the main one, while the main one is locked: hidden at
    the lock (and any that opens during it), shown again at the unlock."""

    def __init__(self, main: QWidget) -> None:
        super().__init__(main)
        self._main = main
        self._hidden: list[QWidget] = []
        self._active = False

    @property
    def hidden(self) -> list[QWidget]:
        return [widget for widget in self._hidden if shiboken6.isValid(widget)]

    def _others(self) -> list[QWidget]:
        return [widget for widget in QApplication.topLevelWidgets()
                if widget is not self._main and widget.isWindow() and widget.isVisible()]

    def hide_all(self) -> None:
        self._active = True
        popup = QApplication.activePopupWidget()
        while popup is not None:  # open menus, completers, calendar pop-ups
            popup.close()
            popup = QApplication.activePopupWidget()
        for widget in self._others():
            self._cover(widget)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def _cover(self, widget: QWidget) -> None:
        if not shiboken6.isValid(widget) or not widget.isVisible() or widget is self._main:
            return
        if widget.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
            widget.close()
            return
        if (isinstance(widget, QDialog)
                and widget.windowModality() == Qt.WindowModality.ApplicationModal):
            # Asked with exec(): hiding would end its question anyway, and it could not be
            # shown again to the code that asked. "Cancel" is the answer that changes nothing.
            widget.reject()
            return
        widget.hide()
        if widget not in self._hidden:
            self._hidden.append(widget)

    def show_all(self) -> None:
        self._active = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for widget in self.hidden:
            widget.show()
        self._hidden.clear()

    def close_all(self) -> bool:
        """Close every other window (signing out); False when one stayed open (a form whose
        unsaved changes the user chose to keep)."""
        kept = [widget for widget in [*self.hidden, *self._others()]
                if shiboken6.isValid(widget) and not widget.close()]
        self._hidden = [widget for widget in self.hidden if widget in kept]
        return not kept

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (self._active and event.type() == QEvent.Type.Show and isinstance(watched, QWidget)
                and watched.isWindow() and watched is not self._main
                and watched.windowModality() != Qt.WindowModality.ApplicationModal):
            # A window opened by work finishing during the lock: hidden once it is shown.
            QTimer.singleShot(0, self, lambda: self._cover(watched) if self._active else None)
        return False


class LockPanel(QWidget):
    """What the locked window shows instead of its content: who is signed in, the password
    field, and a way to sign out for someone else to sign in."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, user: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPanel")
        self.title = QLabel()
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = password_edit("Password")
        self.password.setPlaceholderText("Password")
        self.password.setMaximumWidth(320)
        self.errors = FieldErrors({"password": self.password})
        self.errors.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton("&Sign out")
        self.sign_out_button.setToolTip("Close this window (asking about unsaved work) so that "
                                        "someone else can sign in")
        self.password.returnPressed.connect(self._submit)
        self.unlock_button.clicked.connect(self._submit)
        self.sign_out_button.clicked.connect(self.sign_out_requested.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        field = QHBoxLayout()
        field.addStretch(1)
        field.addWidget(self.password, 2)
        field.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.explanation)
        layout.addLayout(field)
        layout.addWidget(self.errors.label)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.set_user(user)

    def set_user(self, user: SignedIn) -> None:
        self._name = user.name
        self._role = user.role.value

    def reset(self, idle_minutes: int | None) -> None:
        """Ready for the password: ``idle_minutes`` says why it locked (None: asked for)."""
        self.title.setText("SCS Victims is locked")
        why = (f"Nobody used this window for {idle_minutes} minute"
               f"{'s' if idle_minutes != 1 else ''}, so its content is hidden. "
               if idle_minutes else "The window was locked. ")
        self.explanation.setText(
            f"<p>{why}Signed in as <b>{escape(self._name)}</b> ({escape(self._role)}).</p>"
            "<p>Enter your password to go on: nothing you were typing has been lost.</p>")
        self.password.clear()
        self.errors.clear()
        self.set_busy(False)
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.password.setReadOnly(busy)

    def refused(self, error: BaseException) -> bool:
        """A wrong password (or a disabled account): a sentence, the field highlighted."""
        self.set_busy(False)
        self.password.clear()
        handled = self.errors.show(error)
        if handled:
            self.errors.refuse("password", self.errors.label.text())
        return handled

    def _submit(self) -> None:
        password = self.password.text()
        if not password:
            self.errors.refuse("password", "Enter your password.")
            return
        self.errors.clear()
        self.set_busy(True)
        self.unlock_requested.emit(password)
