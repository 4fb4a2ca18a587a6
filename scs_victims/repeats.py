"""The repeat engine (definitions §3): which incidents are repeats, kept current in the store.

An incident is a repeat exactly when its subject's immediately preceding incident of the same
crime type (in date, time, reference order) lies inside the look-back window. So the flags of
one subject depend only on that subject's incidents, and any change re-evaluates just the
subjects it touches; a change of window recomputes everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import order_key, window_start
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.bulk import BulkStatement, stream_rows
from scs_victims.storage.models import Address, Incident, Person, table_of

Subject = tuple[str, int]  # (crime type code, canonical person or address id)
FlagChange = tuple[int, bool, int | None]  # (incident id, is_repeat, previous_id)

_BATCH = 5000
# The full pass keeps up to this many changed flags (a few MB) to write them in id order,
# and reports progress every so many incidents.
_FULL_PASS_CHANGES = 200_000
_FULL_PASS_PROGRESS = 20_000


@dataclass(frozen=True, slots=True)
class ChainItem:
    """One incident of a subject's chain, as the rule needs it."""

    id: int
    occurred_on: date
    occurred_time: time | None
    reference: str


@dataclass(frozen=True, slots=True)
class Flag:
    id: int
    is_repeat: bool
    previous_id: int | None


def evaluate_chain(items: Iterable[ChainItem], window_months: int) -> list[Flag]:
    """Repeat flags for one subject's incidents of one crime type, in any input order."""
    ordered = sorted(items, key=lambda item: order_key(item.occurred_on, item.occurred_time,
                                                       item.reference))
    flags: list[Flag] = []
    previous: ChainItem | None = None
    for item in ordered:
        repeat = previous is not None and previous.occurred_on >= window_start(
            item.occurred_on, window_months
        )
        flags.append(Flag(item.id, repeat, previous.id if repeat and previous else None))
        previous = item
    return flags


def canonical_person_id() -> ColumnElement[int | None]:
    """SQL for the canonical id of an incident's victim (following a merge)."""
    return (
        select(func.coalesce(Person.merged_into_id, Person.id))
        .where(Person.id == Incident.victim_id)
        .scalar_subquery()
    )


def canonical_address_id() -> ColumnElement[int | None]:
    return (
        select(func.coalesce(Address.merged_into_id, Address.id))
        .where(Address.id == Incident.address_id)
        .scalar_subquery()
    )


def subject_expression() -> ColumnElement[int | None]:
    """SQL for an incident's subject: its dwelling for burglary, its victim otherwise."""
    return case(
        (Incident.crime_type == CrimeType.BURGLARY.value, canonical_address_id()),
        else_=canonical_person_id(),
    )


def refresh_subject_ids(
    session: Session, incident_ids: Sequence[int] | None = None
) -> set[Subject]:
    """Re-derive ``subject_id`` (after merges, edits or imports) and return every subject
    whose chain may have changed: the old and the new subject of each changed incident."""
    touched: set[Subject] = set()
    expression = subject_expression()
    query = select(Incident.id, Incident.crime_type, Incident.subject_id, expression)
    ids = list(incident_ids) if incident_ids is not None else None
    chunks: Iterable[Sequence[int] | None] = (
        [ids[i : i + _BATCH] for i in range(0, len(ids), _BATCH)] if ids is not None else [None]
    )
    for chunk in chunks:
        selected = query if chunk is None else query.where(Incident.id.in_(chunk))
        changes = []
        for incident_id, crime_type, old, new in session.execute(selected):
            if old != new:
                changes.append({"b_id": incident_id, "b_subject": new})
                if old is not None:
                    touched.add((crime_type, old))
            if new is not None:
                touched.add((crime_type, new))
        if changes:
            session.execute(
                update(table_of(Incident))
                .where(table_of(Incident).c.id == bindparam("b_id"))
                .values(subject_id=bindparam("b_subject")),
                changes,
            )
    return touched


def refresh_subjects(
    session: Session, subjects: Iterable[Subject], rules: RuleSettings | None = None
) -> int:
    """Re-evaluate the repeat flags of these subjects' chains; returns how many flags changed."""
    rules = rules or load_rules(session)
    by_type: dict[str, list[int]] = {}
    for crime_type, subject_id in subjects:
        by_type.setdefault(crime_type, []).append(subject_id)
    changed = 0
    for crime_type, subject_ids in by_type.items():
        window = rules.window_months(CrimeType(crime_type))
        for start in range(0, len(subject_ids), _BATCH):
            chunk = subject_ids[start : start + _BATCH]
            rows = session.execute(
                _chain_query().where(
                    Incident.crime_type == crime_type, Incident.subject_id.in_(chunk)
                )
            ).all()
            changed += _apply(session, _flags_for_rows(rows, window))
    return changed


