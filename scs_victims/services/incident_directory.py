"""The Incidents table over any number of incidents: ordered ids for a filter, rows on demand.

A table over a million incidents cannot hold a million rows. ``incident_ids`` returns only
the ordered ids (one indexed query); ``incident_rows`` reads the display rows of the few
hundred ids a screen shows. ``incident_listing`` serves a screen's first page in one call:
the count, the first ids in order and their rows; when a search matches many incidents it
stops after the first page (the rest comes from ``incident_ids``, later), so results show
while the officer is still looking at the search box. Deleted incidents are never listed
here ("Recently deleted" in ``services.incidents`` lists them).

Choices of ours:

- CHOICE: search text matches an incident whose reference starts with it; whose dwelling's
  postcode starts with it (when it has the shape of a postcode or its start); or whose
  victim's surname starts with it. Prefixes are tried as typed, capitalised and in capitals:
  those indexes are case-sensitive, and a case-folded scan of every row would be too slow
  while typing.
- CHOICE: when no reference starts with the text, the text has a digit and it is not the
  shape of a postcode, references containing it match too (the end of a CAD number, a
  sequence number such as "000123"). That is a scan of the reference index (tens of
  milliseconds on a million incidents), so it is done only when the prefix finds nothing.
- CHOICE: a search matching more than ``LAZY_OVER`` incidents in date order takes its first
  page from a walk of the date index, testing each id against the matches; the full ordered
  list (a sort of every match) is left to a second call.
- CHOICE: the date order is by day, then crime type, then entry (id), not by time of day:
  that is the order of the (occurred_on, crime_type) index, so a million ids need no sort.
  Every other sort ends with that date order, so equal keys keep a stable, useful order.
- CHOICE: a viewer who may not see names (``IncidentQuery.search_names`` False: analysts)
  finds nothing by a victim's surname; rows of a restricted person the viewer may not see
  (``hide``) name them "Restricted record", and the address too when they are the victim.
"""

from __future__ import annotations

import dataclasses
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.identity import normalise_postcode
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.people import Hide
from scs_victims.services.search_copy import IncidentSearchCopy
from scs_victims.storage.models import Address, Incident, Person, Ward

SORT_KEYS: tuple[str, ...] = ("date", "reference", "type", "ward", "victim", "repeat")
_CHUNK = 900  # ids per IN list, well inside every database's limit on bound parameters
# The start of a postcode: an outward code, optionally followed by the inward code's start.
_POSTCODE_START = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?: ?[0-9][A-Z]{0,2})?$")
_HIGHEST = "\U0010ffff"  # sorts after every character: the end of a prefix range
# More matches than this and a search's first page comes from a walk of the date index:
# sorting them all (a table row read for each) would take longer than the walk.
LAZY_OVER = 5_000
# Date-index entries read in search of a big search's first page before asking the database
# to order each kind of match instead (about 10 ms of reading; matches as sparse as one in
# 200 incidents are still met in time).
WALK_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class IncidentQuery:
    """Which incidents the table lists, and in what order.

    ``incident_ids``, when given, lists exactly those incidents (still filtered and sorted)."""

    crime_types: tuple[str, ...] = ()
    ward_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    repeats_only: bool = False
    text: str = ""
    incident_ids: tuple[int, ...] = ()
    sort: str = "date"
    descending: bool = True
    # False for a viewer who may not see names: search text then never matches a surname.
    search_names: bool = True


class IncidentRow(NamedTuple):
    """One line of the Incidents table (a plain tuple: cheap to cache and to pass threads)."""

    id: int
    reference: str
    occurred_on: date
    occurred_time: time | None
    crime_type: str
    category: str | None
    victim: str | None
    perpetrator: str | None
    address: str | None
    ward: str | None
    source: str | None
    is_repeat: bool
    previous_reference: str | None


class IncidentListing(NamedTuple):
    """What a screen shows first: how many match, ids in order and the first ids' rows.

    ``ids`` holds every match when ``complete``; otherwise only the first ones, and
    ``incident_ids`` gives the rest."""

    ids: array[int]
    total: int
    rows: list[IncidentRow]
    complete: bool


