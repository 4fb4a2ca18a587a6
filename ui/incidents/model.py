"""The Incidents table's model: every matching id, and display rows fetched a page at a time.

A new filter or search is one background call (``incidents.list_incidents``, recorded as a
search): the count, the ids in order and the first page's rows, so the first rows show after
one round trip. When a search matches many incidents, that call stops after the first page
and a second one reads the full id list; rows below the first page show an ellipsis until it
arrives.
Other rows are read only for the pages the view asks about, in the background, and kept in a
bounded cache. A row not yet read shows an ellipsis until its page arrives.
"""

from __future__ import annotations

import dataclasses
import logging
from array import array
from collections import OrderedDict
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from scs_victims.actions import incidents
from scs_victims.errors import Cancelled
from scs_victims.progress import ProgressCallback
from scs_victims.services.incident_directory import (
    IncidentListing,
    IncidentQuery,
    IncidentRow,
    crime_type_label,
)
from scs_victims.services.search_copy import IncidentSearchCopy
from ui.context import AppContext
from ui.operations import Task, current_task_cancelled
from ui.widgets import uk_date

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 60  # 12,000 rows cached at most; scrolling far away drops the oldest pages
PENDING = "…"

# Column title and its sort key in the core (None: the column cannot be sorted).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Reference", "reference"), ("Date", "date"), ("Type", "type"), ("Victim", "victim"),
    ("Perpetrator", None), ("Address", None), ("Ward", "ward"), ("Source", None),
    ("Repeat", "repeat"), ("Previous", None),
)  # fmt: skip
COLUMN_INDEX = {title: index for index, (title, _) in enumerate(COLUMNS)}

_Index = QModelIndex | QPersistentModelIndex


def _cell(row: IncidentRow, column: int) -> str:
    if not row.crime_type:  # deleted since the list was read
        return row.reference if column == 0 else ""
    match column:
        case 0:
            return row.reference
        case 1:
            when = uk_date(row.occurred_on)
            return f"{when} {row.occurred_time:%H:%M}" if row.occurred_time else when
        case 2:
            return crime_type_label(row.crime_type)
        case 3:
            return row.victim or ""
        case 4:
            return row.perpetrator or ""
        case 5:
            return row.address or ""
        case 6:
            return row.ward or ""
        case 7:
            return (row.source or "").capitalize()
        case 8:
            return "Repeat" if row.is_repeat else ""
        case _:
            return row.previous_reference or ""


