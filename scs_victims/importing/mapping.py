"""Reading a file whose headers are not ours: a first import profile suggested from their
header names (``suggest_profile``) and their values (``suggest_value``); and the older
column mapping (each of their columns to one of ours, or ignored), remembered per header
layout in the ``settings`` table (``saved_mappings``).

This module itself uses no database: the parsing process of a large import loads it, and
stays small without the ORM.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from scs_victims.domain.crime_types import CRIME_TYPES, parse_crime_type
from scs_victims.importing.incident_rows import (
    GENDERS,
    INCIDENT_COLUMNS,
    RELATIONSHIPS,
    REQUIRED_COLUMNS,
    SOURCES,
)
from scs_victims.importing.profile import (
    DATE_FORMS,
    NAME_COLUMNS,
    Kind,
    Profile,
    kind_columns,
    read_date,
)

IGNORE = ""

# Names other systems give our columns (case-folded; spaces, dots and dashes become "_").
SYNONYMS: dict[str, str] = {
    "crime_ref": "reference", "crime_reference": "reference", "ref": "reference",
    "incident_ref": "reference", "incident_reference": "reference", "case_ref": "reference",
    "case_number": "reference", "cad_number": "reference", "cris_number": "reference",
    "urn": "reference",
    "type": "crime_type", "crime": "crime_type", "incident_type": "crime_type",
    "category": "crime_type", "offence_type": "crime_type",
    "date": "occurred_on", "occurred": "occurred_on", "date_occurred": "occurred_on",
    "incident_date": "occurred_on", "offence_date": "occurred_on", "committed_on": "occurred_on",
    "date_reported": "reported_on", "reported": "reported_on", "report_date": "reported_on",
    "victim_reference": "victim_ref", "person_ref": "victim_ref", "victim_id": "victim_ref",
    "person_id": "victim_ref", "person_reference": "victim_ref",
    "forename": "victim_forename", "first_name": "victim_forename",
    "victim_first_name": "victim_forename", "given_name": "victim_forename",
    "surname": "victim_surname", "last_name": "victim_surname",
    "victim_last_name": "victim_surname", "family_name": "victim_surname",
    "dob": "victim_dob", "date_of_birth": "victim_dob", "victim_date_of_birth": "victim_dob",
    "gender": "victim_gender", "sex": "victim_gender", "victim_sex": "victim_gender",
    "address": "address_line1", "address_1": "address_line1", "address1": "address_line1",
    "street": "address_line1", "address_2": "address_line2", "address2": "address_line2",
    "post_town": "town", "city": "town", "post_code": "postcode",
    "ward_name": "ward",
    "suspect_forename": "perpetrator_forename", "suspect_surname": "perpetrator_surname",
    "suspect_dob": "perpetrator_dob", "offender_forename": "perpetrator_forename",
    "offender_surname": "perpetrator_surname", "offender_dob": "perpetrator_dob",
    "relationship_to_victim": "relationship", "notes": "description", "details": "description",
    "summary": "description", "reporting_agency": "source", "agency": "source",
}  # fmt: skip


def folded_header(header: str) -> str:
    return header.strip().casefold()


def _normalised(header: str) -> str:
    text = folded_header(header)
    for separator in (" ", ".", "-", "/"):
        text = text.replace(separator, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


def header_signature(headers: Sequence[str]) -> str:
    """The same for two files whose header rows differ only in case and spacing."""
    text = "\x1f".join(folded_header(header) for header in headers)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class ColumnMapping:
    """Their header (as written in the file) -> our column, or ``IGNORE``."""

    columns: Mapping[str, str] = field(default_factory=dict)

    def column_for(self, header: str) -> str | None:
        """Our column for one of their headers; None when the mapping does not mention it."""
        folded = folded_header(header)
        for theirs, ours in self.columns.items():
            if folded_header(theirs) == folded:
                return ours
        return None

    def header_for(self, column: str) -> str | None:
        """Their header mapped to one of our columns, if any."""
        for theirs, ours in self.columns.items():
            if ours == column:
                return theirs
        return None

    def label(self, column: str) -> str:
        """Our column, followed by their header when the names differ: for messages."""
        theirs = self.header_for(column)
        if theirs is None or folded_header(theirs) == column:
            return column
        return f"{column} (your column '{theirs.strip()}')"

    def missing_required(self) -> list[str]:
        mapped = set(self.columns.values())
        return [column for column in REQUIRED_COLUMNS if column not in mapped]

    def mapped_twice(self) -> list[str]:
        """Our columns that more than one of their headers is mapped to."""
        seen: set[str] = set()
        twice: list[str] = []
        for ours in self.columns.values():
            if ours == IGNORE:
                continue
            if ours in seen and ours not in twice:
                twice.append(ours)
            seen.add(ours)
        return twice

    def problems(self) -> list[str]:
        """Why the mapping cannot be used, as sentences; empty when it can."""
        problems = []
        missing = self.missing_required()
        if missing:
            problems.append(f"Choose a column for {', '.join(missing)} (required).")
        for column in self.mapped_twice():
            theirs = [name for name, ours in self.columns.items() if ours == column]
            problems.append(f"{' and '.join(theirs)} are both mapped to {column}: "
                            "choose one.")
        unknown = sorted({ours for ours in self.columns.values()
                          if ours != IGNORE and ours not in INCIDENT_COLUMNS})
        if unknown:
            problems.append(f"{', '.join(unknown)} is not a column SCS Victims reads.")
        return problems


def headers_match(headers: Sequence[str]) -> bool:
    """True when the file can be read as it is: every header ours (or blank), required present."""
    folded = [folded_header(header) for header in headers if header.strip()]
    known = set(INCIDENT_COLUMNS)
    return (all(name in known for name in folded)
            and all(column in folded for column in REQUIRED_COLUMNS)
            and len(folded) == len(set(folded)))


def suggest_mapping(headers: Sequence[str]) -> ColumnMapping:
    """A first guess: our own names (any case), then known synonyms; one header per column,
    the rest ignored."""
    known = set(INCIDENT_COLUMNS)
    taken: set[str] = set()
    columns: dict[str, str] = {}
    guesses: list[tuple[str, str | None]] = []
    for header in headers:
        folded, normalised = folded_header(header), _normalised(header)
        if folded in known:
            guesses.append((header, folded))
        elif normalised in known:
            guesses.append((header, normalised))
        else:
            guesses.append((header, SYNONYMS.get(normalised)))
    # Exact names first, so a synonym never takes a column that a later header names exactly.
    exact = {guess for header, guess in guesses if guess is not None
             and folded_header(header) == guess}
    for header, guess in guesses:
        if not header.strip():
            continue
        exact_here = guess is not None and folded_header(header) == guess
        if guess is None or guess in taken or (guess in exact and not exact_here):
            columns[header] = IGNORE
        else:
            columns[header] = guess
            taken.add(guess)
    return ColumnMapping(columns)


# --- import profiles ------------------------------------------------------------------------

# Names other systems give the people columns, in both kinds of file.
_PEOPLE: dict[str, str] = {
    "victim_reference": "victim_ref", "person_ref": "victim_ref", "victim_id": "victim_ref",
    "person_id": "victim_ref", "person_reference": "victim_ref",
    "forename": "victim_forename", "first_name": "victim_forename",
    "victim_first_name": "victim_forename", "given_name": "victim_forename",
    "surname": "victim_surname", "last_name": "victim_surname",
    "victim_last_name": "victim_surname", "family_name": "victim_surname",
    "dob": "victim_dob", "date_of_birth": "victim_dob", "victim_date_of_birth": "victim_dob",
    "gender": "victim_gender", "sex": "victim_gender", "victim_sex": "victim_gender",
    "suspect_forename": "perpetrator_forename", "suspect_surname": "perpetrator_surname",
    "suspect_dob": "perpetrator_dob", "offender_forename": "perpetrator_forename",
    "offender_surname": "perpetrator_surname", "offender_dob": "perpetrator_dob",
    "perp_forename": "perpetrator_forename", "perp_surname": "perpetrator_surname",
    "perp_dob": "perpetrator_dob", "perp_first_name": "perpetrator_forename",
    "perp_last_name": "perpetrator_surname", "relationship_to_victim": "relationship",
    # A full name in one column ("Surname, Forename" or "Forename Surname").
    "complainant": "victim_name", "complainant_name": "victim_name", "victim": "victim_name",
    "victim_full_name": "victim_name", "full_name": "victim_name", "name": "victim_name",
    "client_name": "victim_name", "offender": "perpetrator_name",
    "offender_name": "perpetrator_name", "suspect": "perpetrator_name",
    "suspect_name": "perpetrator_name", "perpetrator": "perpetrator_name",
    "perp": "perpetrator_name", "perp_name": "perpetrator_name",
    "alleged_perpetrator": "perpetrator_name",
}  # fmt: skip
_INCIDENTS: dict[str, str] = {
    **SYNONYMS, **_PEOPLE,
    "date_of_incident": "occurred_on", "incident_date": "occurred_on",
    "incident_date_time": "occurred_on", "incident_datetime": "occurred_on",
    "date_time": "occurred_on", "date_and_time": "occurred_on",
    "date_time_of_incident": "occurred_on",
    "crime_category": "crime_type", "incident_category": "crime_type",
    "hate_crime": "hate_motivated", "hate_incident": "hate_motivated", "hate": "hate_motivated",
}  # fmt: skip
_REFERRALS: dict[str, str] = {
    **_PEOPLE,
    "ref": "referral_ref", "reference": "referral_ref", "referral_reference": "referral_ref",
    "referral_id": "referral_ref", "marac_ref": "referral_ref", "case_ref": "referral_ref",
    "case_reference": "referral_ref", "date_of_referral": "referral_date",
    "referred_on": "referral_date", "date_referred": "referral_date",
    "meeting": "meeting_date", "marac_date": "meeting_date", "date_of_meeting": "meeting_date",
    "ethnicity": "victim_ethnicity", "ethnic_group": "victim_ethnicity", "lgbt": "victim_lgbt",
    "disabled": "victim_disabled", "disability": "victim_disabled",
    "suspect_ref": "perpetrator_ref", "offender_ref": "perpetrator_ref",
    "agency": "referring_agency", "referred_by": "referring_agency",
    "referral_source": "referring_agency", "dash": "dash_score", "risk_score": "dash_score",
    "dash_risk_score": "dash_score", "date_of_incident": "incident_date",
    "professional_judgment": "professional_judgement", "children": "children_count",
    "number_of_children": "children_count", "comments": "notes", "details": "notes",
}  # fmt: skip
PROFILE_SYNONYMS: dict[Kind, dict[str, str]] = {"incidents": _INCIDENTS,
                                                "marac-referrals": _REFERRALS}
# A column of times that goes with one of our date columns (a template "{Date} {Time}").
TIME_SYNONYMS: dict[str, str] = {
    "time": "occurred_on", "incident_time": "occurred_on", "time_of_incident": "occurred_on",
    "time_occurred": "occurred_on", "occurred_time": "occurred_on",
    "offence_time": "occurred_on", "reported_time": "reported_on",
    "time_reported": "reported_on", "report_time": "reported_on",
}  # fmt: skip
# Our values of each column whose values a profile translates (incident files).
VALUE_CHOICES: dict[str, tuple[str, ...]] = {
    "crime_type": tuple(crime_type.value for crime_type in CRIME_TYPES),
    "victim_gender": tuple(dict.fromkeys(GENDERS.values())),
    "relationship": RELATIONSHIPS,
    "source": SOURCES,
}


def profile_columns(kind: Kind) -> tuple[str, ...]:
    """The columns a profile of ``kind`` can fill, in our order, each full-name column just
    before the forename it fills."""
    ours, _required = kind_columns(kind)
    before = {parts[0]: name for name, parts in NAME_COLUMNS.items()}
    ordered: list[str] = []
    for column in ours:
        if column in before:
            ordered.append(before[column])
        ordered.append(column)
    return tuple(ordered)


def suggest_profile(headers: Sequence[str], kind: Kind = "incidents", name: str = ""
                    ) -> Profile:
    """A first profile for a file with these headers: our own names (any case, spaces for
    underscores), then known synonyms, one of their columns for each of ours; a full name
    only where forename and surname are not separate; a time column joined to its date
    (``{Incident Date} {Incident Time}``); and a "case ref" column read as the reference
    when nothing else is (incident files have a ``case_ref`` of their own)."""
    known = set(profile_columns(kind))
    synonyms = PROFILE_SYNONYMS[kind]
    guesses: list[tuple[str, str, bool]] = []  # (their column, ours, named exactly)
    times: dict[str, str] = {}  # our date column -> their time column
    for header in headers:
        theirs = header.strip()
        folded, normalised = theirs.casefold(), _normalised(theirs)
        if not theirs:
            continue
        if folded in known or normalised in known:
            guesses.append((theirs, folded if folded in known else normalised, folded in known))
        elif normalised in synonyms:
            guesses.append((theirs, synonyms[normalised], False))
        elif kind == "incidents" and normalised in TIME_SYNONYMS:
            times.setdefault(TIME_SYNONYMS[normalised], theirs)
    exact = {ours for _theirs, ours, named in guesses if named}
    columns: dict[str, str] = {}
    for theirs, ours, named in guesses:
        if ours not in columns and (named or ours not in exact):
            columns[ours] = theirs
    if kind == "incidents" and "reference" not in columns and "case_ref" in columns:
        columns["reference"] = columns.pop("case_ref")
    for full, parts in NAME_COLUMNS.items():
        if full in columns and any(part in columns for part in parts):
            del columns[full]
    for ours, theirs in times.items():
        date_column = columns.get(ours)
        if date_column is not None and not any(brace in date_column + theirs for brace in "{}"):
            columns[ours] = f"{{{date_column}}} {{{theirs}}}"
    order = {column: index for index, column in enumerate(profile_columns(kind))}
    return Profile(name=name, kind=kind,
                   columns=dict(sorted(columns.items(), key=lambda item: order[item[0]])))


def _our_value(column: str, text: str) -> str | None:
    """``text`` (case-folded) as one of our values of ``column``, or None."""
    if column == "crime_type":
        crime_type = parse_crime_type(text)
        return None if crime_type is None else crime_type.value
    if column == "victim_gender":
        return GENDERS.get(text)
    return text if text in VALUE_CHOICES.get(column, ()) else None


def suggest_value(column: str, their_value: str) -> str | None:
    """Our value for one of their values of ``column`` (incident files), when it names one:
    as it is ("F", "Burglary"), else by the longest run of its words that does ("Personal
    ASB" is asb, "Met Police" is police; never burglary, which §1 spells out), else by its
    initial for a gender ("U" is unknown);
    None when it names none, or more than one."""
    if column not in VALUE_CHOICES:
        return None
    text = their_value.strip().casefold()
    if not text:
        return None
    direct = _our_value(column, text)
    if direct is not None:
        return direct
    words = re.findall(r"[^\W_]+", text)
    for size in range(len(words), 0, -1):
        found = {value for start in range(len(words) - size + 1) for joiner in (" ", "-")
                 if (value := _our_value(column, joiner.join(words[start:start + size])))}
        if found:
            guess = found.pop() if len(found) == 1 else None
            # Domestic burglary only by a spelling definitions §1 accepts: "Burglary -
            # Business and Community" holds the word but is not domestic burglary.
            return None if column == "crime_type" and guess == "burglary" else guess
    if column == "victim_gender" and len(text) == 1:
        initials = [value for value in VALUE_CHOICES[column] if value.startswith(text)]
        return initials[0] if len(initials) == 1 else None
    return None


def guess_date_form(samples: Iterable[str], today: date) -> str | None:
    """The form of ``dates`` that reads the most of ``samples`` (their date cells as text):
    ISO when every one is ISO; otherwise day first unless only month first reads more; the
    two-digit form when some years have two digits. None when no form reads any."""
    texts = [text.strip() for text in samples if text.strip()]
    read = {form: sum(read_date(text, form, today) is not None for text in texts)
            for form in DATE_FORMS}
    best = max(read.values(), default=0)
    if not best:
        return None
    if read["yyyy-mm-dd"] == len(texts):
        return "yyyy-mm-dd"
    return next(form for form in ("dd/mm/yyyy", "dd/mm/yy", "mm/dd/yyyy")
                if read[form] == best)