@dataclass(frozen=True, slots=True)
class WardChoice:
    id: int
    name: str


# Ids ------------------------------------------------------------------------------------


def _prefix(column: Any, start: str) -> ColumnElement[bool]:
    """``column`` starts with ``start``, as a range the column's index can serve."""
    return and_(column >= start, column < start + _HIGHEST)


def _spellings(text: str) -> list[str]:
    return list(dict.fromkeys((text, text[:1].upper() + text[1:].lower(), text.upper())))


def _text_ids(session: Session, text: str, names: bool = True) -> Select[Any] | None:
    """The ids whose reference, dwelling postcode or victim surname match: a union of
    queries that each use their own index (one OR over the three would scan the table)."""
    parts = _text_parts(session, text, names=names).queries
    if len(parts) <= 1:
        return parts[0] if parts else None
    return select(union(*parts).subquery().c.id)


@dataclass(frozen=True, slots=True)
class _TextParts:
    queries: list[Select[Any]]  # one query of ids per kind of match, each on its index
    found: list[int]  # ids already found in memory (search_copy)


def _text_parts(session: Session, text: str,
                search_copy: IncidentSearchCopy | None = None, *,
                names: bool = True) -> _TextParts:
    """How to find the incidents a search text matches (reference, postcode, surname).

    With ``search_copy``, text inside references that has no letters is found in memory,
    and in the database only among incidents newer than that copy."""
    text = " ".join(text.split())
    if not text:
        return _TextParts([], [])
    upper = text.upper()
    full = normalise_postcode(text)
    postcode_shaped = full is not None or _POSTCODE_START.match(upper) is not None
    found: list[int] = []
    reference = or_(*(_prefix(Incident.reference, spelling) for spelling in _spellings(text)))
    if (any(ch.isdigit() for ch in text) and not postcode_shaped
            and session.scalar(select(Incident.id).where(reference).limit(1)) is None):
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # SQLite's LIKE ignores ASCII case and scans the narrow reference index; elsewhere
        # ILIKE. Text without letters has no case: SQLite's instr scans faster than LIKE,
        # and a copy in memory faster still.
        dialect = session.get_bind().dialect.name
        letters = any(ch.isalpha() for ch in text)
        if dialect == "sqlite" and not letters:
            reference = func.instr(Incident.reference, text) > 0
        else:
            like = Incident.reference.like if dialect == "sqlite" else Incident.reference.ilike
            reference = like(f"%{escaped}%", escape="\\")
        in_memory = (search_copy.ids_containing(text)
                     if search_copy is not None and not letters else None)
        if in_memory is not None:
            assert search_copy is not None
            found = in_memory
            reference = and_(Incident.id > search_copy.through_id, reference)
    parts: list[Select[Any]] = [select(Incident.id).where(reference)]
    postcode: ColumnElement[bool] | None = None
    if full is not None:
        postcode = Address.postcode == full
    elif postcode_shaped:
        postcode = _prefix(Address.postcode, upper)
    if postcode is not None:
        parts.append(select(Incident.id).where(
            Incident.address_id.in_(select(Address.id).where(postcode))))
    if names and any(ch.isalpha() for ch in text):
        surname = or_(*(_prefix(Person.surname, spelling) for spelling in _spellings(text)))
        parts.append(select(Incident.id).where(
            Incident.victim_id.in_(select(Person.id).where(surname))))
    return _TextParts(parts, found)


def _order(query: IncidentQuery, statement: Select[Any]) -> Select[Any]:
    def direction(column: Any) -> Any:
        return column.desc() if query.descending else column.asc()

    # The date order is the covering index (occurred_on, crime_type) and the id: a million
    # ids in index order need no sort at all.
    date_keys = [direction(Incident.occurred_on), direction(Incident.crime_type),
                 direction(Incident.id)]
    if query.sort == "date":
        return statement.order_by(*date_keys)
    if query.sort == "reference":
        return statement.order_by(direction(Incident.reference))
    if query.sort == "type":
        return statement.order_by(direction(Incident.crime_type), *date_keys)
    if query.sort == "repeat":
        return statement.order_by(direction(Incident.is_repeat), *date_keys)
    if query.sort == "ward":
        statement = statement.outerjoin(Ward, Ward.id == Incident.ward_id)
        return statement.order_by(direction(Ward.name), *date_keys)
    if query.sort == "victim":
        statement = statement.outerjoin(Person, Person.id == Incident.victim_id)
        return statement.order_by(direction(Person.surname), direction(Person.forename),
                                  *date_keys)
    raise ValueError(f"unknown sort key: {query.sort!r}")


