"""Plain rows for the MARAC screens: referrals with their repeat and criteria flags, meetings,
the cases on a meeting's list, actions, attendance and the latest DASH answers.

Everything returned is a frozen dataclass or a dict of plain values, never an ORM object, so a
worker thread can hand it to the screens. The writes are in ``scs_victims.marac.cases``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.errors import NotFound
from scs_victims.marac.agenda import Agenda, build_agenda
from scs_victims.marac.rules import is_high_risk, meets_criteria, repeat_referrals
from scs_victims.marac.sight import FULL_SIGHT, RESTRICTED_LABEL, Sight, shown_name
from scs_victims.marac.vocabulary import AGENCY_LABELS
from scs_victims.services.people_directory import display_name
from scs_victims.settings import load_rules
from scs_victims.storage.models import (
    DashAnswer,
    DashAssessment,
    MaracAction,
    MaracAttendance,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)

_CHUNK = 900
CRITERIA_LABELS = {"high_risk": "Visible high risk", "judgement": "Professional judgement",
                   "escalation": "Potential escalation", "repeat": "Repeat"}


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: int
    reference: str
    referral_date: date
    victim_id: int
    victim_name: str
    perpetrators: str  # names ("Surname, Forename"), separated by semicolons
    agencies: tuple[str, ...]  # codes, in the return's order
    dash_score: int | None
    threshold: int
    professional_judgement: bool
    potential_escalation: bool
    repeat_of: str | None  # the reference of the earlier referral that makes it a repeat
    children_count: int
    meetings: tuple[date, ...]  # the meetings it is listed at, oldest first

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of is not None

    @property
    def high_risk(self) -> bool:
        return is_high_risk(self.dash_score, self.threshold)

    @property
    def criteria(self) -> tuple[str, ...]:
        """The SafeLives criteria the referral meets, as keys of ``CRITERIA_LABELS``."""
        flags = (("high_risk", self.high_risk), ("judgement", self.professional_judgement),
                 ("escalation", self.potential_escalation), ("repeat", self.is_repeat))
        return tuple(name for name, met in flags if met)

    @property
    def meets_criteria(self) -> bool:
        return meets_criteria(dash_score=self.dash_score, threshold=self.threshold,
                              professional_judgement=self.professional_judgement,
                              potential_escalation=self.potential_escalation,
                              repeat=self.is_repeat)


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def referral_rows(session: Session, referral_ids: Sequence[int] | None = None, *,
                  sight: Sight = FULL_SIGHT) -> list[ReferralRow]:
    """Referrals (all, or these), newest first, with repeat and criteria worked out now;
    restricted people are hidden as ``sight`` says."""
    threshold = load_rules(session).marac_dash_threshold
    repeats = repeat_referrals(session)
    query = (select(MaracReferral.id, MaracReferral.reference, MaracReferral.referral_date,
                    MaracReferral.victim_id, Person.forename, Person.surname,
                    MaracReferral.dash_score, MaracReferral.professional_judgement,
                    MaracReferral.potential_escalation, MaracReferral.children_count)
             .join(Person, Person.id == MaracReferral.victim_id)
             .order_by(MaracReferral.referral_date.desc(), MaracReferral.reference.desc()))
    if referral_ids is None:
        base = list(session.execute(query))
    else:
        base = [row for chunk in _chunks(sorted(set(referral_ids)))
                for row in session.execute(query.where(MaracReferral.id.in_(chunk)))]
        base.sort(key=lambda row: (row.referral_date, row.reference), reverse=True)
    ids = [row.id for row in base]
    wanted = sorted(set(repeats.values()))
    references = {found_id: reference for chunk in _chunks(wanted)
                  for found_id, reference in session.execute(
                      select(MaracReferral.id, MaracReferral.reference)
                      .where(MaracReferral.id.in_(chunk)))}
    perpetrators: dict[int, list[tuple[int | None, str]]] = {}
    agencies: dict[int, set[str]] = {}
    meetings: dict[int, list[date]] = {}
    for chunk in _chunks(ids):
        for referral_id, person_id, forename, surname in session.execute(
                select(MaracPerpetrator.referral_id, MaracPerpetrator.person_id,
                       func.coalesce(Person.forename, MaracPerpetrator.forename),
                       func.coalesce(Person.surname, MaracPerpetrator.surname))
                .outerjoin(Person, Person.id == MaracPerpetrator.person_id)
                .where(MaracPerpetrator.referral_id.in_(chunk))
                .order_by(MaracPerpetrator.referral_id, MaracPerpetrator.position)):
            perpetrators.setdefault(referral_id, []).append(
                (person_id, display_name(forename, surname)))
        for referral_id, agency in session.execute(
                select(MaracReferralAgency.referral_id, MaracReferralAgency.agency)
                .where(MaracReferralAgency.referral_id.in_(chunk))):
            agencies.setdefault(referral_id, set()).add(agency)
        for referral_id, meeting_date in session.execute(
                select(MaracMeetingCase.referral_id, MaracMeeting.meeting_date)
                .join(MaracMeeting, MaracMeeting.id == MaracMeetingCase.meeting_id)
                .where(MaracMeetingCase.referral_id.in_(chunk))
                .order_by(MaracMeeting.meeting_date)):
            meetings.setdefault(referral_id, []).append(meeting_date)
    hidden = sight.hidden(session, [*(row.victim_id for row in base),
                                    *(person_id for listed in perpetrators.values()
                                      for person_id, _name in listed)])
    order = list(AGENCY_LABELS)
    return [ReferralRow(
        id=row.id, reference=row.reference, referral_date=row.referral_date,
        victim_id=row.victim_id,
        victim_name=shown_name(display_name(row.forename, row.surname), row.victim_id, hidden),
        perpetrators=_perpetrator_text(perpetrators.get(row.id, []),
                                       case_hidden=row.victim_id in hidden, hidden=hidden),
        agencies=tuple(sorted(agencies.get(row.id, ()), key=order.index)),
        dash_score=row.dash_score, threshold=threshold,
        professional_judgement=row.professional_judgement,
        potential_escalation=row.potential_escalation,
        repeat_of=references.get(repeats[row.id]) if row.id in repeats else None,
        children_count=row.children_count, meetings=tuple(meetings.get(row.id, ())))
        for row in base]


def _perpetrator_text(listed: list[tuple[int | None, str]], *, case_hidden: bool,
                     hidden: set[int]) -> str:
    """The perpetrators' names; none of them when the victim is hidden (they name the case)."""
    if case_hidden:
        return RESTRICTED_LABEL if listed else ""
    return "; ".join(shown_name(name, person_id, hidden) for person_id, name in listed)


