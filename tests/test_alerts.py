"""Alerts on people and places (definitions §5): each rule at its boundaries."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from scs_victims import repeats
from scs_victims.alerts import Alert, AlertIncident, AlertKind, compute_alerts
from scs_victims.domain.crime_types import CrimeType
from scs_victims.settings import RuleSettings, save_rules
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, Incident, Person

NOW = datetime(2025, 6, 1, 9, 0)
ASB, BURGLARY, DV = "asb", "burglary", "dv"
REPEAT = AlertKind.REPEAT_VICTIM
REVIEW = AlertKind.ASB_CASE_REVIEW
COMMUNITY = AlertKind.ASB_CASE_REVIEW_COMMUNITY
ESCALATION = AlertKind.DV_ESCALATION


class World:
    """Inserts people, addresses and incidents through the ORM, then derives the flags."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._count = 0

    def person(self, forename: str | None = None) -> int:
        person = Person(forename=forename, created_at=NOW)
        self.session.add(person)
        self.session.flush()
        return person.id

    def address(self, line1: str | None = None) -> int:
        address = Address(line1=line1, created_at=NOW)
        self.session.add(address)
        self.session.flush()
        return address.id

    def incident(
        self,
        crime_type: str,
        occurred_on: date,
        *,
        victim: int | None = None,
        address: int | None = None,
        at: time | None = None,
        reported_on: date | None = None,
        source: str | None = None,
        deleted: bool = False,
        reference: str | None = None,
    ) -> int:
        self._count += 1
        incident = Incident(
            reference=reference or f"INC{self._count:05d}",
            crime_type=crime_type,
            occurred_on=occurred_on,
            occurred_time=at,
            reported_on=reported_on,
            source=source,
            victim_id=victim,
            address_id=address,
            content_hash="x",
            created_at=NOW,
            updated_at=NOW,
            deleted_at=NOW if deleted else None,
        )
        self.session.add(incident)
        self.session.flush()
        return incident.id

    def merge_person(self, merged: int, into: int) -> None:
        person = self.session.get(Person, merged)
        assert person is not None
        person.merged_into_id = into
        self.session.flush()

    def merge_address(self, merged: int, into: int) -> None:
        address = self.session.get(Address, merged)
        assert address is not None
        address.merged_into_id = into
        self.session.flush()

    def victim_of(self, incident_id: int) -> int:
        incident = self.session.get(Incident, incident_id)
        assert incident is not None and incident.victim_id is not None
        return incident.victim_id

    def refresh(self) -> None:
        subjects = repeats.refresh_subject_ids(self.session)
        repeats.refresh_subjects(self.session, subjects)

    def alerts(
        self,
        on: date,
        *kinds: AlertKind,
        rules: RuleSettings | None = None,
        subject_ids: list[int] | None = None,
    ) -> list[Alert]:
        self.refresh()
        return compute_alerts(self.session, on, rules, kinds or None, subject_ids)


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with database.session() as session:
        yield World(session)


def ids(alert: Alert) -> list[int]:
    return [incident.id for incident in alert.incidents]


def subjects(alerts: list[Alert]) -> list[int]:
    return [alert.subject_id for alert in alerts]


def series(
    world: World,
    crime_type: str,
    victim: int,
    days: list[date],
    *,
    address: int | None = None,
    reported_on: date | None = None,
    source: str | None = None,
) -> list[int]:
    """Incidents of one victim on these days (no report date unless told)."""
    return [
        world.incident(crime_type, day, victim=victim, address=address,
                       reported_on=reported_on, source=source)
        for day in days
    ]


# --- repeat victim ---------------------------------------------------------------------------


def test_repeat_victim_lists_the_run_and_the_incident_that_started_it(world: World) -> None:
    p = world.person("Zoë")
    world.incident(DV, date(2022, 1, 10), victim=p)  # too long before: starts nothing
    a = world.incident(DV, date(2024, 1, 10), victim=p)
    b = world.incident(DV, date(2024, 6, 1), victim=p)
    c = world.incident(DV, date(2024, 11, 1), victim=p)

    [alert] = world.alerts(date(2024, 12, 1), REPEAT)

    assert alert == Alert(
        kind=REPEAT,
        crime_type=CrimeType.DV,
        subject="person",
        subject_id=p,
        as_of=date(2024, 12, 1),
        incidents=(
            AlertIncident(a, "INC00002", "dv", date(2024, 1, 10), False),
            AlertIncident(b, "INC00003", "dv", date(2024, 6, 1), True),
            AlertIncident(c, "INC00004", "dv", date(2024, 11, 1), True),
        ),
        explanation="Repeat DV victim: 3 incidents in 12 months — 10/01/2024, 01/06/2024, "
        "01/11/2024.",
    )
    assert "Zo" not in alert.explanation


