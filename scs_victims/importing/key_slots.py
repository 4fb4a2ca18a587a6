"""Naming repeated people and addresses by number while a large file streams through.

Most rows of an extract name a victim or a dwelling that an earlier row already named. The
checking side numbers each distinct key of the current stretch of the file (a *slot*) and
sends the record's details only the first time; later rows carry the number alone, so the
writer neither receives nor looks up the same person again. Both sides forget every slot
together when the numbering grows past its limit (a new *epoch*), so memory stays flat at any
file size.

A ``FirstSightings`` filter also tells the writer when a key (or an incident reference) has
certainly not appeared on an earlier row of the file: loading into an empty table, such a
record cannot exist yet and needs no lookup at all.
"""

from __future__ import annotations

from typing import Any

# Distinct keys remembered per kind before both sides start a new epoch (~30 MB each).
SLOT_LIMIT = 200_000
# 2**25 bits (4 MB) with two probes: about 0.5 % of new keys of a 1.2-million-key file are
# wrongly thought "maybe seen", which costs them one lookup, never a wrong answer.
_FILTER_BITS = 1 << 25
_WORD = (1 << 64) - 1


class FirstSightings:
    """A Bloom filter over the keys met so far: "certainly new" or "maybe seen before".

    It never answers "new" for a key it has been given, which is all the writer relies on.
    Python's string hash is computed once per string and cached on it, so a probe is cheap.
    """

    def __init__(self, bits: int = _FILTER_BITS) -> None:
        if bits & (bits - 1) or bits < 64:
            raise ValueError("the filter size must be a power of two of at least 64 bits")
        self._mask = bits - 1
        self._bits = bytearray(bits // 8)

    def add(self, key: str) -> bool:
        """Note ``key``; True when it had certainly not been noted before."""
        hashed = hash(key) & _WORD
        first = hashed & self._mask
        second = (hashed >> 32) & self._mask
        bits = self._bits
        new = not (bits[first >> 3] >> (first & 7) & 1 and bits[second >> 3] >> (second & 7) & 1)
        bits[first >> 3] |= 1 << (first & 7)
        bits[second >> 3] |= 1 << (second & 7)
        return new


class KeySlots:
    """The slot number of each distinct key of the current epoch, and whether the file has
    certainly not named the key before."""

    def __init__(self, limit: int | None = None) -> None:
        self._limit = SLOT_LIMIT if limit is None else limit
        self._slots: dict[str, int] = {}
        self._sightings = FirstSightings()

    def ref(self, key: str, values: tuple[Any, ...]) -> int | tuple[Any, ...]:
        """What a row sends for this record: its slot number when the writer already has
        the record in this epoch, otherwise ``(slot, first_in_file, *values)``."""
        slot = self._slots.get(key)
        if slot is not None:
            return slot
        slot = self._slots[key] = len(self._slots)
        return (slot, self._sightings.add(key), *values)

    def full(self) -> bool:
        return len(self._slots) >= self._limit

    def forget(self) -> None:
        self._slots = {}
