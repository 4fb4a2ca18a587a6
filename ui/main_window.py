"""The main window: navigation between the screens the signed-in user's role may use, menus
and toolbar, the routing of the app-wide signals, and the idle lock.

Only the screens the role allows are built (building one may read what the role may not
see). Screens are built once and kept, so switching between them is instant. Locking hides
the content behind a password panel and hides the app's other windows; nothing is destroyed,
so nothing typed is lost.

"Sign out" closes the window (and the forms it opened, asking about unsaved changes) and
the app shows the sign-in window again, for the same or another user (``ui.app.run``).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import settings as settings_actions
from scs_victims.actions.base import SignedIn
from scs_victims.actions.changes import OpChanges
from scs_victims.actions.maintenance import load_demo
from scs_victims.actions.permissions import Permission
from scs_victims.actions.signing_in import unlock
from ui.about import show_about
from ui.account.idle_lock import (
    DEFAULT_MINUTES,
    MINUTE_MS,
    IdleWatcher,
    LockPanel,
    OtherWindows,
)
from ui.account.password import ChangePasswordDialog
from ui.alerts.page import AlertsPage
from ui.audit.page import AuditPage
from ui.context import AppContext, IncidentFilter
from ui.dashboard.page import DashboardPage
from ui.importer.wizard import ImportWizard
from ui.incidents.form import open_incident_form
from ui.incidents.page import IncidentsPage
from ui.marac.page import MaracPage
from ui.people.page import PeoplePage
from ui.reports.page import ReportsPage
from ui.settings.page import SettingsPage
from ui.users.page import UsersPage

DEMO_INCIDENTS = 20_000


def _may(*permissions: Permission) -> Callable[[SignedIn], bool]:
    return lambda user: any(user.can(permission) for permission in permissions)


# Which screens a role sees (the actions behind them enforce the same rules). Settings are
# read by every role that works on records or figures; auditors see the audit log only.
SEES_DASHBOARD = _may(Permission.SEE_FIGURES)
SEES_PEOPLE = _may(Permission.SEE_PEOPLE)
SEES_INCIDENTS = _may(Permission.SEE_INCIDENT_LIST)  # analysts: without names
SEES_ALERTS = _may(Permission.WORK_ALERTS)
SEES_MARAC = _may(Permission.MARAC)
SEES_REPORTS = _may(Permission.PRODUCE_REPORTS, Permission.EXPORT_INCIDENTS)
SEES_SETTINGS = _may(Permission.SEE_FIGURES, Permission.CHANGE_SETTINGS)
SEES_USERS = _may(Permission.MANAGE_USERS)
SEES_AUDIT = _may(Permission.READ_AUDIT)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, *, idle_lock_ms: int | None = None) -> None:
        """``idle_lock_ms`` fixes the idle lock's delay (tests); otherwise it is the
        Security setting, read once the window is up and again when settings change."""
        super().__init__()
        self.context = context
        self.signing_out = False  # set by "Sign out": the app then asks for a sign-in again
        self.locked = False
        self._fixed_idle_ms = idle_lock_ms
        self._idle_minutes = DEFAULT_MINUTES
        self._stale: set[QWidget] = set()  # screens to refresh when next shown
        self._focus_before: QWidget | None = None  # where the user was typing at the lock
        self._unlocked_actions: list[QAction] = []  # the commands the lock disabled
        self.password_dialog: ChangePasswordDialog | None = None
        self.setObjectName("mainWindow")
        self.setMinimumSize(QSize(900, 600))
        self._build_pages()
        self._build_body()
        self._build_actions()
        self._build_status_bar()
        self._connect_signals()
        self._restore_state()
        self._build_idle_lock()
        self.update_title()

    # Building -----------------------------------------------------------------------------

    def _build_pages(self) -> None:
        context, user = self.context, self.context.user
        self.dashboard = DashboardPage(context) if SEES_DASHBOARD(user) else None
        self.people = PeoplePage(context) if SEES_PEOPLE(user) else None
        self.incidents = IncidentsPage(context) if SEES_INCIDENTS(user) else None
        self.alerts = AlertsPage(context) if SEES_ALERTS(user) else None
        self.marac = MaracPage(context) if SEES_MARAC(user) else None
        self.reports = ReportsPage(context) if SEES_REPORTS(user) else None
        self.settings_page = SettingsPage(context) if SEES_SETTINGS(user) else None
        self.users = UsersPage(context) if SEES_USERS(user) else None
        self.audit = AuditPage(context) if SEES_AUDIT(user) else None
        candidates: list[tuple[str, QWidget | None]] = [
            ("Dashboard", self.dashboard), ("People", self.people),
            ("Incidents", self.incidents), ("Alerts", self.alerts), ("MARAC", self.marac),
            ("Reports", self.reports), ("Settings", self.settings_page),
            ("Users", self.users), ("Audit", self.audit),
        ]
        self.pages: list[tuple[str, QWidget]] = [
            (title, page) for title, page in candidates if page is not None]

    def _build_body(self) -> None:
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Screens")
        self.navigation.setMaximumWidth(220)
        self.stack = QStackedWidget()
        for title, page in self.pages:
            QListWidgetItem(title, self.navigation)
            page.setObjectName(f"page{title}")
            self.stack.addWidget(page)
        self.navigation.currentRowChanged.connect(self._show_page)
        splitter = QSplitter()
        splitter.setObjectName("mainSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        self.lock_panel = LockPanel(self.context.user)
        self.body = QStackedWidget()
        self.body.setObjectName("windowBody")
        self.body.addWidget(splitter)
        self.body.addWidget(self.lock_panel)
        self.read_only_notice: QLabel | None = None
        if self.context.user.read_only:
            self.setCentralWidget(self._under_read_only_notice(self.body))
        else:
            self.setCentralWidget(self.body)

    def _under_read_only_notice(self, body: QWidget) -> QWidget:
        """Someone else has the file open: said above everything, for as long as it lasts."""
        user = self.context.user
        notice = QLabel(
            f"<b>Read-only.</b> This database is in use by {escape(user.in_use_by or '')}: "
            "you can look at records (each look is recorded as usual) but not change them. "
            "To make changes, close it and open it again once they have finished.")
        notice.setObjectName("readOnlyNotice")
        notice.setAccessibleName("Open read-only")
        notice.setWordWrap(True)
        notice.setFrameShape(QFrame.Shape.StyledPanel)
        notice.setContentsMargins(8, 4, 8, 4)
        self.read_only_notice = notice
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(notice)
        layout.addWidget(body, 1)
        return central

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None,
                tip: str = "", allowed: bool = True) -> QAction:
        """A command of the window; one the role does not allow is made but never shown."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        action.setVisible(allowed)
        action.setEnabled(allowed)
        self._own_actions.append(action)
        return action

    def _build_actions(self) -> None:
        standard = QKeySequence.StandardKey
        user = self.context.user
        self._own_actions: list[QAction] = []
        self.new_incident_action = self._action(
            "&New incident...", self.context.signals.new_incident.emit, standard.New,
            "Record a new ASB, burglary or domestic abuse incident",
            user.can(Permission.EDIT_RECORDS))
        self.import_action = self._action("&Import incidents...", self.open_import_wizard,
                                          "Ctrl+I", "Import an incident extract (CSV)",
                                          user.can(Permission.IMPORT))
        self.export_action = self._action("&Print or export...", self.open_reports,
                                          standard.Print, "Reports and exports",
                                          self.reports is not None)
        self.quit_action = self._action("&Quit", self.close, standard.Quit)
        self.find_action = self._action("&Find...", self.focus_search, standard.Find,
                                        "Find a person or an incident",
                                        self.people is not None)
        self.refresh_action = self._action("&Refresh", self.refresh, standard.Refresh,
                                           "Read everything again from the database")
        self.about_action = self._action("&About SCS Victims", lambda: show_about(self))
        self.demo_action = self._action("Load the &demo borough...", self.load_demo,
                                        allowed=user.can(Permission.MAINTAIN))
        self.change_password_action = self._action("&Change my password...",
                                                   self.change_password)
        self.lock_action = self._action("&Lock now", self.lock_now, "Ctrl+L",
                                        "Hide this window's content until your password is "
                                        "typed again")
        self.sign_out_action = self._action("Sign &out", self.sign_out, None,
                                            "Close this window so that someone else can sign "
                                            "in")

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.new_incident_action, self.import_action])
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.find_action)
        view_menu = self.menuBar().addMenu("&View")
        self.page_actions = []
        for number, (title, _page) in enumerate(self.pages, start=1):
            action = self._action(f"&{title}", lambda _=False, row=number - 1:
                                  self.navigation.setCurrentRow(row),
                                  f"Ctrl+{number}" if number <= 9 else None)
            self.page_actions.append(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        account_menu = self.menuBar().addMenu("&Account")
        account_menu.addActions([self.change_password_action, self.lock_action])
        account_menu.addSeparator()
        account_menu.addAction(self.sign_out_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.new_incident_action, self.import_action, self.find_action,
                            self.refresh_action, self.export_action])
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setAccessibleName("Working")
        self.busy_bar.hide()
        self.status_label = QLabel()
        user = self.context.user
        self.user_label = QLabel(f"Signed in as {user.name} ({user.role.value})")
        self.user_label.setObjectName("signedInAs")
        self.user_label.setAccessibleName("Signed in as")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.context.operations.busy_changed.connect(self.busy_bar.setVisible)

    def _connect_signals(self) -> None:
        signals = self.context.signals
        if self.context.user.can(Permission.EDIT_RECORDS):
            signals.new_incident.connect(lambda: open_incident_form(self.context, self))
            signals.new_incident_for.connect(
                lambda person_id: open_incident_form(self.context, self, victim_id=person_id))
            signals.edit_incident.connect(
                lambda incident_id: open_incident_form(self.context, self, incident_id))
        if self.people is not None:
            signals.open_person.connect(self.people.open_person)
        signals.show_incidents.connect(self.show_incidents)
        signals.show_people.connect(self.show_people)
        signals.data_changed.connect(self.on_changes)
        signals.settings_changed.connect(self.update_title)
        if self.dashboard is not None:
            self.dashboard.open_alerts.connect(self.show_alerts)
            self.dashboard.open_marac.connect(self.show_marac_meetings)

    def _build_idle_lock(self) -> None:
        self.other_windows = OtherWindows(self)
        self.idle = IdleWatcher(self._fixed_idle_ms or DEFAULT_MINUTES * MINUTE_MS, self)
        self.idle.idle.connect(self.lock_after_idle)
        self.lock_panel.unlock_requested.connect(self._try_unlock)
        self.lock_panel.sign_out_requested.connect(self.sign_out)
        self.idle.start()
        self.read_idle_setting()

    # Behaviour ----------------------------------------------------------------------------

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if page in self._stale and hasattr(page, "refresh"):
            self._stale.discard(page)
            page.refresh()
        if hasattr(page, "on_shown"):
            page.on_shown()

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def go_to(self, page: QWidget) -> None:
        self.navigation.setCurrentRow(self.stack.indexOf(page))

    def refresh(self) -> None:
        """Read everything again (the Refresh command)."""
        self._stale.clear()
        for _title, page in self.pages:
            if hasattr(page, "refresh"):
                page.refresh()

    def on_changes(self, changes: OpChanges) -> None:
        """After a write: the screens it concerns (their ``REFRESH_ON``) refresh, the one in
        view at once and the others when next shown."""
        for _title, page in self.pages:
            concerns: tuple[str, ...] | None = getattr(page, "REFRESH_ON", None)
            if not hasattr(page, "refresh") or (concerns is not None
                                                and not changes.any(*concerns)):
                continue
            if page is self.current_page():
                page.refresh()
            else:
                self._stale.add(page)
        if changes.area:  # the area's name, and the Security settings stored beside it
            self.update_title()
            self.read_idle_setting()

    def focus_search(self) -> None:
        page: QWidget | None = self.current_page()
        if not hasattr(page, "focus_search"):
            if self.people is None:
                return
            self.go_to(self.people)
            page = self.people
        page.focus_search()  # type: ignore[union-attr]

    def show_incidents(self, incident_filter: IncidentFilter) -> None:
        if self.incidents is not None:
            self.go_to(self.incidents)
            self.incidents.apply_filter(incident_filter)

    def show_people(self, filters: dict[str, object]) -> None:
        if self.people is not None:
            self.go_to(self.people)
            self.people.apply_filter(filters)

    def show_alerts(self, kind: str) -> None:
        """The Alerts screen, showing one kind of alert ('' for every kind)."""
        if self.alerts is not None:
            self.go_to(self.alerts)
            self.alerts.show_kind(kind)

    def show_marac_meetings(self) -> None:
        """The MARAC screen's meetings, where overdue actions are chased."""
        if self.marac is not None:
            self.go_to(self.marac)
            self.marac.show_meetings()

    def open_import_wizard(self) -> None:
        ImportWizard(self.context, self).open()

    def open_reports(self) -> None:
        if self.reports is not None:
            self.go_to(self.reports)

    def load_demo(self) -> None:
        """Fill an empty database with the synthetic demo borough, with progress."""
        def done(imported: int) -> None:
            self.status_label.setText(f"The demo borough is loaded: {imported:,} synthetic "
                                      "incidents.")

        user = self.context.user
        self.context.operations.run(
            lambda progress: load_demo(user, DEMO_INCIDENTS, 1, progress), done,
            parent=self, label="Loading the demo borough (synthetic people) ...")

    def update_title(self) -> None:
        user = self.context.user
        read_only = " \u2014 read-only" if user.read_only else ""

        def show(area_name: str) -> None:
            self.setWindowTitle(f"SCS Victims \u2014 {area_name} \u2014 {self.context.location}"
                                f"{read_only}")

        self.setWindowTitle(f"SCS Victims \u2014 {self.context.location}{read_only}")
        self.context.operations.run(lambda _progress: settings_actions.area(user).area_name,
                                    show, parent=self)

    # The user's own account ---------------------------------------------------------------

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.context.user, self.context.operations, self)
        dialog.finished.connect(lambda result: self.status_label.setText(
            "Your password has been changed." if result == QDialog.DialogCode.Accepted
            else ""))
        dialog.finished.connect(dialog.deleteLater)
        self.password_dialog = dialog
        dialog.open()

    def sign_out(self) -> None:
        """Close the window and the forms it opened (a form with unsaved changes asks
        first, and may keep the window open); the app then asks for a sign-in again."""
        if not self.other_windows.close_all():
            return
        self.signing_out = True
        if not self.close():
            self.signing_out = False

    # The idle lock ------------------------------------------------------------------------

    def read_idle_setting(self) -> None:
        """The Security setting's delay (unless fixed for a test)."""
        if self._fixed_idle_ms is not None:
            return
        user = self.context.user

        def use(minutes: int) -> None:
            self._idle_minutes = minutes
            self.idle.set_interval(minutes * MINUTE_MS)

        self.context.operations.run(
            lambda _progress: settings_actions.security(user).idle_lock_minutes, use,
            parent=self)

    def lock_after_idle(self) -> None:
        self.lock(self._idle_minutes if self._fixed_idle_ms is None else
                  max(1, self._fixed_idle_ms // MINUTE_MS))

    def lock_now(self) -> None:
        self.lock(None)

    def lock(self, idle_minutes: int | None = None) -> None:
        """Hide the content (and the other windows) until the password is typed again."""
        if self.locked:
            return
        self.locked = True
        self.idle.stop()
        focus = QApplication.focusWidget()
        self._focus_before = focus if focus is not None and (
            focus is self or self.isAncestorOf(focus)) else None
        self._unlocked_actions = [action for action in self._own_actions
                                  if action.isEnabled()]
        for action in self._unlocked_actions:
            action.setEnabled(False)
        self.menuBar().setEnabled(False)
        self.splitter.setEnabled(False)
        self.body.setCurrentWidget(self.lock_panel)
        self.other_windows.hide_all()
        self.lock_panel.reset(idle_minutes)
        self.context.signals.locked.emit()

    def _try_unlock(self, password: str) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: unlock(user, password),
                                    lambda _result: self._unlock(), parent=self,
                                    on_failure=self.lock_panel.refused)

    def _unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        self.body.setCurrentWidget(self.splitter)
        self.splitter.setEnabled(True)
        self.menuBar().setEnabled(True)
        for action in self._unlocked_actions:
            action.setEnabled(True)
        self.lock_panel.password.clear()
        self.lock_panel.set_busy(False)
        self.other_windows.show_all()
        if self._focus_before is not None:
            self._focus_before.setFocus()
        self.idle.start()
        self.context.signals.unlocked.emit()

    # State between runs -------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        state = settings.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray | bytes):
            self.splitter.restoreState(QByteArray(splitter))
        else:
            self.splitter.setSizes([self.navigation.sizeHintForColumn(0) + 40, 1200])
        # The screen by its title: each role has its own list of screens.
        titles = [title for title, _page in self.pages]
        page = settings.value("window/page", "")
        row = titles.index(page) if page in titles else 0
        self.navigation.setCurrentRow(row)

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        row = self.navigation.currentRow()
        if 0 <= row < len(self.pages):
            settings.setValue("window/page", self.pages[row][0])
        for _title, page in self.pages:
            if hasattr(page, "save_state"):
                page.save_state()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_state()
        self.idle.uninstall()
        self.context.operations.cancel_all()
        self.context.operations.wait_for_done()
        super().closeEvent(event)