def test_no_repeat_alert_when_the_latest_incident_is_not_a_repeat(world: World) -> None:
    p = world.person()
    world.incident(ASB, date(2023, 1, 1), victim=p)
    world.incident(ASB, date(2023, 6, 1), victim=p)  # a repeat, but not the latest
    world.incident(ASB, date(2024, 6, 2), victim=p)  # more than 12 months on

    assert world.alerts(date(2024, 7, 1), REPEAT) == []


def test_repeat_alert_is_current_from_the_window_start_day_and_not_a_day_earlier(
    world: World,
) -> None:
    p = world.person()
    world.incident(ASB, date(2023, 3, 1), victim=p)
    world.incident(ASB, date(2023, 8, 1), victim=p)

    assert subjects(world.alerts(date(2024, 8, 1), REPEAT)) == [p]
    assert world.alerts(date(2024, 8, 2), REPEAT) == []
    # Still so when another rule reads ASB incidents further back.
    wide = RuleSettings(asb_review_within_months=24)
    assert [a.kind for a in world.alerts(date(2024, 8, 2), rules=wide)] == []
    assert [a.kind for a in world.alerts(date(2024, 8, 1), rules=wide)] == [REPEAT]


def test_repeat_alert_window_ending_on_29_february(world: World) -> None:
    inside, outside = world.person(), world.person()
    world.incident(DV, date(2022, 6, 1), victim=inside)
    world.incident(DV, date(2023, 2, 28), victim=inside)  # 29 Feb 2024 − 12 months
    world.incident(DV, date(2022, 6, 1), victim=outside)
    world.incident(DV, date(2023, 2, 27), victim=outside)

    assert subjects(world.alerts(date(2024, 2, 29), REPEAT)) == [inside]


def test_run_reaching_back_before_the_window_is_listed_whole(world: World) -> None:
    p = world.person()
    days = [date(2021, 1, 1), date(2021, 12, 1), date(2022, 11, 1), date(2023, 10, 1)]
    made = [world.incident(ASB, day, victim=p) for day in days]

    for page in (None, [p]):
        [alert] = world.alerts(date(2024, 6, 1), REPEAT, subject_ids=page)
        assert ids(alert) == made
        assert alert.explanation == (
            "Repeat ASB victim: 4 incidents, each within 12 months of the one before — "
            "01/01/2021, 01/12/2021, 01/11/2022, 01/10/2023."
        )


def test_a_long_run_gives_its_first_and_last_dates(world: World) -> None:
    p = world.person()
    made = [world.incident(ASB, date(2024, month, 1), victim=p) for month in range(1, 13)]

    [alert] = world.alerts(date(2024, 12, 1), REPEAT)

    assert ids(alert) == made
    assert alert.explanation == (
        "Repeat ASB victim: 12 incidents in 12 months — from 01/01/2024 to 01/12/2024."
    )


def test_repeat_runs_follow_the_stored_flags_when_the_rules_window_differs(
    world: World,
) -> None:
    p = world.person()
    a = world.incident(ASB, date(2023, 1, 1), victim=p)
    b = world.incident(ASB, date(2023, 12, 1), victim=p)  # a repeat under the stored 12 months
    three_months = RuleSettings(window_months_asb=3)

    [alert] = world.alerts(date(2024, 2, 1), REPEAT, rules=three_months)

    assert ids(alert) == [a, b]
    assert world.alerts(date(2024, 3, 2), REPEAT, rules=three_months) == []


def test_burglary_repeats_are_about_the_dwelling(world: World) -> None:
    home = world.address("1 High St")
    first = world.incident(BURGLARY, date(2024, 2, 1), address=home, victim=world.person())
    second = world.incident(BURGLARY, date(2024, 3, 1), address=home)  # no victim recorded

    [alert] = world.alerts(date(2024, 4, 1), REPEAT)

    assert (alert.subject, alert.subject_id, alert.crime_type) == ("address", home, "burglary")
    assert ids(alert) == [first, second]
    assert alert.explanation == (
        "Repeat burglary victim (dwelling): 2 incidents in 12 months — 01/02/2024, 01/03/2024."
    )
    assert "High" not in alert.explanation


