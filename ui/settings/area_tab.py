"""Settings > Area: the area's name, the protective marking, and the targets and baselines."""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import settings as settings_actions
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.errors import UserError
from scs_victims.settings import AreaSettings
from ui.context import AppContext

MEASURES = (("repeat_victim_rate", "Repeat victim rate"),
            ("repeat_incident_rate", "Repeat incident rate"))
MAX_AREA_NAME = 120
# AreaSettings fields holding percentages per measure, in the order shown.
RATE_FIELDS = tuple(name for name in ("targets", "baselines")
                    if name in {item.name for item in fields(AreaSettings)})


def parse_population(text: str) -> tuple[int | None, str | None]:
    """A head count, thousands separators allowed; blank for not known."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None, None
    if not cleaned.isdigit() or int(cleaned) == 0:
        return None, "must be a whole number above 0, or blank when not known"
    return int(cleaned), None


def parse_percent(text: str) -> tuple[float | None, str | None]:
    cleaned = text.strip().removesuffix("%").strip()
    if not cleaned:
        return None, None
    try:
        value = float(cleaned)
    except ValueError:
        return None, "is not a number"
    if not 0 <= value <= 100:
        return None, "must be between 0 and 100"
    return value, None


class AreaTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.area: AreaSettings | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Area name")
        self.marking_edit = QLineEdit()
        self.marking_edit.setAccessibleName("Protective marking")
        self.name_error = QLabel()
        self.name_error.setWordWrap(True)
        self.name_error.setObjectName("areaNameError")
        self.name_error.setVisible(False)
        form = QFormLayout()
        name_label = QLabel("Area &name:")
        name_label.setBuddy(self.name_edit)
        marking_label = QLabel("Protective &marking:")
        marking_label.setBuddy(self.marking_edit)
        form.addRow(name_label, self.name_edit)
        form.addRow(self.name_error)
        form.addRow(marking_label, self.marking_edit)
        # The SafeLives return's cases per 10,000 adult females (MARAC) needs it.
        self.population_edit = QLineEdit()
        self.population_edit.setAccessibleName("Female population aged 16+")
        self.population_edit.setPlaceholderText("blank when not known")
        self.population_edit.setMaximumWidth(160)
        self.population_error = QLabel()
        self.population_error.setWordWrap(True)
        self.population_error.setVisible(False)
        population_label = QLabel("&Female population aged 16+:")
        population_label.setBuddy(self.population_edit)
        form.addRow(population_label, self.population_edit)
        form.addRow(self.population_error)
        self.rate_edits: dict[tuple[str, str], QLineEdit] = {}
        rates = QGroupBox("Targets" + (" and baselines" if "baselines" in RATE_FIELDS else "")
                          + " (%, blank for none)")
        grid = QGridLayout(rates)
        for column, field_name in enumerate(RATE_FIELDS, start=1):
            grid.addWidget(QLabel(f"<b>{field_name[:-1].capitalize()}</b>"), 0, column)
        row = 1
        for crime_type in CRIME_TYPES:
            for measure, measure_label in MEASURES:
                key = f"{crime_type.value}_{measure}"
                text = f"{crime_type.label}: {measure_label.lower()}"
                grid.addWidget(QLabel(text), row, 0)
                for column, field_name in enumerate(RATE_FIELDS, start=1):
                    edit = QLineEdit()
                    edit.setAccessibleName(f"{field_name[:-1].capitalize()} for {text}")
                    edit.setMaximumWidth(120)
                    grid.addWidget(edit, row, column)
                    self.rate_edits[(field_name, key)] = edit
                row += 1
        grid.setColumnStretch(len(RATE_FIELDS) + 1, 1)
        self.rates_error = QLabel()
        self.rates_error.setWordWrap(True)
        self.rates_error.setVisible(False)
        self.save_button = QPushButton("&Save area settings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rates)
        layout.addWidget(self.rates_error)
        layout.addLayout(buttons)
        layout.addStretch(1)
        # Read-only for a role that may not change settings (the action refuses anyway).
        self.editable = context.user.can(Permission.CHANGE_SETTINGS)
        if not self.editable:
            for edit in (self.name_edit, self.marking_edit, self.population_edit,
                         *self.rate_edits.values()):
                edit.setEnabled(False)
            self.save_button.setVisible(False)

    def load(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: settings_actions.area(user), self._show,
                                    parent=self, latest_key="settings-area")

    def _show(self, area: AreaSettings) -> None:
        self.area = area
        self.name_edit.setText(area.area_name)
        self.marking_edit.setText(area.protective_marking)
        population = area.female_population_16_plus
        self.population_edit.setText("" if population is None else f"{population:,}")
        for (field_name, key), edit in self.rate_edits.items():
            value = getattr(area, field_name).get(key)
            edit.setText("" if value is None else f"{value:g}")

    def _set_error(self, label: QLabel, edit: QLineEdit | None, message: str) -> None:
        label.setText(message)
        label.setVisible(bool(message))
        if edit is not None:
            # Marked with text beside it, not by colour alone.
            edit.setProperty("invalid", bool(message))
            edit.setAccessibleDescription(message)

    def save(self) -> None:
        if self.area is None:
            return
        self.status.setText("")
        name = self.name_edit.text().strip()
        problem = ("The area needs a name." if not name else
                   f"The area name can be at most {MAX_AREA_NAME} characters."
                   if len(name) > MAX_AREA_NAME else "")
        self._set_error(self.name_error, self.name_edit, problem)
        values: dict[str, dict[str, float]] = {name_: {} for name_ in RATE_FIELDS}
        rate_problem = ""
        for (field_name, key), edit in self.rate_edits.items():
            value, why = parse_percent(edit.text())
            if why and not rate_problem:
                rate_problem = f"{edit.accessibleName()} {why}."
                edit.setFocus()
            if value is not None:
                values[field_name][key] = value
        self._set_error(self.rates_error, None, rate_problem)
        population, why = parse_population(self.population_edit.text())
        self._set_error(self.population_error, self.population_edit,
                        f"The female population aged 16+ {why}." if why else "")
        if why:
            self.population_edit.setFocus()
        if problem:
            self.name_edit.setFocus()
        if problem or rate_problem or why:
            return
        area = replace(self.area, area_name=name,
                       protective_marking=self.marking_edit.text().strip(),
                       female_population_16_plus=population, **values)
        user = self.context.user

        def saved(stored: AreaSettings) -> None:
            self.area = stored
            self.status.setText("Saved.")
            self.context.signals.settings_changed.emit()

        def refused(error: BaseException) -> bool:
            if isinstance(error, UserError):
                self.status.setText(str(error))
                return True
            return False

        self.context.operations.run(lambda _progress: settings_actions.save_area(user, area),
                                    saved, parent=self, on_failure=refused)