def _filtered(session: Session, query: IncidentQuery) -> Select[Any]:
    """Every condition but "not deleted": testing deleted_at would read each table row, so
    the few deleted ids (a partial index) are taken out afterwards instead."""
    statement = select(Incident.id)
    if query.crime_types:
        statement = statement.where(Incident.crime_type.in_(query.crime_types))
    if query.ward_id is not None:
        statement = statement.where(Incident.ward_id == query.ward_id)
    if query.date_from is not None:
        statement = statement.where(Incident.occurred_on >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(Incident.occurred_on <= query.date_to)
    if query.repeats_only:
        # "= true", not "IS true": the partial index ix_incidents_repeats is chosen only
        # for the very condition it was built with.
        statement = statement.where(Incident.is_repeat == true())
    matching = _text_ids(session, query.text, query.search_names)
    if matching is not None:
        statement = statement.where(Incident.id.in_(matching))
    return statement


def _deleted_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Incident.id).where(Incident.deleted_at.is_not(None))))


def incident_ids(session: Session, query: IncidentQuery) -> array[int]:
    """The ids of the live incidents the query selects, in its order (an array: a million
    ids take 8 MB there, against 40 MB as a list of ints)."""
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key: {query.sort!r}")
    deleted = _deleted_ids(session)
    if query.incident_ids:
        # A list from a figure or an alert: a few thousand at most, filtered in chunks and
        # ordered over exactly those rows.
        wanted: list[int] = []
        for start in range(0, len(query.incident_ids), _CHUNK):
            chunk = query.incident_ids[start:start + _CHUNK]
            wanted.extend(session.scalars(_filtered(session, query)
                                          .where(Incident.id.in_(chunk))))
        return array("q", _ordered_subset(session, query, [value for value in wanted
                                                           if value not in deleted]))
    # Through Core in batches: the ORM would first fetch all million rows as tuples (150 MB).
    found = session.connection().execute(_order(query, _filtered(session, query))).scalars()
    ids: array[int] = array("q")
    for batch in found.partitions(10_000):
        ids.extend([value for value in batch if value not in deleted] if deleted else batch)
    return ids


def _ordered_subset(session: Session, query: IncidentQuery, ids: Sequence[int]) -> list[int]:
    if len(ids) <= _CHUNK:
        statement = _order(query, select(Incident.id).where(Incident.id.in_(ids)))
        return list(session.scalars(statement))
    keys: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for row in session.execute(_sort_values(query).where(Incident.id.in_(chunk))):
            keys[row[0]] = tuple(row[1:])
    ordered = sorted(ids, key=lambda incident_id: _none_first(keys[incident_id]))
    return ordered[::-1] if query.descending else ordered


def _none_first(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is not None, value) for value in values)


def _sort_values(query: IncidentQuery) -> Select[Any]:
    date_keys = (Incident.occurred_on, Incident.crime_type, Incident.id)
    leading: tuple[Any, ...] = {
        "date": (), "reference": (Incident.reference,), "type": (Incident.crime_type,),
        "repeat": (Incident.is_repeat,), "ward": (Ward.name,),
        "victim": (Person.surname, Person.forename),
    }[query.sort]
    statement = select(Incident.id, *leading, *date_keys)
    if query.sort == "ward":
        statement = statement.outerjoin(Ward, Ward.id == Incident.ward_id)
    if query.sort == "victim":
        statement = statement.outerjoin(Person, Person.id == Incident.victim_id)
    return statement


# Rows -----------------------------------------------------------------------------------


def _full_name(forename: str | None, surname: str | None) -> str | None:
    return " ".join(part for part in (forename, surname) if part) or None


