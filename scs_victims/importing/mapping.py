"""Reading an incident file whose headers are not ours: each of their columns mapped to one of
ours (or ignored), suggested from the names, and remembered per header layout.

A mapping is remembered in the ``settings`` table under the file's header signature (the
case-folded header names in order), so the next extract from the same system is read the same
way without asking again (``saved_mappings``). This module itself uses no database: the
parsing process of a large import loads it, and stays small without the ORM.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS

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
