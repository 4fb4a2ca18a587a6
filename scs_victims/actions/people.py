"""People: the list of everyone, a person's page, merges, and restricted records.

What is recorded (never a typed search text):

- opening a person (their page, or two side by side before a merge): ``view`` of the person;
- loading the list of people, and a search of it once the typing settles (the screen filters
  the loaded list in memory and calls ``record_search``): ``search`` with the kind of query
  and how many people were shown;
- opening a restricted record with a reason (break glass): ``break_glass`` with the reason.

A restricted person (``scs_victims.restricted``) is shown as "Restricted record" in lists to
a user without ``OPEN_RESTRICTED``; opening them raises ``RestrictedRecord`` until the user
gives a reason (``break_glass``), after which this sign-in sees them everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from scs_victims.actions.base import (
    Consulted,
    SignedIn,
    action,
    consult,
    note,
    recording,
    writing,
)
from scs_victims.actions.changes import RECORDS, Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import FormInvalid, UserError
from scs_victims.figures import victims_behind as figure_victims
from scs_victims.restricted import hidden_people, set_restricted
from scs_victims.services import people_directory
from scs_victims.services.people import (
    Hide,
    MergeResult,
    UnmergeResult,
    person_summary,
    unmerge,
)
from scs_victims.services.people import merge_people as merge_records
from scs_victims.services.people_directory import PeopleDirectory
from scs_victims.services.person_timeline import (
    PersonDetail,
    PersonProfile,
    hidden_profile,
    person_detail,
    person_profile,
)

T = TypeVar("T")

# A merge changes who is counted (repeat flags, alerts) and whose MARAC cases are whose; a
# restriction changes how people are named wherever they are listed.
_MERGED = RECORDS | OpChanges(marac=True)
_RESTRICTION = OpChanges(people=True, incidents=True, alerts=True, marac=True)


class RestrictedRecord(UserError):
    """Opening these people (restricted records) needs a reason from this user first
    (``break_glass``); nothing was shown."""

    code = "restricted"

    def __init__(self, person_ids: Iterable[int]) -> None:
        self.person_ids: tuple[int, ...] = tuple(sorted(set(person_ids)))
        super().__init__("This is a restricted record: give a reason to open it (the reason "
                         "is kept in the audit log and shown to supervisors).")


# The rule, bound to a user ----------------------------------------------------------------

def hide_rule(session: Session, user: SignedIn) -> Hide | None:
    """What lists give the services: the restricted people this user may not see (None: the
    user sees everyone)."""
    if user.can(Permission.OPEN_RESTRICTED):
        return None
    opened = frozenset(user.glass_broken)
    return lambda person_ids: hidden_people(session, person_ids, sees_restricted=False,
                                            opened=opened)


def require_opened(session: Session, user: SignedIn, person_ids: Iterable[int | None]) -> None:
    """Raise ``RestrictedRecord`` when any of these people is hidden from this user."""
    hidden = hidden_people(session, person_ids,
                           sees_restricted=user.can(Permission.OPEN_RESTRICTED),
                           opened=user.glass_broken)
    if hidden:
        raise RestrictedRecord(hidden)


def searched(kind: str, shown: int, entity: str = "person",
             **detail: Any) -> list[Consulted]:
    """A ``search`` event: the kind of query and how many were shown, never the text."""
    return [Consulted("search", entity, None, {"query": kind, "shown": shown, **detail})]


def _read(user: SignedIn, read: Callable[[Session], T]) -> T:
    """A read that shows nobody by itself (ids the screen filters by, say)."""
    return consult(user, read, lambda _result: ())


# Opening and listing -----------------------------------------------------------------------

@action(Permission.SEE_PEOPLE)
def open_person(user: SignedIn, person_id: int, today: date | None = None) -> PersonDetail:
    """A person's page: details, alerts, timeline and merges (a merged-away id opens the
    person it was merged into). Raises ``RestrictedRecord`` for a restricted person this
    user has not opened with a reason."""
    def read(session: Session) -> PersonDetail:
        require_opened(session, user, [person_id])
        return person_detail(session, person_id, today)

    def seen(detail: PersonDetail) -> list[Consulted]:
        asked = {"opened_as": person_id} if person_id != detail.profile.id else None
        return [Consulted("view", "person", detail.profile.id, asked)]

    return consult(user, read, seen)


@action(Permission.SEE_PEOPLE)
def compare_people(user: SignedIn, first_id: int, second_id: int,
                   today: date | None = None) -> tuple[PersonProfile, PersonProfile]:
    """Two people side by side before merging them; a restricted person this user may not
    see shows no name, date of birth, reference or address (``PersonProfile.hidden``)."""
    def read(session: Session) -> tuple[PersonProfile, PersonProfile]:
        first = person_profile(session, first_id, today)
        second = person_profile(session, second_id, today)
        rule = hide_rule(session, user)
        hidden = set(rule([first.id, second.id])) if rule is not None else set()
        return (hidden_profile(first) if first.id in hidden else first,
                hidden_profile(second) if second.id in hidden else second)

    return consult(user, read, lambda pair: [
        Consulted("view", "person", profile.id, {"compare_with": other.id})
        for profile, other in (pair, pair[::-1])])


@action(Permission.SEE_PEOPLE)
def list_people(user: SignedIn, today: date | None = None) -> PeopleDirectory:
    """Everyone, with their counts, for the People screen to search in memory."""
    def read(session: Session) -> PeopleDirectory:
        return people_directory.load_directory(session, today, hide=hide_rule(session, user))

    return consult(user, read, lambda directory: searched("people list", directory.total))


@action(Permission.SEE_PEOPLE)
def record_search(user: SignedIn, kind: str, shown: int) -> None:
    """Record a search the screen ran over the list it holds (``kind``: what was searched
    by, e.g. "people by name"; ``shown``: how many people it showed)."""
    with recording(user) as session:
        note(session, searched(kind, shown))


@action(Permission.SEE_PEOPLE)
def people_with_incidents_between(user: SignedIn, date_from: date | None,
                                  date_to: date | None,
                                  crime_type: CrimeType | str | None = None) -> set[int]:
    """The ids of the people who were victims in a date range (the list filters by them)."""
    return _read(user, lambda session: people_directory.people_with_incidents_between(
        session, date_from, date_to, crime_type))


@action(Permission.SEE_PEOPLE)
def victims_behind(user: SignedIn, crime_type: CrimeType, first: date, last: date, *,
                   repeat_only: bool = False) -> set[int]:
    """The people a victims figure counted, to be shown in the list of people."""
    return consult(user, lambda session: figure_victims(session, crime_type, first, last,
                                                        repeat_only=repeat_only),
                   lambda ids: searched("victims behind a figure", len(ids),
                                        crime_type=crime_type.value, first=first, last=last,
                                        repeat_only=repeat_only))


# Merging -----------------------------------------------------------------------------------

@action(Permission.EDIT_RECORDS)
def merge_people(user: SignedIn, kept_id: int, merged_id: int) -> Changed[MergeResult]:
    """Count two people keyed apart as one (the merge can be undone)."""
    with writing(user) as session:
        result = merge_records(session, kept_id, merged_id)
    return Changed(result, _MERGED)


@action(Permission.EDIT_RECORDS)
def unmerge_people(user: SignedIn, merge_id: int) -> Changed[UnmergeResult]:
    """Undo one merge of people."""
    with writing(user) as session:
        result = unmerge(session, merge_id, kind="person")
    return Changed(result, _MERGED)


# Restricted records -----------------------------------------------------------------------

@action(Permission.RESTRICT)
def restrict_person(user: SignedIn, person_id: int, reason: str) -> Changed[None]:
    """Mark a person (their whole merge group) as a restricted record, saying why."""
    with writing(user) as session:
        set_restricted(session, person_id, True, reason)
    return Changed(None, _RESTRICTION)


@action(Permission.RESTRICT)
def unrestrict_person(user: SignedIn, person_id: int, reason: str) -> Changed[None]:
    """Lift a restriction, saying why."""
    with writing(user) as session:
        set_restricted(session, person_id, False, reason)
    return Changed(None, _RESTRICTION)


@action(Permission.SEE_PEOPLE)
def break_glass(user: SignedIn, person_id: int, reason: str) -> None:
    """Open a restricted person with a reason: recorded (``break_glass``), and for the rest
    of this sign-in the person is shown to this user like anyone else. Nothing is recorded
    when the person is not hidden from this user."""
    text = " ".join((reason or "").split())
    if not text:
        raise FormInvalid({"reason": "Say why you need to open this record (it is kept in "
                                     "the audit log)."})
    with recording(user) as session:  # only the reason is written
        summary = person_summary(session, person_id)
        group = {summary.root_id, *summary.member_ids}
        if not hidden_people(session, group,
                             sees_restricted=user.can(Permission.OPEN_RESTRICTED),
                             opened=user.glass_broken):
            return
        asked = {"opened_as": person_id} if person_id != summary.root_id else {}
        note(session, [Consulted("break_glass", "person", summary.root_id,
                                 {"reason": text, **asked})])
    # After the commit: a reason not recorded opens nothing.
    user.glass_broken.update(group)
