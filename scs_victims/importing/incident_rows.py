"""One incident row of formats.md: checked field by field into a ``ParsedIncident``.

Every problem in a row is reported (``RowError`` with the column), never an exception: a row
is either a ``ParsedIncident`` or a list of errors. An import's rows arrive as text cells
(``RowChecker.check``); the incident form's as values (``check_incident``: dates may be
``date`` values and ``hate_motivated`` a bool). Both go through the same checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any, NamedTuple

from scs_victims.domain.crime_types import CrimeType, parse_crime_type
from scs_victims.domain.dates import DateFormatError, Stamp, parse_stamp
from scs_victims.domain.identity import address_key, normalise_postcode, normalise_uprn, person_key
from scs_victims.domain.yes_no import parse_yes_no
from scs_victims.errors import RowError


class IncidentDraft(NamedTuple):
    """An incident row in our layout before it is checked: the columns of formats.md in their
    order. Text as written (None or blank: not given). The form may give dates as ``date``
    values (``occurred_on`` and ``reported_on`` as a ``datetime`` when a time is known) and
    ``hate_motivated`` as a bool: those are checked as they are, never written out as text
    and read back."""

    reference: str | None = None
    crime_type: str | None = None
    occurred_on: str | date | None = None
    reported_on: str | date | None = None
    victim_ref: str | None = None
    victim_forename: str | None = None
    victim_surname: str | None = None
    victim_dob: str | date | None = None
    victim_gender: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    town: str | None = None
    postcode: str | None = None
    uprn: str | None = None
    ward: str | None = None
    perpetrator_forename: str | None = None
    perpetrator_surname: str | None = None
    perpetrator_dob: str | date | None = None
    relationship: str | None = None
    source: str | None = None
    description: str | None = None
    case_ref: str | None = None
    hate_motivated: str | bool | None = None


INCIDENT_COLUMNS: tuple[str, ...] = IncidentDraft._fields
REQUIRED_COLUMNS: tuple[str, ...] = ("reference", "crime_type", "occurred_on")

GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other",
           "unknown": "unknown"}
RELATIONSHIPS = ("partner", "ex-partner", "family", "other")
SOURCES = ("police", "council", "housing", "health", "self", "other")
MAX_LENGTHS = {"reference": 100, "victim_ref": 100, "victim_forename": 100,
               "victim_surname": 100, "address_line1": 200, "address_line2": 200, "town": 100,
               "perpetrator_forename": 100, "perpetrator_surname": 100, "case_ref": 100}
MAX_UPRN_DIGITS = 12

ErrorSink = Callable[[str, str], None]
_NO_DATE: tuple[None, None] = (None, None)
_MAX_SPELLINGS = 1000
_new_tuple = tuple.__new__
_sha1 = hashlib.sha1
# (position in INCIDENT_COLUMNS, column, most characters allowed)
_LIMITED_COLUMNS = tuple((INCIDENT_COLUMNS.index(name), name, limit)
                         for name, limit in MAX_LENGTHS.items())
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
    case_ref: str | None
    hate_motivated: bool | None
    fingerprint: str

    def content_hash(self) -> str:
        """Fingerprint of the row's meaning: the same incident written another way (a UK
        date instead of an ISO one, other spacing in the postcode) has the same hash."""
        return self.fingerprint

    def meaning(self) -> tuple[object, ...]:
        """What the fingerprint is made of: the fields up to ``description``, then
        ``case_ref`` and ``hate_motivated`` only when either is given, so that a row without
        them (every file written before they existed) keeps the fingerprint it had."""
        if self.case_ref is None and self.hate_motivated is None:
            return self[:22]
        return (*self[:22], self.case_ref, self.hate_motivated)

    @property
    def perpetrator_name(self) -> str | None:
        forename, surname = self.perpetrator_forename, self.perpetrator_surname
        if forename and surname:
            return f"{forename} {surname}"
        return forename or surname or None


def victim_gender(value: str | None, error: ErrorSink) -> str | None:
    """The stored gender of a ``victim_gender`` cell (``F`` and ``M`` allowed); None when the
    cell is empty or not a gender, reported through ``error``."""
    if value is None:
        return None
    gender = GENDERS.get(value.casefold())
    if gender is None:
        error("victim_gender", f"'{value}' is not one of female, male, other, unknown (or F, M)")
    return gender


def yes_no(name: str, value: str | bool, error: ErrorSink) -> bool | None:
    """A Y/N cell (Yes/No, True/False, 1/0 too) or a form's bool, as a bool; None when the
    text is none of those, reported through ``error``. Every import's Y/N columns use it."""
    if isinstance(value, bool):
        return value
    answer = parse_yes_no(value)
    if answer is None:
        error(name, f"'{value}' is not Y or N (also Yes/No, True/False, 1/0)")
    return answer


