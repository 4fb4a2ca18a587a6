"""Merge two people: compare them side by side, choose the record to keep, merge, and see
what changed (with an undo at hand). Comparing is opening both (recorded as views); a
restricted person this user may not see is compared by counts only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import people
from scs_victims.services.people import MergeResult, UnmergeResult
from scs_victims.services.person_timeline import PersonProfile
from ui.context import AppContext
from ui.people.detail import Confirm, ask, describe_unmerge
from ui.widgets import uk_date

ROWS = ("Name", "Date of birth", "Gender", "Ethnicity", "Reference", "Addresses known", "ASB",
        "Burglary", "DV", "As perpetrator", "Last incident", "Already merged with")


def _values(profile: PersonProfile) -> dict[str, str]:
    return {
        "Name": profile.name,
        "Date of birth": uk_date(profile.date_of_birth)
        + (f" (age {profile.age})" if profile.age is not None else ""),
        "Gender": (profile.gender or "").capitalize(),
        "Ethnicity": profile.ethnicity or "",
        "Reference": profile.reference or "",
        "Addresses known": "\n".join(address.text for address in profile.addresses),
        "ASB": str(profile.counts["asb"]),
        "Burglary": str(profile.counts["burglary"]),
        "DV": str(profile.counts["dv"]),
        "As perpetrator": str(profile.perpetrator_incidents),
        "Last incident": uk_date(profile.last_incident),
        "Already merged with": ", ".join(f"person {member}" for member in profile.member_ids),
    }


class MergeDialog(QDialog):
    def __init__(self, context: AppContext, first_id: int, second_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.ids = (first_id, second_id)
        self.profiles: tuple[PersonProfile, PersonProfile] | None = None
        self.result: MergeResult | None = None
        self.confirm: Confirm = ask
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Merge two people")
        self.setObjectName("mergePeople")
        self._build()
        self._load()

    def _build(self) -> None:
        intro = QLabel("Merging makes every figure count these two records as one person. "
                       "Choose the record to keep; the other's incidents are linked to it. "
                       "A merge can be undone.")
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        self.keep_group = QButtonGroup(self)
        self.keep_buttons: list[QRadioButton] = []
        for column, (mnemonic, person_id) in enumerate(zip(("&1", "&2"), self.ids,
                                                          strict=True), start=1):
            button = QRadioButton(f"Keep record {mnemonic} (person {person_id})")
            button.setAccessibleName(f"Keep person {person_id}")
            self.keep_group.addButton(button, column - 1)
            self.keep_buttons.append(button)
            grid.addWidget(button, 0, column)
        self.keep_buttons[0].setChecked(True)
        self.cells: list[dict[str, QLabel]] = [{}, {}]
        for row, name in enumerate(ROWS, start=1):
            title = QLabel(f"{name}:")
            title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(title, row, 0)
            for side in (0, 1):
                cell = QLabel("...")
                cell.setWordWrap(True)
                cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                cell.setAccessibleName(f"{name} of record {side + 1}")
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.cells[side][name] = cell
                grid.addWidget(cell, row, side + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Result")
        self.merge_button = QPushButton("&Merge")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        self.undo_button = QPushButton("&Undo merge...")
        self.undo_button.clicked.connect(self.undo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.undo_button.hide()  # after addButton, which shows it
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.resize(760, 480)

    def _load(self) -> None:
        user, (first, second) = self.context.user, self.ids
        self.context.operations.run(lambda _progress: people.compare_people(user, first, second),
                                    self._show, parent=self)

    def _show(self, profiles: tuple[PersonProfile, PersonProfile]) -> None:
        self.profiles = profiles
        for side, profile in enumerate(profiles):
            for name, text in _values(profile).items():
                self.cells[side][name].setText(text or "\u2014")
        self.merge_button.setEnabled(self.result is None)

    def kept_and_merged(self) -> tuple[int, int]:
        keep = max(self.keep_group.checkedId(), 0)
        return self.ids[keep], self.ids[1 - keep]

    def merge(self) -> None:
        kept, merged = self.kept_and_merged()
        user = self.context.user

        def done(result: MergeResult) -> None:
            self.result = result
            moved = len(result.moved_ids)
            also = f" (and {moved} record{'s' if moved != 1 else ''} merged into it)" \
                if moved else ""
            self.result_label.setText(
                f"Merged: person {result.merged_id}{also} is now counted as person "
                f"{result.kept_id}. {result.incidents_relinked} incident(s) relinked, "
                f"{result.flags_changed} repeat flag(s) changed.")
            self.merge_button.setEnabled(False)
            for button in self.keep_buttons:
                button.setEnabled(False)
            self.undo_button.show()

        self.merge_button.setEnabled(False)
        self.context.operations.run(lambda _progress: people.merge_people(user, kept, merged),
                                    done, parent=self, label="Merging ...",
                                    on_failure=self._failed)

    def _failed(self, _error: BaseException) -> bool:
        self.merge_button.setEnabled(self.result is None)
        return False  # the operations layer shows it

    def undo(self) -> None:
        if self.result is None or not self.confirm(
                self, "Undo this merge? The two records become separate people again."):
            return
        merge_id = self.result.merge_id
        user = self.context.user

        def done(result: UnmergeResult) -> None:
            self.result = None
            self.result_label.setText(describe_unmerge(result))
            self.undo_button.hide()
            for button in self.keep_buttons:
                button.setEnabled(True)
            self.merge_button.setEnabled(True)

        self.context.operations.run(lambda _progress: people.unmerge_people(user, merge_id),
                                    done, parent=self, label="Undoing the merge ...")