def test_repeat_alert_ignores_incidents_after_the_day(world: World) -> None:
    p, q = world.person(), world.person()
    a = world.incident(DV, date(2024, 1, 1), victim=p)
    b = world.incident(DV, date(2024, 2, 1), victim=p)
    world.incident(DV, date(2025, 9, 1), victim=p)  # after the day: not the latest yet
    world.incident(DV, date(2024, 1, 1), victim=q)
    world.incident(DV, date(2024, 3, 2), victim=q)  # q's repeat comes after the day

    [alert] = world.alerts(date(2024, 3, 1), REPEAT)

    assert (alert.subject_id, ids(alert)) == (p, [a, b])


def test_deleted_incidents_count_for_nothing_in_repeats(world: World) -> None:
    p, q = world.person(), world.person()
    world.incident(ASB, date(2024, 1, 1), victim=p)
    world.incident(ASB, date(2024, 2, 1), victim=p, deleted=True)
    a = world.incident(ASB, date(2024, 1, 1), victim=q)
    b = world.incident(ASB, date(2024, 2, 1), victim=q)
    world.incident(ASB, date(2024, 2, 20), victim=q, deleted=True)

    [alert] = world.alerts(date(2024, 3, 1), REPEAT)

    assert (alert.subject_id, ids(alert)) == (q, [a, b])


def test_latest_incident_by_time_with_missing_time_as_midnight(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2023, 1, 1), victim=p)
    morning = world.incident(DV, date(2024, 5, 1), victim=p, at=time(9, 0), reference="A")
    midnight = world.incident(DV, date(2024, 5, 1), victim=p, reference="B")  # 00:00: earlier

    [alert] = world.alerts(date(2024, 5, 1), REPEAT)

    assert ids(alert) == [midnight, morning]
    assert [incident.is_repeat for incident in alert.incidents] == [False, True]


def test_merged_people_are_one_repeat_victim(world: World) -> None:
    kept, merged = world.person(), world.person()
    a = world.incident(ASB, date(2024, 1, 1), victim=kept)
    b = world.incident(ASB, date(2024, 5, 1), victim=merged)
    assert world.alerts(date(2024, 6, 1), REPEAT) == []

    world.merge_person(merged, kept)
    [alert] = world.alerts(date(2024, 6, 1), REPEAT)

    assert (alert.subject_id, ids(alert)) == (kept, [a, b])
    # A person's page asked for by the merged-away id finds the survivor's alert.
    assert world.alerts(date(2024, 6, 1), REPEAT, subject_ids=[merged]) == [alert]


# --- ASB case review threshold ----------------------------------------------------------------


def test_case_review_window_start_day_counts_and_a_day_earlier_does_not(world: World) -> None:
    inside, outside = world.person(), world.person()
    series(world, ASB, inside, [date(2024, 9, 15), date(2024, 12, 1), date(2025, 3, 15)])
    series(world, ASB, outside, [date(2024, 9, 14), date(2024, 12, 1), date(2025, 3, 15)])

    assert subjects(world.alerts(date(2025, 3, 15), REVIEW)) == [inside]


def test_case_review_window_ending_on_31_august_starts_on_29_february(world: World) -> None:
    inside, outside = world.person(), world.person()
    series(world, ASB, inside, [date(2024, 2, 29), date(2024, 5, 1), date(2024, 8, 31)])
    series(world, ASB, outside, [date(2024, 2, 28), date(2024, 5, 1), date(2024, 8, 31)])

    assert subjects(world.alerts(date(2024, 8, 31), REVIEW)) == [inside]


def test_case_review_needs_three_complaints_and_ignores_later_ones(world: World) -> None:
    p = world.person()
    series(world, ASB, p, [date(2025, 1, 1), date(2025, 2, 1)])
    world.incident(ASB, date(2025, 3, 2), victim=p)

    assert world.alerts(date(2025, 3, 1), REVIEW) == []
    assert subjects(world.alerts(date(2025, 3, 2), REVIEW)) == [p]


@pytest.mark.parametrize(
    ("occurred_on", "reported_on", "qualifies"),
    [
        (date(2025, 1, 10), date(2025, 2, 10), True),  # exactly one month late
        (date(2025, 1, 10), date(2025, 2, 11), False),  # one day more
        (date(2025, 1, 31), date(2025, 2, 28), True),  # 31 Jan + 1 month = 28 Feb
        (date(2025, 1, 31), date(2025, 3, 1), False),
        (date(2025, 1, 10), None, True),  # no report date
        (date(2025, 1, 10), date(2025, 1, 10), True),
    ],
)
def test_late_complaints_do_not_qualify(
    world: World, occurred_on: date, reported_on: date | None, qualifies: bool
) -> None:
    p = world.person()
    series(world, ASB, p, [date(2025, 2, 1), date(2025, 3, 1)])
    late = world.incident(ASB, occurred_on, victim=p, reported_on=reported_on)

    found = world.alerts(date(2025, 4, 1), REVIEW)

    assert bool(found) is qualifies
    if found:
        assert ids(found[0])[0] == late


