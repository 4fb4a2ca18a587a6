"""The people list: every canonical person with their incident counts, searchable as one types.

``load_directory`` reads the whole list once (for a background thread) into compact rows, and
``PeopleDirectory.search`` filters them in pure Python, fast enough to run on every keystroke:
each person carries a precomputed search key of normalised words (name parts, reference,
postcodes), and a query word matches the start of any of those words.

Cost: one query, read as a stream: the live incidents aggregated by their victim's root
(people merged into another count for the survivor), joined onto the root people, so that
Python holds nothing per victim beyond the row it builds. A date range cannot be answered
from per-person aggregates, so ``people_with_incidents_between`` asks the database (range
read on ``ix_incidents_by_date``).

Choices of ours:

- CHOICE: counts, last incident, ward, postcodes and the repeat flag come from incidents where
  the person (or anyone merged into them) is the victim, of every crime type; a burglary counts
  for a person when the row named a victim (its repeat flag is about the dwelling, and still
  marks the person as a repeat victim).
- CHOICE: the ward is the incident's own ward (definitions §4), or its address's ward when the
  incident has none, of the latest incident as victim (ties on the day: the highest ward id).
- CHOICE: a query word matches the beginning of a word of the name, reference or postcode
  ("jo" finds "Jones", "EN2" finds "EN2 1AA"); names split at spaces, hyphens and apostrophes
  also match whole ("obrien" finds "O'Brien").
- CHOICE: a restricted person the viewer may not see (``hide``) is listed and counted as any
  other, named "Restricted record" with no date of birth or age; their name, reference and
  postcodes are left out of the search key, so typing them does not find the row (the words
  "restricted record" do). Their ward, counts and flags stay: the figures show them anyway.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import accumulate
from typing import Any, NamedTuple

from sqlalchemy import Integer, Row, Select, String, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from scs_victims.domain.crime_types import CrimeType
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incident_directory import ward_choices
from scs_victims.services.people import Hide
from scs_victims.storage.models import Address, Incident, Person

_CHUNK = 900  # ids per IN list, well inside every database's limit on bound parameters
_WORD = re.compile(r"[a-z0-9]+")
# ASCII letters, digits and spaces only: such text lower-cased is its own search key.
_PLAIN = re.compile(r"[A-Za-z0-9 ]*")
_JOINERS = re.compile(r"[^\w\s]")
# "EN2 1AA" typed with its space is one postcode, stored in the key without it.
_SPLIT_POSTCODE = re.compile(r"\b([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s+([0-9][A-Za-z]{0,2})\b")


class PersonRow(NamedTuple):
    """One canonical person as the list shows them (a tuple: 300,000 of them stay small)."""

    id: int
    name: str  # "Surname, Forename"
    date_of_birth: date | None
    age: int | None  # on the day the list was read
    gender: str | None
    ward_id: int | None
    ward: str  # "" when not known
    asb: int
    burglary: int
    dv: int
    last_incident: date | None
    repeat: bool  # any live incident of theirs as victim is a repeat
    perpetrator: bool  # named as perpetrator on any live incident

    def count(self, crime_type: CrimeType | str) -> int:
        value: int = getattr(self, CrimeType(crime_type).value)
        return value

    @property
    def flags(self) -> str:
        return ", ".join(name for name, on in (("Repeat victim", self.repeat),
                                               ("Perpetrator", self.perpetrator)) if on)


class PeopleDirectory:
    """Every canonical person, loaded once; ``search`` filters without touching the database.

    The search keys live in one string, a line per row in row order, so that the first query
    word is found by one scan in C rather than a Python loop over 300,000 keys; ``order``
    reorders rows and keys together, so results come out in the table's sort order. The keys
    are kept only there (a list of them as well would cost as much again).
    """

    def __init__(self, rows: list[PersonRow], keys: Sequence[str],
                 wards: list[tuple[int, str]], ordered_by: object = None) -> None:
        self.rows = rows
        self.wards = wards  # every ward (id, name), in the area's order
        self.total = len(rows)
        self._ordered_by = ordered_by
        self._text = "\n".join([*keys, ""])
        # Where each row's line starts (and, last, the end): a bisect finds a match's row.
        self._starts = array("q", accumulate(map(len, keys), lambda at, n: at + n + 1,
                                             initial=0))

    def key(self, position: int) -> str:
        """The search key of ``rows[position]``."""
        return self._text[self._starts[position]:self._starts[position + 1] - 1]

    def order(self, spec: object, key: Callable[[PersonRow], Any], reverse: bool) -> None:
        """Sort by ``key``; ``spec`` names the ordering, so asking again costs nothing."""
        if spec == self._ordered_by:
            return
        rows, text, starts = self.rows, self._text, self._starts
        with _collector_paused():
            positions = _sorted_positions(rows, key, reverse)
            self.rows = [rows[i] for i in positions]
            self._text = "".join([text[starts[i]:starts[i + 1]] for i in positions])
            self._starts = array("q", accumulate(
                (starts[i + 1] - starts[i] for i in positions), initial=0))
        self._ordered_by = spec

    def _find(self, needle: str) -> list[int]:
        """Positions of the rows whose key contains ``needle``, in order."""
        text, starts = self._text, self._starts
        found: list[int] = []
        last = -1
        row_of = bisect_right
        at = text.find(needle)
        while at >= 0:
            position = row_of(starts, at) - 1
            if position != last:
                found.append(position)
                last = position
            # The rest of this row cannot add anything: skip to the next one.
            at = text.find(needle, starts[position + 1])
        return found

    def search(self, text: str = "", *, crime_type: CrimeType | str | None = None,
               ward_id: int | None = None, repeat_only: bool = False,
               person_ids: Iterable[int] | None = None) -> list[PersonRow]:
        """The rows matching every word of ``text`` and every filter given, in list order."""
        # The longest word first: it is usually the rarest, so later passes check few rows.
        needles = sorted((" " + word for word in query_words(text)), key=len, reverse=True)
        rows = self.rows
        if needles:
            positions: Sequence[int] = self._find(needles[0])
            find, starts = self._text.find, self._starts
            for needle in needles[1:]:
                positions = [i for i in positions
                             if find(needle, starts[i], starts[i + 1]) >= 0]
            found = [rows[i] for i in positions]
        else:
            found = list(rows)
        if person_ids is None and not crime_type and ward_id is None and not repeat_only:
            return found
        wanted = None if person_ids is None else set(person_ids)
        # A count column, or the id column (never 0) when no crime type is asked for.
        column = PersonRow._fields.index(CrimeType(crime_type).value) if crime_type else 0
        return [row for row in found
                if row[column] and (not repeat_only or row.repeat)
                and (ward_id is None or row.ward_id == ward_id)
                and (wanted is None or row.id in wanted)]


def _sorted_positions(rows: list[PersonRow], key: Callable[[PersonRow], Any],
                      reverse: bool) -> list[int]:
    values = list(map(key, rows))
    return sorted(range(len(rows)), key=values.__getitem__, reverse=reverse)


# Search keys -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case, accents and other marks dropped (``'Ayşe'`` -> ``'ayse'``), as
    ``normalise_name`` does; letters with no ASCII form are dropped too, as there."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _slow_key(*parts: str | None) -> str:
    """The search words of names or references with accents or punctuation in them."""
    words = _WORD.findall(_fold(" ".join(part for part in parts if part)))
    for part in parts:
        if part and _JOINERS.search(part):  # "O'Brien", "Smith-Jones": also run together
            words.append("".join(_WORD.findall(_fold(part))))
    return " ".join(words)


def query_words(text: str) -> list[str]:
    """What a typed query searches for: folded words, a postcode typed with its space as one
    word, and a word with punctuation inside (``o'brien``) run together."""
    joined = _SPLIT_POSTCODE.sub(r"\1\2", text)
    found: list[str] = []
    for part in joined.split():
        word = "".join(_WORD.findall(_fold(part)))
        if word and word not in found:
            found.append(word)
    return found


def display_name(forename: str | None, surname: str | None) -> str:
    if surname and forename:
        return f"{surname}, {forename}"
    return surname or forename or "(no name)"


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# Loading ---------------------------------------------------------------------------------

def _rows(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Row[*tuple[Any, ...]]]:
    """Rows through Core in batches: the ORM's wrapping, or fetching row by row, costs
    seconds over 300,000 rows."""
    for batch in session.connection().execute(query).partitions(10_000):
        yield from batch


def _root_of(person: type[Person]) -> Any:
    # CAST: SQLite gives coalesce() no type affinity, and compared with an integer id such a
    # column cannot be indexed, so the join below would scan the aggregate once per person.
    return cast(func.coalesce(person.merged_into_id, person.id), Integer)


def _directory_query() -> Select[*tuple[Any, ...]]:
    """Every root person with the aggregates of the live incidents where they, or anyone
    merged into them, are the victim: counts by type, any repeat, "yyyy-mm-dd|ward id" of
    the latest incident (ward 0: none), the postcodes run together (lower case, spaces
    between), and whether they are named as perpetrator on any live incident."""
    victim, perpetrator = aliased(Person), aliased(Person)
    latest = func.max(
        cast(Incident.occurred_on, String) + "|"
        + cast(func.coalesce(Incident.ward_id, Address.ward_id, 0), String)
    )
    per_type = [func.sum(case((Incident.crime_type == crime_type.value, 1), else_=0))
                .label(crime_type.value) for crime_type in CrimeType]
    stats = (
        select(_root_of(victim).label("root"), *per_type,
               func.max(case((Incident.is_repeat, 1), else_=0)).label("repeat"),
               latest.label("latest"),
               func.aggregate_strings(func.lower(func.replace(Address.postcode, " ", "")),
                                      " ").label("postcodes"))
        .join(victim, victim.id == Incident.victim_id)
        .outerjoin(Address, Address.id == Incident.address_id)
        .where(Incident.deleted_at.is_(None))
        .group_by(_root_of(victim))
        .subquery()
    )
    perpetrators = (select(_root_of(perpetrator))
                    .join(Incident, Incident.perpetrator_id == perpetrator.id)
                    .where(Incident.deleted_at.is_(None)))
    return (
        select(Person.id, Person.forename, Person.surname, Person.date_of_birth, Person.gender,
               Person.reference, *(stats.c[crime_type.value] for crime_type in CrimeType),
               stats.c.repeat, stats.c.latest, stats.c.postcodes,
               Person.id.in_(perpetrators), Person.restricted)
        .outerjoin(stats, stats.c.root == Person.id)
        .where(Person.merged_into_id.is_(None))
        # Ties in the list's order (people of the same name) keep this order.
        .order_by(Person.id)
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building 300,000 tuples makes Python's cyclic garbage collector run over and over
    across the whole heap (a third of the load time); none of them can form a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_directory(session: Session, today: date | None = None, *,
                   hide: Hide | None = None) -> PeopleDirectory:
    """Every canonical person with their counts; ordered by name. ``hide`` picks the
    restricted people to show as "Restricted record" (None: nobody is hidden)."""
    with _collector_paused():
        return _load_directory(session, today or date.today(), hide)


_HIDDEN_KEY = " " + RESTRICTED_LABEL.lower()


def _load_directory(session: Session, today: date, hide: Hide | None) -> PeopleDirectory:
    # The loop below runs once per person: it does the least it can, and only names or
    # references with accents or punctuation take the slower path. What repeats across
    # people (names, genders, dates of birth with their age, latest day and ward) is worked
    # out once and shared: 300,000 copies of equal strings and dates would cost tens of MB.
    wards = [(ward.id, ward.name) for ward in ward_choices(session)]
    ward_names = dict(wards)
    strings: dict[str | None, str | None] = {}
    births: dict[date | None, tuple[date | None, int | None]] = {}
    latests: dict[str | None, tuple[date | None, int | None, str]] = {}
    rows: list[PersonRow] = []
    keys: list[str] = []
    restricted: list[int] = []  # positions of restricted people, for ``hide`` to judge
    plain = _PLAIN.fullmatch
    new_row = tuple.__new__  # PersonRow(...) runs Python code per row; this does not
    for (person_id, forename, surname, birth, gender, reference, asb, burglary, dv, repeat,
         latest, postcodes, perpetrator, is_restricted) in _rows(session, _directory_query()):
        if is_restricted:
            restricted.append(len(rows))
        born, age = births.get(birth) or births.setdefault(birth, (birth, age_on(birth, today)))
        last, ward_id, ward = (latests.get(latest)
                               or latests.setdefault(latest, _last(latest, ward_names)))
        text = f"{surname or ''} {forename or ''} {reference or ''}"
        if plain(text):
            text = text.lower()
        else:
            text = _slow_key(surname, forename, reference)
        keys.append(f" {text} {postcodes or ''}")
        name = display_name(forename, surname)
        rows.append(new_row(PersonRow, (
            person_id, strings.setdefault(name, name), born, age,
            strings.setdefault(gender, gender), ward_id, ward,
            asb or 0, burglary or 0, dv or 0, last, bool(repeat), bool(perpetrator),
        )))
    if hide is not None and restricted:
        hidden = set(hide([rows[position].id for position in restricted]))
        for position in restricted:
            if rows[position].id in hidden:
                rows[position] = rows[position]._replace(
                    name=RESTRICTED_LABEL, date_of_birth=None, age=None)
                keys[position] = _HIDDEN_KEY
    # Sorted here, while the keys are still a list, rather than by ``order`` once joined.
    positions = _sorted_positions(rows, lambda row: row.name.casefold(), False)
    return PeopleDirectory([rows[i] for i in positions], [keys[i] for i in positions], wards,
                           ordered_by="name")


def _last(latest: str | None,
          ward_names: dict[int, str]) -> tuple[date | None, int | None, str]:
    """The day, ward id and ward name in "yyyy-mm-dd|ward id" (ward 0: none)."""
    if not latest:
        return None, None, ""
    day, _, ward = latest.partition("|")
    ward_id = int(ward) or None
    return (date.fromisoformat(day[:10]), ward_id,
            ward_names.get(ward_id, "") if ward_id is not None else "")


def people_with_incidents_between(session: Session, date_from: date | None,
                                  date_to: date | None,
                                  crime_type: CrimeType | str | None = None) -> set[int]:
    """Root ids of the people victim of a live incident in [date_from, date_to] (either end
    may be open), of one crime type if given."""
    root = func.coalesce(Person.merged_into_id, Person.id)
    query = (select(root).distinct().join(Incident, Incident.victim_id == Person.id)
             .where(Incident.deleted_at.is_(None)))
    if date_from is not None:
        query = query.where(Incident.occurred_on >= date_from)
    if date_to is not None:
        query = query.where(Incident.occurred_on <= date_to)
    if crime_type:
        query = query.where(Incident.crime_type == CrimeType(crime_type).value)
    return set(session.scalars(query))


def root_ids(session: Session, person_ids: Iterable[int]) -> list[int]:
    """The canonical ids of these people (merged-away ids resolve to their survivors)."""
    ids = sorted(set(person_ids))
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        found.update(session.scalars(
            select(func.coalesce(Person.merged_into_id, Person.id))
            .where(Person.id.in_(ids[start:start + _CHUNK]))
        ))
    return sorted(found)


__all__ = [
    "PeopleDirectory",
    "PersonRow",
    "age_on",
    "display_name",
    "load_directory",
    "people_with_incidents_between",
    "query_words",
    "root_ids",
]
