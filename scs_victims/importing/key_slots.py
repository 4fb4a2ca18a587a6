"""Naming repeated people and addresses by number while a large file streams through.

Most rows of an extract name a victim or a dwelling that an earlier row already named. The
checking side numbers each distinct key of the current stretch of the file (a *slot*) and
sends the record's details only the first time, beside the batch of rows that first names
it; rows carry the number alone, so the writer neither receives nor looks up the same person
again, and needs no test of what a row carries. Both sides forget every slot together when
the numbering grows past its limit (a new *epoch*), so memory stays flat at any file size.

A ``FirstSightings`` filter also tells the writer when a key (or an incident reference) has
certainly not appeared on an earlier row of the file: loading into an empty table, such a
record cannot exist yet and needs no lookup at all.
"""

from __future__ import annotations

from typing import Any

# Distinct keys remembered per kind before both sides start a new epoch (about 15 MB each
# here, and up to about 40 MB of details held by the writer until a row needs them).
SLOT_LIMIT = 100_000
# 2**25 bits (4 MB) and one probe: about 2 % of the new keys of a 1.2-million-key file (4 %
# by its end) are wrongly thought "maybe seen", which costs each one lookup, never a wrong
# answer: some 25,000 lookups of a few microseconds, against 4 MB more per filter (three in
# the checking process) for half as many.
_FILTER_BITS = 1 << 25


class FirstSightings:
    """A Bloom filter over the keys met so far: "certainly new" or "maybe seen before".

    It never answers "new" for a key it has been given, which is all the writer relies on.
    One probe, because a probe costs more here than a larger table: Python's string hash is
    computed once per string and cached on it.
    """

    def __init__(self, bits: int = _FILTER_BITS) -> None:
        if bits & (bits - 1) or bits < 64:
            raise ValueError("the filter size must be a power of two of at least 64 bits")
        self._mask = bits - 1
        self._bits = bytearray(bits // 8)

    def add(self, key: str) -> bool:
        """Note ``key``; True when it had certainly not been noted before."""
        position = hash(key) & self._mask
        byte, bit = position >> 3, 1 << (position & 7)
        held = self._bits[byte]
        if held & bit:
            return False
        self._bits[byte] = held | bit
        return True


class KeySlots:
    """The slot number of each distinct key of the current epoch, whether the file has
    certainly not named the key before, and the details to send with the current batch."""

    def __init__(self, limit: int | None = None) -> None:
        self._limit = SLOT_LIMIT if limit is None else limit
        self._slots: dict[str, int] = {}
        self._sightings = FirstSightings()
        self._sent: list[tuple[Any, ...]] = []

    def slot_of(self, key: str) -> int | None:
        """The key's slot when its record has been sent in this epoch."""
        return self._slots.get(key)

    def first_send(self, key: str, values: tuple[Any, ...]) -> int:
        """Number a key not yet sent in this epoch (``slot_of`` is None), and queue its
        details for the current batch as ``(slot, first_in_file, *values)``."""
        slot = self._slots[key] = len(self._slots)
        self._sent.append((slot, self._sightings.add(key), *values))
        return slot

    def ref(self, key: str, values: tuple[Any, ...]) -> int:
        """The record's slot, its details queued when this is its first sending."""
        slot = self._slots.get(key)
        return slot if slot is not None else self.first_send(key, values)

    def take_sent(self) -> list[tuple[Any, ...]]:
        """The details queued since the last call, for the batch that first names them."""
        sent, self._sent = self._sent, []
        return sent

    def full(self) -> bool:
        return len(self._slots) >= self._limit

    def forget(self) -> None:
        """A new epoch; call it between batches, once the batch's details are taken."""
        self._slots = {}