def test_case_review_explanation_and_incidents(world: World) -> None:
    p = world.person("Alice")
    made = series(world, ASB, p, [date(2025, 1, 12), date(2025, 3, 3), date(2025, 5, 18)])
    world.incident(ASB, date(2025, 4, 1), victim=p, reported_on=date(2025, 5, 2))  # late

    [alert] = world.alerts(date(2025, 5, 18), REVIEW)

    assert (alert.kind, alert.crime_type, alert.subject, alert.subject_id) == (
        REVIEW, CrimeType.ASB, "person", p
    )
    assert ids(alert) == made
    assert alert.explanation == (
        "ASB case review threshold met: 3 qualifying complaints within 6 months — "
        "12/01/2025, 03/03/2025, 18/05/2025."
    )


def test_case_review_counts_merged_people_as_one_and_skips_deleted(world: World) -> None:
    kept, merged = world.person(), world.person()
    world.incident(ASB, date(2025, 1, 1), victim=kept)
    world.incident(ASB, date(2025, 2, 1), victim=merged)
    world.incident(ASB, date(2025, 3, 1), victim=merged, deleted=True)
    world.incident(ASB, date(2025, 3, 1), victim=merged)
    assert world.alerts(date(2025, 4, 1), REVIEW) == []

    world.merge_person(merged, kept)
    [alert] = world.alerts(date(2025, 4, 1), REVIEW)

    assert alert.subject_id == kept
    assert [i.occurred_on for i in alert.incidents] == [
        date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    ]


def test_case_review_threshold_is_a_setting(world: World) -> None:
    p = world.person()
    series(world, ASB, p, [date(2025, 1, 1), date(2025, 2, 1)])
    rules = RuleSettings(asb_review_complaints=2, asb_review_within_months=1)

    assert world.alerts(date(2025, 2, 1), REVIEW, rules=rules) != []
    assert world.alerts(date(2025, 2, 2), REVIEW, rules=rules) == []


# --- community variant ------------------------------------------------------------------------


def _complaints_at(world: World, address: int, days: list[date]) -> list[int]:
    return [world.incident(ASB, day, victim=world.person(), address=address) for day in days]


def test_community_variant_five_people_at_one_address(world: World) -> None:
    place = world.address("Flat 1, Tower Court")
    made = _complaints_at(world, place, [date(2025, 1, d) for d in (5, 4, 3, 2, 1)])

    [alert] = world.alerts(date(2025, 2, 1), COMMUNITY)

    assert (alert.subject, alert.subject_id, alert.crime_type) == ("address", place, "asb")
    assert ids(alert) == list(reversed(made))  # oldest first
    assert alert.explanation == (
        "ASB case review threshold met (community): 5 different people reported ASB at the "
        "same address within 6 months — 01/01/2025, 02/01/2025, 03/01/2025, 04/01/2025, "
        "05/01/2025."
    )


def test_community_variant_four_people_is_not_enough_even_with_five_complaints(
    world: World,
) -> None:
    place = world.address()
    _complaints_at(world, place, [date(2025, 1, d) for d in (1, 2, 3)])
    again = world.person()
    world.incident(ASB, date(2025, 1, 4), victim=again, address=place)
    world.incident(ASB, date(2025, 1, 5), victim=again, address=place)  # same person twice
    world.incident(ASB, date(2025, 1, 6), address=place)  # nobody linked: not a person

    assert world.alerts(date(2025, 2, 1), COMMUNITY) == []

    world.incident(ASB, date(2025, 1, 7), victim=world.person(), address=place)
    [alert] = world.alerts(date(2025, 2, 1), COMMUNITY)
    assert len(alert.incidents) == 6