_NUMBERED = re.compile(r"^MARAC-(\d{4})-(\d+)$")


def suggest_reference(session: Session, on: date) -> str:
    """The next free ``MARAC-<year>-<nnnn>`` reference for a referral made on ``on``."""
    prefix = f"MARAC-{on.year}-"
    highest = 0
    for (reference,) in session.execute(select(MaracReferral.reference).where(
            MaracReferral.reference.like(prefix + "%"))):
        match = _NUMBERED.match(reference)
        if match:
            highest = max(highest, int(match[2]))
    return f"{prefix}{highest + 1:04d}"


# --- meetings -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    meeting_date: date
    venue: str | None
    chair: str | None
    cases: int
    open_actions: int


def meeting_rows(session: Session) -> list[MeetingRow]:
    """Every meeting, newest first, with its number of cases and open actions."""
    cases = dict(session.execute(select(MaracMeetingCase.meeting_id, func.count())
                                 .group_by(MaracMeetingCase.meeting_id)).all())
    open_actions = dict(session.execute(
        select(MaracMeetingCase.meeting_id, func.count())
        .join(MaracAction, MaracAction.meeting_case_id == MaracMeetingCase.id)
        .where(MaracAction.status == "open").group_by(MaracMeetingCase.meeting_id)).all())
    return [MeetingRow(row.id, row.meeting_date, row.venue, row.chair, cases.get(row.id, 0),
                       open_actions.get(row.id, 0))
            for row in session.execute(
                select(MaracMeeting.id, MaracMeeting.meeting_date, MaracMeeting.venue,
                       MaracMeeting.chair).order_by(MaracMeeting.meeting_date.desc()))]


