"""The DASH risk identification checklist: its questions as data, and scoring.

The questions ship inside the package (``scs_victims/marac/dash/<version>.json``; the repository
keeps the same file under ``resources/dash/``), so an installed copy finds them without the
repository. Every assessment stores the version its answers refer to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from scs_victims.errors import InputRefused

CURRENT_VERSION = "safelives-dash-ric-2009-paraphrase-1"
ANSWERS = ("yes", "no", "dont_know")


@dataclass(frozen=True, slots=True)
class DashQuestion:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class DashQuestions:
    version: str
    title: str
    note: str  # where the wording comes from and what is still to be checked
    default_threshold: int
    answer_labels: Mapping[str, str]
    questions: tuple[DashQuestion, ...]


def available_versions() -> list[str]:
    folder = resources.files("scs_victims.marac").joinpath("dash")
    return sorted(item.name.removesuffix(".json") for item in folder.iterdir()
                  if item.name.endswith(".json"))


@cache
def load_questions(version: str = CURRENT_VERSION) -> DashQuestions:
    """The checklist of one version; refuses a version that is not shipped."""
    if version not in available_versions():
        raise InputRefused(f"There is no DASH checklist of version '{version}'.")
    text = resources.files("scs_victims.marac").joinpath("dash", f"{version}.json").read_text(
        encoding="utf-8")
    data = json.loads(text)
    questions = tuple(DashQuestion(int(item["number"]), str(item["text"]))
                      for item in data["questions"])
    return DashQuestions(version=str(data["version"]), title=str(data["title"]),
                         note=str(data["note"]),
                         default_threshold=int(data["default_threshold"]),
                         answer_labels=dict(data["answers"]), questions=questions)


def dash_score(answers: Mapping[int, str]) -> int:
    """The score of definitions §6: the number of Yes answers."""
    return sum(1 for answer in answers.values() if answer == "yes")


def check_answers(questions: DashQuestions, answers: Mapping[int, str]) -> None:
    """Refuses answers to questions the checklist does not have, or answers not allowed."""
    numbers = {question.number for question in questions.questions}
    for number, answer in answers.items():
        if number not in numbers:
            raise InputRefused(f"The DASH checklist {questions.version} has no question "
                               f"{number}.")
        if answer not in ANSWERS:
            raise InputRefused(f"Question {number}: '{answer}' is not Yes, No or Don't know.")