def test_community_variant_counts_only_qualifying_complaints(world: World) -> None:
    place = world.address()
    _complaints_at(world, place, [date(2025, 1, d) for d in (1, 2, 3, 4)])
    # Reported a month and a day after it happened: not a qualifying complaint (s.104(11)).
    world.incident(ASB, date(2025, 1, 31), victim=world.person(), address=place,
                   reported_on=date(2025, 3, 1))
    assert world.alerts(date(2025, 3, 1), COMMUNITY) == []

    # Reported on the last day of the month (31 January + 1 month = 28 February): it counts.
    world.incident(ASB, date(2025, 1, 31), victim=world.person(), address=place,
                   reported_on=date(2025, 2, 28))
    [alert] = world.alerts(date(2025, 3, 1), COMMUNITY)
    assert len(alert.incidents) == 5


def test_community_variant_window_boundary(world: World) -> None:
    inside, outside = world.address(), world.address()
    # 31 Aug 2024 − 6 months = 29 Feb 2024.
    _complaints_at(world, inside, [date(2024, 2, 29)] + [date(2024, 8, d) for d in range(1, 5)])
    _complaints_at(world, outside, [date(2024, 2, 28)] + [date(2024, 8, d) for d in range(1, 5)])

    assert subjects(world.alerts(date(2024, 8, 31), COMMUNITY)) == [inside]


def test_community_variant_follows_merges_of_people_and_addresses(world: World) -> None:
    kept_place, merged_place = world.address(), world.address()
    _complaints_at(world, kept_place, [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)])
    _complaints_at(world, merged_place, [date(2025, 1, 4), date(2025, 1, 5)])
    assert world.alerts(date(2025, 2, 1), COMMUNITY) == []

    world.merge_address(merged_place, kept_place)
    [alert] = world.alerts(date(2025, 2, 1), COMMUNITY)
    assert alert.subject_id == kept_place

    first, second = (world.victim_of(i) for i in ids(alert)[:2])
    world.merge_person(second, first)
    assert world.alerts(date(2025, 2, 1), COMMUNITY) == []


def test_community_variant_is_not_on_a_persons_page(world: World) -> None:
    place = world.address()
    made = _complaints_at(world, place, [date(2025, 1, d) for d in range(1, 6)])
    victim = world.victim_of(made[0])

    assert world.alerts(date(2025, 2, 1), COMMUNITY) != []
    assert world.alerts(date(2025, 2, 1), COMMUNITY, subject_ids=[victim]) == []


# --- DV potential escalation ------------------------------------------------------------------


def test_escalation_window_start_day_counts_and_a_day_earlier_does_not(world: World) -> None:
    inside, outside = world.person(), world.person()
    made = series(world, DV, inside, [date(2024, 5, 18), date(2024, 9, 1), date(2025, 5, 18)])
    series(world, DV, outside, [date(2024, 5, 17), date(2024, 9, 1), date(2025, 5, 18)])

    [alert] = world.alerts(date(2025, 5, 18), ESCALATION)

    assert (alert.subject_id, ids(alert)) == (inside, made)
    assert alert.explanation == (
        "DV potential escalation: 3 DV incidents within 12 months up to 18/05/2025 — "
        "18/05/2024, 01/09/2024, 18/05/2025."
    )


def test_escalation_window_ending_on_29_february(world: World) -> None:
    inside, outside = world.person(), world.person()
    series(world, DV, inside, [date(2023, 2, 28), date(2023, 9, 1), date(2024, 2, 29)])
    series(world, DV, outside, [date(2023, 2, 27), date(2023, 9, 1), date(2024, 2, 29)])

    assert subjects(world.alerts(date(2024, 2, 29), ESCALATION)) == [inside]


def test_escalation_police_only_setting(world: World) -> None:
    mixed, police = world.person(), world.person()
    world.incident(DV, date(2025, 1, 1), victim=mixed, source="police")
    world.incident(DV, date(2025, 2, 1), victim=mixed, source="council")
    world.incident(DV, date(2025, 3, 1), victim=mixed, source="police")
    world.incident(DV, date(2025, 3, 5), victim=mixed)  # unknown source
    series(world, DV, police, [date(2025, 1, 2), date(2025, 2, 2), date(2025, 3, 2)],
          source="police")
    on = date(2025, 4, 1)

    assert sorted(subjects(world.alerts(on, ESCALATION))) == [mixed, police]
    police_only = RuleSettings(dv_escalation_police_only=True)
    [alert] = world.alerts(on, ESCALATION, rules=police_only)
    assert alert.subject_id == police
    assert alert.explanation.startswith(
        "DV potential escalation: 3 police-reported DV incidents within 12 months"
    )


