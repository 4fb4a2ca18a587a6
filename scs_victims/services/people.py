"""People: merging those keyed apart, undoing a merge, and a summary for the compare view.

The merge machinery here serves addresses too (``scs_victims.services.addresses``): one
implementation parameterised by the kind of record, since people and addresses merge alike.

A merge group is a root (``merged_into_id`` None) and every record whose ``merged_into_id``
names it; ``merged_into_id`` always points at the root, never at another merged record.
Merging M into K makes M's root, and everything that pointed at it, point at K's root; the
re-pointed ids are kept on the ``Merge`` row so the merge can be undone. Only the incidents of
the merged group change subject, so only their chains (and the kept root's) are re-evaluated.

Choices of ours:

- CHOICE: ids that are not roots are resolved to their roots, so "merge B into C" where B was
  merged into A merges A's whole group into C's. The ``Merge`` row records the roots.
- CHOICE: undoing a merge makes its merged record a root again and points back the records it
  moved only while they still share that record's current root (a later merge may have carried
  them elsewhere, or a later undo freed them; those are left alone). Merges may be undone in
  any order; undoing the first of A<-B, C<-A frees B and leaves A in C's group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from scs_victims.audit import current_actor, record
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import NotFound, UserError
from scs_victims.repeats import refresh_subject_ids, refresh_subjects
from scs_victims.storage.models import Address, Incident, Merge, Person

MergeKind = Literal["person", "address"]

_MODELS: dict[str, type[Person] | type[Address]] = {"person": Person, "address": Address}
_NOUNS = {"person": "person", "address": "address"}
_CHUNK = 900  # ids per IN list, well inside every database's limit on bound parameters

# Given the ids of people a list or a document is about to show, those whose details this
# viewer must not see (``scs_victims.restricted.hidden_people`` with the viewer's rights bound
# in): a service replaces their name, date of birth and address by ``RESTRICTED_LABEL`` and
# changes no count. None: the viewer sees everyone (the command line's files, the fixtures).
Hide = Callable[[Iterable[int | None]], Collection[int]]


@dataclass(frozen=True, slots=True)
class MergeResult:
    merge_id: int
    kind: str
    kept_id: int  # the surviving root
    merged_id: int  # the root that was merged into it
    moved_ids: tuple[int, ...]  # records that had been merged into merged_id, now in kept_id
    incidents_relinked: int  # incidents of the merged group (their subject changed)
    flags_changed: int  # repeat flags that changed


@dataclass(frozen=True, slots=True)
class UnmergeResult:
    merge_id: int
    kind: str
    kept_id: int
    merged_id: int  # a root again
    moved_back_ids: tuple[int, ...]
    incidents_relinked: int
    flags_changed: int


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """One merge, for a list of merges the user may undo."""

    id: int
    kind: str
    kept_id: int
    merged_id: int
    moved_ids: tuple[int, ...]
    merged_at: datetime
    actor: str
    undone_at: datetime | None


@dataclass(frozen=True, slots=True)
class PersonSummary:
    id: int
    reference: str | None
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    gender: str | None
    key: str | None
    root_id: int  # the person every figure counts this one as
    member_ids: tuple[int, ...]  # the people merged into that root (not the root itself)


# The shared machinery ------------------------------------------------------------------


def _model(kind: str) -> type[Person] | type[Address]:
    try:
        return _MODELS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of record: {kind!r}") from None


def _root_of(session: Session, kind: str, record_id: int) -> int:
    model = _model(kind)
    found = session.execute(
        select(model.id, model.merged_into_id).where(model.id == record_id)
    ).first()
    if found is None:
        raise NotFound(f"There is no {_NOUNS[kind]} with id {record_id}.")
    root: int = found.merged_into_id or found.id
    return root


def group_members(session: Session, kind: str, root_id: int) -> tuple[int, ...]:
    """The records merged into a root (not the root itself), in id order."""
    model = _model(kind)
    return tuple(session.scalars(
        select(model.id).where(model.merged_into_id == root_id).order_by(model.id)
    ))


def _subject_incidents(session: Session, kind: str, member_ids: Sequence[int]) -> list[int]:
    """The incidents whose subject is one of these records: a victim's ASB and DV incidents,
    a dwelling's burglaries (other incidents at an address are not about the address)."""
    ids: list[int] = []
    for start in range(0, len(member_ids), _CHUNK):
        chunk = list(member_ids[start:start + _CHUNK])
        if kind == "person":
            condition = (Incident.victim_id.in_(chunk),
                         Incident.crime_type != CrimeType.BURGLARY.value)
        else:
            condition = (Incident.address_id.in_(chunk),
                         Incident.crime_type == CrimeType.BURGLARY.value)
        ids.extend(session.scalars(select(Incident.id).where(*condition)))
    return ids


def _rederive(session: Session, kind: str, member_ids: Iterable[int]) -> tuple[int, int]:
    """Re-derive the subjects of these records' incidents and re-evaluate every chain that
    changed; returns (incidents re-derived, flags changed)."""
    incident_ids = _subject_incidents(session, kind, sorted(set(member_ids)))
    if not incident_ids:
        return 0, 0
    touched = refresh_subject_ids(session, incident_ids)
    return len(incident_ids), refresh_subjects(session, touched)