def clear_flags(session: Session, incident_ids: Sequence[int]) -> None:
    """Deleted or unlinked incidents are never repeats."""
    if incident_ids:
        session.execute(
            update(Incident)
            .where(Incident.id.in_(incident_ids))
            .values(is_repeat=False, previous_id=None)
        )


def recompute_all(
    session: Session, rules: RuleSettings | None = None, progress: ProgressCallback = no_progress
) -> int:
    """Re-derive every subject and every flag (after a change of window). Returns flags changed.

    Reads the live incidents ordered by subject and walks each subject's chain once, so the
    cost is one pass over the table plus the rows that actually change.
    """
    rules = rules or load_rules(session)
    refresh_all_subject_ids(session)
    return recompute_flags(session, rules, progress)


def refresh_all_subject_ids(session: Session) -> None:
    """Re-derive every incident's subject in two set-based statements (no rows in Python)."""
    table = table_of(Incident)
    for is_burglary, canonical in ((True, canonical_address_id()),
                                   (False, canonical_person_id())):
        kind = (table.c.crime_type == CrimeType.BURGLARY.value if is_burglary
                else table.c.crime_type != CrimeType.BURGLARY.value)
        session.execute(
            update(table).where(kind, table.c.subject_id.is_distinct_from(canonical))
            .values(subject_id=canonical)
        )


def recompute_flags(
    session: Session, rules: RuleSettings | None = None, progress: ProgressCallback = no_progress
) -> int:
    """Re-evaluate every repeat flag from the stored subjects, streaming the table once in
    subject order (memory stays flat). Returns how many flags changed.

    This pass reads a million rows, so it skips the per-value conversions: dates and times
    are compared as ISO text (which sorts as they do) and each window start is worked out
    once per distinct date. ``evaluate_chain`` states the same rule on Python values; a test
    holds the two together.
    """
    rules = rules or load_rules(session)
    windows = {crime_type.value: rules.window_months(crime_type) for crime_type in CrimeType}
    connection = session.connection()
    table = table_of(Incident)
    live = table.c.deleted_at.is_(None)
    total = connection.execute(select(func.count()).select_from(table).where(live)).scalar() or 0
    progress(0, total)
    # Unlinked and deleted incidents are never repeats.
    connection.execute(
        update(table)
        .where(or_(table.c.subject_id.is_(None), table.c.deleted_at.is_not(None)))
        .where(table.c.is_repeat.is_(True) | table.c.previous_id.is_not(None))
        .values(is_repeat=False, previous_id=None)
    )
    rows = stream_rows(connection, (
        select(table.c.crime_type, table.c.subject_id, table.c.occurred_on,
               table.c.occurred_time, table.c.reference, table.c.id, table.c.is_repeat,
               table.c.previous_id)
        .where(live, table.c.subject_id.is_not(None))
        .order_by(table.c.crime_type, table.c.subject_id)
    ))
    apply_changes = flag_writer(connection)
    changed = done = reported = 0
    changes: list[FlagChange] = []
    group: list[tuple[str, str, str, int, Any, int | None]] = []
    group_key: tuple[str, int] | None = None
    window = 0
    for crime_type, subject_id, on, at, reference, incident_id, was_repeat, was_previous in rows:
        if (crime_type, subject_id) != group_key:
            if group:
                _walk_chain(group, window, changes)
                done += len(group)
                group = []
                if len(changes) >= _FULL_PASS_CHANGES:
                    changed += _apply_in_id_order(apply_changes, changes)
                    changes = []
                if done - reported >= _FULL_PASS_PROGRESS:
                    progress(done, total)
                    reported = done
            group_key = (crime_type, subject_id)
            window = windows[crime_type]
        group.append((_iso_date(on), _iso_time(at), reference, incident_id, was_repeat,
                      was_previous))
    if group:
        _walk_chain(group, window, changes)
    changed += _apply_in_id_order(apply_changes, changes)
    progress(total, total)
    return changed


# The columns ``flag_writer`` sets.
FLAG_COLUMNS = ("is_repeat", "previous_id")


