"""MARAC work (Permission.MARAC): referrals, the DASH checklist, meetings, attendance, the
information shared and the actions agreed. The files that leave or enter the database (the
import, the SafeLives return, printed documents) are in ``scs_victims.actions.marac``.

Opening a case (its DASH checklist) is a ``view`` of the ``marac_case``; a meeting opened is a
``view`` of the ``meeting`` naming the cases on its list; lists that name victims are
``search`` events with the number of people shown. A victim restricted from this user shows
as "Restricted record" everywhere (``scs_victims.marac.sight``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.errors import FormInvalid
from scs_victims.marac import cases, meetings, queries
from scs_victims.marac.cases import DashResult, NewPerson, PerpetratorInput, ReferralInput
from scs_victims.marac.queries import DashState, MeetingDetail, MeetingRow, ReferralRow
from scs_victims.marac.sight import Sight

MARAC_CHANGED = OpChanges(marac=True)
# A new referral may add its victim or perpetrators to People.
REFERRAL_CHANGED = OpChanges(marac=True, people=True)
NO_PERSON = -1  # no such person: the core refuses it as "choose the victim"
NOT_KEYED = ("Find the victim in People, or give a new victim's date of birth or reference "
             "(a name alone cannot be linked).")


def may_see(user: SignedIn) -> Sight:
    """What this user may see of restricted people: all of them (OPEN_RESTRICTED), else only
    those opened with a reason this sign-in."""
    return Sight(user.can(Permission.OPEN_RESTRICTED), frozenset(user.glass_broken))


def _people_shown(kind: str, count: int) -> list[Consulted]:
    return [Consulted("search", "marac_case", None, {"query": kind, "people": count})]


# --- referrals ------------------------------------------------------------------------------


@action(Permission.MARAC)
def list_referrals(user: SignedIn) -> list[ReferralRow]:
    """Every referral, newest first, with its repeat and criteria flags."""
    sight = may_see(user)
    return consult(user, lambda session: queries.referral_rows(session, sight=sight),
                   lambda rows: _people_shown("marac_referrals",
                                              len({row.victim_id for row in rows})))


@action(Permission.MARAC)
def suggest_reference(user: SignedIn, on: date) -> str:
    """The next free ``MARAC-<year>-<nnnn>`` reference."""
    return consult(user, lambda session: queries.suggest_reference(session, on),
                   lambda _reference: [])


@dataclass(frozen=True, slots=True)
class ReferralDraft:
    """A referral as the form has it: the victim and perpetrators picked from People (their
    id) or typed (``NewPerson``), and the other fields of ``ReferralInput`` by name."""

    victim: int | NewPerson | None
    perpetrators: Sequence[int | NewPerson] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


def _person_id(session: Session, person: int | NewPerson | None) -> int | None:
    if person is None or isinstance(person, int):
        return person
    return cases.find_or_add_person(session, person)


def _perpetrator(session: Session, person: int | NewPerson) -> PerpetratorInput:
    """A typed perpetrator becomes a person when the details key one; else a name only."""
    if isinstance(person, int):
        return PerpetratorInput(person_id=person)
    person_id = cases.find_or_add_person(session, person)
    if person_id is not None:
        return PerpetratorInput(person_id=person_id)
    return PerpetratorInput(forename=person.forename, surname=person.surname)


@action(Permission.MARAC)
def submit_referral(user: SignedIn, draft: ReferralDraft, today: date
                    ) -> Changed[ReferralRow]:
    """Record a new referral, adding typed people to People, in one transaction: a refused
    referral (``FormInvalid``, every field's reason at once) adds nobody either."""
    with writing(user) as session:
        victim_id = _person_id(session, draft.victim)
        perpetrators = [_perpetrator(session, person) for person in draft.perpetrators]
        try:
            referral_id = cases.create_referral(session, ReferralInput(
                victim_id=victim_id or NO_PERSON, perpetrators=perpetrators, **draft.fields),
                today=today)
        except FormInvalid as refused:
            if victim_id is None:
                refused.errors["victim_id"] = NOT_KEYED
            raise
        row = queries.referral_rows(session, [referral_id], sight=may_see(user))[0]
    return Changed(row, REFERRAL_CHANGED)


# --- DASH -----------------------------------------------------------------------------------


@action(Permission.MARAC)
def open_case(user: SignedIn, referral_id: int) -> DashState:
    """A referral with its latest DASH checklist (opening the case)."""
    sight = may_see(user)
    return consult(user, lambda session: queries.dash_state(session, referral_id, sight=sight),
                   lambda _state: [Consulted("view", "marac_case", referral_id)])


@action(Permission.MARAC)
def record_dash(user: SignedIn, referral_id: int,
                answers: Mapping[int, tuple[str, str | None]], *, assessed_on: date,
                version: str) -> Changed[DashResult]:
    """A new DASH checklist for a referral (the earlier ones are kept)."""
    with writing(user) as session:
        result = cases.record_dash(session, referral_id, answers, assessed_on=assessed_on,
                                   version=version)
    return Changed(result, MARAC_CHANGED)


# --- meetings -------------------------------------------------------------------------------


@action(Permission.MARAC)
def list_meetings(user: SignedIn) -> list[MeetingRow]:
    """Every meeting, newest first, with its numbers of cases and open actions (no names)."""
    return consult(user, queries.meeting_rows, lambda _rows: [])


@action(Permission.MARAC)
def unlisted_referrals(user: SignedIn) -> list[tuple[int, str]]:
    """Referrals on no meeting's list yet: (id, "reference: victim, date")."""
    sight = may_see(user)
    return consult(user, lambda session: queries.unlisted_referrals(session, sight=sight),
                   lambda rows: _people_shown("marac_unlisted", len(rows)))


@action(Permission.MARAC)
def open_meeting(user: SignedIn, meeting_id: int, today: date) -> MeetingDetail:
    """A meeting's agenda, cases, actions and attendance."""
    sight = may_see(user)
    return consult(
        user, lambda session: queries.load_meeting(session, meeting_id, today, sight=sight),
        lambda detail: [Consulted("view", "meeting", meeting_id, {
            "cases": [case.referral_id for case in detail.agenda.cases]})])


@action(Permission.MARAC)
def schedule_meeting(user: SignedIn, on: date, venue: str | None,
                     chair: str | None) -> Changed[int]:
    """A new meeting (one a day); its id."""
    with writing(user) as session:
        meeting_id = meetings.schedule_meeting(session, on, venue, chair)
    return Changed(meeting_id, MARAC_CHANGED)


@action(Permission.MARAC)
def assign_case(user: SignedIn, meeting_id: int, referral_id: int) -> Changed[int]:
    """Put a referral on a meeting's list; the meeting case id."""
    with writing(user) as session:
        case_id = meetings.assign_case(session, meeting_id, referral_id)
    return Changed(case_id, MARAC_CHANGED)


@action(Permission.MARAC)
def assign_cases(user: SignedIn, meeting_id: int, referral_ids: Sequence[int]) -> Changed[int]:
    """Put several referrals on a meeting's list at once; how many were not on it already."""
    with writing(user) as session:
        added = meetings.assign_cases(session, meeting_id, referral_ids)
    return Changed(added, MARAC_CHANGED)


@action(Permission.MARAC)
def save_attendance(user: SignedIn, meeting_id: int,
                    recorded: Sequence[tuple[str, str, str | None]],
                    cleared: Sequence[str] = ()) -> Changed[None]:
    """Agencies present or sending apologies, (agency, status, attendee), and those taken
    back to not recorded, in one transaction."""
    with writing(user) as session:
        for agency, status, attendee in recorded:
            cases.set_attendance(session, meeting_id, agency, status, attendee)
        for agency in cleared:
            cases.clear_attendance(session, meeting_id, agency)
    return Changed(None, MARAC_CHANGED)


@action(Permission.MARAC)
def share_information(user: SignedIn, meeting_case_id: int, text: str) -> Changed[None]:
    """What the agencies shared about a case at the meeting."""
    with writing(user) as session:
        cases.set_information_shared(session, meeting_case_id, text)
    return Changed(None, MARAC_CHANGED)


# --- actions agreed -------------------------------------------------------------------------


@action(Permission.MARAC)
def add_action(user: SignedIn, meeting_case_id: int, *, agency: str, what: str,
               owner: str | None = None, due_on: date | None = None) -> Changed[int]:
    """An action an agency took on for a case; its id (``FormInvalid`` names the fields)."""
    with writing(user) as session:
        action_id = cases.add_action(session, meeting_case_id, agency=agency, what=what,
                                     owner=owner, due_on=due_on)
    return Changed(action_id, MARAC_CHANGED)


@action(Permission.MARAC)
def set_action_status(user: SignedIn, action_id: int, status: str,
                      note: str | None = None) -> Changed[None]:
    """Close (or reopen) an action, with a completion note."""
    with writing(user) as session:
        cases.set_action_status(session, action_id, status, note)
    return Changed(None, MARAC_CHANGED)
