"""Services for the MARAC screens: referrals (and the people typed on them), DASH
assessments, attendance, the information shared about a case, and actions.

Each takes the caller's session (one transaction), refuses bad input with ``FormInvalid``
(field -> sentence; nothing written) and audits every write. Returns ids or plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.audit import record
from scs_victims.domain.identity import person_key
from scs_victims.errors import NotFound
from scs_victims.importing.incident_rows import RELATIONSHIPS
from scs_victims.marac.dash import CURRENT_VERSION, check_answers, dash_score, load_questions
from scs_victims.marac.rows import dash_version, incident_date_problem
from scs_victims.marac.rules import is_high_risk, potential_escalation
from scs_victims.services.incidents import FormInvalid, find_or_create
from scs_victims.settings import load_rules
from scs_victims.storage.models import (
    MARAC_ACTION_STATUSES,
    MARAC_AGENCY_CODES,
    DashAnswer,
    DashAssessment,
    MaracAction,
    MaracAttendance,
    MaracChild,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)


@dataclass(frozen=True, slots=True)
class PerpetratorInput:
    """A perpetrator chosen from People (``person_id``) or known by name only."""

    person_id: int | None = None
    forename: str | None = None
    surname: str | None = None


@dataclass(frozen=True, slots=True)
class ChildInput:
    age: int | None = None
    school: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralInput:
    reference: str
    referral_date: date
    victim_id: int
    perpetrators: Sequence[PerpetratorInput]
    agencies: Sequence[str]  # codes of MARAC_AGENCY_CODES
    referrer: str | None = None
    relationship: str | None = None
    children_count: int = 0
    children: Sequence[ChildInput] = field(default_factory=tuple)
    consent: bool | None = None
    safe_to_call: bool | None = None
    safe_contact: str | None = None
    withhold_address: bool = False
    professional_judgement: bool = False
    judgement_reason: str | None = None
    idva: str | None = None
    police_reference: str | None = None
    notes: str | None = None
    victim_gender: str | None = None
    victim_ethnicity: str | None = None  # as scs_victims.marac.vocabulary.parse_ethnicity
    victim_lgbt: bool | None = None
    victim_disabled: bool | None = None
    incident_date: date | None = None  # the incident that prompted it; None: the referral date
    dash_version: str | None = None  # the DASH question set (marac.dash); None: the default


@dataclass(frozen=True, slots=True)
class NewPerson:
    """A victim or perpetrator typed on the referral form rather than picked from People."""

    forename: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    reference: str | None = None
    gender: str | None = None


def find_or_add_person(session: Session, person: NewPerson) -> int | None:
    """The person these details key to (definitions §2), added to People when there is none;
    None when the details are not enough to key a person (no reference, no date of birth)."""
    key = person_key(reference=person.reference, forename=person.forename,
                     surname=person.surname, date_of_birth=person.date_of_birth, postcode=None)
    if key is None:
        return None
    person_id, _root = find_or_create(
        session, Person, key,
        {"reference": (person.reference or "").strip() or None,
         "forename": (person.forename or "").strip() or None,
         "surname": (person.surname or "").strip() or None,
         "date_of_birth": person.date_of_birth, "gender": person.gender},
        now=datetime.now(), entity="person", fill=("date_of_birth",))
    return person_id


def _shipped_version(name: str | None, errors: dict[str, str]) -> str | None:
    """The DASH question set a form names, as shipped (None: the default set); one that is
    not shipped is refused in ``errors``, by the import's rule."""
    def refuse(column: str, reason: str) -> None:
        errors[column] = f"{reason}."

    return dash_version(name or None, refuse)