def _address(line1: str | None, postcode: str | None) -> str | None:
    return ", ".join(part for part in (line1, postcode) if part) or None


def incident_rows(session: Session, ids: Sequence[int], *,
                  hide: Hide | None = None) -> list[IncidentRow]:
    """The display rows of these incidents, in the order of ``ids`` (unknown ids are left out).
    ``hide`` picks the restricted people to show as "Restricted record"."""
    victim = aliased(Person)
    perpetrator = aliased(Person)
    previous = aliased(Incident)
    found: dict[int, IncidentRow] = {}
    people: dict[int, tuple[int | None, int | None]] = {}  # incident: victim, perpetrator
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        statement = (
            select(Incident.id, Incident.reference, Incident.occurred_on, Incident.occurred_time,
                   Incident.crime_type, Incident.category, victim.forename, victim.surname,
                   perpetrator.forename, perpetrator.surname, Incident.perpetrator_name,
                   Address.line1, Address.postcode, Ward.name, Incident.source,
                   Incident.is_repeat, previous.reference, Incident.victim_id,
                   Incident.perpetrator_id)
            .outerjoin(victim, victim.id == Incident.victim_id)
            .outerjoin(perpetrator, perpetrator.id == Incident.perpetrator_id)
            .outerjoin(Address, Address.id == Incident.address_id)
            .outerjoin(Ward, Ward.id == Incident.ward_id)
            .outerjoin(previous, previous.id == Incident.previous_id)
            .where(Incident.id.in_(chunk))
        )
        for row in session.execute(statement):
            (incident_id, reference, occurred_on, occurred_time, crime_type, category,
             v_forename, v_surname, p_forename, p_surname, p_name, line1, postcode, ward,
             source, is_repeat, previous_reference, victim_id, perpetrator_id) = row
            people[incident_id] = (victim_id, perpetrator_id)
            found[incident_id] = IncidentRow(
                id=incident_id, reference=reference, occurred_on=occurred_on,
                occurred_time=occurred_time, crime_type=crime_type, category=category,
                victim=_full_name(v_forename, v_surname),
                perpetrator=_full_name(p_forename, p_surname) or p_name,
                address=_address(line1, postcode), ward=ward, source=source,
                is_repeat=bool(is_repeat), previous_reference=previous_reference,
            )
    if hide is not None and people:
        hidden = set(hide({person for pair in people.values() for person in pair}))
        if hidden:
            for incident_id, (victim_id, perpetrator_id) in people.items():
                if victim_id in hidden or perpetrator_id in hidden:
                    found[incident_id] = _masked(found[incident_id], victim_id in hidden,
                                                 perpetrator_id in hidden)
    return [found[incident_id] for incident_id in ids if incident_id in found]


def _masked(row: IncidentRow, victim: bool, perpetrator: bool) -> IncidentRow:
    """A row with a hidden victim's name and address, or a hidden perpetrator's name, replaced
    by ``RESTRICTED_LABEL``."""
    if victim:
        row = row._replace(victim=RESTRICTED_LABEL, address=RESTRICTED_LABEL)
    if perpetrator:
        row = row._replace(perpetrator=RESTRICTED_LABEL)
    return row


def incident_listing(session: Session, query: IncidentQuery, first: int,
                     search_copy: IncidentSearchCopy | None = None, *,
                     hide: Hide | None = None) -> IncidentListing:
    """The count of the query's incidents, its ids in order and the rows of the first
    ``first`` of them, in one call (one round trip for a screen). ``search_copy`` (every
    reference and date in memory) finds text inside references without reading them all,
    and orders a big search's first page without reading its table rows. ``hide`` as for
    ``incident_rows``."""
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key: {query.sort!r}")
    if query.text.strip() and not query.incident_ids:
        matched = _matches(session, query, search_copy)
        deleted = _deleted_ids(session)
        matched.difference_update(deleted)
        if len(matched) <= LAZY_OVER:
            ids = array("q", _ordered_subset(session, query, list(matched)))
        elif query.sort == "date":
            ids = _first_in_date_order(session, query, matched, first, deleted=len(deleted),
                                       search_copy=search_copy)
            return IncidentListing(ids, len(matched), incident_rows(session, ids, hide=hide),
                                   False)
        else:
            ids = incident_ids(session, query)
    else:
        ids = incident_ids(session, query)
    return IncidentListing(ids, len(ids), incident_rows(session, ids[:first], hide=hide),
                           True)


