"""One MARAC referral row of formats.md ("MARAC referrals"), checked field by field.

Every problem in a row is reported as a ``RowError`` naming the column; a row is either a
``ParsedReferral`` or a list of errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import NamedTuple

from scs_victims.domain.dates import DateFormatError, parse_date_time
from scs_victims.domain.identity import person_key
from scs_victims.errors import RowError
from scs_victims.importing.incident_rows import RELATIONSHIPS, fingerprint, victim_gender, yes_no
from scs_victims.marac.dash import CURRENT_VERSION, available_versions, load_questions
from scs_victims.marac.vocabulary import parse_agency, parse_ethnicity

REFERRAL_COLUMNS: tuple[str, ...] = (
    "referral_ref", "referral_date", "meeting_date", "victim_ref", "victim_forename",
    "victim_surname", "victim_dob", "victim_gender", "victim_ethnicity", "victim_lgbt",
    "victim_disabled", "perpetrator_ref", "perpetrator_forename", "perpetrator_surname",
    "perpetrator_dob", "relationship", "referring_agency", "dash_score", "dash_version",
    "incident_date", "professional_judgement", "children_count", "idva", "notes",
)  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = ("referral_ref", "referral_date")
MAX_LENGTHS = {"referral_ref": 100, "victim_ref": 100, "victim_forename": 100,
               "victim_surname": 100, "perpetrator_ref": 100, "perpetrator_forename": 100,
               "perpetrator_surname": 100, "idva": 200}
MAX_AGENCIES = 2
MAX_CHILDREN = 99

_Error = Callable[[str, str], None]


class ParsedReferral(NamedTuple):
    reference: str
    referral_date: date
    meeting_date: date | None
    victim_key: str
    victim_ref: str | None
    victim_forename: str | None
    victim_surname: str | None
    victim_dob: date | None
    victim_gender: str | None
    victim_ethnicity: str | None
    victim_lgbt: bool | None
    victim_disabled: bool | None
    perpetrator_key: str | None  # None: known by name only
    perpetrator_ref: str | None
    perpetrator_forename: str | None
    perpetrator_surname: str | None
    perpetrator_dob: date | None
    relationship: str | None
    agencies: tuple[str, ...]
    dash_score: int | None
    professional_judgement: bool
    children_count: int
    idva: str | None
    notes: str | None
    incident_date: date | None  # None: the referral date stands
    dash_version: str | None  # None: the default set (dash.CURRENT_VERSION)
    fingerprint: str

    def meaning(self) -> tuple[object, ...]:
        """What the fingerprint is made of: the fields up to ``notes``, then
        ``incident_date`` and ``dash_version`` only when either is given, so that a row
        without them (every file written before they existed) keeps its fingerprint."""
        if self.incident_date is None and self.dash_version is None:
            return self[:24]
        return (*self[:24], self.incident_date, self.dash_version)


def dash_version(value: str | None, error: _Error) -> str | None:
    """The DASH question set a ``dash_version`` names, as the application ships it (matched
    case-insensitively); None when blank (the default set) or not shipped (reported)."""
    if value is None:
        return None
    versions = {version.casefold(): version for version in available_versions()}
    version = versions.get(value.strip().casefold())
    if version is None:
        error("dash_version", f"'{value}' is not a DASH question set this application has "
              f"({', '.join(sorted(versions.values()))})")
    return version


@cache
def dash_questions(version: str | None) -> int:
    """How many questions a DASH set has (None: the default set): its highest score."""
    return len(load_questions(version or CURRENT_VERSION).questions)


def incident_date_problem(incident_date: date, referral_date: date) -> str | None:
    """Why a referral's incident date cannot be (None when it can): it is on or before the
    referral date (so never in the future, since the referral date is not)."""
    if incident_date > referral_date:
        return "is after the referral date"
    return None


class ReferralChecker:
    def __init__(self, columns: dict[str, int], *, today: date) -> None:
        self._index = {name: columns.get(name) for name in REFERRAL_COLUMNS}
        self._today = today

    def check(self, number: int, cells: list[str]) -> ParsedReferral | list[RowError]:
        errors: list[RowError] = []

        def error(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        text: dict[str, str | None] = {}
        for name, index in self._index.items():
            value = cells[index].strip() if index is not None else ""
            limit = MAX_LENGTHS.get(name)
            if limit is not None and len(value) > limit:
                error(name, f"is longer than {limit} characters")
                value = value[:limit]
            text[name] = value or None

        reference = text["referral_ref"]
        if reference is None:
            error("referral_ref", "is required")
        referral_date = self._date(text, "referral_date", error)
        if referral_date is None and text["referral_date"] is None:
            error("referral_date", "is required")
        meeting_date = self._date(text, "meeting_date", error, future_allowed=True)
        if meeting_date and referral_date and meeting_date < referral_date:
            error("meeting_date", f"'{text['meeting_date']}' is before the referral date")

        victim_dob = self._date(text, "victim_dob", error)
        perpetrator_dob = self._date(text, "perpetrator_dob", error)
        for name, born in (("victim_dob", victim_dob), ("perpetrator_dob", perpetrator_dob)):
            if born and referral_date and born > referral_date:
                error(name, f"'{text[name]}' is after the referral date")

        forename, surname = self._names(text, "victim", error)
        victim_key = person_key(reference=text["victim_ref"], forename=forename,
                                surname=surname, date_of_birth=victim_dob, postcode=None)
        if victim_key is None and not any(e.column.startswith("victim_") for e in errors):
            error("victim_ref", "the victim cannot be identified: give victim_ref, or "
                  "victim_forename and victim_surname with victim_dob")

        gender = victim_gender(text["victim_gender"], error)
        ethnicity = None
        if text["victim_ethnicity"] is not None:
            ethnicity = parse_ethnicity(text["victim_ethnicity"])
            if ethnicity is None:
                error("victim_ethnicity", f"'{text['victim_ethnicity']}' is not an ONS 2021 "
                      "ethnic group or category (such as 'Asian: Indian' or 'White')")
        lgbt = self._yes_no(text, "victim_lgbt", error)
        disabled = self._yes_no(text, "victim_disabled", error)

        p_forename, p_surname = self._names(text, "perpetrator", error)
        perpetrator_key = person_key(reference=text["perpetrator_ref"], forename=p_forename,
                                     surname=p_surname, date_of_birth=perpetrator_dob,
                                     postcode=None)
        if (perpetrator_key is None and p_surname is None
                and not any(e.column.startswith("perpetrator_") for e in errors)):
            error("perpetrator_surname", "a referral needs a perpetrator: give "
                  "perpetrator_ref or the perpetrator's name")

        relationship = None
        if text["relationship"] is not None:
            relationship = text["relationship"].casefold()
            if relationship not in RELATIONSHIPS:
                error("relationship", f"'{text['relationship']}' is not one of "
                      f"{', '.join(RELATIONSHIPS)}")
                relationship = None

        agencies = self._agencies(text["referring_agency"], error)
        version = dash_version(text["dash_version"], error)
        dash = self._whole(text, "dash_score", dash_questions(version), error)
        incident_date = self._date(text, "incident_date", error)
        if incident_date and referral_date:
            problem = incident_date_problem(incident_date, referral_date)
            if problem is not None:
                error("incident_date", f"'{text['incident_date']}' {problem}")
        judgement = self._yes_no(text, "professional_judgement", error)
        children = self._whole(text, "children_count", MAX_CHILDREN, error)

        if errors:
            return errors
        assert reference is not None and referral_date is not None and victim_key is not None
        values = (
            reference, referral_date, meeting_date, victim_key, text["victim_ref"], forename,
            surname, victim_dob, gender, ethnicity, lgbt, disabled, perpetrator_key,
            text["perpetrator_ref"], p_forename, p_surname, perpetrator_dob, relationship,
            agencies, dash, bool(judgement), children or 0, text["idva"], text["notes"],
        )
        # The new columns count only when given (ParsedReferral.meaning).
        meaning = values + ((incident_date, version) if incident_date or version else ())
        return ParsedReferral(*values, incident_date, version,
                              fingerprint=fingerprint(meaning))

    def _date(self, text: dict[str, str | None], name: str, error: _Error, *,
              future_allowed: bool = False) -> date | None:
        value = text[name]
        if value is None:
            return None
        try:
            on, at = parse_date_time(value)
        except DateFormatError:
            error(name, f"'{value}' is not a date")
            return None
        if at is not None:
            error(name, f"'{value}' should be a date without a time")
            return None
        if on > self._today and not future_allowed:
            error(name, f"'{value}' is in the future")
            return None
        return on

    @staticmethod
    def _names(text: dict[str, str | None], who: str,
               error: _Error) -> tuple[str | None, str | None]:
        forename, surname = text[f"{who}_forename"], text[f"{who}_surname"]
        if (forename is None) != (surname is None):
            missing = f"{who}_surname" if surname is None else f"{who}_forename"
            error(missing, "is needed when the other name is given")
        return forename, surname

    @staticmethod
    def _yes_no(text: dict[str, str | None], name: str, error: _Error) -> bool | None:
        value = text[name]
        return None if value is None else yes_no(name, value, error)

    @staticmethod
    def _whole(text: dict[str, str | None], name: str, largest: int,
               error: _Error) -> int | None:
        value = text[name]
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) > largest:
            error(name, f"'{value}' is not a whole number from 0 to {largest}")
            return None
        return int(value)

    @staticmethod
    def _agencies(value: str | None, error: _Error) -> tuple[str, ...]:
        if value is None:
            error("referring_agency", "is required")
            return ()
        names = [part.strip() for part in value.split(";") if part.strip()]
        codes: list[str] = []
        for name in names:
            code = parse_agency(name)
            if code is None:
                error("referring_agency", f"'{name}' is not one of the SafeLives referral "
                      "sources (Police, IDVA, Children's Social Care, ... Housing, Other)")
            elif code in codes:
                error("referring_agency", f"'{name}' is named twice")
            else:
                codes.append(code)
        if len(names) > MAX_AGENCIES:
            error("referring_agency", f"names {len(names)} sources; give one or two, "
                  "separated by ';'")
        if not names:
            error("referring_agency", "is required")
        return tuple(codes)
