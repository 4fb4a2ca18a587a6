"""Finding people and addresses while a form is typed, and people who may already exist.

The incident form links a victim by key (definitions §2): a spelling slip or a missing
reference makes a new person where the officer meant an existing one. These look-ups let the
form offer the existing record first, and warn before a likely duplicate is created.

Choices of ours:

- CHOICE: a likely duplicate of a new person is an existing person (a merge root) with the
  same date of birth and a similar name (the same surname and a forename within two edits
  or with the same initial, or the same forename and a surname within two edits, or the two
  names swapped), or one with the same name recorded at the same postcode. Names compare as
  the person key compares them (``normalise_name``).
- CHOICE: name searches use the surname index, trying the text as typed, capitalised and in
  capitals (the index is case-sensitive); a word of the search that is not the start of the
  surname must start the forename.
- CHOICE: a restricted person the viewer may not see (``hide``) is still found, as a match
  with no details (``hidden``, named "Restricted record"), after the others: the form then
  asks for a reason before using them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from scs_victims.domain.identity import (
    normalise_name,
    normalise_postcode,
    normalise_uprn,
    person_key,
)
from scs_victims.errors import NotFound
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.people import Hide
from scs_victims.storage.models import Address, Incident, Person, Ward

_HIGHEST = "\U0010ffff"
_POSTCODE_START = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?: ?[0-9][A-Z]{0,2})?$")
MAX_EDITS = 2
_SCANNED = 2_000  # rows read per name range at most: a search box needs the first few only


@dataclass(frozen=True, slots=True)
class PersonMatch:
    id: int
    reference: str | None
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    gender: str | None
    # The postcode a name-and-postcode key was made with (the form needs it to link again).
    key_postcode: str | None
    # A restricted person this viewer may not see: every detail above is left out.
    hidden: bool = False

    @property
    def name(self) -> str:
        if self.hidden:
            return RESTRICTED_LABEL
        return " ".join(part for part in (self.forename, self.surname) if part) or "(no name)"


@dataclass(frozen=True, slots=True)
class LikelyDuplicate:
    person: PersonMatch
    reason: str  # in words, e.g. "same date of birth, surname spelt alike"


@dataclass(frozen=True, slots=True)
class AddressMatch:
    id: int
    uprn: str | None
    line1: str | None
    line2: str | None
    town: str | None
    postcode: str | None
    ward: str | None

    @property
    def label(self) -> str:
        parts = (self.line1, self.line2, self.town, self.postcode)
        return ", ".join(part for part in parts if part) or f"UPRN {self.uprn}"


def _prefix(column: Any, start: str) -> ColumnElement[bool]:
    return and_(column >= start, column < start + _HIGHEST)


def _spellings(text: str) -> list[str]:
    return list(dict.fromkeys((text, text[:1].upper() + text[1:].lower(), text.upper())))


_PERSON_COLUMNS = (Person.id, Person.reference, Person.forename, Person.surname,
                   Person.date_of_birth, Person.gender, Person.key)


def _match(row: Any) -> PersonMatch:
    key: str | None = row.key
    key_postcode = None
    if key and "|pc:" in key:
        key_postcode = normalise_postcode(key.rsplit("|pc:", 1)[1])
    return PersonMatch(id=row.id, reference=row.reference, forename=row.forename,
                       surname=row.surname, date_of_birth=row.date_of_birth, gender=row.gender,
                       key_postcode=key_postcode)


def masked(match: PersonMatch) -> PersonMatch:
    """The match as a viewer who may not see this restricted person gets it: the id only."""
    return PersonMatch(id=match.id, reference=None, forename=None, surname=None,
                       date_of_birth=None, gender=None, key_postcode=None, hidden=True)


def _hiding(matches: list[PersonMatch], hide: Hide | None) -> list[PersonMatch]:
    """``matches`` with the hidden people masked and moved last (their place in an order by
    name would hint at the name)."""
    hidden = set(hide([match.id for match in matches])) if hide is not None and matches \
        else set()
    if not hidden:
        return matches
    return ([match for match in matches if match.id not in hidden]
            + [masked(match) for match in matches if match.id in hidden])


def person_match(session: Session, person_id: int) -> PersonMatch:
    """One person (resolved to the root of a merge) as the pickers give it."""
    row = session.execute(select(*_PERSON_COLUMNS, Person.merged_into_id)
                          .where(Person.id == person_id)).first()
    if row is not None and row.merged_into_id is not None:
        return person_match(session, row.merged_into_id)
    if row is None:
        raise NotFound("That person is no longer in the database.")
    return _match(row)


def search_people(session: Session, text: str, limit: int = 20, *,
                  hide: Hide | None = None) -> list[PersonMatch]:
    """People (merge roots) whose reference or name matches the typed text, name parts in any
    order: 'smith jan' and 'jan smith' both find Jane Smith. ``hide`` picks the restricted
    people to give without details."""
    words = text.split()
    if not words:
        return []
    found: dict[int, PersonMatch] = {}

    def take(statement: Any, others: list[str]) -> None:
        # "merged_into_id IS NULL" is tested here, not in SQL: there it would tempt SQLite
        # to walk that index over every person instead of the name range.
        for row in session.execute(statement.limit(_SCANNED)):
            if row.merged_into_id is not None or row.id in found:
                continue
            forename = normalise_name(row.forename or "")
            if all(forename.startswith(other) for other in others if other):
                found[row.id] = _match(row)
                if len(found) >= limit:
                    return

    reference = " ".join(words)
    for spelling in _spellings(reference):
        take(select(*_PERSON_COLUMNS, Person.merged_into_id)
             .where(_prefix(Person.reference, spelling)).order_by(Person.reference), [])
    for index, word in enumerate(words):
        others = [normalise_name(other) for i, other in enumerate(words) if i != index]
        for spelling in _spellings(word):
            if len(found) >= limit:
                break
            take(select(*_PERSON_COLUMNS, Person.merged_into_id)
                 .where(_prefix(Person.surname, spelling))
                 .order_by(Person.surname, Person.forename), others)
    return _hiding(sorted(found.values(), key=lambda match: (
        normalise_name(match.surname or ""), normalise_name(match.forename or ""),
        match.id))[:limit], hide)


def search_addresses(session: Session, text: str, limit: int = 20) -> list[AddressMatch]:
    """Known dwellings (merge roots) by postcode (whole or its start), UPRN, or first line."""
    text = " ".join(text.split())
    if not text:
        return []
    upper = text.upper()
    full = normalise_postcode(text)
    order: tuple[Any, ...] = (Address.postcode, Address.line1, Address.id)
    if full is not None:
        condition: ColumnElement[bool] = Address.postcode == full
    elif _POSTCODE_START.match(upper):
        condition = _prefix(Address.postcode, upper)
    elif text.isdigit():
        condition = Address.key == "uprn:" + normalise_uprn(text)  # the key is indexed
    else:
        escaped = upper.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # SQLite's LIKE already ignores ASCII case; ILIKE there would add lower() per row.
        sqlite = session.get_bind().dialect.name == "sqlite"
        like = Address.line1.like if sqlite else Address.line1.ilike
        condition = like(f"%{escaped}%", escape="\\")
        # In table order, so the scan stops at the first matches instead of sorting them all.
        order = (Address.id,)
    statement = (
        select(Address.id, Address.uprn, Address.line1, Address.line2, Address.town,
               Address.postcode, Ward.name, Address.merged_into_id)
        .outerjoin(Ward, Ward.id == Address.ward_id)
        .where(condition)
        .order_by(*order)
        .limit(limit * 2)
    )
    rows = [AddressMatch(*row[:-1]) for row in session.execute(statement)
            if row.merged_into_id is None]
    return sorted(rows, key=lambda match: (match.postcode or "", match.line1 or "",
                                           match.id))[:limit]


# Likely duplicates -----------------------------------------------------------------------


def edit_distance(first: str, second: str, limit: int = MAX_EDITS) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it must exceed
    ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for i, left in enumerate(first, start=1):
        current = [i]
        for j, right in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (left != right)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _similar_reason(forename: str, surname: str, other_forename: str,
                    other_surname: str) -> str | None:
    if not (forename and surname and other_forename and other_surname):
        return None
    if surname == other_surname:
        if forename == other_forename:
            return "same name"
        if edit_distance(forename, other_forename) <= MAX_EDITS:
            return "same surname, forename spelt alike"
        if forename[0] == other_forename[0]:
            return "same surname and initial"
    if forename == other_forename and edit_distance(surname, other_surname) <= MAX_EDITS:
        return "same forename, surname spelt alike"
    if forename == other_surname and surname == other_forename:
        return "forename and surname swapped"
    return None


def likely_duplicates(session: Session, *, forename: str | None, surname: str | None,
                      date_of_birth: date | None, postcode: str | None = None,
                      reference: str | None = None, limit: int = 10,
                      hide: Hide | None = None) -> list[LikelyDuplicate]:
    """Existing people a new person with these details may really be (empty when the details
    link to an existing person by key, as saving would then reuse that person). ``hide``
    picks the restricted people to give without details (the reason stays)."""
    postcode = normalise_postcode(postcode) if postcode else None
    key = person_key(reference=reference, forename=forename, surname=surname,
                     date_of_birth=date_of_birth, postcode=postcode)
    if key is not None and session.scalar(select(Person.id).where(Person.key == key)):
        return []
    name_f, name_s = normalise_name(forename or ""), normalise_name(surname or "")
    if not name_f or not name_s:
        return []
    found: dict[int, LikelyDuplicate] = {}

    def add(row: Any, reason: str) -> None:
        if row.id not in found:
            found[row.id] = LikelyDuplicate(_match(row), reason)

    if date_of_birth is not None:
        # Not "roots" in SQL: SQLite would then walk the merged_into_id index instead.
        same_day = select(*_PERSON_COLUMNS, Person.merged_into_id).where(
            Person.date_of_birth == date_of_birth)
        for row in session.execute(same_day):
            if row.merged_into_id is not None:
                continue
            reason = _similar_reason(name_f, name_s, normalise_name(row.forename or ""),
                                     normalise_name(row.surname or ""))
            if reason is not None:
                add(row, f"same date of birth, {reason}")
    if postcode is not None:
        at_postcode = (
            select(*_PERSON_COLUMNS, Person.merged_into_id).distinct()
            .join(Incident, Incident.victim_id == Person.id)
            .join(Address, Address.id == Incident.address_id)
            .where(Address.postcode == postcode)
        )
        # A victim keyed by name and postcode may have no dwelling linked (ASB in the street).
        keyed_here = select(*_PERSON_COLUMNS, Person.merged_into_id).where(
            Person.key == f"name:{name_f}|{name_s}|pc:{postcode.replace(' ', '')}")
        for row in [*session.execute(keyed_here), *session.execute(at_postcode)]:
            same = (normalise_name(row.forename or ""), normalise_name(row.surname or ""))
            if row.merged_into_id is None and same == (name_f, name_s):
                add(row, "same name at the same postcode")
    duplicates = list(found.values())[:limit]
    shown = {match.id: match for match in _hiding([item.person for item in duplicates], hide)}
    return [dataclasses.replace(item, person=shown[item.person.id]) for item in duplicates]


__all__ = [
    "AddressMatch",
    "LikelyDuplicate",
    "PersonMatch",
    "edit_distance",
    "likely_duplicates",
    "masked",
    "search_addresses",
    "search_people",
]
