"""The plain rows behind the MARAC screens (scs_victims.marac.queries), on invented people."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from scs_victims.marac.cases import (
    NewPerson,
    PerpetratorInput,
    ReferralInput,
    add_action,
    create_referral,
    find_or_add_person,
    record_dash,
    set_attendance,
    set_information_shared,
)
from scs_victims.marac.meetings import assign_case, schedule_meeting
from scs_victims.marac.queries import (
    attendance,
    dash_state,
    load_meeting,
    meeting_actions,
    meeting_cases,
    meeting_rows,
    overdue_action_count,
    referral_rows,
    suggest_reference,
    unlisted_referrals,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import Person


def _person(database: Database, forename: str, surname: str) -> int:
    with database.session() as session:
        person = Person(forename=forename, surname=surname, created_at=datetime.now())
        session.add(person)
        session.flush()
        return person.id


def _refer(database: Database, reference: str, on: date, victim: int,
           perpetrators: list[PerpetratorInput], **changes: object) -> int:
    with database.session() as session:
        return create_referral(session, ReferralInput(
            reference=reference, referral_date=on, victim_id=victim, perpetrators=perpetrators,
            agencies=["police"], **changes), today=date(2025, 12, 31))  # type: ignore[arg-type]


def test_referral_rows_flag_repeats_with_the_earlier_reference(database: Database) -> None:
    victim = _person(database, "Ffion", "Quarrie")
    other_victim = _person(database, "Ada", "Wrenfield")
    perpetrator = _person(database, "Gareth", "Quarrie")
    first = _refer(database, "M-1", date(2025, 1, 10), victim,
                   [PerpetratorInput(person_id=perpetrator)], children_count=2)
    second = _refer(database, "M-2", date(2025, 12, 1), victim,
                    [PerpetratorInput(person_id=perpetrator)])
    _refer(database, "M-3", date(2025, 6, 1), other_victim,
           [PerpetratorInput(forename="Tom", surname="Nobody")], professional_judgement=True,
           judgement_reason="Strangulation disclosed")
    with database.session() as session:
        record_dash(session, first, {n: ("yes" if n <= 15 else "no", None)
                                     for n in range(1, 25)}, assessed_on=date(2025, 1, 10))
        rows = {row.reference: row for row in referral_rows(session)}
        only = referral_rows(session, [second])
    assert [row.reference for row in only] == ["M-2"]
    assert rows["M-2"].repeat_of == "M-1" and rows["M-2"].criteria == ("repeat",)
    assert rows["M-1"].repeat_of is None
    assert rows["M-1"].criteria == ("high_risk",) and rows["M-1"].dash_score == 15
    assert rows["M-1"].children_count == 2
    assert rows["M-3"].perpetrators == "Nobody, Tom"
    assert rows["M-3"].criteria == ("judgement",) and rows["M-3"].meets_criteria
    assert rows["M-2"].victim_name == "Quarrie, Ffion"
    assert rows["M-1"].agencies == ("police",)


def test_a_typed_person_is_found_or_added_only_when_keyed(database: Database) -> None:
    with database.session() as session:
        assert find_or_add_person(session, NewPerson("Ada", "Wrenfield")) is None
        first = find_or_add_person(session, NewPerson("Ada", "Wrenfield", date(1990, 3, 4)))
        again = find_or_add_person(session, NewPerson("ADA", "wrenfield", date(1990, 3, 4)))
        count = session.scalar(select(func.count()).select_from(Person))
    assert first is not None and first == again
    assert count == 1


def test_suggested_references_count_on_within_the_year(database: Database) -> None:
    victim = _person(database, "Ffion", "Quarrie")
    with database.session() as session:
        assert suggest_reference(session, date(2025, 3, 1)) == "MARAC-2025-0001"
    _refer(database, "MARAC-2025-0009", date(2025, 3, 1), victim,
           [PerpetratorInput(surname="Quarrie")])
    with database.session() as session:
        assert suggest_reference(session, date(2025, 5, 1)) == "MARAC-2025-0010"
        assert suggest_reference(session, date(2026, 1, 1)) == "MARAC-2026-0001"


def test_meetings_cases_actions_and_attendance(database: Database) -> None:
    victim = _person(database, "Ffion", "Quarrie")
    listed = _refer(database, "M-1", date(2025, 1, 10), victim,
                    [PerpetratorInput(surname="Quarrie")])
    waiting = _refer(database, "M-2", date(2025, 2, 10), victim,
                     [PerpetratorInput(surname="Other")])
    with database.session() as session:
        meeting = schedule_meeting(session, date(2025, 2, 1), "Civic Centre", "DI Example")
        case = assign_case(session, meeting, listed)
        add_action(session, case, agency="housing", what="Target hardening",
                   due_on=date(2025, 2, 20))
        add_action(session, case, agency="police", what="Flag the address")
        set_attendance(session, meeting, "police", "present", "PC Invented")
        set_information_shared(session, case, "  Police: two call-outs.  ")
    with database.session() as session:
        meetings = meeting_rows(session)
        cases = meeting_cases(session, meeting)
        actions = meeting_actions(session, meeting, date(2025, 3, 1))
        assert overdue_action_count(session, date(2025, 3, 1)) == 1
        assert overdue_action_count(session, date(2025, 2, 20)) == 0  # due that day: not yet
        assert attendance(session, meeting) == {"police": ("present", "PC Invented")}
        assert [label.split(":")[0] for _id, label in unlisted_referrals(session)] == ["M-2"]
        assert unlisted_referrals(session)[0][0] == waiting
    assert [(m.venue, m.cases, m.open_actions) for m in meetings] == [("Civic Centre", 1, 2)]
    assert cases[0].information_shared == "Police: two call-outs."
    assert [(a.agency, a.overdue) for a in actions] == [("housing", True), ("police", False)]


def test_dash_state_gives_the_latest_answers(database: Database) -> None:
    victim = _person(database, "Ffion", "Quarrie")
    referral = _refer(database, "M-1", date(2025, 1, 10), victim,
                      [PerpetratorInput(surname="Quarrie")])
    with database.session() as session:
        empty = dash_state(session, referral)
        record_dash(session, referral, {1: ("yes", "police")}, assessed_on=date(2025, 1, 10))
        record_dash(session, referral, {1: ("no", None), 2: ("yes", None)},
                    assessed_on=date(2025, 1, 12))
        latest = dash_state(session, referral)
    assert empty.answers == {} and empty.assessed_on is None and empty.threshold == 14
    assert latest.answers == {1: ("no", None), 2: ("yes", None)}
    assert latest.assessed_on == date(2025, 1, 12)


def test_a_meeting_loads_with_its_cases_in_agenda_order(database: Database) -> None:
    adult = _person(database, "Ffion", "Quarrie")
    parent = _person(database, "Ada", "Wrenfield")
    perpetrator = _person(database, "Gareth", "Quarrie")
    first = _refer(database, "A-1", date(2025, 1, 2), adult, [PerpetratorInput(perpetrator)])
    second = _refer(database, "B-2", date(2025, 1, 3), parent, [PerpetratorInput(perpetrator)],
                    children_count=1)
    with database.session() as session:
        meeting = schedule_meeting(session, date(2025, 2, 1), None, None)
        for referral in (first, second):
            assign_case(session, meeting, referral)
        detail = load_meeting(session, meeting, date(2025, 2, 1))
    assert [case.reference for case in detail.cases] == ["B-2", "A-1"]
    assert [case.section for case in detail.agenda.cases] == ["Cases with children",
                                                              "Adult-only cases"]
    assert detail.actions == () and detail.attendance == {}
