"""The main window: navigation between screens, menus and toolbar, and the routing of the
app-wide signals. Screens are built once and kept, so switching between them is instant."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from scs_victims.actions.changes import OpChanges
from scs_victims.demo import load_demo_borough
from scs_victims.settings import load_area
from ui.about import show_about
from ui.alerts.page import AlertsPage
from ui.context import AppContext, IncidentFilter
from ui.dashboard.page import DashboardPage
from ui.importer.wizard import ImportWizard
from ui.incidents.form import open_incident_form
from ui.incidents.page import IncidentsPage
from ui.marac.page import MaracPage
from ui.people.page import PeoplePage
from ui.reports.page import ReportsPage
from ui.settings.page import SettingsPage

DEMO_INCIDENTS = 20_000


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self._stale: set[QWidget] = set()  # screens to refresh when next shown
        self.setObjectName("mainWindow")
        self.setMinimumSize(QSize(900, 600))
        self.dashboard = DashboardPage(context)
        self.people = PeoplePage(context)
        self.incidents = IncidentsPage(context)
        self.alerts = AlertsPage(context)
        self.marac = MaracPage(context)
        self.reports = ReportsPage(context)
        self.settings_page = SettingsPage(context)
        self.pages: list[tuple[str, QWidget]] = [
            ("Dashboard", self.dashboard), ("People", self.people),
            ("Incidents", self.incidents), ("Alerts", self.alerts), ("MARAC", self.marac),
            ("Reports", self.reports), ("Settings", self.settings_page),
        ]
        self._build_body()
        self._build_actions()
        self._build_status_bar()
        self._connect_signals()
        self._restore_state()
        self.update_title()

    # Building -----------------------------------------------------------------------------

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
        self.setCentralWidget(splitter)

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        return action

    def _build_actions(self) -> None:
        standard = QKeySequence.StandardKey
        self.new_incident_action = self._action(
            "&New incident...", self.context.signals.new_incident.emit, standard.New,
            "Record a new ASB, burglary or domestic abuse incident")
        self.import_action = self._action("&Import incidents...", self.open_import_wizard,
                                          "Ctrl+I", "Import an incident extract (CSV)")
        self.export_action = self._action("&Print or export...", self.open_reports,
                                          standard.Print, "Reports and exports")
        self.quit_action = self._action("&Quit", self.close, standard.Quit)
        self.find_action = self._action("&Find...", self.focus_search, standard.Find,
                                        "Find a person or an incident")
        self.refresh_action = self._action("&Refresh", self.refresh, standard.Refresh,
                                           "Read everything again from the database")
        self.about_action = self._action("&About SCS Victims", lambda: show_about(self))
        self.demo_action = self._action("Load the &demo borough...", self.load_demo)

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
                                  self.navigation.setCurrentRow(row), f"Ctrl+{number}")
            self.page_actions.append(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
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
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.context.operations.busy_changed.connect(self.busy_bar.setVisible)

    def _connect_signals(self) -> None:
        signals = self.context.signals
        signals.new_incident.connect(lambda: open_incident_form(self.context, self))
        signals.new_incident_for.connect(
            lambda person_id: open_incident_form(self.context, self, victim_id=person_id))
        signals.edit_incident.connect(
            lambda incident_id: open_incident_form(self.context, self, incident_id))
        signals.open_person.connect(self.people.open_person)
        signals.show_incidents.connect(self.show_incidents)
        signals.show_people.connect(self.show_people)
        signals.data_changed.connect(self.on_changes)
        signals.settings_changed.connect(self.update_title)
        self.dashboard.open_alerts.connect(self.show_alerts)
        self.dashboard.open_marac.connect(self.show_marac_meetings)

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

    def focus_search(self) -> None:
        page = self.current_page()
        if not hasattr(page, "focus_search"):
            self.go_to(self.people)
            page = self.people
        page.focus_search()  # type: ignore[attr-defined]

    def show_incidents(self, incident_filter: IncidentFilter) -> None:
        self.go_to(self.incidents)
        self.incidents.apply_filter(incident_filter)

    def show_people(self, filters: dict[str, object]) -> None:
        self.go_to(self.people)
        self.people.apply_filter(filters)

    def show_alerts(self, kind: str) -> None:
        """The Alerts screen, showing one kind of alert ('' for every kind)."""
        self.go_to(self.alerts)
        self.alerts.show_kind(kind)

    def show_marac_meetings(self) -> None:
        """The MARAC screen's meetings, where overdue actions are chased."""
        self.go_to(self.marac)
        self.marac.show_meetings()

    def open_import_wizard(self) -> None:
        ImportWizard(self.context, self).open()

    def open_reports(self) -> None:
        self.go_to(self.reports)

    def load_demo(self) -> None:
        """Fill an empty database with the synthetic demo borough, with progress."""
        def done(imported: int) -> None:
            self.status_label.setText(f"The demo borough is loaded: {imported:,} synthetic "
                                      "incidents.")
            self.context.signals.settings_changed.emit()
            self.context.signals.data_changed.emit()

        database = self.context.database
        self.context.operations.run(
            lambda progress: load_demo_borough(database, DEMO_INCIDENTS, 1, progress), done,
            parent=self, label="Loading the demo borough (synthetic people) ...")

    def update_title(self) -> None:
        def show(area_name: str) -> None:
            self.setWindowTitle(f"SCS Victims \u2014 {area_name} \u2014 {self.context.location}")

        database = self.context.database

        def read(_progress: object) -> str:
            with database.session() as session:
                return load_area(session).area_name

        self.setWindowTitle(f"SCS Victims \u2014 {self.context.location}")
        self.context.operations.run(read, show, parent=self)

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
        page = settings.value("window/page", 0)
        row = int(page) if isinstance(page, int | str) and str(page).isdigit() else 0
        self.navigation.setCurrentRow(min(max(row, 0), len(self.pages) - 1))

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/page", self.navigation.currentRow())
        for _title, page in self.pages:
            if hasattr(page, "save_state"):
                page.save_state()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_state()
        self.context.operations.cancel_all()
        self.context.operations.wait_for_done()
        super().closeEvent(event)
