"""Repeat flags of a large load into an empty incidents table, worked out in memory.

After such a load the repeat engine's full pass (``repeats.recompute_flags``) reads every
incident again, in subject order, once the indexes are built. Here the writer notes each
incident's chain and moment as it inserts it (24 bytes an incident), and a thread walks the
chains as soon as the last row is in, while SQLite builds the incidents' indexes that the
flags leave alone (it releases the interpreter as it builds). The flags are then written,
and the index filtered by them built last: cheaper than the engine's pass after all of them.

The rule is the engine's (definitions §3): an incident is a repeat when its subject's
immediately preceding incident of the same crime type, in date, time and reference order,
lies inside the look-back window. References are not kept here; the few chains where two
incidents share a date and time are ordered by reference afterwards, from the database.
"""

from __future__ import annotations

import threading
from array import array
from datetime import date, time
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import window_start
from scs_victims.repeats import ChainItem, FlagChange, evaluate_chain
from scs_victims.storage.models import Incident, table_of

_DAY_US = 86_400_000_000
_MOMENT_MASK = (1 << 64) - 1
_TYPE_CODES = {crime_type.value: code for code, crime_type in enumerate(CrimeType)}
# Past this many incidents the notes are dropped and the engine's streamed pass runs instead,
# so memory stays bounded: 24 bytes an incident noted, and about 45 more while walking
# (about 80 MB in all at the limit).
MAX_NOTED_INCIDENTS = 1_200_000
_ID_BATCH = 5000