def merge_records(session: Session, kind: MergeKind, kept_id: int,
                  merged_id: int) -> MergeResult:
    """Merge ``merged_id``'s group into ``kept_id``'s (each resolved to its root)."""
    model = _model(kind)
    noun = _NOUNS[kind]
    kept_root = _root_of(session, kind, kept_id)
    merged_root = _root_of(session, kind, merged_id)
    if kept_id == merged_id:
        raise UserError(f"A {noun} cannot be merged with itself.")
    if kept_root == merged_root:
        raise UserError(f"These are already the same {noun}: they were merged earlier.")
    moved = group_members(session, kind, merged_root)
    session.execute(
        update(model).where(or_(model.id == merged_root, model.merged_into_id == merged_root))
        .values(merged_into_id=kept_root)
    )
    merge_id: int = session.execute(
        insert(Merge).values(
            kind=kind, kept_id=kept_root, merged_id=merged_root, moved_ids=json.dumps(moved),
            merged_at=datetime.now(), actor=current_actor(),
        ).returning(Merge.id)
    ).scalar_one()
    record(session, "merge", kind, kept_root,
           {"merged_id": merged_root, "merge_id": merge_id, "moved_ids": list(moved)})
    relinked, flags = _rederive(session, kind, (merged_root, *moved))
    return MergeResult(merge_id=merge_id, kind=kind, kept_id=kept_root, merged_id=merged_root,
                       moved_ids=moved, incidents_relinked=relinked, flags_changed=flags)


def unmerge(session: Session, merge_id: int, *, kind: MergeKind | None = None) -> UnmergeResult:
    """Undo one merge (of either kind unless ``kind`` is given)."""
    merge = session.execute(
        select(Merge.id, Merge.kind, Merge.kept_id, Merge.merged_id, Merge.moved_ids,
               Merge.undone_at)
        .where(Merge.id == merge_id)
    ).first()
    if merge is None or (kind is not None and merge.kind != kind):
        raise NotFound(f"There is no {_NOUNS.get(kind or '', 'record')} merge with id "
                       f"{merge_id}.")
    if merge.undone_at is not None:
        raise UserError("That merge has already been undone.")
    model = _model(merge.kind)
    current_root = session.execute(
        select(model.merged_into_id).where(model.id == merge.merged_id)
    ).scalar_one_or_none()
    moved: list[int] = json.loads(merge.moved_ids or "[]")
    moved_back: tuple[int, ...] = ()
    if current_root is not None:
        if moved:
            moved_back = tuple(session.scalars(
                select(model.id)
                .where(model.id.in_(moved), model.merged_into_id == current_root)
                .order_by(model.id)
            ))
        session.execute(
            update(model).where(model.id == merge.merged_id).values(merged_into_id=None)
        )
        if moved_back:
            session.execute(
                update(model).where(model.id.in_(moved_back))
                .values(merged_into_id=merge.merged_id)
            )
    session.execute(update(Merge).where(Merge.id == merge_id).values(undone_at=datetime.now()))
    record(session, "unmerge", merge.kind, merge.kept_id,
           {"merged_id": merge.merged_id, "merge_id": merge_id,
            "moved_back_ids": list(moved_back)})
    relinked, flags = _rederive(session, merge.kind, (merge.merged_id, *moved_back))
    return UnmergeResult(merge_id=merge_id, kind=merge.kind, kept_id=merge.kept_id,
                         merged_id=merge.merged_id, moved_back_ids=moved_back,
                         incidents_relinked=relinked, flags_changed=flags)


def list_merges(session: Session, kind: MergeKind, record_id: int, *,
                include_undone: bool = False) -> list[MergeRecord]:
    """The merges that made the group of ``record_id`` (newest first), for an undo list."""
    root = _root_of(session, kind, record_id)
    ids = [root, *group_members(session, kind, root)]
    query = select(Merge).where(
        Merge.kind == kind, or_(Merge.kept_id.in_(ids), Merge.merged_id.in_(ids))
    )
    if not include_undone:
        query = query.where(Merge.undone_at.is_(None))
    rows = session.execute(
        query.with_only_columns(Merge.id, Merge.kind, Merge.kept_id, Merge.merged_id,
                                Merge.moved_ids, Merge.merged_at, Merge.actor,
                                Merge.undone_at)
        .order_by(Merge.merged_at.desc(), Merge.id.desc())
    )
    return [
        MergeRecord(id=row.id, kind=row.kind, kept_id=row.kept_id, merged_id=row.merged_id,
                    moved_ids=tuple(json.loads(row.moved_ids or "[]")),
                    merged_at=row.merged_at, actor=row.actor, undone_at=row.undone_at)
        for row in rows
    ]


# People --------------------------------------------------------------------------------


def merge_people(session: Session, kept_id: int, merged_id: int) -> MergeResult:
    """Merge two people keyed apart: every figure then counts them as one victim."""
    return merge_records(session, "person", kept_id, merged_id)


def person_summary(session: Session, person_id: int) -> PersonSummary:
    row = session.execute(
        select(Person.id, Person.reference, Person.forename, Person.surname,
               Person.date_of_birth, Person.gender, Person.key, Person.merged_into_id)
        .where(Person.id == person_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no person with id {person_id}.")
    root = row.merged_into_id or row.id
    return PersonSummary(
        id=row.id, reference=row.reference, forename=row.forename, surname=row.surname,
        date_of_birth=row.date_of_birth, gender=row.gender, key=row.key, root_id=root,
        member_ids=group_members(session, "person", root),
    )


__all__ = [
    "Hide",
    "MergeKind",
    "MergeRecord",
    "MergeResult",
    "PersonSummary",
    "UnmergeResult",
    "group_members",
    "list_merges",
    "merge_people",
    "merge_records",
    "person_summary",
    "unmerge",
]
