"""Settings > Rules: the look-back windows and thresholds of the definitions. Changing a
window recomputes every repeat flag, with progress and Cancel."""

from __future__ import annotations

from dataclasses import asdict, fields

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import settings as settings_actions
from scs_victims.actions.changes import Changed
from scs_victims.actions.permissions import Permission
from scs_victims.errors import Cancelled, UserError
from scs_victims.progress import ProgressCallback
from scs_victims.services.rules import DASH_THRESHOLD_MAX, RulesChange
from scs_victims.settings import RuleSettings
from ui.context import AppContext
from ui.settings.labels import wrapped_label

# (group title, [(field, label)]) in the order of definitions §3 and §5.
GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Repeat look-back windows", (
        ("window_months_asb", "&ASB"),
        ("window_months_burglary", "Domestic bur&glary"),
        ("window_months_dv", "&Domestic abuse"),
    )),
    ("ASB case review threshold", (
        ("asb_review_complaints", "&Complaints"),
        ("asb_review_within_months", "With&in"),
        ("asb_review_reported_within_months", "Each &reported within"),
        ("asb_review_community_people", "Community: &people"),
        ("asb_review_community_within_months", "Community: wi&thin"),
    )),
    ("Domestic abuse potential escalation", (
        ("dv_escalation_incidents", "Incident&s"),
        ("dv_escalation_within_months", "Withi&n"),
        ("dv_escalation_police_only", "Count police-reported incidents &only"),
    )),
    ("MARAC", (
        ("marac_dash_threshold", "DASH high-risk thres&hold"),
        ("marac_repeat_victim_only", "Repeat referral: &key on the victim alone"),
    )),
)
MAX_VALUE = 240


class RulesTab(QWidget):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.rules: RuleSettings | None = None
        self.inputs: dict[str, QSpinBox | QCheckBox] = {}
        kinds = {item.name: item.type for item in fields(RuleSettings)}
        layout = QVBoxLayout(self)
        for title, items in GROUPS:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            for name, label in items:
                plain = label.replace("&", "")
                if kinds[name] in (bool, "bool"):
                    check = QCheckBox(label)
                    check.setAccessibleName(plain)
                    form.addRow("", check)
                    self.inputs[name] = check
                    continue
                spin = QSpinBox()
                spin.setRange(1, DASH_THRESHOLD_MAX if name == "marac_dash_threshold"
                              else MAX_VALUE)
                spin.setMinimumWidth(140)
                if "months" in name:
                    spin.setSuffix(" months")
                spin.setAccessibleName(f"{title}: {plain}")
                caption = QLabel(f"{label}:")
                caption.setBuddy(spin)
                form.addRow(caption, spin)
                self.inputs[name] = spin
            layout.addWidget(box)
        self.apply_button = QPushButton("Appl&y rules")
        self.apply_button.clicked.connect(self.apply)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.apply_button)
        row.addWidget(self.status, 1)
        layout.addWidget(wrapped_label("Changing a look-back window recomputes every repeat flag; "
                                       "this can take a while on a large database."))
        layout.addLayout(row)
        layout.addStretch(1)
        # Read-only for a role that may not change settings (the action refuses anyway).
        self.editable = context.user.can(Permission.CHANGE_SETTINGS)
        if not self.editable:
            for widget in self.inputs.values():
                widget.setEnabled(False)
            self.apply_button.setVisible(False)

    def load(self) -> None:
        user = self.context.user
        self.context.operations.run(lambda _progress: settings_actions.rules(user), self._show,
                                    parent=self, latest_key="settings-rules")

    def _show(self, rules: RuleSettings) -> None:
        self.rules = rules
        for name, value in asdict(rules).items():
            widget = self.inputs[name]
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            else:
                widget.setValue(int(value))

    def changes(self) -> dict[str, int | bool]:
        if self.rules is None:
            return {}
        current = asdict(self.rules)
        chosen: dict[str, int | bool] = {
            name: widget.isChecked() if isinstance(widget, QCheckBox) else widget.value()
            for name, widget in self.inputs.items()}
        return {name: value for name, value in chosen.items() if current[name] != value}

    def apply(self) -> None:
        changes = self.changes()
        if not changes:
            self.status.setText("Nothing has changed.")
            return
        user = self.context.user

        def work(progress: ProgressCallback) -> Changed[RulesChange]:
            return settings_actions.change_rules(user, changes, progress)

        def applied(change: RulesChange) -> None:
            self._show(change.new)
            if change.recomputed:
                self.status.setText(f"Saved; every repeat flag was recomputed "
                                    f"({change.flags_changed:,} changed).")
            else:
                self.status.setText("Saved.")

        def refused(error: BaseException) -> bool:
            if isinstance(error, Cancelled):
                self.status.setText("Cancelled; the rules and flags are as they were.")
                return True
            if isinstance(error, UserError):
                self.status.setText(str(error))
                return True
            return False

        self.status.setText("")
        self.context.operations.run(work, applied, parent=self, on_failure=refused,
                                    label="Applying the new rules and recomputing repeat "
                                          "flags\u2026")
