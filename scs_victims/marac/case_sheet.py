"""Everything the printed documents say about one MARAC case, read once as plain data.

Choices of ours:

- CHOICE: the victim's address is the most recent address of their incidents as victim (People
  keeps no address of its own); it is left out, and "withheld" printed, when the referral is
  marked ``withhold_address``. Safe contact details (safe number, safe times) are never
  printed: the IDVA, not the other agencies, contacts the victim (research/marac.md §3.1).
- CHOICE: gender and ethnicity are as recorded on the referral, else as on the person.
- CHOICE: "incidents of the last 12 months" are the live incidents of the victim's merge group,
  as victim or as perpetrator, dated within the 12 months ending on the meeting date (the
  print date for a case summary), newest first, with the repeat flag of the incident store.
- CHOICE: earlier MARAC referrals are every referral of the same canonical victim before this
  one (referral date, then reference), whether or not with the same perpetrator; each says
  whether it is the same case and which meetings heard it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.domain.dates import window_start
from scs_victims.errors import NotFound
from scs_victims.marac.cases import OutstandingAction
from scs_victims.marac.dash import load_questions
from scs_victims.marac.rules import (
    REPEAT_WINDOW_MONTHS,
    is_high_risk,
    load_case_referrals,
    repeat_of,
    same_case,
)
from scs_victims.marac.sight import FULL_SIGHT, RESTRICTED_LABEL, Sight
from scs_victims.marac.vocabulary import AGENCY_LABELS
from scs_victims.services.people_directory import age_on, display_name
from scs_victims.services.person_timeline import TimelineEntry, person_profile, person_timeline
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.models import (
    DashAnswer,
    DashAssessment,
    MaracAction,
    MaracChild,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)


@dataclass(frozen=True, slots=True)
class PersonLine:
    name: str
    date_of_birth: date | None
    age: int | None
    restricted: bool = False  # hidden from this reader: name and date of birth withheld


@dataclass(frozen=True, slots=True)
class DashYes:
    number: int
    text: str
    source: str | None


@dataclass(frozen=True, slots=True)
class DashSummary:
    score: int
    threshold: int
    assessed_on: date
    version: str
    yes_answers: tuple[DashYes, ...]
    dont_know: int


@dataclass(frozen=True, slots=True)
class EarlierReferral:
    reference: str
    referral_date: date
    perpetrators: str
    same_case: bool
    meetings: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class ActionLine:
    meeting_date: date
    agency: str  # label
    owner: str | None
    what: str
    due_on: date | None
    status: str
    completion_note: str | None


@dataclass(frozen=True, slots=True)
class CaseSheet:
    referral_id: int
    reference: str
    referral_date: date
    on: date  # the day ages and the 12 months of incidents are counted to
    victim: PersonLine
    victim_reference: str | None
    gender: str | None
    ethnicity: str | None
    address: str | None  # None: not known, or withheld (see address_withheld)
    address_withheld: bool
    children_count: int
    children: tuple[tuple[int | None, str | None], ...]  # (age, school)
    perpetrators: tuple[PersonLine, ...]
    relationship: str | None
    agencies: tuple[str, ...]  # labels
    referrer: str | None
    consent: bool | None
    idva: str | None
    police_reference: str | None
    notes: str | None
    incident_date: date | None  # None: not recorded (the referral date stands)
    dash_version: str | None  # the DASH question set of dash_score; None: the default set
    high_risk: bool
    threshold: int
    dash_score: int | None
    professional_judgement: bool
    judgement_reason: str | None
    potential_escalation: bool
    repeat_of: tuple[str, date] | None  # the earlier referral that makes this one a repeat
    dash: DashSummary | None
    incidents: tuple[TimelineEntry, ...]
    earlier: tuple[EarlierReferral, ...]
    outstanding: tuple[OutstandingAction, ...]
    actions: tuple[ActionLine, ...]  # every action recorded on this referral, any meeting


def case_sheet(session: Session, referral_id: int, *, on: date,
               outstanding: Sequence[OutstandingAction] = (),
               rules: RuleSettings | None = None, sight: Sight = FULL_SIGHT) -> CaseSheet:
    """The case of a referral as of ``on``. ``outstanding`` are the open actions to show
    (filtered here to this victim's referrals). When ``sight`` hides the victim, their name,
    date of birth and address, and the perpetrators', show as ``RESTRICTED_LABEL``."""
    referral = session.get(MaracReferral, referral_id)
    if referral is None:
        raise NotFound("That MARAC referral no longer exists.")
    rules = rules or load_rules(session)
    profile = person_profile(session, referral.victim_id, today=on)
    hidden = _Hidden(session, sight, victim_hidden=bool(sight.hidden(session, [profile.id])))
    address = None
    if hidden.victim:
        address = RESTRICTED_LABEL
    elif not referral.withhold_address and profile.addresses:
        address = profile.addresses[0].text or None
    victim = (PersonLine(RESTRICTED_LABEL, None, None, restricted=True) if hidden.victim
              else PersonLine(profile.name, profile.date_of_birth, profile.age))
    first_day = window_start(on, REPEAT_WINDOW_MONTHS)
    incidents = tuple(entry for entry in person_timeline(session, profile.id, rules)
                      if first_day <= entry.occurred_on <= on)
    earlier, repeat = _earlier(session, referral, profile.id, rules.marac_repeat_victim_only,
                               hidden)
    victim_referrals = {referral.id, *_referral_ids(session, profile.id)}
    return CaseSheet(
        referral_id=referral.id, reference=referral.reference,
        referral_date=referral.referral_date, on=on,
        victim=victim, victim_reference=None if hidden.victim else profile.reference,
        gender=referral.victim_gender or profile.gender,
        ethnicity=referral.victim_ethnicity or profile.ethnicity,
        address=address, address_withheld=referral.withhold_address and not hidden.victim,
        children_count=referral.children_count, children=_children(session, referral.id),
        perpetrators=_perpetrators(session, referral.id, on, hidden),
        relationship=referral.relationship, agencies=_agencies(session, referral.id),
        referrer=referral.referrer, consent=referral.consent, idva=referral.idva,
        police_reference=referral.police_reference, notes=referral.notes,
        incident_date=referral.incident_date, dash_version=referral.dash_version,
        high_risk=is_high_risk(referral.dash_score, rules.marac_dash_threshold),
        threshold=rules.marac_dash_threshold, dash_score=referral.dash_score,
        professional_judgement=referral.professional_judgement,
        judgement_reason=referral.judgement_reason,
        potential_escalation=referral.potential_escalation, repeat_of=repeat,
        dash=_dash(session, referral.id), incidents=incidents, earlier=earlier,
        outstanding=tuple(action for action in outstanding
                          if action.referral_id in victim_referrals),
        actions=_actions(session, referral.id),
    )


class _Hidden:
    """Which people of one case a reader may not see: all of them when the victim is hidden
    (the perpetrators name the case), else the restricted perpetrators themselves."""

    def __init__(self, session: Session, sight: Sight, *, victim_hidden: bool) -> None:
        self.session, self.sight, self.victim = session, sight, victim_hidden

    def people(self, person_ids: Sequence[int | None]) -> set[int | None]:
        if self.victim:
            return set(person_ids)
        return set(self.sight.hidden(self.session, person_ids))


def _referral_ids(session: Session, victim_id: int) -> list[int]:
    return list(session.scalars(
        select(MaracReferral.id).join(Person, Person.id == MaracReferral.victim_id)
        .where(func.coalesce(Person.merged_into_id, Person.id) == victim_id)))


def _children(session: Session, referral_id: int) -> tuple[tuple[int | None, str | None], ...]:
    return tuple((age, school) for age, school in session.execute(
        select(MaracChild.age, MaracChild.school).where(MaracChild.referral_id == referral_id)
        .order_by(MaracChild.age.desc(), MaracChild.id)))


def _perpetrators(session: Session, referral_id: int, on: date,
                  hidden: _Hidden | None = None) -> tuple[PersonLine, ...]:
    rows = session.execute(
        select(MaracPerpetrator.person_id,
               func.coalesce(Person.forename, MaracPerpetrator.forename),
               func.coalesce(Person.surname, MaracPerpetrator.surname), Person.date_of_birth)
        .select_from(MaracPerpetrator)
        .outerjoin(Person, Person.id == MaracPerpetrator.person_id)
        .where(MaracPerpetrator.referral_id == referral_id)
        .order_by(MaracPerpetrator.position, MaracPerpetrator.id)).all()
    unseen = set() if hidden is None else hidden.people([row[0] for row in rows])
    return tuple(PersonLine(RESTRICTED_LABEL, None, None, restricted=True) if person_id in unseen
                 else PersonLine(display_name(forename, surname), born, age_on(born, on))
                 for person_id, forename, surname, born in rows)


def perpetrator_names(session: Session, referral_id: int,
                      hidden: _Hidden | None = None) -> str:
    return "; ".join(line.name for line in _perpetrators(session, referral_id, date.today(),
                                                          hidden))


def _agencies(session: Session, referral_id: int) -> tuple[str, ...]:
    codes = set(session.scalars(select(MaracReferralAgency.agency)
                                .where(MaracReferralAgency.referral_id == referral_id)))
    return tuple(label for code, label in AGENCY_LABELS.items() if code in codes)


def _dash(session: Session, referral_id: int) -> DashSummary | None:
    """The latest assessment of the referral, its Yes answers with their question text."""
    assessment = session.scalars(
        select(DashAssessment).where(DashAssessment.referral_id == referral_id)
        .order_by(DashAssessment.assessed_on.desc(), DashAssessment.id.desc())).first()
    if assessment is None:
        return None
    texts = {question.number: question.text
             for question in load_questions(assessment.questions_version).questions}
    answers = session.execute(
        select(DashAnswer.question, DashAnswer.answer, DashAnswer.source)
        .where(DashAnswer.assessment_id == assessment.id).order_by(DashAnswer.question)).all()
    return DashSummary(
        score=assessment.score, threshold=assessment.threshold,
        assessed_on=assessment.assessed_on, version=assessment.questions_version,
        yes_answers=tuple(DashYes(number, texts.get(number, f"Question {number}"), source)
                          for number, answer, source in answers if answer == "yes"),
        dont_know=sum(1 for _, answer, _ in answers if answer == "dont_know"))


def _earlier(session: Session, referral: MaracReferral, victim_id: int, victim_only: bool,
             hidden: _Hidden) -> tuple[tuple[EarlierReferral, ...], tuple[str, date] | None]:
    cases = load_case_referrals(session, victim_ids=[victim_id])
    this = next(case for case in cases if case.id == referral.id)
    repeats = repeat_of(cases, victim_only=victim_only)
    by_id = {case.id: case for case in cases}
    repeat = None
    if referral.id in repeats:
        basis = by_id[repeats[referral.id]]
        repeat = (basis.reference, basis.referral_date)
    before = sorted((case for case in cases
                     if (case.referral_date, case.reference)
                     < (this.referral_date, this.reference)),
                    key=lambda case: (case.referral_date, case.reference), reverse=True)
    meetings: dict[int, list[date]] = {}
    for referral_id, on in session.execute(
            select(MaracMeetingCase.referral_id, MaracMeeting.meeting_date)
            .join(MaracMeeting, MaracMeeting.id == MaracMeetingCase.meeting_id)
            .where(MaracMeetingCase.referral_id.in_([case.id for case in before] or [0]))
            .order_by(MaracMeeting.meeting_date)):
        meetings.setdefault(referral_id, []).append(on)
    earlier = tuple(
        EarlierReferral(case.reference, case.referral_date,
                        perpetrator_names(session, case.id, hidden),
                        same_case(case, this, victim_only),
                        tuple(meetings.get(case.id, ())))
        for case in before)
    return earlier, repeat


def _actions(session: Session, referral_id: int) -> tuple[ActionLine, ...]:
    rows = session.execute(
        select(MaracMeeting.meeting_date, MaracAction.agency, MaracAction.owner,
               MaracAction.what, MaracAction.due_on, MaracAction.status,
               MaracAction.completion_note)
        .join(MaracMeetingCase, MaracMeetingCase.id == MaracAction.meeting_case_id)
        .join(MaracMeeting, MaracMeeting.id == MaracMeetingCase.meeting_id)
        .where(MaracMeetingCase.referral_id == referral_id)
        .order_by(MaracMeeting.meeting_date, MaracAction.id))
    return tuple(ActionLine(meeting_date, AGENCY_LABELS.get(agency, agency), owner, what, due,
                            status, note)
                 for meeting_date, agency, owner, what, due, status, note in rows)
