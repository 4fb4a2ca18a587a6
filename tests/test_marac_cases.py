"""The DASH checklist as data, and the services behind the MARAC screens."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.errors import InputRefused, NotFound
from scs_victims.marac.cases import (
    PerpetratorInput,
    ReferralInput,
    add_action,
    clear_attendance,
    create_referral,
    outstanding_actions,
    record_dash,
    set_action_status,
    set_attendance,
)
from scs_victims.marac.dash import CURRENT_VERSION, dash_score, load_questions
from scs_victims.marac.meetings import assign_case, assign_cases, schedule_meeting
from scs_victims.marac.queries import attendance
from scs_victims.services.incidents import FormInvalid
from scs_victims.services.rules import change_rules
from scs_victims.settings import load_rules
from scs_victims.storage.database import Database
from scs_victims.storage.models import (
    AuditEvent,
    DashAnswer,
    MaracMeetingCase,
    MaracReferral,
    Person,
)

REPO = Path(__file__).resolve().parent.parent


def test_the_checklist_has_24_questions_a_version_and_a_note_to_check_it() -> None:
    questions = load_questions()
    assert questions.version == CURRENT_VERSION
    assert [q.number for q in questions.questions] == list(range(1, 25))
    assert questions.questions[0].text.startswith("Has the current incident resulted in injury")
    assert "checked against the current SafeLives form" in questions.note
    assert questions.default_threshold == 14


def test_the_packaged_checklist_is_the_one_in_resources() -> None:
    packaged = REPO / "scs_victims" / "marac" / "dash" / f"{CURRENT_VERSION}.json"
    kept = REPO / "resources" / "dash" / f"{CURRENT_VERSION}.json"
    assert json.loads(packaged.read_text("utf-8")) == json.loads(kept.read_text("utf-8"))


def test_the_score_counts_the_yes_answers() -> None:
    assert dash_score({1: "yes", 2: "no", 3: "dont_know", 4: "yes"}) == 2


def _people(database: Database) -> tuple[int, int]:
    with database.session() as session:
        victim = Person(forename="Ann", surname="Lee", created_at=datetime.now())
        perpetrator = Person(forename="Bob", surname="Lee", created_at=datetime.now())
        session.add_all([victim, perpetrator])
        session.flush()
        return victim.id, perpetrator.id


def _referral(victim: int, perpetrator: int, **changes: object) -> ReferralInput:
    values: dict[str, object] = {
        "reference": "M1", "referral_date": date(2025, 1, 10), "victim_id": victim,
        "perpetrators": [PerpetratorInput(person_id=perpetrator)], "agencies": ["police"]}
    values.update(changes)
    return ReferralInput(**values)  # type: ignore[arg-type]


def test_a_referral_with_dash_at_the_threshold_is_visible_high_risk(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        referral_id = create_referral(session, _referral(victim, perpetrator))
        answers = {n: ("yes" if n <= 14 else "no", "police" if n == 1 else None)
                   for n in range(1, 25)}
        result = record_dash(session, referral_id, answers, assessed_on=date(2025, 1, 10))
    assert (result.score, result.threshold, result.high_risk) == (14, 14, True)
    with database.session() as session:
        assert session.get(MaracReferral, referral_id).dash_score == 14  # type: ignore[union-attr]
        sources = dict(session.execute(select(DashAnswer.question, DashAnswer.source)).all())
        assert sources[1] == "police" and sources[2] is None
        assert {"marac_referral", "dash_assessment"} <= set(
            session.scalars(select(AuditEvent.entity)))


def test_the_threshold_is_a_setting_kept_with_the_assessment(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        change_rules(session, {"marac_dash_threshold": 17})
        referral_id = create_referral(session, _referral(victim, perpetrator))
        result = record_dash(session, referral_id, {n: ("yes", None) for n in range(1, 15)},
                             assessed_on=date(2025, 1, 10))
    assert (result.threshold, result.high_risk) == (17, False)


def test_an_answer_outside_the_checklist_is_refused(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        referral_id = create_referral(session, _referral(victim, perpetrator))
        with pytest.raises(InputRefused, match="no question 25"):
            record_dash(session, referral_id, {25: ("yes", None)}, assessed_on=date(2025, 1, 1))
        with pytest.raises(InputRefused, match="not Yes, No or Don't know"):
            record_dash(session, referral_id, {1: ("maybe", None)}, assessed_on=date(2025, 1, 1))


def test_a_bad_referral_names_each_field_and_saves_nothing(database: Database) -> None:
    victim, _ = _people(database)
    with database.session() as session, pytest.raises(FormInvalid) as refused:
        create_referral(session, _referral(victim, 0, perpetrators=[PerpetratorInput()],
                                           agencies=["police", "police"],
                                           professional_judgement=True,
                                           referral_date=date(2099, 1, 1)))
    assert set(refused.value.errors) == {"referral_date", "perpetrators", "agencies",
                                         "judgement_reason"}
    with database.session() as session:
        assert session.scalars(select(MaracReferral)).first() is None


def test_a_referral_keeps_its_incident_date_and_dash_set(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        first = create_referral(session, _referral(victim, perpetrator,
                                                   incident_date=date(2025, 1, 8),
                                                   dash_version=CURRENT_VERSION.upper()),
                                today=date(2025, 2, 1))
        second = create_referral(session, _referral(victim, perpetrator, reference="M2",
                                                    incident_date=date(2025, 1, 10),
                                                    dash_version=""),
                                 today=date(2025, 2, 1))
    with database.session() as session:
        rows = {row.id: (row.incident_date, row.dash_version)
                for row in session.scalars(select(MaracReferral))}
    assert rows == {first: (date(2025, 1, 8), CURRENT_VERSION),
                    second: (date(2025, 1, 10), None)}


def test_the_incident_date_and_dash_set_are_checked_by_the_imports_rules(
        database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session, pytest.raises(FormInvalid) as refused:
        create_referral(session, _referral(victim, perpetrator, incident_date=date(2025, 1, 11),
                                           dash_version="dash-2099"), today=date(2025, 2, 1))
    assert refused.value.errors == {
        "incident_date": "The incident date is after the referral date.",
        "dash_version": f"'dash-2099' is not a DASH question set this application has "
                        f"({CURRENT_VERSION}).",
    }
    with database.session() as session, pytest.raises(FormInvalid) as refused:
        create_referral(session, _referral(victim, perpetrator, referral_date=date(2025, 3, 1),
                                           incident_date=date(2025, 2, 2)),
                        today=date(2025, 2, 1))
    assert refused.value.errors["incident_date"] == "The incident date is in the future."
    with database.session() as session:
        assert session.scalars(select(MaracReferral)).first() is None


def test_recording_a_dash_checklist_records_its_set_on_the_referral(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        referral_id = create_referral(session, _referral(victim, perpetrator))
        assert session.get(MaracReferral, referral_id).dash_version is None  # type: ignore[union-attr]
        record_dash(session, referral_id, {1: ("yes", None)}, assessed_on=date(2025, 1, 10))
        assert session.get(  # type: ignore[union-attr]
            MaracReferral, referral_id).dash_version == CURRENT_VERSION


def test_actions_stay_outstanding_until_closed(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        referral_id = create_referral(session, _referral(victim, perpetrator))
        meeting = schedule_meeting(session, date(2025, 1, 15), "Town Hall", "DI Example")
        case = assign_case(session, meeting, referral_id)
        set_attendance(session, meeting, "housing", "apologies")
        first = add_action(session, case, agency="housing", what="Fit a door alarm",
                           due_on=date(2025, 1, 31))
        second = add_action(session, case, agency="police", what="Flag the address")
        set_action_status(session, second, "done", "Flagged on 16/01/2025")
    with database.session() as session:
        with pytest.raises(InputRefused, match="already a MARAC meeting"):
            schedule_meeting(session, date(2025, 1, 15), None, None)
        pending = outstanding_actions(session, date(2025, 2, 12), on=date(2025, 2, 1))
        assert [(a.id, a.overdue, a.referral_reference) for a in pending] == [(first, True, "M1")]
        assert outstanding_actions(session, date(2025, 1, 15)) == []  # not before that meeting


def test_attendance_goes_back_to_not_recorded_and_is_audited(database: Database) -> None:
    with database.session() as session:
        meeting = schedule_meeting(session, date(2025, 1, 15), None, None)
        set_attendance(session, meeting, "housing", "apologies")
        set_attendance(session, meeting, "police", "present", "PC Invented")
        clear_attendance(session, meeting, "housing")
        clear_attendance(session, meeting, "idva")  # never recorded: nothing to do
    with database.session() as session:
        assert attendance(session, meeting) == {"police": ("present", "PC Invented")}
        removed = session.execute(select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.entity == "marac_attendance", AuditEvent.action == "delete")).all()
        assert [(action, json.loads(detail or "{}")) for action, detail in removed] == [
            ("delete", {"agency": "housing"})]
        with pytest.raises(NotFound):
            clear_attendance(session, meeting + 1, "police")


def test_several_referrals_go_on_a_meeting_together_or_not_at_all(database: Database) -> None:
    victim, perpetrator = _people(database)
    with database.session() as session:
        first = create_referral(session, _referral(victim, perpetrator))
        second = create_referral(session, _referral(victim, perpetrator, reference="M2"))
        meeting = schedule_meeting(session, date(2025, 1, 15), None, None)
        assign_case(session, meeting, first)
    with database.session() as session:
        with pytest.raises(NotFound, match="nothing was added"):
            assign_cases(session, meeting, [second, second + 99])
    with database.session() as session:
        listed = set(session.scalars(select(MaracMeetingCase.referral_id)))
        assert listed == {first}
        assert assign_cases(session, meeting, [first, second, second]) == 1
    with database.session() as session:
        assert set(session.scalars(select(MaracMeetingCase.referral_id))) == {first, second}
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "marac_case")) == 2


@pytest.mark.parametrize(("threshold", "allowed"), [(0, False), (1, True), (24, True),
                                                    (25, False)])
def test_the_dash_threshold_is_between_1_and_24(database: Database, threshold: int,
                                                allowed: bool) -> None:
    with database.session() as session:
        if allowed:
            change_rules(session, {"marac_dash_threshold": threshold})
        else:
            with pytest.raises(InputRefused):
                change_rules(session, {"marac_dash_threshold": threshold})
    with database.session() as session:
        assert load_rules(session).marac_dash_threshold == (threshold if allowed else 14)