def _matches(session: Session, query: IncidentQuery,
             search_copy: IncidentSearchCopy | None = None) -> set[int]:
    """The ids a search selects, unordered. Text alone is read branch by branch, each an
    index range, and joined here: no table row is read, and no temporary B-tree merges them.
    """
    connection = session.connection()
    others = dataclasses.replace(query, text="", sort="date", descending=True,
                                 search_names=True)
    if others != IncidentQuery():
        return set(connection.execute(_filtered(session, query)).scalars())
    parts = _text_parts(session, query.text, search_copy, names=query.search_names)
    matched = set(parts.found)
    for part in parts.queries:
        matched.update(connection.execute(part).scalars())
    return matched


def _first_in_date_order(session: Session, query: IncidentQuery, matched: set[int],
                         first: int, deleted: int,
                         search_copy: IncidentSearchCopy | None = None) -> array[int]:
    """The first ``first`` of ``matched`` in date order.

    Matches spread over the years (a postcode district, a common surname) are met early in
    the date index, so it is read in order (no table rows) for a while. Matches bunched far
    from the start (every reference of an earlier year) would take most of the index: past
    a budget, they are ordered by the dates held in memory (``search_copy``) or else each
    kind of match is ordered by the database, from its own index range, and the few
    candidates are merged here."""
    walk = (session.connection().execution_options(yield_per=min(2_000, WALK_BUDGET))
            .execute(_order(query, select(Incident.id))).scalars())
    found: array[int] = array("q")
    read = 0
    try:
        for batch in walk.partitions():
            found.extend(value for value in batch if value in matched)
            read += len(batch)
            if len(found) >= first:
                return found[:first]
            if read >= WALK_BUDGET:
                break
        else:
            return found
    finally:
        walk.close()
    if search_copy is not None:
        in_memory = search_copy.first_in_date_order(matched, first,
                                                    descending=query.descending)
        if in_memory is not None:
            return array("q", in_memory)
    return _first_by_kind_of_match(session, query, matched, first + deleted)[:first]


def _first_by_kind_of_match(session: Session, query: IncidentQuery, matched: set[int],
                            limit: int) -> array[int]:
    """The first ``limit`` ids of each text part in the query's date order, merged (deleted
    ids, which ``matched`` no longer holds, are dropped after the database's limit: so the
    caller asks for that many more)."""
    candidates: dict[int, tuple[Any, ...]] = {}
    for part in _text_parts(session, query.text, names=query.search_names).queries:
        ranked = _order(query, part.add_columns(Incident.occurred_on, Incident.crime_type))
        for incident_id, occurred_on, crime_type in session.execute(ranked.limit(limit)):
            if incident_id in matched:
                candidates[incident_id] = (occurred_on, crime_type, incident_id)
    ordered = sorted(candidates, key=candidates.__getitem__, reverse=query.descending)
    return array("q", ordered)


def ward_choices(session: Session) -> list[WardChoice]:
    """The wards in the area's order, for filter lists."""
    rows = session.execute(select(Ward.id, Ward.name).order_by(Ward.position, Ward.name))
    return [WardChoice(id=row.id, name=row.name) for row in rows]


def crime_type_label(value: str) -> str:
    """The short name the table shows for a stored crime type."""
    return {CrimeType.ASB: "ASB", CrimeType.BURGLARY: "Burglary",
            CrimeType.DV: "Domestic abuse"}[CrimeType(value)]


__all__ = [
    "SORT_KEYS",
    "LAZY_OVER",
    "IncidentListing",
    "IncidentQuery",
    "IncidentRow",
    "WardChoice",
    "crime_type_label",
    "incident_ids",
    "incident_listing",
    "incident_rows",
    "ward_choices",
]
