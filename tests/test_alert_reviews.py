"""Alerts marked as reviewed stay reviewed until a new incident makes them fire again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims import repeats
from scs_victims.alerts import AlertKind
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import InputRefused, NotFound
from scs_victims.services.alert_reviews import (
    AlertKey,
    alert_key,
    open_alerts,
    open_counts,
    review_alert,
    review_in_force,
    subject_names,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import AlertReview, AuditEvent, Incident
from tests.test_alerts import World

ON = date(2025, 6, 1)
DV, BURGLARY = "dv", "burglary"


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with database.session() as session:
        yield World(session)


def current(world: World, on: date = ON) -> dict[AlertKey, str | None]:
    """Each current alert's key with its review note (None: open)."""
    world.refresh()
    return {alert_key(item.alert): item.review.note if item.review else None
            for item in open_alerts(world.session, on)}


def repeat_key(person: int) -> AlertKey:
    return AlertKey(AlertKind.REPEAT_VICTIM, CrimeType.DV, "person", person)


def reviews(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AlertReview)) or 0


def test_a_reviewed_alert_keeps_its_note_and_is_audited(world: World) -> None:
    p = world.person("Ada")
    first = world.incident(DV, date(2025, 1, 5), victim=p)
    second = world.incident(DV, date(2025, 3, 9), victim=p)
    assert current(world) == {repeat_key(p): None}

    review = review_alert(world.session, repeat_key(p), "  Called her; safety plan agreed. ", ON)

    assert current(world) == {repeat_key(p): "Called her; safety plan agreed."}
    assert review.latest_incident_id == second
    assert review.incident_ids == {first, second}
    stored = world.session.scalars(select(AlertReview)).one()
    assert (stored.kind, stored.crime_type, stored.subject, stored.subject_id) == (
        "repeat_victim", "dv", "person", p)
    assert json.loads(stored.incident_ids) == sorted([first, second])
    assert stored.actor and isinstance(stored.reviewed_at, datetime)
    event = world.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "alert_review")).one()
    assert (event.action, event.entity_id) == ("insert", stored.id)
    assert json.loads(event.detail or "{}")["note"] == "Called her; safety plan agreed."


@pytest.mark.parametrize("note", ["", "   ", "\n"])
def test_a_review_without_a_note_is_refused_and_changes_nothing(world: World, note: str
                                                                ) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    world.refresh()
    with pytest.raises(InputRefused, match="Write a note"):
        review_alert(world.session, repeat_key(p), note, ON)
    assert reviews(world.session) == 0
    assert current(world) == {repeat_key(p): None}


def test_an_overlong_note_is_refused(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    world.refresh()
    with pytest.raises(InputRefused, match="too long"):
        review_alert(world.session, repeat_key(p), "x" * 2_001, ON)
    assert reviews(world.session) == 0


def test_a_new_incident_opens_the_alert_again_until_reviewed_again(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    world.refresh()
    review_alert(world.session, repeat_key(p), "Seen.", ON)

    world.incident(DV, date(2025, 5, 20), victim=p)
    assert current(world) == {repeat_key(p): None,
                              AlertKey(AlertKind.DV_ESCALATION, CrimeType.DV, "person", p): None}

    review_alert(world.session, repeat_key(p), "Seen again.", ON)
    assert current(world)[repeat_key(p)] == "Seen again."


def test_a_late_entry_dated_before_the_latest_also_opens_the_alert(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    world.refresh()
    review_alert(world.session, repeat_key(p), "Seen.", ON)
    world.incident(DV, date(2025, 2, 1), victim=p)  # entered late, dated between the two
    assert current(world)[repeat_key(p)] is None


def test_deleting_an_incident_behind_a_reviewed_alert_keeps_it_reviewed(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    latest = world.incident(DV, date(2025, 5, 9), victim=p)
    world.refresh()
    review_alert(world.session, repeat_key(p), "Seen.", ON)
    incident = world.session.get(Incident, latest)
    assert incident is not None
    incident.deleted_at = datetime(2025, 6, 1)
    world.session.flush()
    repeats.recompute_all(world.session)
    assert current(world)[repeat_key(p)] == "Seen."


def test_an_alert_on_a_dwelling_is_reviewed_by_address(world: World) -> None:
    home = world.address("1 Invented Row")
    world.incident(BURGLARY, date(2025, 2, 1), address=home)
    world.incident(BURGLARY, date(2025, 4, 1), address=home)
    key = AlertKey(AlertKind.REPEAT_VICTIM, CrimeType.BURGLARY, "address", home)
    assert current(world) == {key: None}
    review_alert(world.session, key, "Target hardening booked.", ON)
    assert current(world) == {key: "Target hardening booked."}
    assert subject_names(world.session, [key]) == {("address", home): "1 Invented Row"}


def test_an_alert_that_is_not_current_cannot_be_reviewed(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.refresh()
    with pytest.raises(NotFound, match="no longer current"):
        review_alert(world.session, repeat_key(p), "Seen.", ON)
    assert reviews(world.session) == 0


def test_a_review_is_of_one_alert_only(world: World) -> None:
    a, b = world.person("Ada"), world.person("Bea")
    for person in (a, b):
        world.incident(DV, date(2025, 1, 5), victim=person)
        world.incident(DV, date(2025, 3, 9), victim=person)
    world.refresh()
    review_alert(world.session, repeat_key(a), "Seen.", ON)
    assert current(world) == {repeat_key(a): "Seen.", repeat_key(b): None}
    assert open_counts(open_alerts(world.session, ON)) == {
        AlertKind.REPEAT_VICTIM: 1, AlertKind.ASB_CASE_REVIEW: 0,
        AlertKind.ASB_CASE_REVIEW_COMMUNITY: 0, AlertKind.DV_ESCALATION: 0}
    assert subject_names(world.session, [repeat_key(a), repeat_key(b)]) == {
        ("person", a): "Ada", ("person", b): "Bea"}


def test_the_review_in_force_is_the_latest_that_still_covers_the_alert(world: World) -> None:
    p = world.person()
    world.incident(DV, date(2025, 1, 5), victim=p)
    world.incident(DV, date(2025, 3, 9), victim=p)
    world.refresh()
    assert review_in_force(world.session, repeat_key(p), ON) is None  # never reviewed
    review_alert(world.session, repeat_key(p), "Seen.", ON)
    changed = review_alert(world.session, repeat_key(p), "Seen; referred.", ON)
    assert review_in_force(world.session, repeat_key(p), ON) == changed
    world.incident(DV, date(2025, 5, 20), victim=p)
    world.refresh()
    assert review_in_force(world.session, repeat_key(p), ON) is None  # open again