@dataclass(frozen=True, slots=True)
class MeetingCaseRow:
    id: int  # the meeting case
    referral_id: int
    reference: str
    victim_name: str
    children_count: int
    is_repeat: bool
    information_shared: str | None


def meeting_cases(session: Session, meeting_id: int, *,
                  sight: Sight = FULL_SIGHT) -> list[MeetingCaseRow]:
    """The referrals on a meeting's list, by reference (the agenda decides the order)."""
    repeats = repeat_referrals(session)
    rows = session.execute(
        select(MaracMeetingCase.id, MaracMeetingCase.referral_id, MaracReferral.reference,
               MaracReferral.victim_id, Person.forename, Person.surname,
               MaracReferral.children_count, MaracMeetingCase.information_shared)
        .join(MaracReferral, MaracReferral.id == MaracMeetingCase.referral_id)
        .join(Person, Person.id == MaracReferral.victim_id)
        .where(MaracMeetingCase.meeting_id == meeting_id)
        .order_by(MaracReferral.reference)).all()
    hidden = sight.hidden(session, [row.victim_id for row in rows])
    return [MeetingCaseRow(row.id, row.referral_id, row.reference,
                           shown_name(display_name(row.forename, row.surname), row.victim_id,
                                      hidden),
                           row.children_count, row.referral_id in repeats,
                           row.information_shared)
            for row in rows]


def attendance(session: Session, meeting_id: int) -> dict[str, tuple[str, str | None]]:
    """Agency code -> (present or apologies, attendee) for the agencies recorded."""
    return {agency: (status, attendee) for agency, status, attendee in session.execute(
        select(MaracAttendance.agency, MaracAttendance.status, MaracAttendance.attendee)
        .where(MaracAttendance.meeting_id == meeting_id))}


@dataclass(frozen=True, slots=True)
class MeetingDetail:
    """Everything the meeting screen shows, read in one go."""

    meeting_id: int
    agenda: Agenda
    cases: tuple[MeetingCaseRow, ...]  # in agenda order
    actions: tuple[ActionRow, ...]
    attendance: dict[str, tuple[str, str | None]]


def load_meeting(session: Session, meeting_id: int, today: date, *,
                 sight: Sight = FULL_SIGHT) -> MeetingDetail:
    """A meeting's agenda (SafeLives order), its cases in that order, actions, attendance."""
    agenda = build_agenda(session, meeting_id, today=today, sight=sight)
    order = {case.referral_id: position for position, case in enumerate(agenda.cases)}
    cases = sorted(meeting_cases(session, meeting_id, sight=sight),
                   key=lambda case: (order.get(case.referral_id, len(order)), case.reference))
    return MeetingDetail(meeting_id, agenda, tuple(cases),
                         tuple(meeting_actions(session, meeting_id, today)),
                         attendance(session, meeting_id))


# --- actions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    meeting_case_id: int
    meeting_date: date
    reference: str  # the referral's
    agency: str
    owner: str | None
    what: str
    due_on: date | None
    status: str
    completion_note: str | None
    overdue: bool  # open and due before the day asked about