def _referral_errors(session: Session, data: ReferralInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = "A referral needs a reference."
    elif session.scalar(select(MaracReferral.id).where(
            MaracReferral.reference == data.reference.strip())) is not None:
        errors["reference"] = f"Another referral has the reference '{data.reference.strip()}'."
    if data.referral_date > today:
        errors["referral_date"] = "The referral date cannot be in the future."
    if data.incident_date is not None:
        problem = ("is in the future" if data.incident_date > today
                   else incident_date_problem(data.incident_date, data.referral_date))
        if problem is not None:
            errors["incident_date"] = f"The incident date {problem}."
    _shipped_version(data.dash_version, errors)
    if session.get(Person, data.victim_id) is None:
        errors["victim_id"] = "Choose the victim from People or add them."
    if not data.perpetrators:
        errors["perpetrators"] = "A referral needs at least one perpetrator."
    for perpetrator in data.perpetrators:
        if perpetrator.person_id is None and not (perpetrator.surname or "").strip():
            errors["perpetrators"] = "Each perpetrator needs a person or at least a surname."
        elif perpetrator.person_id is not None and session.get(Person,
                                                               perpetrator.person_id) is None:
            errors["perpetrators"] = "A perpetrator chosen is no longer in People."
    if not data.agencies:
        errors["agencies"] = "Choose the referring agency."
    elif len(set(data.agencies)) != len(data.agencies) or any(
            code not in MARAC_AGENCY_CODES for code in data.agencies):
        errors["agencies"] = "Choose each referring agency once, from the SafeLives list."
    if data.relationship is not None and data.relationship not in RELATIONSHIPS:
        errors["relationship"] = f"Choose one of {', '.join(RELATIONSHIPS)}."
    if data.children_count < 0 or data.children_count < len(data.children):
        errors["children_count"] = "The number of children cannot be below the children listed."
    if data.professional_judgement and not (data.judgement_reason or "").strip():
        errors["judgement_reason"] = "Give the reason for the professional judgement."
    return errors


def create_referral(session: Session, data: ReferralInput, *, today: date | None = None) -> int:
    """Record a referral; potential escalation is worked out from the incident store."""
    errors = _referral_errors(session, data, today or date.today())
    if errors:
        raise FormInvalid(errors, f"The referral was not saved: {len(errors)} "
                          f"field{'s need' if len(errors) != 1 else ' needs'} correcting "
                          f"({', '.join(errors)}).")
    now = datetime.now()
    victim = session.get(Person, data.victim_id)
    assert victim is not None
    escalation = potential_escalation(session, victim.merged_into_id or victim.id,
                                      data.referral_date)
    referral = MaracReferral(
        reference=data.reference.strip(), referral_date=data.referral_date,
        incident_date=data.incident_date,
        dash_version=_shipped_version(data.dash_version, {}),
        victim_id=data.victim_id, victim_gender=data.victim_gender,
        victim_ethnicity=data.victim_ethnicity, victim_lgbt=data.victim_lgbt,
        victim_disabled=data.victim_disabled, relationship=data.relationship,
        referrer=data.referrer, children_count=data.children_count, consent=data.consent,
        safe_to_call=data.safe_to_call, safe_contact=data.safe_contact,
        withhold_address=data.withhold_address, dash_score=None,
        professional_judgement=data.professional_judgement,
        judgement_reason=data.judgement_reason, potential_escalation=escalation,
        idva=data.idva, police_reference=data.police_reference, notes=data.notes,
        content_hash="", import_id=None, created_at=now, updated_at=now)
    session.add(referral)
    session.flush()
    session.add_all(MaracReferralAgency(referral_id=referral.id, agency=code)
                    for code in data.agencies)
    session.add_all(MaracPerpetrator(referral_id=referral.id, person_id=p.person_id,
                                     forename=p.forename, surname=p.surname, position=index)
                    for index, p in enumerate(data.perpetrators))
    session.add_all(MaracChild(referral_id=referral.id, age=child.age, school=child.school)
                    for child in data.children)
    session.flush()
    record(session, "insert", "marac_referral", referral.id,
           {"referral_date": data.referral_date, "agencies": list(data.agencies)})
    return referral.id


@dataclass(frozen=True, slots=True)
class DashResult:
    assessment_id: int
    score: int
    threshold: int
    high_risk: bool
    questions_version: str


def record_dash(session: Session, referral_id: int,
                answers: Mapping[int, tuple[str, str | None]], *, assessed_on: date,
                version: str = CURRENT_VERSION) -> DashResult:
    """Store a DASH checklist (question -> (answer, source when not the victim)) with its
    questions' version and the threshold in force; the referral takes its score."""
    referral = session.get(MaracReferral, referral_id)
    if referral is None:
        raise NotFound("That referral no longer exists.")
    questions = load_questions(version)
    check_answers(questions, {number: answer for number, (answer, _) in answers.items()})
    threshold = load_rules(session).marac_dash_threshold
    score = dash_score({number: answer for number, (answer, _) in answers.items()})
    assessment = DashAssessment(referral_id=referral_id, questions_version=questions.version,
                                threshold=threshold, score=score, assessed_on=assessed_on,
                                created_at=datetime.now())
    session.add(assessment)
    session.flush()
    session.add_all(DashAnswer(assessment_id=assessment.id, question=number, answer=answer,
                               source=source or None)
                    for number, (answer, source) in sorted(answers.items()))
    referral.dash_score = score
    referral.dash_version = questions.version  # the set the score now comes from
    referral.updated_at = datetime.now()
    session.flush()
    record(session, "insert", "dash_assessment", assessment.id,
           {"referral_id": referral_id, "score": score, "threshold": threshold,
            "version": questions.version})
    return DashResult(assessment.id, score, threshold, is_high_risk(score, threshold),
                      questions.version)


def set_attendance(session: Session, meeting_id: int, agency: str, status: str,
                   attendee: str | None = None) -> None:
    """Record an agency as present or sending apologies at a meeting (audited)."""
    if session.get(MaracMeeting, meeting_id) is None:
        raise NotFound("That meeting no longer exists.")
    errors = {}
    if agency not in MARAC_AGENCY_CODES:
        errors["agency"] = "Choose an agency from the SafeLives list."
    if status not in ("present", "apologies"):
        errors["status"] = "Choose present or apologies."
    if errors:
        raise FormInvalid(errors, "The attendance was not saved.")
    row = session.get(MaracAttendance, (meeting_id, agency))
    if row is None:
        session.add(MaracAttendance(meeting_id=meeting_id, agency=agency, status=status,
                                    attendee=attendee))
    else:
        row.status, row.attendee = status, attendee
    session.flush()
    record(session, "update", "marac_attendance", meeting_id,
           {"agency": agency, "status": status})


def clear_attendance(session: Session, meeting_id: int, agency: str) -> None:
    """Take an agency's attendance back to not recorded (audited when there was one)."""
    if session.get(MaracMeeting, meeting_id) is None:
        raise NotFound("That meeting no longer exists.")
    row = session.get(MaracAttendance, (meeting_id, agency))
    if row is None:
        return
    session.delete(row)
    session.flush()
    record(session, "delete", "marac_attendance", meeting_id, {"agency": agency})


def set_information_shared(session: Session, meeting_case_id: int, text: str) -> None:
    """What the agencies shared about a case at the meeting (audited, no text in the log)."""
    case = session.get(MaracMeetingCase, meeting_case_id)
    if case is None:
        raise NotFound("That case is no longer on the meeting's list.")
    case.information_shared = text.strip() or None
    session.flush()
    record(session, "update", "marac_case", meeting_case_id, {"information_shared": True})


def add_action(session: Session, meeting_case_id: int, *, agency: str, what: str,
               owner: str | None = None, due_on: date | None = None) -> int:
    """An action an agency volunteered for a case at a meeting (audited)."""
    if session.get(MaracMeetingCase, meeting_case_id) is None:
        raise NotFound("That case is no longer on the meeting's list.")
    errors = {}
    if agency not in MARAC_AGENCY_CODES:
        errors["agency"] = "Choose the owning agency from the SafeLives list."
    if not what.strip():
        errors["what"] = "Say what the action is."
    if errors:
        raise FormInvalid(errors, "The action was not saved.")
    now = datetime.now()
    action = MaracAction(meeting_case_id=meeting_case_id, agency=agency, owner=owner,
                         what=what.strip(), due_on=due_on, status="open", created_at=now,
                         updated_at=now)
    session.add(action)
    session.flush()
    record(session, "insert", "marac_action", action.id, {"agency": agency, "due_on": due_on})
    return action.id


def set_action_status(session: Session, action_id: int, status: str,
                      completion_note: str | None = None) -> None:
    """Close (or reopen) an action: done, not possible, agency did not act, or open."""
    action = session.get(MaracAction, action_id)
    if action is None:
        raise NotFound("That action no longer exists.")
    if status not in MARAC_ACTION_STATUSES:
        raise FormInvalid({"status": "Choose open, done, not possible or agency did not act."},
                          "The action was not saved.")
    action.status, action.completion_note = status, completion_note
    action.updated_at = datetime.now()
    session.flush()
    record(session, "update", "marac_action", action_id, {"status": status})


@dataclass(frozen=True, slots=True)
class OutstandingAction:
    id: int
    meeting_date: date
    referral_id: int
    referral_reference: str
    agency: str
    owner: str | None
    what: str
    due_on: date | None
    overdue: bool


def outstanding_actions(session: Session, before: date, *,
                        on: date | None = None) -> list[OutstandingAction]:
    """Open actions from meetings before ``before`` (for the next agenda), oldest meeting
    first; ``overdue`` when the due date is before ``on`` (default: today)."""
    on = on or date.today()
    query = (
        select(MaracAction.id, MaracMeeting.meeting_date, MaracReferral.id,
               MaracReferral.reference, MaracAction.agency, MaracAction.owner,
               MaracAction.what, MaracAction.due_on)
        .join(MaracMeetingCase, MaracMeetingCase.id == MaracAction.meeting_case_id)
        .join(MaracMeeting, MaracMeeting.id == MaracMeetingCase.meeting_id)
        .join(MaracReferral, MaracReferral.id == MaracMeetingCase.referral_id)
        .where(MaracAction.status == "open", MaracMeeting.meeting_date < before)
        .order_by(MaracMeeting.meeting_date, MaracReferral.reference, MaracAction.id)
    )
    return [OutstandingAction(*row, overdue=row[7] is not None and row[7] < on)
            for row in session.execute(query)]