class LoadedChains:
    """The chains of the incidents a load inserted, noted one by one as they go in."""

    def __init__(self, windows: dict[str, int], fields: tuple[int, ...],
                 limit: int | None = None) -> None:
        self._fields = itemgetter(*fields)
        self._windows = [windows[crime_type.value] for crime_type in CrimeType]
        self._limit = MAX_NOTED_INCIDENTS if limit is None else limit
        self._ids = array("q")
        self._chains = array("q")  # subject id * 4 + crime type code
        self._moments = array("q")  # microseconds since 0001-01-01 (a missing time is 00:00)
        self._days: dict[object, int] = {}
        self._times: dict[object, int] = {}
        self.complete = True
        self._walker: threading.Thread | None = None
        self._result: tuple[list[FlagChange], list[list[int]]] | None = None
        self._failure: BaseException | None = None

    def note_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Inserted incidents, as value tuples whose positions ``fields`` named (id, crime
        type, subject id, date, time); dates and times as the driver stores them (ISO text
        on SQLite, ``date`` and ``time`` elsewhere). Incidents without a subject are skipped."""
        if not self.complete:
            return
        if len(self._ids) + len(rows) > self._limit:
            self.drop()
            return
        days, times, codes = self._days, self._times, _TYPE_CODES
        ids, chains, moments = self._ids, self._chains, self._moments
        for incident_id, crime_type, subject_id, occurred_on, occurred_time in map(
                self._fields, rows):
            if subject_id is None:
                continue
            day = days.get(occurred_on)
            if day is None:
                day = days[occurred_on] = _ordinal(occurred_on) * _DAY_US
            at = times.get(occurred_time)
            if at is None:
                at = times[occurred_time] = _microseconds(occurred_time)
            ids.append(incident_id)
            chains.append(subject_id * 4 + codes[crime_type])
            moments.append(day + at)

    def drop(self) -> None:
        """Too many to hold: the caller runs the streamed pass instead."""
        self.complete = False
        self._ids = array("q")
        self._chains = array("q")
        self._moments = array("q")

    # Walking, in a thread --------------------------------------------------------------

    def start_walk(self) -> None:
        """Walk the chains in a thread; ``changes`` waits for it."""
        if self.complete and self._walker is None:
            self._walker = threading.Thread(target=self._walk_safely,
                                            name="scs-victims-load-repeats", daemon=True)
            self._walker.start()

    def _walk_safely(self) -> None:
        try:
            self._result = self.walk()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by changes()
            self._failure = exc

    def walk(self) -> tuple[list[FlagChange], list[list[int]]]:
        """(changes, tied chains): every incident that is a repeat, as (id, True, previous
        id); and the incident ids of each chain where two incidents share a moment, whose
        order needs their references."""
        ids, chains, moments = self._ids, self._chains, self._moments
        # One number per incident that sorts by chain, then moment, and ends with where the
        # incident is in the notes: a single list of ints, sorted in place (no second list
        # of positions to hold).
        bits = len(ids).bit_length()
        mask = (1 << bits) - 1
        keys = [(((chain << 64) | moment) << bits) | position
                for position, (chain, moment) in enumerate(zip(chains, moments, strict=True))]
        # The keys hold both: let the notes go before the sort, where memory peaks.
        del chains, moments
        self._chains, self._moments = array("q"), array("q")
        keys.sort()
        windows = self._windows
        starts: dict[tuple[int, int], int] = {}
        changes: list[FlagChange] = []
        tied: list[list[int]] = []
        chain_changes: list[FlagChange] = []
        members: list[int] = []
        has_tie = False
        current = -1
        previous_day = previous_moment = previous_id = 0
        for key in keys:
            incident_id = ids[key & mask]
            chain_and_moment = key >> bits
            chain = chain_and_moment >> 64
            moment = chain_and_moment & _MOMENT_MASK
            if chain != current:
                if has_tie:
                    tied.append(members)
                else:
                    changes.extend(chain_changes)
                current = chain
                chain_changes = []
                members = []
                has_tie = False
            else:
                has_tie = has_tie or moment == previous_moment
                day = moment // _DAY_US
                months = windows[chain & 3]
                start = starts.get((day, months))
                if start is None:
                    start = starts[(day, months)] = window_start(
                        date.fromordinal(day), months).toordinal()
                if previous_day >= start:
                    chain_changes.append((incident_id, True, previous_id))
            members.append(incident_id)
            previous_day, previous_moment, previous_id = moment // _DAY_US, moment, incident_id
        if has_tie:
            tied.append(members)
        else:
            changes.extend(chain_changes)
        return changes, tied

    def changes(self, connection: Connection) -> list[FlagChange]:
        """Every flag the load must set: waits for the walk, then orders the tied chains by
        reference (reading those incidents back)."""
        if self._walker is None:
            self.start_walk()
        if self._walker is not None:
            self._walker.join()
        if self._failure is not None:
            raise self._failure
        assert self._result is not None
        changes, tied = self._result
        changes.extend(_tied_chain_changes(connection, tied, self._windows))
        return changes

    def abandon(self) -> None:
        """The load stopped: let the walk end before the caller goes on."""
        if self._walker is not None:
            self._walker.join()


def _tied_chain_changes(connection: Connection, tied: list[list[int]],
                        windows: list[int]) -> list[FlagChange]:
    """The repeats of chains whose order needs references, read back from the database."""
    table = table_of(Incident)
    wanted = [incident_id for members in tied for incident_id in members]
    found: dict[int, tuple[str, ChainItem]] = {}
    for start in range(0, len(wanted), _ID_BATCH):
        for incident_id, crime_type, on, at, reference in connection.execute(
                select(table.c.id, table.c.crime_type, table.c.occurred_on,
                       table.c.occurred_time, table.c.reference)
                .where(table.c.id.in_(wanted[start:start + _ID_BATCH]))):
            found[incident_id] = (crime_type, ChainItem(incident_id, on, at, reference))
    changes: list[FlagChange] = []
    for members in tied:
        crime_type = found[members[0]][0]
        flags = evaluate_chain([found[incident_id][1] for incident_id in members],
                               windows[_TYPE_CODES[crime_type]])
        changes.extend((flag.id, True, flag.previous_id) for flag in flags if flag.is_repeat)
    return changes


def _ordinal(value: object) -> int:
    if isinstance(value, str):
        value = date.fromisoformat(value)
    assert isinstance(value, date)
    return value.toordinal()


def _microseconds(value: object) -> int:
    if value is None:
        return 0  # definitions §3: a missing time counts as 00:00
    if isinstance(value, str):
        value = time.fromisoformat(value)
    assert isinstance(value, time)
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond

