"""A MARAC meeting's agenda in the SafeLives order (research/marac.md §3.2).

1. Introductions and the confidentiality statement, which the Chair reads and all sign.
2. Outstanding actions: actions still open from EARLIER meetings (meeting date before this
   one), oldest meeting first, each flagged overdue when its due date is before ``today``.
3. The cases on the meeting's list, new and repeat alike, in two sections: cases WITH
   children (``children_count`` of the referral above 0) first, so that children's services
   can leave after them; then adult-only cases. Within a section: referral date, then
   reference.
4. Notification of cases whose last referral is 12 months old.

CHOICE: "a case whose last referral is 12 months old" is made exact with the repeat rule of
definitions §6 (``scs_victims.marac.rules``). A case is a referral's victim and perpetrator(s);
its last referral is its latest referral dated on or before the meeting. The case is notified
at the first meeting at which a new referral of it would no longer be a repeat: its last
referral date L is before ``window_start(meeting date, 12)`` (the window has closed by this
meeting) and on or after ``window_start(previous meeting date, 12)`` (it was still open at
the previous meeting). So every case is notified once, at one meeting. With no earlier
meeting, the previous meeting is taken as one month before this one. Cases on this meeting's
own list are never notified (they are being discussed).

CHOICE: a referral on the list counts as a repeat by the same rule, over every referral of its
victim (``rules.repeat_of``), so a referral recorded later cannot change it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from scs_victims.domain.dates import add_months, window_start
from scs_victims.errors import NotFound
from scs_victims.marac.cases import OutstandingAction, outstanding_actions
from scs_victims.marac.rules import (
    REPEAT_WINDOW_MONTHS,
    load_case_referrals,
    repeat_of,
    same_case,
)
from scs_victims.marac.sight import FULL_SIGHT, Sight, shown_name
from scs_victims.services.people_directory import display_name
from scs_victims.settings import load_rules
from scs_victims.storage.models import MaracMeeting, MaracMeetingCase, MaracReferral, Person

WITH_CHILDREN = "Cases with children"
ADULTS_ONLY = "Adult-only cases"
TWELVE_MONTHS = "12 months since the last referral"
SECTIONS = (WITH_CHILDREN, ADULTS_ONLY, TWELVE_MONTHS)

CONFIDENTIALITY_STATEMENT = (
    "The information shared at this MARAC is strictly confidential. It is shared only to "
    "reduce the risk of serious harm to the victims, their children and any others at risk, "
    "and it must not be passed to anyone outside the meeting without the agreement of the "
    "agency that shared it, unless the law requires it or it is needed to prevent serious "
    "harm. The perpetrator must not be told that the case has been referred or discussed. "
    "Each agency stays responsible for its own actions and for recording and keeping what "
    "it takes away securely, under data protection law and its own policies. This pack and "
    "the minutes must not be copied, forwarded or kept beyond their purpose. By signing the "
    "attendance sheet, everyone present, observers included, agrees to this statement."
)


@dataclass(frozen=True, slots=True)
class AgendaMeeting:
    id: int
    meeting_date: date
    venue: str | None
    chair: str | None


@dataclass(frozen=True, slots=True)
class AgendaCase:
    referral_id: int
    reference: str
    referral_date: date
    victim_id: int  # the canonical person
    victim_name: str
    is_repeat: bool
    children: int
    section: str  # one of SECTIONS


@dataclass(frozen=True, slots=True)
class Agenda:
    meeting: AgendaMeeting
    confidentiality_statement: str
    outstanding_actions: tuple[OutstandingAction, ...]
    cases: tuple[AgendaCase, ...]  # sections in SafeLives order

    def section(self, label: str) -> tuple[AgendaCase, ...]:
        return tuple(case for case in self.cases if case.section == label)

    @property
    def discussed(self) -> tuple[AgendaCase, ...]:
        """The cases on the meeting's list (the notifications left out), in agenda order."""
        return tuple(case for case in self.cases if case.section != TWELVE_MONTHS)


_canonical = func.coalesce(Person.merged_into_id, Person.id)


def build_agenda(session: Session, meeting_id: int, *, today: date | None = None,
                 sight: Sight = FULL_SIGHT) -> Agenda:
    """The agenda of a meeting (raises NotFound when it does not exist); restricted victims
    are hidden as ``sight`` says."""
    meeting = session.get(MaracMeeting, meeting_id)
    if meeting is None:
        raise NotFound("That MARAC meeting no longer exists.")
    rules = load_rules(session)
    listed = _listed(session, meeting_id)
    victims = sorted({row[3] for row in listed})
    repeats = repeat_of(load_case_referrals(session, victim_ids=victims),
                        victim_only=rules.marac_repeat_victim_only) if victims else {}
    names = _names(session, victims)
    cases = [AgendaCase(referral_id, reference, on, victim, names.get(victim, "(no name)"),
                        referral_id in repeats, children,
                        WITH_CHILDREN if children > 0 else ADULTS_ONLY)
             for referral_id, reference, on, victim, children in listed]
    cases.sort(key=lambda case: (SECTIONS.index(case.section), case.referral_date,
                                 case.reference))
    cases.extend(_twelve_months(session, meeting.meeting_date,
                                {case.referral_id for case in cases},
                                victim_only=rules.marac_repeat_victim_only))
    hidden = sight.hidden(session, [case.victim_id for case in cases])
    if hidden:
        cases = [replace(case, victim_name=shown_name(case.victim_name, case.victim_id, hidden))
                 for case in cases]
    return Agenda(
        meeting=AgendaMeeting(meeting.id, meeting.meeting_date, meeting.venue, meeting.chair),
        confidentiality_statement=CONFIDENTIALITY_STATEMENT,
        outstanding_actions=tuple(outstanding_actions(session, meeting.meeting_date,
                                                      on=today or date.today())),
        cases=tuple(cases),
    )


def _listed(session: Session, meeting_id: int) -> list[tuple[int, str, date, int, int]]:
    rows = session.execute(
        select(MaracReferral.id, MaracReferral.reference, MaracReferral.referral_date,
               _canonical, MaracReferral.children_count)
        .join(MaracMeetingCase, MaracMeetingCase.referral_id == MaracReferral.id)
        .join(Person, Person.id == MaracReferral.victim_id)
        .where(MaracMeetingCase.meeting_id == meeting_id))
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def _names(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    return {person_id: display_name(forename, surname)
            for person_id, forename, surname in session.execute(
                select(Person.id, Person.forename, Person.surname)
                .where(Person.id.in_(sorted(set(person_ids)))))}


def notification_window(session: Session, meeting_date: date) -> tuple[date, date]:
    """The last-referral dates notified at a meeting on ``meeting_date``: from the first
    (inclusive) to the second (exclusive); see the module docstring."""
    previous = session.scalar(select(func.max(MaracMeeting.meeting_date))
                              .where(MaracMeeting.meeting_date < meeting_date))
    if previous is None:
        previous = add_months(meeting_date, -1)
    return (window_start(previous, REPEAT_WINDOW_MONTHS),
            window_start(meeting_date, REPEAT_WINDOW_MONTHS))


def _twelve_months(session: Session, meeting_date: date, listed: set[int], *,
                   victim_only: bool) -> list[AgendaCase]:
    first, end = notification_window(session, meeting_date)
    if first >= end:
        return []
    victim = aliased(Person)
    candidates = session.execute(
        select(MaracReferral.id, func.coalesce(victim.merged_into_id, victim.id))
        .join(victim, victim.id == MaracReferral.victim_id)
        .where(MaracReferral.referral_date >= first, MaracReferral.referral_date < end)
    ).all()
    if not candidates:
        return []
    victims = sorted({row[1] for row in candidates})
    referrals = load_case_referrals(session, until=meeting_date, victim_ids=victims)
    by_id = {referral.id: referral for referral in referrals}
    repeats = repeat_of(referrals, victim_only=victim_only)
    children = {referral_id: count for referral_id, count in session.execute(
        select(MaracReferral.id, MaracReferral.children_count)
        .where(MaracReferral.id.in_(sorted(by_id))))}
    names = _names(session, victims)
    found: list[AgendaCase] = []
    for referral_id, _ in candidates:
        referral = by_id[referral_id]
        later = any(other.victim_id == referral.victim_id and other.id != referral.id
                    and (other.referral_date, other.reference)
                    > (referral.referral_date, referral.reference)
                    and same_case(referral, other, victim_only) for other in referrals)
        if later or referral_id in listed:
            continue
        found.append(AgendaCase(referral.id, referral.reference, referral.referral_date,
                                referral.victim_id, names.get(referral.victim_id, "(no name)"),
                                referral.id in repeats, children.get(referral.id, 0),
                                TWELVE_MONTHS))
    found.sort(key=lambda case: (case.referral_date, case.reference))
    return found
