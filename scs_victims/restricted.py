"""Restricted people (a colleague's family, a high-profile case): still counted everywhere,
shown by name only to those allowed, opened by others only with a logged reason.

The rule is one function, ``hidden_people``: the ids among ``person_ids`` whose details this
viewer must not see. Lists and documents replace such a person's details with
``RESTRICTED_LABEL``; counts and figures never change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.audit import current_actor, record
from scs_victims.errors import FormInvalid, NotFound
from scs_victims.storage.models import Person

RESTRICTED_LABEL = "Restricted record"
# Lists of ids are looked up in pieces no longer than SQLite's oldest limit of variables.
_CHUNK = 900


def restricted_among(session: Session, person_ids: Iterable[int | None]) -> set[int]:
    """Which of these people (by id, merged or not) are restricted: a merge group is
    restricted when any of its records is, so that merging never lifts a restriction."""
    wanted = sorted({person_id for person_id in person_ids if person_id is not None})
    found: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        rows = session.execute(select(Person.id, Person.merged_into_id)
                               .where(Person.id.in_(chunk))).all()
        root_of = {row.id: row.merged_into_id or row.id for row in rows}
        roots = sorted(set(root_of.values()))
        restricted_roots: set[int] = set()
        for root_start in range(0, len(roots), _CHUNK):
            some = roots[root_start:root_start + _CHUNK]
            restricted_roots.update(session.scalars(select(Person.id).where(
                Person.id.in_(some), Person.restricted.is_(True))))
            restricted_roots.update(session.scalars(select(Person.merged_into_id).where(
                Person.merged_into_id.in_(some), Person.restricted.is_(True))))
        found.update(person_id for person_id, root in root_of.items()
                     if root in restricted_roots)
    return found


def hidden_people(session: Session, person_ids: Iterable[int | None], *,
                  sees_restricted: bool, opened: Collection[int] = ()) -> set[int]:
    """The people among ``person_ids`` whose details this viewer must not see: restricted
    ones, unless the viewer may see them (supervisors) or has opened that record with a
    reason (``opened``: break glass)."""
    if sees_restricted:
        return set()
    return {person_id for person_id in restricted_among(session, person_ids)
            if person_id not in opened}


def is_restricted(session: Session, person_id: int) -> bool:
    return person_id in restricted_among(session, [person_id])


def set_restricted(session: Session, person_id: int, restricted: bool, reason: str) -> None:
    """Mark or unmark a person (the root of a merge group) as restricted, with a reason."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That person is not in the database (they may have been merged).")
    if person.merged_into_id is not None:
        person = session.get(Person, person.merged_into_id)
        assert person is not None
    if not reason.strip():
        raise FormInvalid({"reason": "Say why (it is kept in the audit log)."})
    person.restricted = restricted
    person.restricted_at = datetime.now() if restricted else None
    person.restricted_by = current_actor() if restricted else None
    record(session, "restrict", "person", person.id,
           {"restricted": restricted, "reason": reason.strip()})
