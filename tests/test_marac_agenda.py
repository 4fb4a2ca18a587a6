"""The MARAC agenda: SafeLives order, outstanding actions, and the 12-month notifications."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from scs_victims.errors import NotFound
from scs_victims.marac.agenda import (
    ADULTS_ONLY,
    TWELVE_MONTHS,
    WITH_CHILDREN,
    build_agenda,
    notification_window,
)
from scs_victims.marac.cases import (
    PerpetratorInput,
    ReferralInput,
    add_action,
    create_referral,
    set_action_status,
)
from scs_victims.marac.meetings import assign_case, schedule_meeting
from scs_victims.storage.database import Database
from scs_victims.storage.models import Person

MEETING = date(2025, 6, 10)
PREVIOUS = date(2025, 5, 13)


def _person(session: Session, forename: str, surname: str) -> int:
    person = Person(forename=forename, surname=surname, created_at=datetime(2025, 1, 1))
    session.add(person)
    session.flush()
    return person.id


def _refer(session: Session, reference: str, on: date, victim: int, perpetrator: int,
           children: int = 0) -> int:
    return create_referral(session, ReferralInput(
        reference=reference, referral_date=on, victim_id=victim,
        perpetrators=[PerpetratorInput(person_id=perpetrator)], agencies=["police"],
        children_count=children), today=MEETING)


def test_children_cases_come_first_then_adults_each_by_date_and_reference(
        database: Database) -> None:
    with database.session() as session:
        meeting = schedule_meeting(session, MEETING, "Civic Centre", "A Chair")
        bob = _person(session, "Bob", "Perp")
        listed = [("R-ADULT-EARLY", date(2025, 5, 1), 0), ("R-KIDS-LATE", date(2025, 6, 1), 2),
                  ("R-ADULT-LATE", date(2025, 6, 2), 0), ("R-KIDS-B", date(2025, 5, 20), 1),
                  ("R-KIDS-A", date(2025, 5, 20), 3)]
        for reference, on, children in listed:
            victim = _person(session, "Vic", reference)
            assign_case(session, meeting, _refer(session, reference, on, victim, bob, children))
        agenda = build_agenda(session, meeting, today=MEETING)
    assert [(case.reference, case.section) for case in agenda.cases] == [
        ("R-KIDS-A", WITH_CHILDREN), ("R-KIDS-B", WITH_CHILDREN),
        ("R-KIDS-LATE", WITH_CHILDREN), ("R-ADULT-EARLY", ADULTS_ONLY),
        ("R-ADULT-LATE", ADULTS_ONLY)]
    assert [case.children for case in agenda.cases] == [3, 1, 2, 0, 0]
    assert agenda.cases[0].victim_name == "R-KIDS-A, Vic"
    assert (agenda.meeting.venue, agenda.meeting.chair) == ("Civic Centre", "A Chair")
    assert "perpetrator must not be told" in agenda.confidentiality_statement


def test_a_case_referred_again_within_12_months_is_flagged_repeat(database: Database) -> None:
    with database.session() as session:
        meeting = schedule_meeting(session, MEETING, None, None)
        victim, bob, carl = (_person(session, "Ann", "Lee"), _person(session, "Bob", "Lee"),
                             _person(session, "Carl", "Roe"))
        _refer(session, "OLD", date(2024, 6, 1), victim, bob)
        again = _refer(session, "AGAIN", date(2025, 6, 1), victim, bob)  # 12 months: repeat
        other = _refer(session, "OTHER", date(2025, 6, 2), victim, carl)  # other perpetrator
        assign_case(session, meeting, again)
        assign_case(session, meeting, other)
        agenda = build_agenda(session, meeting, today=MEETING)
    assert {case.reference: case.is_repeat for case in agenda.discussed} == {
        "AGAIN": True, "OTHER": False}


def test_outstanding_actions_are_the_open_ones_of_earlier_meetings_with_overdue(
        database: Database) -> None:
    with database.session() as session:
        earlier = schedule_meeting(session, PREVIOUS, None, None)
        meeting = schedule_meeting(session, MEETING, None, None)
        victim, bob = _person(session, "Ann", "Lee"), _person(session, "Bob", "Lee")
        referral = _refer(session, "R1", date(2025, 5, 1), victim, bob)
        old_case = assign_case(session, earlier, referral)
        due_yesterday = add_action(session, old_case, agency="housing", what="Locks",
                                   due_on=date(2025, 6, 9))
        due_today = add_action(session, old_case, agency="police", what="Visit",
                               due_on=MEETING)
        done = add_action(session, old_case, agency="idva", what="Call")
        set_action_status(session, done, "done")
        add_action(session, assign_case(session, meeting, referral), agency="idva",
                   what="Raised at this meeting")
        agenda = build_agenda(session, meeting, today=MEETING)
    assert {(action.id, action.overdue) for action in agenda.outstanding_actions} == {
        (due_yesterday, True), (due_today, False)}


@pytest.mark.parametrize(("last_referral", "notified"), [
    (date(2024, 5, 12), False),  # its window closed before the previous meeting
    (date(2024, 5, 13), True),  # still open at the previous meeting (12 months on the day)
    (date(2024, 6, 9), True),  # closed by this meeting
    (date(2024, 6, 10), False),  # 12 months on the day of this meeting: still a repeat
])
def test_a_case_is_notified_once_at_the_meeting_its_12_months_run_out(
        database: Database, last_referral: date, notified: bool) -> None:
    with database.session() as session:
        schedule_meeting(session, PREVIOUS, None, None)
        meeting = schedule_meeting(session, MEETING, None, None)
        victim, bob = _person(session, "Ann", "Lee"), _person(session, "Bob", "Lee")
        _refer(session, "LAST", last_referral, victim, bob, children=1)
        agenda = build_agenda(session, meeting, today=MEETING)
        assert notification_window(session, MEETING) == (date(2024, 5, 13),
                                                         date(2024, 6, 10))
    found = [(case.reference, case.section, case.children) for case in agenda.cases]
    assert found == ([("LAST", TWELVE_MONTHS, 1)] if notified else [])


def test_a_later_referral_of_the_same_case_stops_the_notification_another_does_not(
        database: Database) -> None:
    with database.session() as session:
        meeting = schedule_meeting(session, MEETING, None, None)
        ann, bob = _person(session, "Ann", "Lee"), _person(session, "Bob", "Lee")
        cat, dan, eve = (_person(session, "Cat", "Day"), _person(session, "Dan", "Day"),
                         _person(session, "Eve", "Fox"))
        _refer(session, "ANN-1", date(2024, 6, 1), ann, bob)
        _refer(session, "ANN-2", date(2024, 12, 1), ann, bob)  # the case's last referral
        _refer(session, "CAT-1", date(2024, 6, 1), cat, dan)
        _refer(session, "CAT-2", date(2024, 12, 1), cat, eve)  # another perpetrator
        agenda = build_agenda(session, meeting, today=MEETING)
    # No earlier meeting: the notification window is the month before this meeting's.
    assert [case.reference for case in agenda.section(TWELVE_MONTHS)] == ["CAT-1"]
    assert agenda.discussed == ()


def test_an_unknown_meeting_is_refused(database: Database) -> None:
    with database.session() as session, pytest.raises(NotFound):
        build_agenda(session, 999)