class IncidentsTableModel(QAbstractTableModel):
    """Rows are positions in ``ids``; ``_pages`` maps a page number to its fetched rows.

    ``generation`` grows with every new id list, so pages fetched for an older list are
    dropped when they arrive."""

    loaded = Signal(int)  # a new id list is in place: how many incidents match
    failed = Signal()

    def __init__(self, context: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._context = context
        self.query = IncidentQuery()
        self.ids: array[int] = array("q")  # the first ``total`` ids, or all of them
        self.total = 0
        self._pages: OrderedDict[int, list[IncidentRow]] = OrderedDict()
        self._requested: set[int] = set()
        self._wanted: set[int] = set()
        self.generation = 0
        self.loading = False
        self.active = False  # no ids are read until the page first asks (lazy loading)
        self._rest: Task[array[int]] | None = None  # the rest of a long search's ids
        # Every reference and date in memory, for searches (services.search_copy); loaded
        # after the first list is shown, dropped and loaded again whenever the data may have
        # changed.
        self.search_copy: IncidentSearchCopy | None = None
        self._copy_wanted = 0  # bumped on each change: an older load is stale
        self._copy_loading = False
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)

    # Qt model -----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][1] is None:
                return f"{COLUMNS[section][0]}: not sortable"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.total:
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.AccessibleTextRole):
            return None
        row = self.row_at(index.row())
        if row is None:
            self._want(index.row() // PAGE_SIZE)
            return PENDING if role != Qt.ItemDataRole.ToolTipRole else "Loading…"
        text = _cell(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() in (8, 9) and row.is_repeat:
                return f"Repeat: the previous incident was {row.previous_reference}"
            return text or None
        if role == Qt.ItemDataRole.AccessibleTextRole and index.column() == 8:
            return "Repeat" if row.is_repeat else "Not a repeat"
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][1]
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.query.sort and descending == self.query.descending:
            return
        query = dataclasses.replace(self.query, sort=key, descending=descending)
        if self.active:
            self.set_query(query)
        else:  # the header restoring a saved sort before the page is first shown
            self.query = query

    # Ids and rows -------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_at(self, row: int) -> IncidentRow | None:
        page = self._pages.get(row // PAGE_SIZE)
        return None if page is None else page[row % PAGE_SIZE]

    def position_of(self, incident_id: int) -> int | None:
        # A scan in C, once per new list: a dict of a million positions would cost 100 MB.
        try:
            return self.ids.index(incident_id)
        except ValueError:
            return None

    def set_query(self, query: IncidentQuery) -> None:
        """Ask for the ids of a new filter or order (the newest request wins)."""
        self.query = query
        self.loading = True
        self.active = True
        if self._rest is not None:
            self._rest.cancel()  # the ids of the previous search are not wanted any more
        user = self._context.user
        search_copy = self.search_copy

        def work(_progress: ProgressCallback) -> IncidentListing:
            # Overtaken by more typing: stop inside SQLite rather than compete with the new
            # search for the cores.
            return incidents.list_incidents(user, query, PAGE_SIZE, search_copy,
                                            stop=current_task_cancelled)

        def failed(_error: BaseException) -> bool:
            self.loading = False
            self.failed.emit()
            return False  # the operations layer still tells the user

        self._context.operations.run(work, self._set_listing, on_failure=failed,
                                     latest_key=f"incident-ids-{id(self)}")

    def reload(self) -> None:
        """After a change: the list again, and a fresh search copy after it."""
        self.search_copy = None
        self._copy_wanted += 1
        self.set_query(self.query)

    def _load_search_copy(self) -> None:
        if self.search_copy is not None or self._copy_loading:
            return
        self._copy_loading = True
        wanted = self._copy_wanted
        user = self._context.user

        def work(_progress: ProgressCallback) -> IncidentSearchCopy:
            return incidents.load_search_copy(user)

        def loaded(search_copy: IncidentSearchCopy) -> None:
            self._copy_loading = False
            if wanted == self._copy_wanted:
                self.search_copy = search_copy
            else:
                self._load_search_copy()  # changed meanwhile: this copy may be stale

        def failed(error: BaseException) -> bool:
            self._copy_loading = False
            # Searches still work without the copy, only slower: logged, not shown.
            log.warning("The search copy of the incidents could not be loaded: %s",
                        type(error).__name__)
            return True

        self._context.operations.run(work, loaded, on_failure=failed)

    def _set_listing(self, listing: IncidentListing) -> None:
        self.beginResetModel()
        self.ids = listing.ids
        self.total = listing.total
        self._pages.clear()
        self._requested.clear()
        self._wanted.clear()
        self.generation += 1
        if listing.rows:
            first = listing.ids[:PAGE_SIZE].tolist()
            by_id = {row.id: row for row in listing.rows}
            self._pages[0] = [by_id.get(value) or _gone(value) for value in first]
        self.endResetModel()
        self.loading = False
        self.loaded.emit(listing.total)
        if not listing.complete:
            self._fetch_all_ids()
        self._load_search_copy()

    def _fetch_all_ids(self) -> None:
        """The rest of a long search's ids (the first page is already shown)."""
        generation = self.generation
        query = self.query
        user = self._context.user

        def work(_progress: ProgressCallback) -> array[int]:
            return incidents.incident_ids(user, query, stop=current_task_cancelled)

        def stopped(error: BaseException) -> bool:
            return isinstance(error, Cancelled)  # by a newer search: nobody is waiting

        def arrived(ids: array[int]) -> None:
            if generation != self.generation:
                return
            if len(ids) != self.total or ids[:len(self.ids)] != self.ids:
                # Written to in between: show the list as it is now.
                self._set_listing(IncidentListing(ids, len(ids), [], True))
                return
            self.ids = ids
            self._fetch_timer.start()  # pages asked for meanwhile

        self._rest = self._context.operations.run(work, arrived, on_failure=stopped,
                                                  latest_key=f"incident-rest-{id(self)}")

    def _want(self, page: int) -> None:
        if page in self._requested or page in self._pages:
            return
        self._wanted.add(page)
        # Coalesce: every cell painted in one pass asks at once; one fetch serves them all.
        self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        # A page whose ids have not arrived yet waits for them (see _fetch_all_ids).
        known = {page for page in self._wanted
                 if min((page + 1) * PAGE_SIZE, self.total) <= len(self.ids)}
        pages = sorted(known - self._requested)
        self._wanted -= known
        if not pages:
            return
        self._requested.update(pages)
        generation = self.generation
        slices = {page: self.ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE].tolist()
                  for page in pages}
        user = self._context.user

        def work(_progress: ProgressCallback) -> dict[int, list[IncidentRow]]:
            wanted = [value for chunk in slices.values() for value in chunk]
            found = {row.id: row for row in incidents.incident_rows(user, wanted)}
            return {page: [found[value] for value in chunk if value in found]
                    for page, chunk in slices.items()}

        def arrived(result: dict[int, list[IncidentRow]]) -> None:
            self._store(generation, slices, result)

        def failed(_error: BaseException) -> bool:
            if generation == self.generation:
                self._requested.difference_update(pages)
            return False

        self._context.operations.run(work, arrived, on_failure=failed)

    def _store(self, generation: int, slices: dict[int, list[int]],
               result: dict[int, list[IncidentRow]]) -> None:
        if generation != self.generation:
            return
        for page, chunk in slices.items():
            self._requested.discard(page)
            by_id = {row.id: row for row in result.get(page, [])}
            # An incident deleted since the ids were read has no row: it stays blank.
            self._pages[page] = [by_id.get(value) or _gone(value) for value in chunk]
            self._pages.move_to_end(page)
            first = page * PAGE_SIZE
            last = min(first + len(chunk), len(self.ids)) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)


def _gone(incident_id: int) -> IncidentRow:
    return IncidentRow(id=incident_id, reference="(deleted)", occurred_on=date.min,
                       occurred_time=None, crime_type="", category=None, victim=None,
                       perpetrator=None, address=None, ward=None, source=None,
                       is_repeat=False, previous_reference=None)