def flag_writer(connection: Connection) -> BulkStatement:
    """The statement that sets one incident's flags, for ``write_flag_changes``."""
    table = table_of(Incident)
    return BulkStatement(
        connection,
        update(table).where(table.c.id == bindparam("b_id"))
        .values(is_repeat=bindparam("b_repeat"), previous_id=bindparam("b_previous")),
        ["b_id", "b_repeat", "b_previous"],
    )


def write_flag_changes(connection: Connection, changes: list[FlagChange]) -> int:
    """Store changed flags (sorted in place); returns how many."""
    return _apply_in_id_order(flag_writer(connection), changes)


def _apply_in_id_order(apply_changes: BulkStatement, changes: list[FlagChange]) -> int:
    # The pass reads chain by chain, but rows lie in id order: updating them in that order
    # writes each page once instead of jumping across the table (3x faster on a first load).
    changes.sort()
    apply_changes.run(changes)
    return len(changes)


_MIDNIGHT_ISO = "00:00:00.000000"


def _iso_date(value: object) -> str:
    # SQLite hands back the stored ISO text; other drivers hand back dates.
    if isinstance(value, str):
        return value
    assert isinstance(value, date)
    return value.isoformat()


def _iso_time(value: object) -> str:
    if value is None:
        return _MIDNIGHT_ISO  # definitions §3: a missing time counts as 00:00
    if isinstance(value, str):
        return value  # SQLAlchemy stores every time as HH:MM:SS.ffffff
    assert isinstance(value, time)
    return value.isoformat(timespec="microseconds")


@cache
def _window_start_iso(on: str, months: int) -> str:
    return window_start(date.fromisoformat(on), months).isoformat()


def _walk_chain(group: list[tuple[str, str, str, int, Any, int | None]], window: int,
                changes: list[FlagChange]) -> None:
    """Append (id, is_repeat, previous_id) for each incident of one chain whose stored flag
    differs from the rule's. Rows are (date, time, reference, id, stored flag, stored previous)."""
    group.sort()
    previous: tuple[str, str, str, int, Any, int | None] | None = None
    for item in group:
        repeat = previous is not None and previous[0] >= _window_start_iso(item[0], window)
        previous_id = previous[3] if repeat and previous is not None else None
        if repeat != bool(item[4]) or previous_id != item[5]:
            changes.append((item[3], repeat, previous_id))
        previous = item


def _chain_query() -> Select[int, str, int | None, date, time | None, str, bool, int | None]:
    return select(
        Incident.id,
        Incident.crime_type,
        Incident.subject_id,
        Incident.occurred_on,
        Incident.occurred_time,
        Incident.reference,
        Incident.is_repeat,
        Incident.previous_id,
    ).where(Incident.deleted_at.is_(None))


def _flags_for_rows(
    rows: Sequence[Sequence[object]], window: int
) -> list[tuple[Flag, bool, int | None]]:
    """Flags for rows of possibly several subjects, paired with the stored values."""
    groups: dict[int, list[Sequence[object]]] = {}
    for row in rows:
        groups.setdefault(row[2], []).append(row)  # type: ignore[arg-type]
    result: list[tuple[Flag, bool, int | None]] = []
    for members in groups.values():
        stored = {row[0]: (row[6], row[7]) for row in members}
        items = [ChainItem(row[0], row[3], row[4], row[5]) for row in members]  # type: ignore[arg-type]
        for flag in evaluate_chain(items, window):
            was_repeat, was_previous = stored[flag.id]
            result.append((flag, bool(was_repeat), was_previous))  # type: ignore[arg-type]
    return result


def _apply(session: Session, flags: Sequence[tuple[Flag, bool, int | None]]) -> int:
    changes = [
        {"b_id": flag.id, "b_repeat": flag.is_repeat, "b_previous": flag.previous_id}
        for flag, was_repeat, was_previous in flags
        if flag.is_repeat != was_repeat or flag.previous_id != was_previous
    ]
    if changes:
        table = table_of(Incident)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(is_repeat=bindparam("b_repeat"), previous_id=bindparam("b_previous")),
            changes,
        )
    return len(changes)


__all__ = [
    "ChainItem",
    "Flag",
    "FlagChange",
    "Subject",
    "clear_flags",
    "evaluate_chain",
    "recompute_all",
    "refresh_subject_ids",
    "refresh_subjects",
    "write_flag_changes",
]