def stamp_of(value: str | date) -> Stamp:
    """A date as ``parse_stamp`` gives a text's, whether it is text or a date value: a
    ``datetime`` carries its time (to the second, as texts write it), a ``date`` none. Raises
    ``DateFormatError`` for text that is not a date."""
    if isinstance(value, str):
        return parse_stamp(value)
    if isinstance(value, datetime):
        on, at = value.date(), value.time().replace(microsecond=0)
        return on, at, on.isoformat(), at.isoformat()
    return value, None, value.isoformat(), None


def fingerprint(meaning: tuple[object, ...]) -> str:
    """SHA-1 of the cleaned values, so equal meanings give equal fingerprints.

    Each value counts as its ``str`` (a crime type as its value, a date in ISO form), None as
    empty text; databases store fingerprints, so this must never change."""
    text = "\x1f".join(["" if value is None else str(value) for value in meaning])
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class RowChecker:
    """Checks rows against formats.md: a file's rows, its cells as read (``columns``: where
    each of our columns is), or with ``of_values`` rows given as an ``IncidentDraft`` (the
    form's), checked by the very same code. ``ward_keys``: the case-folded ward names that
    exist (with ``wards_configured`` off, any ward name is accepted)."""

    def __init__(self, columns: dict[str, int], *, today: date, wards_configured: bool,
                 ward_keys: set[str]) -> None:
        # Where each of our columns is in a row, in INCIDENT_COLUMNS order; None when absent.
        self._positions = tuple(columns.get(name) for name in INCIDENT_COLUMNS)
        # A file with every column lets one C-level call pick a row's cells in our order.
        self._pick_cells = (itemgetter(*self._positions) if None not in self._positions
                            else None)
        self._description = columns.get("description")
        self._today = today
        self._wards_configured = wards_configured
        self._ward_keys = ward_keys
        # The crime types of the spellings met, as written: a file uses a few, over and over.
        self._crime_types: dict[str, CrimeType] = {}
        # How a row becomes its values in INCIDENT_COLUMNS order, and how a date cell becomes
        # its stamp: attributes rather than a second entry point or a test of each value's
        # type, so that a file's rows pay nothing for the form's.
        self._values: Callable[[Sequence[Any]], list[Any]] = self._cell_values
        self._stamp: Callable[[Any], Stamp] = parse_stamp

    @classmethod
    def of_values(cls, *, today: date, wards_configured: bool,
                  ward_keys: set[str]) -> RowChecker:
        """A checker of rows given as an ``IncidentDraft``: text is stripped, dates given as
        ``date`` values and a bool hate_motivated are checked as they are."""
        checker = cls(_DRAFT_COLUMNS, today=today, wards_configured=wards_configured,
                      ward_keys=ward_keys)
        checker._values = _given_values
        checker._stamp = stamp_of
        return checker

    def _cell_values(self, cells: Sequence[str]) -> list[str | None]:
        """The row's cells in INCIDENT_COLUMNS order, stripped; None when empty or absent."""
        if self._pick_cells is not None:
            return [cell.strip() or None for cell in self._pick_cells(cells)]
        return [None if position is None else (cells[position].strip() or None)
                for position in self._positions]

    def check(self, number: int, cells: Sequence[Any]) -> ParsedIncident | list[RowError]:
        """``cells``: a file's row (text), or an ``IncidentDraft`` for a checker
        ``of_values``."""
        errors: list[RowError] = []

        def error(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        # Text stripped (None when blank); for a checker of_values, dates may be date values
        # and hate_motivated a bool.
        values = self._values(cells)
        for position, name, limit in _LIMITED_COLUMNS:
            value = values[position]
            if value is not None and len(value) > limit:
                error(name, f"is longer than {limit} characters")
                values[position] = value[:limit]
        # The list has IncidentDraft's order: typed as one, it is unpacked without a copy.
        draft: IncidentDraft = values  # type: ignore[assignment]
        # One name per column of INCIDENT_COLUMNS, in its order.
        (reference, crime_text, occurred_text, reported_text, victim_ref, forename, surname,
         victim_dob_text, gender_text, address_line1, address_line2, town, postcode_text,
         uprn_text, ward_name, p_forename, p_surname, perpetrator_dob_text, relationship_text,
         source_text, description_text, case_ref, hate_text) = draft  # fmt: skip

        if reference is None:
            error("reference", "is required")
        crime_type = None
        if crime_text is None:
            error("crime_type", "is required")
        else:
            crime_type = self._crime_types.get(crime_text)
            if crime_type is None:
                crime_type = parse_crime_type(crime_text)
                if crime_type is not None and len(self._crime_types) < _MAX_SPELLINGS:
                    self._crime_types[crime_text] = crime_type
            if crime_type is None:
                error("crime_type", f"'{crime_text}' is not a crime type this "
                      "application records (ASB, burglary or domestic abuse)")

        # Each date with its ISO text, which the fingerprint is made of.
        occurred_on: date | None = None
        occurred_time: time | None = None
        occurred_iso = time_iso = None
        if occurred_text is None:
            error("occurred_on", "is required")
        else:
            try:
                occurred_on, occurred_time, occurred_iso, time_iso = self._stamp(occurred_text)
            except DateFormatError:
                error("occurred_on", f"'{occurred_text}' is not a date")
            else:
                if occurred_on > self._today:
                    error("occurred_on", f"'{occurred_text}' is in the future")

        # (The empty cells' test is made here, to spare most rows three calls.)
        reported_on, reported_iso = (_NO_DATE if reported_text is None else self._date(
            "reported_on", reported_text, error, allow_time=True))
        if reported_on is not None and occurred_on is not None and reported_on < occurred_on:
            error("reported_on", f"'{reported_text}' is before occurred_on")

        victim_dob, victim_dob_iso = (_NO_DATE if victim_dob_text is None else self._date(
            "victim_dob", victim_dob_text, error))
        perpetrator_dob, perpetrator_dob_iso = (
            _NO_DATE if perpetrator_dob_text is None
            else self._date("perpetrator_dob", perpetrator_dob_text, error))

        gender = victim_gender(gender_text, error)

        postcode = None
        if postcode_text is not None:
            postcode = normalise_postcode(postcode_text)
            if postcode is None:
                error("postcode", f"'{postcode_text}' is not a UK postcode")

        uprn = None
        if uprn_text is not None:
            digits = (normalise_uprn(uprn_text) if uprn_text.isascii() and uprn_text.isdigit()
                      else "")
            if not digits or digits == "0" or len(digits) > MAX_UPRN_DIGITS:
                error("uprn", f"'{uprn_text}' is not a UPRN (1 to 12 digits)")
            else:
                uprn = digits

        ward_key = None
        if ward_name is not None:
            ward_key = ward_name.casefold()
            if self._wards_configured and ward_key not in self._ward_keys:
                error("ward", f"'{ward_name}' is not one of the area's wards")

        relationship = _choice("relationship", relationship_text, RELATIONSHIPS, error)
        source = _choice("source", source_text, SOURCES, error)
        hate_motivated = None if hate_text is None else yes_no("hate_motivated", hate_text,
                                                               error)

        if (forename is None) != (surname is None):
            missing = "victim_surname" if surname is None else "victim_forename"
            error(missing, "is needed when the other name is given")
        victim_key = person_key(reference=victim_ref, forename=forename, surname=surname,
                                date_of_birth=victim_dob, postcode=postcode)
        if victim_key is None:
            names_given = forename is not None and surname is not None
            # A victim field that was itself wrong already explains why no key could be built.
            victim_fields_ok = not any(e.column in _VICTIM_KEY_FIELDS for e in errors)
            if crime_type is CrimeType.DV and victim_fields_ok:
                error("victim_surname" if names_given else "victim_ref",
                      "a domestic abuse incident needs a victim who can be linked: give a "
                      "victim_ref, or forename and surname with a date of birth or postcode")
            elif crime_type is CrimeType.ASB and names_given and victim_fields_ok:
                error("victim_dob", "the victim cannot be linked: give a victim_ref, a date "
                      "of birth or a postcode")

        key_of_address = address_key(uprn=uprn, line1=address_line1, postcode=postcode)
        if crime_type is CrimeType.BURGLARY and uprn is None:
            if address_line1 is None:
                error("address_line1", "is required for a burglary unless uprn is given")
            if postcode_text is None:
                error("postcode", "is required for a burglary unless uprn is given")
            elif postcode is not None and key_of_address is None and address_line1 is not None:
                error("address_line1", "has no letters or digits to identify the dwelling")

        perpetrator_key = None
        if p_forename and p_surname and perpetrator_dob is not None:
            perpetrator_key = person_key(reference=None, forename=p_forename, surname=p_surname,
                                         date_of_birth=perpetrator_dob, postcode=None)

        if errors:
            return errors
        assert reference is not None and crime_type is not None and occurred_iso is not None
        # The description is kept as written (only a blank one is dropped).
        description = (None if description_text is None or self._description is None
                       else cells[self._description])
        # The text ``fingerprint`` makes of ParsedIncident's fields up to ``description`` (what
        # the incident says), put together from text the checks already have: the dates'
        # ISO text comes with them, and every other field is text or None (a crime type is
        # text too). About 2 µs a row less than ``fingerprint``'s str() of each field, a
        # million rows over; a test holds the two equal.
        meaning = "\x1f".join((
            reference, crime_type, occurred_iso, time_iso or "", reported_iso or "",
            victim_ref or "", forename or "", surname or "", victim_dob_iso or "", gender or "",
            address_line1 or "", address_line2 or "", town or "", postcode or "", uprn or "",
            ward_key or "", p_forename or "", p_surname or "", perpetrator_dob_iso or "",
            relationship or "", source or "", description or ""))
        if case_ref is not None or hate_motivated is not None:
            # Only when given (ParsedIncident.meaning), so older files keep their fingerprints.
            meaning = (f"{meaning}\x1f{case_ref or ''}\x1f"
                       f"{'' if hate_motivated is None else hate_motivated}")
        # tuple.__new__ skips NamedTuple's own __new__, a Python function of 29 arguments.
        return _new_tuple(ParsedIncident, (
            reference, crime_type, occurred_on, occurred_time, reported_on, victim_ref,
            forename, surname, victim_dob, gender, address_line1, address_line2, town,
            postcode, uprn, ward_key, p_forename, p_surname, perpetrator_dob, relationship,
            source, description, victim_key, key_of_address, perpetrator_key, ward_name,
            case_ref, hate_motivated,
            _sha1(meaning.encode("utf-8"), usedforsecurity=False).hexdigest()))

    def _date(self, name: str, value: str | date, error: ErrorSink,
              *, allow_time: bool = False) -> tuple[date, str] | tuple[None, None]:
        """The date of an optional cell that is not empty, and its ISO text; (None, None) when
        it is wrong (reported through ``error``)."""
        try:
            stamp = self._stamp(value)
        except DateFormatError:
            error(name, f"'{value}' is not a date")
            return _NO_DATE
        on = stamp[0]
        if stamp[1] is not None and not allow_time:
            error(name, f"'{value}' should be a date without a time")
            return _NO_DATE
        if on > self._today:
            error(name, f"'{value}' is in the future")
            return _NO_DATE
        return on, stamp[2]


def check_incident(draft: IncidentDraft, *, today: date, wards_configured: bool,
                   ward_keys: set[str], row: int = 0) -> ParsedIncident | list[RowError]:
    """The incident form's row (``row``: the number its errors carry), checked by exactly the
    rules of an import row; errors name our columns."""
    return RowChecker.of_values(today=today, wards_configured=wards_configured,
                                ward_keys=ward_keys).check(row, draft)


_DRAFT_COLUMNS = {name: position for position, name in enumerate(INCIDENT_COLUMNS)}


def _given_values(draft: Sequence[Any]) -> list[Any]:
    return [(value.strip() or None) if isinstance(value, str) else value for value in draft]


def _choice(name: str, value: str | None, allowed: tuple[str, ...],
            error: ErrorSink) -> str | None:
    if value is None:
        return None
    folded = value.casefold()
    if folded not in allowed:
        error(name, f"'{value}' is not one of {', '.join(allowed)}")
        return None
    return folded