def test_escalation_ignores_deleted_and_later_incidents(world: World) -> None:
    p = world.person()
    series(world, DV, p, [date(2025, 1, 1), date(2025, 2, 1)])
    world.incident(DV, date(2025, 3, 1), victim=p, deleted=True)
    world.incident(DV, date(2025, 4, 2), victim=p)

    assert world.alerts(date(2025, 4, 1), ESCALATION) == []
    assert subjects(world.alerts(date(2025, 4, 2), ESCALATION)) == [p]


def test_escalation_counts_merged_people_as_one(world: World) -> None:
    kept, merged = world.person(), world.person()
    series(world, DV, kept, [date(2025, 1, 1), date(2025, 2, 1)])
    world.incident(DV, date(2025, 3, 1), victim=merged)
    assert world.alerts(date(2025, 4, 1), ESCALATION) == []

    world.merge_person(merged, kept)
    assert subjects(world.alerts(date(2025, 4, 1), ESCALATION)) == [kept]


# --- all together ---------------------------------------------------------------------------


def test_order_is_kind_then_crime_type_then_most_recent_first(world: World) -> None:
    early, late, home = world.person(), world.person(), world.address()
    series(world, DV, early, [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)])
    series(world, DV, late, [date(2025, 2, 1), date(2025, 2, 2), date(2025, 2, 3)])
    series(world, ASB, early, [date(2025, 1, 5), date(2025, 1, 6), date(2025, 1, 7)])
    world.incident(BURGLARY, date(2025, 1, 8), address=home)
    world.incident(BURGLARY, date(2025, 1, 9), address=home)
    _complaints_at(world, world.address(), [date(2025, 1, d) for d in range(10, 15)])

    found = [(a.kind, a.crime_type, a.subject_id) for a in world.alerts(date(2025, 3, 1))]

    community = next(a.subject_id for a in world.alerts(date(2025, 3, 1), COMMUNITY))
    assert found == [
        (REPEAT, CrimeType.ASB, early),
        (REPEAT, CrimeType.BURGLARY, home),
        (REPEAT, CrimeType.DV, late),
        (REPEAT, CrimeType.DV, early),
        (REVIEW, CrimeType.ASB, early),
        (COMMUNITY, CrimeType.ASB, community),
        (ESCALATION, CrimeType.DV, late),
        (ESCALATION, CrimeType.DV, early),
    ]


def test_a_persons_page_shows_only_their_person_alerts(world: World) -> None:
    p, q, home = world.person(), world.person(), world.address()
    series(world, DV, p, [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)], address=home)
    series(world, DV, q, [date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)])
    world.incident(BURGLARY, date(2025, 1, 8), address=home, victim=p)
    world.incident(BURGLARY, date(2025, 1, 9), address=home, victim=p)
    on = date(2025, 3, 1)

    page = world.alerts(on, subject_ids=[p])

    assert [(a.kind, a.subject_id) for a in page] == [(REPEAT, p), (ESCALATION, p)]
    assert page == [a for a in world.alerts(on) if a.subject == "person" and a.subject_id == p]
    assert world.alerts(on, subject_ids=list(range(1, 2000))) == [
        a for a in world.alerts(on) if a.subject == "person"
    ]
    assert world.alerts(on, subject_ids=[]) == []
    assert world.alerts(on, subject_ids=[999_999]) == []


def test_rules_come_from_the_stored_settings_by_default(world: World) -> None:
    p = world.person()
    series(world, DV, p, [date(2025, 1, 1), date(2025, 2, 1)])
    assert world.alerts(date(2025, 3, 1), ESCALATION) == []

    save_rules(world.session, RuleSettings(dv_escalation_incidents=2))
    assert subjects(world.alerts(date(2025, 3, 1), ESCALATION)) == [p]


def test_results_are_plain_frozen_dataclasses(world: World) -> None:
    p = world.person()
    series(world, DV, p, [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)])

    alerts = world.alerts(date(2025, 3, 1))

    assert [a.kind for a in alerts] == [REPEAT, ESCALATION]
    for alert in alerts:
        assert type(alert) is Alert
        assert all(type(i) is AlertIncident for i in alert.incidents)
        assert isinstance(alert.kind, AlertKind) and isinstance(alert.crime_type, CrimeType)
        with pytest.raises(dataclasses.FrozenInstanceError):
            alert.subject_id = 0  # type: ignore[misc]


def test_nothing_before_any_incident(world: World) -> None:
    p = world.person()
    series(world, DV, p, [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)])

    assert world.alerts(date(2024, 12, 31)) == []
    assert world.alerts(date(2025, 3, 1) + timedelta(days=1), ESCALATION) != []
