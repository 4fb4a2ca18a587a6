"""Every incident reference held in memory, so that text found *inside* references
("000123" in "DV/2023/000123") is found at once.

The database can only answer such a search by reading each of a million index entries
(about 70 ms, more on a cold cache). Here the references sit in one string, and the
string search of the C library runs through 15 MB in a few milliseconds. References are
stored once and never need an index of their own.

The copy is as of its loading: incidents added since (ids above ``through_id``) are searched
in the database, deleted ones are taken out by the caller, and the screen that holds the
copy loads it again after any change that could alter a reference.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.storage.bulk import stream_rows
from scs_victims.storage.models import Incident, table_of

# Matches worth finding here (a few milliseconds); beyond, the database's search is used.
MAX_FOUND = 20_000
# Between references: typed search text never holds it, so no match spans two references.
_SEPARATOR = "\x00"


class ReferenceText:
    """The references of incidents ``ids``, in one string, each starting at ``starts``."""

    def __init__(self, references: Iterable[tuple[int, str]]) -> None:
        self._ids: array[int] = array("q")
        self._starts: array[int] = array("q")
        parts: list[str] = []
        position = 0
        for incident_id, reference in references:
            self._ids.append(incident_id)
            self._starts.append(position)
            parts.append(reference)
            position += len(reference) + 1
        self._text = _SEPARATOR.join(parts)
        # The largest id held: anything newer is not in this copy.
        self.through_id = max(self._ids, default=0)

    @classmethod
    def load(cls, session: Session) -> ReferenceText:
        table = table_of(Incident)
        # No order asked: the database then reads the narrow reference index alone.
        return cls(stream_rows(session.connection(), select(table.c.id, table.c.reference)))

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
