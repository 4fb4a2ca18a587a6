"""What the Incidents screen's searches need of every incident, held in memory: its reference,
and its place in date order.

- Text found *inside* references ("000123" in "DV/2023/000123"): the database can only read
  each of a million index entries (about 70 ms, more on a cold cache). Here the references
  sit in one string, which the C library's string search runs through in a few milliseconds.
- The first page of a big search whose matches lie far back in time (every reference of
  2019): the database reads each match's table row to order them (150 ms and more on a cold
  cache). Here each incident's date and type sit in an array beside its id.

The copy is as of its loading: incidents added since (ids above ``through_id``) are left to
the database, deleted ones are taken out by the caller, and the screen that holds the copy
loads it again after any change that could alter a reference or a date.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CrimeType
from scs_victims.storage.bulk import stream_rows
from scs_victims.storage.models import Incident, table_of

# Matches worth finding here (a few milliseconds); beyond, the database's search is used.
MAX_FOUND = 20_000
# Between references: typed search text never holds it, so no match spans two references.
_SEPARATOR = "\x00"
_CHUNK = 4096
# Crime type codes in the order of their text, as the date order breaks ties by type.
_TYPE_RANK = {code: rank for rank, code in enumerate(sorted(t.value for t in CrimeType))}


def _date_number(value: Any) -> int:
    """20240531 for 31 May 2024, from the ISO text SQLite returns or a date object."""
    if isinstance(value, date):
        return value.year * 10_000 + value.month * 100 + value.day
    text = str(value)
    return int(text[0:4]) * 10_000 + int(text[5:7]) * 100 + int(text[8:10])


class IncidentSearchCopy:
    """Incidents by id (ascending), each with its reference and its date-order key."""

    def __init__(self, incidents: Iterable[tuple[int, str, Any, str]]) -> None:
        """``incidents``: (id, reference, occurred_on, crime_type) in ascending id order."""
        self._ids: array[int] = array("q")
        self._starts: array[int] = array("q")
        # Date and type in one number that sorts as (occurred_on, crime_type) does.
        self._order: array[int] = array("q")
        # Joined a few thousand at a time: a million separate strings would briefly take
        # four times the memory of the text itself.
        chunks: list[str] = []
        parts: list[str] = []
        position = 0
        for incident_id, reference, occurred_on, crime_type in incidents:
            self._ids.append(incident_id)
            self._starts.append(position)
            self._order.append(_date_number(occurred_on) * 4 + _TYPE_RANK[crime_type])
            parts.append(reference)
            position += len(reference) + 1
            if len(parts) == _CHUNK:
                chunks.append(_SEPARATOR.join(parts))
                parts = []
        if parts:
            chunks.append(_SEPARATOR.join(parts))
        if any(earlier >= later for earlier, later in pairwise(self._ids)):
            raise ValueError("incidents must come in ascending id order")
        self._text = _SEPARATOR.join(chunks)
        # The largest id held: anything newer is not in this copy.
        self.through_id = self._ids[-1] if self._ids else 0

    @classmethod
    def load(cls, session: Session) -> IncidentSearchCopy:
        table = table_of(Incident)
        return cls(stream_rows(session.connection(), select(
            table.c.id, table.c.reference, table.c.occurred_on, table.c.crime_type,
        ).order_by(table.c.id)))

    def __len__(self) -> int:
        return len(self._ids)

    def ids_containing(self, text: str, limit: int = MAX_FOUND) -> list[int] | None:
        """The ids whose reference contains ``text`` exactly (case matters: callers use it
        for text without letters, where case has no meaning); None past ``limit`` matches.

        The search cannot be interrupted, so a text found nearly everywhere ("0") is left
        to the database, whose search can be stopped when more typing overtakes it."""
        if not text or _SEPARATOR in text:
            return []
        found: list[int] = []
        starts, source = self._starts, self._text
        position = source.find(text)
        while position != -1:
            index = bisect_right(starts, position) - 1
            found.append(self._ids[index])
            if len(found) > limit:
                return None
            # On to the next reference: one match per incident is enough.
            following = index + 1
            position = (source.find(text, starts[following]) if following < len(starts)
                        else -1)
        return found

    def first_in_date_order(self, ids: Collection[int], first: int, *,
                            descending: bool) -> list[int] | None:
        """The first ``first`` of ``ids`` in date order (date, type, id: the list's order);
        None when any of them is not in this copy (newer, or never loaded)."""
        keys: list[tuple[int, int]] = []
        held, order = self._ids, self._order
        for incident_id in ids:
            index = bisect_left(held, incident_id)
            if index == len(held) or held[index] != incident_id:
                return None
            keys.append((order[index], incident_id))
        pick = heapq.nlargest if descending else heapq.nsmallest
        return [incident_id for _, incident_id in pick(first, keys)]