def meeting_actions(session: Session, meeting_id: int, on: date) -> list[ActionRow]:
    """The actions agreed at a meeting, by case then as recorded."""
    query = (select(MaracAction.id, MaracAction.meeting_case_id, MaracMeeting.meeting_date,
                    MaracReferral.reference, MaracAction.agency, MaracAction.owner,
                    MaracAction.what, MaracAction.due_on, MaracAction.status,
                    MaracAction.completion_note)
             .join(MaracMeetingCase, MaracMeetingCase.id == MaracAction.meeting_case_id)
             .join(MaracMeeting, MaracMeeting.id == MaracMeetingCase.meeting_id)
             .join(MaracReferral, MaracReferral.id == MaracMeetingCase.referral_id)
             .where(MaracMeetingCase.meeting_id == meeting_id)
             .order_by(MaracReferral.reference, MaracAction.id))
    return [ActionRow(row.id, row.meeting_case_id, row.meeting_date, row.reference, row.agency,
                      row.owner, row.what, row.due_on, row.status, row.completion_note,
                      overdue=row.status == "open" and row.due_on is not None
                      and row.due_on < on)
            for row in session.execute(query)]


def overdue_action_count(session: Session, on: date) -> int:
    """Open actions whose due date is before ``on`` (the dashboard's reminder)."""
    return int(session.scalar(select(func.count()).select_from(MaracAction).where(
        MaracAction.status == "open", MaracAction.due_on < on)) or 0)


# --- DASH -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DashState:
    """A referral as the DASH tab needs it, with its latest assessment if any."""

    referral_id: int
    reference: str
    victim_name: str
    threshold: int  # in force now
    professional_judgement: bool
    version: str | None
    assessed_on: date | None
    answers: dict[int, tuple[str, str | None]]  # question -> (answer, source)


def dash_state(session: Session, referral_id: int, *, sight: Sight = FULL_SIGHT) -> DashState:
    row = session.execute(
        select(MaracReferral.reference, MaracReferral.victim_id, Person.forename,
               Person.surname,
               MaracReferral.professional_judgement)
        .join(Person, Person.id == MaracReferral.victim_id)
        .where(MaracReferral.id == referral_id)).first()
    if row is None:
        raise NotFound("That referral no longer exists.")
    latest = session.execute(
        select(DashAssessment.id, DashAssessment.questions_version, DashAssessment.assessed_on)
        .where(DashAssessment.referral_id == referral_id)
        .order_by(DashAssessment.id.desc()).limit(1)).first()
    answers: dict[int, tuple[str, str | None]] = {}
    if latest is not None:
        answers = {question: (answer, source) for question, answer, source in session.execute(
            select(DashAnswer.question, DashAnswer.answer, DashAnswer.source)
            .where(DashAnswer.assessment_id == latest.id))}
    name = shown_name(display_name(row.forename, row.surname), row.victim_id,
                      sight.hidden(session, [row.victim_id]))
    return DashState(referral_id, row.reference, name,
                     load_rules(session).marac_dash_threshold, row.professional_judgement,
                     None if latest is None else latest.questions_version,
                     None if latest is None else latest.assessed_on, answers)


def unlisted_referrals(session: Session, *, sight: Sight = FULL_SIGHT
                       ) -> list[tuple[int, str]]:
    """Referrals on no meeting's list yet, newest first, as (id, "reference: victim, date")."""
    listed = select(MaracMeetingCase.referral_id)
    rows = session.execute(
        select(MaracReferral.id, MaracReferral.reference, MaracReferral.referral_date,
               MaracReferral.victim_id, Person.forename, Person.surname)
        .join(Person, Person.id == MaracReferral.victim_id)
        .where(MaracReferral.id.not_in(listed))
        .order_by(MaracReferral.referral_date.desc(), MaracReferral.reference)).all()
    hidden = sight.hidden(session, [row.victim_id for row in rows])
    return [(row.id, f"{row.reference}: "
                     f"{shown_name(display_name(row.forename, row.surname), row.victim_id, hidden)}"
                     f", referred {row.referral_date:%d/%m/%Y}")
            for row in rows]
