"""MARAC > DASH: the risk identification checklist of the selected referral, each question
Yes / No / Don't know with the source when it is not the victim, and the score as it is
answered. The questions and their version come from the core (``marac.dash``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.changes import Changed
from scs_victims.actions.marac_cases import open_case, record_dash
from scs_victims.marac.cases import DashResult
from scs_victims.marac.dash import ANSWERS, CURRENT_VERSION, dash_score, load_questions
from scs_victims.marac.queries import DashState
from scs_victims.marac.rules import is_high_risk
from scs_victims.progress import ProgressCallback
from ui.context import AppContext
from ui.incidents.dialogs import error_label
from ui.marac.common import date_edit, read_date
from ui.widgets import uk_date

ANSWER_TEXT = {"yes": "&Yes", "no": "&No", "dont_know": "&Don't know"}


class DashTab(QWidget):
    def __init__(self, context: AppContext, today: Callable[[], date]) -> None:
        super().__init__()
        self.context = context
        self.today = today
        self.state: DashState | None = None
        self.questions = load_questions(CURRENT_VERSION)
        self.groups: dict[int, QButtonGroup] = {}
        self.sources: dict[int, QLineEdit] = {}
        self._build()
        self.show_state(None)

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Referral assessed")
        self.version = QLabel(f"Questions: {html.escape(self.questions.title)} "
                              f"(version {html.escape(self.questions.version)}). "
                              f"{html.escape(self.questions.note)}")
        self.version.setWordWrap(True)
        self.score = QLabel()
        self.score.setObjectName("dashScore")
        self.score.setAccessibleName("DASH score")
        font = self.score.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.score.setFont(font)
        self.verdict = QLabel()
        self.verdict.setObjectName("dashVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setAccessibleName("What the score means")
        self.verdict.setFrameShape(QFrame.Shape.StyledPanel)

        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setHorizontalSpacing(12)
        for column, title in enumerate(("", "Question", "Yes", "No", "Don't know",
                                        "Source, if not the victim")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        for row, question in enumerate(self.questions.questions, start=1):
            number = QLabel(f"{question.number}.")
            text = QLabel(question.text)
            text.setWordWrap(True)
            grid.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            group = QButtonGroup(self)
            for column, answer in enumerate(ANSWERS, start=2):
                button = QRadioButton()
                button.setAccessibleName(f"Question {question.number}: "
                                         f"{ANSWER_TEXT[answer].replace('&', '')}")
                button.setAccessibleDescription(question.text)
                button.setProperty("answer", answer)
                group.addButton(button)
                grid.addWidget(button, row, column, Qt.AlignmentFlag.AlignCenter)
            group.buttonToggled.connect(lambda _button, _checked: self.update_score())
            self.groups[question.number] = group
            source = QLineEdit()
            source.setAccessibleName(f"Question {question.number}: source of the information")
            source.setPlaceholderText("e.g. police, neighbour")
            source.setMaximumWidth(220)
            grid.addWidget(source, row, 5)
            self.sources[question.number] = source
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidget(grid_widget)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("DASH questions")

        self.assessed_on = date_edit("Date of the assessment", self.today())
        assessed_label = QLabel("Assessed &on:")
        assessed_label.setBuddy(self.assessed_on)
        self.error = error_label()
        self.save_button = QPushButton("&Save DASH")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton("C&lear answers")
        self.clear_button.clicked.connect(self.clear_answers)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(assessed_label)
        buttons.addWidget(self.assessed_on)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.status, 1)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.score)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.version)

    # State --------------------------------------------------------------------------------

    def set_referral(self, referral_id: int | None) -> None:
        if referral_id is None:
            self.show_state(None)
            return
        user = self.context.user
        self.context.operations.run(lambda _progress: open_case(user, referral_id),
                                    self.show_state, parent=self,
                                    latest_key=f"marac-dash-{id(self)}")

    def show_state(self, state: DashState | None) -> None:
        if state is None or self.state is None or state.referral_id != self.state.referral_id:
            self.status.clear()
            self.assessed_on.setText(uk_date(self.today()))
        self.state = state
        self.show_error("")
        self.clear_answers()
        enabled = state is not None
        for widget in (self.save_button, self.clear_button, self.assessed_on):
            widget.setEnabled(enabled)
        for group in self.groups.values():
            for button in group.buttons():
                button.setEnabled(enabled)
        for source in self.sources.values():
            source.setEnabled(enabled)
        if state is None:
            self.heading.setText("Select a referral in the Referrals tab to record its DASH "
                                 "checklist.")
            self.update_score()
            return
        previous = ("No checklist recorded yet." if state.assessed_on is None else
                    f"Showing the checklist of {uk_date(state.assessed_on)}; saving records a "
                    "new one (the earlier one is kept).")
        self.heading.setText(f"<b>{html.escape(state.reference)}</b>: "
                             f"{html.escape(state.victim_name)}. {previous}")
        for number, (answer, given_by) in state.answers.items():
            self.set_answer(number, answer)
            if number in self.sources:
                self.sources[number].setText(given_by or "")
        self.update_score()

    def set_answer(self, number: int, answer: str | None) -> None:
        group = self.groups[number]
        for button in group.buttons():
            if button.property("answer") == answer:
                button.setChecked(True)

    def answers(self) -> dict[int, str]:
        found = {}
        for number, group in self.groups.items():
            button = group.checkedButton()
            if button is not None:
                found[number] = str(button.property("answer"))
        return found

    def clear_answers(self) -> None:
        for group in self.groups.values():
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
        for source in self.sources.values():
            source.clear()
        self.update_score()

    def update_score(self) -> None:
        answers = self.answers()
        score = dash_score(answers)
        threshold = (self.state.threshold if self.state is not None
                     else self.questions.default_threshold)
        total = len(self.questions.questions)
        self.score.setText(f"Score {score} of {total}")
        unanswered = total - len(answers)
        left = f" {unanswered} question{'s' if unanswered != 1 else ''} not answered." \
            if unanswered else ""
        if is_high_risk(score, threshold):
            self.verdict.setText(
                f"<b>VISIBLE HIGH RISK</b>: {score} Yes answers, at or above the threshold of "
                f"{threshold}. The case meets the MARAC criterion and cannot be downgraded by "
                f"professional judgement.{left}")
        else:
            self.verdict.setText(
                f"Below the threshold of {threshold} ({score} Yes answers): not visible high "
                "risk. Refer on professional judgement, potential escalation or repeat if they "
                f"apply.{left}")

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # Saving -------------------------------------------------------------------------------

    def save(self) -> None:
        state = self.state
        if state is None:
            return
        self.show_error("")
        assessed_on, problem = read_date(self.assessed_on.text(), required=True)
        if problem or assessed_on is None:
            self.show_error(f"Assessed on: {problem}")
            self.assessed_on.setFocus()
            return
        answers = {number: (answer, self.sources[number].text().strip() or None)
                   for number, answer in self.answers().items()}
        if not answers:
            self.show_error("Answer at least one question before saving.")
            return
        user, version = self.context.user, self.questions.version

        def work(_progress: ProgressCallback) -> Changed[DashResult]:
            return record_dash(user, state.referral_id, answers, assessed_on=assessed_on,
                               version=version)

        def saved(result: DashResult) -> None:
            risk = "visible high risk" if result.high_risk else "below the threshold"
            self.status.setText(f"Saved: score {result.score} ({risk}, threshold "
                                f"{result.threshold}).")

        self.context.operations.run(work, saved, parent=self)
