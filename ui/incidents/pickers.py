"""Search-as-you-type pickers for the incident form: an existing person, a known address.

Each picker is a line edit whose completer is fed by a background look-up (``lookups``,
recorded as a search); choosing a result fills the fields below it, which stay editable.
Typing new details instead makes a new person or address when the incident is saved (the
core links by key, definitions §2). A restricted person the user may not see is listed as
"Restricted record"; choosing them asks for a reason first, then gives their details.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from scs_victims.actions import lookups
from scs_victims.actions.base import SignedIn
from scs_victims.progress import ProgressCallback
from scs_victims.services.lookups import AddressMatch, PersonMatch
from ui.context import AppContext
from ui.people.restricted import open_with_reason
from ui.widgets import uk_date

SEARCH_PAUSE_MS = 150
MIN_CHARACTERS = 2
_MATCH_ROLE = Qt.ItemDataRole.UserRole + 1

M = TypeVar("M", PersonMatch, AddressMatch)


def person_label(match: PersonMatch) -> str:
    parts = [match.name]
    if match.date_of_birth:
        parts.append(f"born {uk_date(match.date_of_birth)}")
    if match.reference:
        parts.append(f"ref {match.reference}")
    if match.key_postcode:
        parts.append(match.key_postcode)
    return " · ".join(parts)


class _Picker(QObject, Generic[M]):
    """A search line edit with a completer listing matches found in the background.

    ``chosen`` carries the match picked (by mouse, or arrow keys and Enter)."""

    chosen = Signal(object)
    results_shown = Signal(int)

    def __init__(self, context: AppContext, edit: QLineEdit,
                 search: Callable[[SignedIn, str], list[M]], label: Callable[[M], str]) -> None:
        super().__init__(edit)
        self._context = context
        self._search: Callable[[SignedIn, str], list[M]] = search
        self._label: Callable[[M], str] = label
        self.edit = edit
        self.matches: list[M] = []
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(10)
        self.completer.setWidget(edit)
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_PAUSE_MS)
        self._timer.timeout.connect(self.search_now)
        edit.textEdited.connect(lambda _text: self._timer.start())

    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        if len(text) < MIN_CHARACTERS:
            self._show([])
            return
        user, search = self._context.user, self._search

        def work(_progress: ProgressCallback) -> list[M]:
            return search(user, text)

        self._context.operations.run(work, self._show, parent=self.edit,
                                     latest_key=f"picker-{id(self)}")

    def _show(self, matches: list[M]) -> None:
        self.matches = matches
        self.model.clear()
        for position, match in enumerate(matches):
            item = QStandardItem(self._label(match))
            item.setData(position, _MATCH_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if matches and self.edit.hasFocus():
            self.completer.complete()
        elif not matches and self.completer.popup() is not None:
            self.completer.popup().hide()  # type: ignore[union-attr]
        self.results_shown.emit(len(matches))

    def _activated(self, index: QModelIndex) -> None:
        position = index.data(_MATCH_ROLE)
        if isinstance(position, int) and 0 <= position < len(self.matches):
            self.choose(self.matches[position])

    def choose(self, match: M) -> None:
        # The completer has just put the label in the edit; the search box is cleared so the
        # fields below carry the choice.
        QTimer.singleShot(0, self.edit.clear)
        if isinstance(match, PersonMatch) and match.hidden:
            # A restricted record: its details come only with a reason.
            user, person_id = self._context.user, match.id
            open_with_reason(self._context, self.edit,
                             lambda: lookups.person_for_form(user, person_id), self.chosen.emit)
            return
        self.chosen.emit(match)


def person_picker(context: AppContext, edit: QLineEdit) -> _Picker[PersonMatch]:
    return _Picker(context, edit, lookups.find_people, person_label)


def address_picker(context: AppContext, edit: QLineEdit) -> _Picker[AddressMatch]:
    return _Picker(context, edit, lookups.find_addresses, lambda match: match.label)


def search_edit(placeholder: str, name: str, parent: QWidget | None = None) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setClearButtonEnabled(True)
    return edit


__all__ = ["address_picker", "person_label", "person_picker", "search_edit"]
