"""Whose details a reader of MARAC lists and documents may see (``scs_victims.restricted``).

A referral whose victim is restricted shows ``RESTRICTED_LABEL`` instead of the victim's and
the perpetrators' names, dates of birth and address, to a reader who may not see restricted
records and has not opened that person with a reason (break glass); a restricted perpetrator
is hidden the same way on any referral. References, counts and figures never change.

The queries and documents take a ``Sight``; ``FULL_SIGHT`` (the default) hides nothing, so
the command line's files and the fixtures are those of a reader who sees everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.restricted import RESTRICTED_LABEL, hidden_people
from scs_victims.storage.models import Person

__all__ = ["FULL_SIGHT", "RESTRICTED_LABEL", "Sight"]
_CHUNK = 900


@dataclass(frozen=True, slots=True)
class Sight:
    sees_restricted: bool = True
    opened: frozenset[int] = frozenset()  # people opened with a reason this sign-in

    def hidden(self, session: Session, person_ids: Iterable[int | None]) -> set[int]:
        """The people among ``person_ids`` whose details this reader must not see."""
        if self.sees_restricted:
            return set()
        wanted = {person_id for person_id in person_ids if person_id is not None}
        if not wanted:
            return set()
        # A person opened under one id of a merge group is opened under all of them.
        roots = _roots(session, wanted | set(self.opened))
        opened_roots = {roots.get(person_id, person_id) for person_id in self.opened}
        opened = {person_id for person_id in wanted
                  if roots.get(person_id, person_id) in opened_roots}
        return hidden_people(session, wanted, sees_restricted=False, opened=opened)


FULL_SIGHT = Sight()


def _roots(session: Session, person_ids: set[int]) -> dict[int, int]:
    ordered = sorted(person_ids)
    found: dict[int, int] = {}
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        found.update((row[0], row[1]) for row in session.execute(
            select(Person.id, func.coalesce(Person.merged_into_id, Person.id))
            .where(Person.id.in_(chunk))))
    return found


def shown_name(name: str, person_id: int | None, hidden: set[int]) -> str:
    return RESTRICTED_LABEL if person_id is not None and person_id in hidden else name
