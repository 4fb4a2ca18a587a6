"""The import wizard's values page: for each column whose values we translate (crime type,
and gender, relationship and source when the file has them), their values with a count of
rows each, beside the value of ours each becomes, or "leave these rows out"."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWizardPage,
)

from scs_victims.actions import profiles
from scs_victims.errors import Cancelled, UserError
from scs_victims.importing.mapping import VALUE_CHOICES, suggest_value
from scs_victims.importing.preview import ColumnValues
from scs_victims.importing.profile import ANY_VALUE, SKIP, Profile, refusal
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.importer.file_pages import message_label, say
from ui.importer.progress_panel import ProgressPanel
from ui.importer.state import ImportState, counted
from ui.importer.values_model import (
    AS_WRITTEN,
    BLANK,
    OURS,
    ROWS,
    VALUE,
    ValueChoice,
    ValueChoicesModel,
)

LEAVE_OUT = "leave these rows out"


def choices_of(column: str) -> list[tuple[str, str]]:
    """(label, target) of each choice for a value of ``column``."""
    return [("(as written)", AS_WRITTEN), *((value, value) for value in VALUE_CHOICES[column]),
            (LEAVE_OUT, SKIP)]


def _default(column: str) -> str:
    """What a value we cannot place becomes: a crime type we do not record is left out
    (an extract holds other crime types); any other value goes to our checks as written."""
    return SKIP if column == "crime_type" else AS_WRITTEN


def _ours(column: str, target: str) -> str:
    """A saved translation's target as one of the page's choices."""
    if target.strip().casefold() == SKIP:
        return SKIP
    if target in VALUE_CHOICES[column]:
        return target
    return suggest_value(column, target) or AS_WRITTEN


def initial_rows(column: str, values: ColumnValues, table: dict[str, str]
                 ) -> list[ValueChoice]:
    """The rows of one column's table: each of their values with the target the profile
    gives it (``table``), else a guess; then every other value, then blank cells."""
    folded = {key.strip().casefold(): _ours(column, target) for key, target in table.items()}
    star = folded.pop(ANY_VALUE, None)
    rows: list[ValueChoice] = []
    for value, count in values.counts:
        if table:
            target = folded.get(value.strip().casefold(), star or AS_WRITTEN)
        else:
            target = suggest_value(column, value) or _default(column)
        rows.append(ValueChoice(value, count, target))
    rows.append(ValueChoice(ANY_VALUE, values.other_rows,
                            star if star is not None else
                            AS_WRITTEN if table else _default(column)))
    if values.blank:
        rows.append(ValueChoice(BLANK, values.blank, AS_WRITTEN))
    return rows


class ValuesPage(QWizardPage):
    def __init__(self, context: AppContext, state: ImportState) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.setTitle("Translate their values")
        self.setSubTitle("Each value in your file, the number of rows with it, and what SCS "
                         "Victims stores for it. Rows left out are counted in the summary; "
                         "they are not errors.")
        self.progress = ProgressPanel()
        self.progress.setVisible(False)
        self.status = message_label("valuesStatus")
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Columns whose values are translated")
        self.warning = message_label("valuesWarning")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.warning)
        self.models: dict[str, ValueChoicesModel] = {}
        self.combos: dict[str, list[QComboBox]] = {}

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        profile, path = self.state.profile, self.state.path
        if profile is None or path is None:
            return
        if self.state.values is not None and self.state.values_for == counted(profile):
            self._show(self.state.values)
            return
        self.state.values = None
        self._clear()
        say(self.status, [])
        user = self.context.user
        key = counted(profile)

        def work(progress: ProgressCallback) -> dict[str, ColumnValues]:
            return profiles.distinct_values(user, path, profile, list(VALUE_CHOICES), progress)

        def counted_values(values: dict[str, ColumnValues]) -> None:
            self.progress.finish()
            if self.state.profile is None or counted(self.state.profile) != key:
                return  # the columns changed meanwhile
            self.state.values, self.state.values_for = values, key
            self._show(values)

        def failed(error: BaseException) -> bool:
            self.progress.finish()
            if isinstance(error, Cancelled):
                say(self.status, ["Reading the values was cancelled: go back and on again to "
                                  "read them."])
                return True
            if isinstance(error, UserError):
                say(self.status, [str(error), *map(str, getattr(error, "errors", []))])
                return True
            return False

        task = self.context.operations.run(work, counted_values, parent=self,
                                           on_failure=failed)
        self.progress.follow(task, f"Reading the values of {path.name}\u2026")
        self.completeChanged.emit()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.progress.cancel()

    def _clear(self) -> None:
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.models, self.combos = {}, {}

    def _show(self, values: dict[str, ColumnValues]) -> None:
        profile = self.state.profile
        assert profile is not None
        self._clear()
        for column, counts in values.items():
            model = ValueChoicesModel(self)
            model.set_choices(initial_rows(column, counts, profile.values.get(column, {})),
                              choices_of(column))
            model.dataChanged.connect(self._changed)
            table = self._table(column, model)
            their = profile.columns.get(column, column)
            self.tabs.addTab(table, f"{column} ({their})")
            self.models[column] = model
        total = sum(counts.blank + counts.other_rows + sum(rows for _v, rows in counts.counts)
                    for counts in values.values())
        say(self.status, [] if total else ["The file has no rows to translate."])
        self._changed()
        self.completeChanged.emit()

    def _table(self, column: str, model: ValueChoicesModel) -> QTableView:
        table = QTableView()
        table.setObjectName(f"values_{column}")
        table.setAccessibleName(f"Values of {column}")
        table.setModel(model)
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = table.horizontalHeader()
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ROWS, QHeaderView.ResizeMode.ResizeToContents)
        table.setColumnWidth(OURS, 220)
        combos: list[QComboBox] = []
        for row, choice in enumerate(model.rows):
            if choice.value == BLANK:
                continue
            combo = self._combo(column, model, row, choice)
            table.setIndexWidget(model.index(row, OURS), combo)
            combos.append(combo)
        self.combos[column] = combos
        return table

    def _combo(self, column: str, model: ValueChoicesModel, row: int,
               choice: ValueChoice) -> QComboBox:
        combo = QComboBox()
        shown = "all other values" if choice.value == ANY_VALUE else f"'{choice.value}'"
        combo.setObjectName(f"value_{column}_{row}")
        combo.setAccessibleName(f"Our {column} for {shown}")
        for label, target in model.choices:
            combo.addItem(label, target)
        combo.setCurrentIndex(max(0, combo.findData(choice.target)))

        def chosen(_index: int) -> None:
            model.setData(model.index(row, OURS), combo.currentData())

        combo.currentIndexChanged.connect(chosen)
        return combo

    def combo_for(self, column: str, value: str) -> QComboBox:
        """The combo of their ``value`` (as listed) of ``column``: for tests and shortcuts."""
        model = self.models[column]
        for row, choice in enumerate(model.rows):
            if choice.value == value:
                widget = self.tabs.widget(list(self.models).index(column))
                assert isinstance(widget, QTableView)
                combo = widget.indexWidget(model.index(row, OURS))
                assert isinstance(combo, QComboBox)
                return combo
        raise KeyError(value)

    def _changed(self, *_args: Any) -> None:
        lines = []
        for column, model in self.models.items():
            refused = [(choice.value, choice.rows) for choice in model.rows
                       if choice.target == AS_WRITTEN and choice.value not in (ANY_VALUE, BLANK)
                       and refusal("incidents", column, choice.value) is not None]
            if refused:
                rows = sum(count for _value, count in refused)
                names = ", ".join(f"'{value}'" for value, _count in refused[:5])
                lines.append(f"{rows:,} row{'s' if rows != 1 else ''} of {column} have a "
                             f"value SCS Victims does not accept ({names}): choose ours, or "
                             "leave them out, or the check will refuse them.")
        say(self.warning, lines)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.state.values is not None

    def profile(self) -> Profile:
        """The profile with this page's translations (values of other columns kept)."""
        profile = self.state.profile
        assert profile is not None
        values = {column: table for column, table in profile.values.items()
                  if column not in self.models}
        for column, model in self.models.items():
            table = model.translations()
            if table:
                values[column] = table
        return dataclasses.replace(profile, values=values)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        self.state.profile = self.profile()
        return True
