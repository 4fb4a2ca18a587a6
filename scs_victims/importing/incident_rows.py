"""One incident row of formats.md: checked field by field into a ``ParsedIncident``.

Every problem in a row is reported (``RowError`` with the column), never an exception: a row
is either a ``ParsedIncident`` or a list of errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, time
from typing import NamedTuple

from scs_victims.domain.crime_types import CrimeType, parse_crime_type
from scs_victims.domain.dates import DateFormatError, parse_date_time
from scs_victims.domain.identity import address_key, normalise_postcode, normalise_uprn, person_key
from scs_victims.errors import RowError

INCIDENT_COLUMNS: tuple[str, ...] = (
    "reference", "crime_type", "occurred_on", "reported_on", "victim_ref", "victim_forename",
    "victim_surname", "victim_dob", "victim_gender", "address_line1", "address_line2", "town",
    "postcode", "uprn", "ward", "perpetrator_forename", "perpetrator_surname",
    "perpetrator_dob", "relationship", "source", "description",
)  # fmt: skip
REQUIRED_COLUMNS: tuple[str, ...] = ("reference", "crime_type", "occurred_on")

GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other",
           "unknown": "unknown"}
RELATIONSHIPS = ("partner", "ex-partner", "family", "other")
SOURCES = ("police", "council", "housing", "health", "self", "other")
MAX_LENGTHS = {"reference": 100, "victim_ref": 100, "victim_forename": 100,
               "victim_surname": 100, "address_line1": 200, "address_line2": 200, "town": 100,
               "perpetrator_forename": 100, "perpetrator_surname": 100}
MAX_UPRN_DIGITS = 12

ErrorSink = Callable[[str, str], None]
_VICTIM_KEY_FIELDS = frozenset({"victim_ref", "victim_forename", "victim_surname",
                                "victim_dob", "postcode"})


class ParsedIncident(NamedTuple):
    """A valid row, its values cleaned and its identity keys worked out.

    A NamedTuple rather than a dataclass: large imports pickle millions of these from the
    parsing process to the writing one, and tuples pickle several times faster.
    """

    reference: str
    crime_type: CrimeType
    occurred_on: date
    occurred_time: time | None
    reported_on: date | None
    victim_ref: str | None
    victim_forename: str | None
    victim_surname: str | None
    victim_dob: date | None
    victim_gender: str | None
    address_line1: str | None
    address_line2: str | None
    town: str | None
    postcode: str | None
    uprn: str | None
    ward_key: str | None
    perpetrator_forename: str | None
    perpetrator_surname: str | None
    perpetrator_dob: date | None
    relationship: str | None
    source: str | None
    description: str | None
    victim_key: str | None
    address_key: str | None
    perpetrator_key: str | None

    ward_name: str | None  # as written, for naming a ward an import creates
    fingerprint: str

    def content_hash(self) -> str:
        """Fingerprint of the row's meaning: the same incident written another way (a UK
        date instead of an ISO one, other spacing in the postcode) has the same hash."""
        return self.fingerprint

    @property
    def perpetrator_name(self) -> str | None:
        parts = [part for part in (self.perpetrator_forename, self.perpetrator_surname) if part]
        return " ".join(parts) or None


def victim_gender(value: str | None, error: ErrorSink) -> str | None:
    """The stored gender of a ``victim_gender`` cell (``F`` and ``M`` allowed); None when the
    cell is empty or not a gender, reported through ``error``."""
    if value is None:
        return None
    gender = GENDERS.get(value.casefold())
    if gender is None:
        error("victim_gender", f"'{value}' is not one of female, male, other, unknown (or F, M)")
    return gender


def fingerprint(meaning: tuple[object, ...]) -> str:
    """SHA-1 of the cleaned values, so equal meanings give equal fingerprints."""
    text = "\x1f".join("" if value is None else str(value) for value in meaning)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class RowChecker:
    """Checks rows against formats.md; ``wards`` maps case-folded ward names that exist (an
    empty mapping means no wards are configured, and any ward name is accepted)."""

    def __init__(self, columns: dict[str, int], *, today: date, wards_configured: bool,
                 ward_keys: set[str]) -> None:
        self._index = {name: columns.get(name) for name in INCIDENT_COLUMNS}
        self._present = [(name, index) for name, index in self._index.items()
                         if index is not None]
        self._absent = dict.fromkeys(name for name in INCIDENT_COLUMNS
                                     if self._index[name] is None)
        self._today = today
        self._wards_configured = wards_configured
        self._ward_keys = ward_keys

    def _get(self, cells: list[str], name: str) -> str:
        index = self._index[name]
        return "" if index is None else cells[index]

    def check(self, number: int, cells: list[str]) -> ParsedIncident | list[RowError]:
        errors: list[RowError] = []

        def error(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        text: dict[str, str | None] = self._absent.copy()
        for name, index in self._present:
            text[name] = cells[index].strip() or None
        for name, limit in MAX_LENGTHS.items():
            value = text[name]
            if value is not None and len(value) > limit:
                error(name, f"is longer than {limit} characters")
                text[name] = value[:limit]

        reference = text["reference"]
        if reference is None:
            error("reference", "is required")
        crime_type = None
        if text["crime_type"] is None:
            error("crime_type", "is required")
        else:
            crime_type = parse_crime_type(text["crime_type"])
            if crime_type is None:
                error("crime_type", f"'{text['crime_type']}' is not a crime type this "
                      "application records (ASB, burglary or domestic abuse)")

        occurred_on: date | None = None
        occurred_time: time | None = None
        if text["occurred_on"] is None:
            error("occurred_on", "is required")
        else:
            try:
                occurred_on, occurred_time = parse_date_time(text["occurred_on"])
            except DateFormatError:
                error("occurred_on", f"'{text['occurred_on']}' is not a date")
            else:
                if occurred_on > self._today:
                    error("occurred_on", f"'{text['occurred_on']}' is in the future")

        reported_on = self._date(text, "reported_on", error, allow_time=True)
        if reported_on is not None and occurred_on is not None and reported_on < occurred_on:
            error("reported_on", f"'{text['reported_on']}' is before occurred_on")

        victim_dob = self._date(text, "victim_dob", error)
        perpetrator_dob = self._date(text, "perpetrator_dob", error)

        gender = victim_gender(text["victim_gender"], error)

        postcode = None
        if text["postcode"] is not None:
            postcode = normalise_postcode(text["postcode"])
            if postcode is None:
                error("postcode", f"'{text['postcode']}' is not a UK postcode")

        uprn = None
        if text["uprn"] is not None:
            raw_uprn = text["uprn"]
            digits = normalise_uprn(raw_uprn) if raw_uprn.isascii() and raw_uprn.isdigit() else ""
            if not digits or digits == "0" or len(digits) > MAX_UPRN_DIGITS:
                error("uprn", f"'{raw_uprn}' is not a UPRN (1 to 12 digits)")
            else:
                uprn = digits

        ward_key = None
        if text["ward"] is not None:
            ward_key = text["ward"].casefold()
            if self._wards_configured and ward_key not in self._ward_keys:
                error("ward", f"'{text['ward']}' is not one of the area's wards")

        relationship = self._choice(text, "relationship", RELATIONSHIPS, error)
        source = self._choice(text, "source", SOURCES, error)

        forename, surname = text["victim_forename"], text["victim_surname"]
        if (forename is None) != (surname is None):
            missing = "victim_surname" if surname is None else "victim_forename"
            error(missing, "is needed when the other name is given")
        victim_key = person_key(reference=text["victim_ref"], forename=forename,
                                surname=surname, date_of_birth=victim_dob, postcode=postcode)
        names_given = forename is not None and surname is not None
        # A victim field that was itself wrong already explains why no key could be built.
        victim_fields_ok = not any(e.column in _VICTIM_KEY_FIELDS for e in errors)
        if crime_type is CrimeType.DV and victim_key is None and victim_fields_ok:
            error("victim_surname" if names_given else "victim_ref",
                  "a domestic abuse incident needs a victim who can be linked: give a "
                  "victim_ref, or forename and surname with a date of birth or postcode")
        elif (crime_type is CrimeType.ASB and names_given and victim_key is None
              and victim_fields_ok):
            error("victim_dob", "the victim cannot be linked: give a victim_ref, a date of "
                  "birth or a postcode")

        key_of_address = address_key(uprn=uprn, line1=text["address_line1"], postcode=postcode)
        if crime_type is CrimeType.BURGLARY and uprn is None:
            if text["address_line1"] is None:
                error("address_line1", "is required for a burglary unless uprn is given")
            if text["postcode"] is None:
                error("postcode", "is required for a burglary unless uprn is given")
            elif (postcode is not None and key_of_address is None
                  and text["address_line1"] is not None):
                error("address_line1", "has no letters or digits to identify the dwelling")

        perpetrator_key = None
        p_forename, p_surname = text["perpetrator_forename"], text["perpetrator_surname"]
        if p_forename and p_surname and perpetrator_dob is not None:
            perpetrator_key = person_key(reference=None, forename=p_forename, surname=p_surname,
                                         date_of_birth=perpetrator_dob, postcode=None)

        if errors:
            return errors
        assert reference is not None and crime_type is not None and occurred_on is not None
        description = self._get(cells, "description")
        kept_description = description if description.strip() else None
        meaning = (
            reference, crime_type.value, occurred_on, occurred_time, reported_on,
            text["victim_ref"], forename, surname, victim_dob, gender, text["address_line1"],
            text["address_line2"], text["town"], postcode, uprn, ward_key, p_forename,
            p_surname, perpetrator_dob, relationship, source, kept_description,
        )
        return ParsedIncident(
            reference=reference, crime_type=crime_type, occurred_on=occurred_on,
            occurred_time=occurred_time, reported_on=reported_on, victim_ref=text["victim_ref"],
            victim_forename=forename, victim_surname=surname, victim_dob=victim_dob,
            victim_gender=gender, address_line1=text["address_line1"],
            address_line2=text["address_line2"], town=text["town"], postcode=postcode,
            uprn=uprn, ward_key=ward_key, perpetrator_forename=p_forename,
            perpetrator_surname=p_surname, perpetrator_dob=perpetrator_dob,
            relationship=relationship, source=source, description=kept_description,
            victim_key=victim_key, address_key=key_of_address, perpetrator_key=perpetrator_key,
            ward_name=text["ward"], fingerprint=fingerprint(meaning),
        )

    def _date(self, text: dict[str, str | None], name: str, error: ErrorSink,
              *, allow_time: bool = False) -> date | None:
        value = text[name]
        if value is None:
            return None
        try:
            on, at = parse_date_time(value)
        except DateFormatError:
            error(name, f"'{value}' is not a date")
            return None
        if at is not None and not allow_time:
            error(name, f"'{value}' should be a date without a time")
            return None
        if on > self._today:
            error(name, f"'{value}' is in the future")
            return None
        return on

    @staticmethod
    def _choice(text: dict[str, str | None], name: str, allowed: tuple[str, ...],
                error: ErrorSink) -> str | None:
        value = text[name]
        if value is None:
            return None
        folded = value.casefold()
        if folded not in allowed:
            error(name, f"'{value}' is not one of {', '.join(allowed)}")
            return None
        return folded
