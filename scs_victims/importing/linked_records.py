"""The writer's side of key slots (key_slots): the person or address behind each slot.

A slot's details arrive once, beside the batch whose rows first name it; rows name it by its
number alone. Details are kept until a row that is actually inserted needs the record; it is
then found by its key or created with an id handed out in advance (``IdAllocator``), so
nothing is read back after inserting. Found records that were merged into another stand for
their merge root, as every figure treats them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.engine import Connection

from scs_victims.audit import IdRuns
from scs_victims.storage.bulk import BulkInserter, IdAllocator, KeyLookup
from scs_victims.storage.models import Address, Person, table_of

# (record id, the id figures count it as: its merge root, or itself); (None, None) for no
# record at all, so that a row naming none needs no test.
Link = tuple[int, int] | tuple[None, None]
NO_LINK: Link = (None, None)


class LinkedRecords:
    """People (or addresses) named by an import, by slot, for the current epoch."""

    def __init__(self, connection: Connection, model: type[Person] | type[Address],
                 fields: Sequence[str], *, import_id: int, created_at: datetime,
                 complete: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None) -> None:
        """``fields`` name the values a slot carries (the key first); ``complete`` adds any
        the writer supplies itself (an address's ward id), at creation time."""
        table = table_of(model)
        self._lookup = KeyLookup(connection, table, "key", ["key", "id"])
        self._inserter = BulkInserter(connection, table, ["id", *fields],
                                      encoded=["id", *fields],
                                      constants={"import_id": import_id,
                                                 "created_at": created_at})
        self._ids = IdAllocator(connection, table)
        self.created = IdRuns()  # for the audit log
        self._complete = complete
        # Loading into an empty table, a key the file never named before cannot exist yet.
        self._table_was_empty = not connection.execute(select(exists().select_from(table))
                                                       ).scalar()
        self._merged_into: dict[int, int] = {
            row_id: root for row_id, root in connection.execute(
                select(model.id, model.merged_into_id).where(model.merged_into_id.is_not(None)))
            if root is not None
        }
        self._links: dict[int | None, Link] = {None: NO_LINK}
        # slot -> (new?, values); typed as the links are, whose keys it is set against
        self._details: dict[int | None, tuple[bool, tuple[Any, ...]]] = {}

    def forget(self) -> None:
        """A new epoch: the checking side has forgotten every slot, and so must we."""
        self._links = {None: NO_LINK}
        self._details = {}

    def note(self, details: Iterable[tuple[Any, ...]]) -> None:
        """Keep the details a batch brings: ``(slot, first_in_file, *values)`` each."""
        self._details.update([(sent[0], (sent[1], sent[2:])) for sent in details])

    def resolve(self, slots: Iterable[int | None]) -> dict[int | None, Link]:
        """Find or create the record of every slot among ``slots`` not yet linked; the links
        of the epoch, ``None`` (no record) included."""
        links = self._links
        details = self._details
        wanted = {slot: details.pop(slot) for slot in set(slots).difference(links)}
        if not wanted:
            return links
        keys_to_find = {values[0]: slot for slot, (first_in_file, values) in wanted.items()
                        if not (first_in_file and self._table_was_empty)}
        if keys_to_find:
            for key, row_id in self._lookup.rows(list(keys_to_find)):
                links[keys_to_find[key]] = (row_id, self._merged_into.get(row_id, row_id))
        missing = [(slot, values) for slot, (_, values) in wanted.items() if slot not in links]
        if not missing:
            return links
        ids = self._ids.take(len(missing))
        complete = self._complete
        rows = []
        for row_id, (slot, values) in zip(ids, missing, strict=True):
            links[slot] = (row_id, row_id)
            rows.append((row_id, *(complete(values) if complete else values)))
        self._inserter.insert(rows)
        self.created.add(ids)
        return links
