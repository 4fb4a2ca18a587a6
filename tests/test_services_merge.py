"""Merging people and addresses keyed apart, and undoing merges.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import Period
from scs_victims.errors import NotFound, UserError
from scs_victims.figures import FigureRow, compute_figures
from scs_victims.services import (
    IncidentInput,
    address_summary,
    create_incident,
    delete_incident,
    list_merges,
    merge_addresses,
    merge_people,
    person_summary,
    restore_incident,
    unmerge,
    unmerge_addresses,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, AuditEvent, Incident, Merge, Person
from tests.test_services_incidents import assert_same_as_full_recompute, flags

TODAY = date(2025, 6, 30)
FY = Period(date(2024, 4, 1), date(2025, 3, 31), "2024/25")


def add(database: Database, data: IncidentInput) -> Any:
    with database.session() as session:
        return create_incident(session, data, today=TODAY)


def priya(reference: str, occurred_on: str, postcode: str) -> IncidentInput:
    """The same woman, no date of birth, at two postcodes: keyed apart (definitions §2)."""
    return IncidentInput(reference=reference, crime_type="dv", occurred_on=occurred_on,
                         victim_forename="Priya", victim_surname="Patel", postcode=postcode)


def by_ref(reference: str, occurred_on: str, crime_type: str = "dv") -> IncidentInput:
    return IncidentInput(reference=reference, crime_type=crime_type, occurred_on=occurred_on,
                         victim_ref=reference.split("-", maxsplit=1)[0])


def victim_of(database: Database, reference: str) -> int:
    with database.session() as session:
        found = session.execute(
            select(Incident.victim_id).where(Incident.reference == reference)
        ).scalar_one()
        assert found is not None
        return found


def address_of(database: Database, reference: str) -> int:
    with database.session() as session:
        found = session.execute(
            select(Incident.address_id).where(Incident.reference == reference)
        ).scalar_one()
        assert found is not None
        return found


def dv_figures(database: Database) -> FigureRow:
    with database.session() as session:
        (row,) = compute_figures(session, [FY], [CrimeType.DV])
    return row


def state(database: Database) -> list[Any]:
    with database.session() as session:
        return [tuple(row) for row in session.execute(
            select(Incident.reference, Incident.subject_id, Incident.is_repeat,
                   Incident.previous_id).order_by(Incident.id)
        )]


def roots(database: Database, model: type[Person] | type[Address]) -> dict[int, int | None]:
    with database.session() as session:
        return dict(session.execute(select(model.id, model.merged_into_id)).all())


# People --------------------------------------------------------------------------------


def test_merging_two_people_keyed_apart_makes_one_victim_and_unmerge_restores_it(
    database: Database,
) -> None:
    add(database, priya("P1", "2025-01-10", "ZZ99 9ZZ"))
    add(database, priya("P2", "2025-03-10", "ZE1 0AA"))
    first, second = victim_of(database, "P1"), victim_of(database, "P2")
    assert first != second
    before_state, before_figures = state(database), dv_figures(database)
    assert (before_figures.incidents, before_figures.victims, before_figures.repeat_incidents,
            before_figures.repeat_victims) == (2, 2, 0, 0)

    with database.session() as session:
        result = merge_people(session, first, second)
    assert (result.kept_id, result.merged_id, result.moved_ids) == (first, second, ())
    assert result.incidents_relinked == 1 and result.flags_changed == 1
    assert flags(database) == {"P1": False, "P2": True}
    merged = dv_figures(database)
    assert (merged.incidents, merged.linked_incidents, merged.victims, merged.repeat_incidents,
            merged.repeat_victims) == (2, 2, 1, 1, 1)
    assert merged.repeat_victim_rate == 100 and merged.concentration == 2
    with database.session() as session:
        summary = person_summary(session, second)
        kept_summary = person_summary(session, first)
        explained = session.execute(
            select(Incident.previous_id).where(Incident.reference == "P2")).scalar_one()
    assert (summary.root_id, summary.member_ids) == (first, (second,))
    assert (kept_summary.root_id, kept_summary.member_ids) == (first, (second,))
    assert summary.forename == "Priya" and summary.date_of_birth is None
    assert summary.key is not None and summary.key.endswith("|pc:ZE10AA")
    assert explained is not None
    assert_same_as_full_recompute(database)

    with database.session() as session:
        undone = unmerge(session, result.merge_id)
    assert (undone.merged_id, undone.moved_back_ids, undone.flags_changed) == (second, (), 1)
    assert state(database) == before_state
    assert dv_figures(database) == before_figures
    with database.session() as session:
        assert session.get(Merge, result.merge_id).undone_at is not None  # type: ignore[union-attr]
        assert person_summary(session, second).root_id == second
        assert person_summary(session, first).member_ids == ()
        audits = session.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id, AuditEvent.detail)
            .where(AuditEvent.action.in_(["merge", "unmerge"])).order_by(AuditEvent.id)
        ).all()
    assert [(action, entity, entity_id) for action, entity, entity_id, _ in audits] == [
        ("merge", "person", first), ("unmerge", "person", first)]
    assert json.loads(audits[0][3] or "{}")["merged_id"] == second
    with pytest.raises(UserError, match="already been undone"), database.session() as session:
        unmerge(session, result.merge_id)


def test_merge_chains_and_undoing_out_of_order(database: Database) -> None:
    add(database, by_ref("A-1", "2025-01-10"))
    add(database, by_ref("B-1", "2025-02-10"))
    add(database, by_ref("C-1", "2025-03-10"))
    a, b, c = (victim_of(database, ref) for ref in ("A-1", "B-1", "C-1"))
    initial = state(database)
    assert flags(database) == {"A-1": False, "B-1": False, "C-1": False}

    with database.session() as session:
        first = merge_people(session, a, b)  # A <- B
    assert flags(database) == {"A-1": False, "B-1": True, "C-1": False}
    with database.session() as session:
        second = merge_people(session, c, a)  # C <- A, carrying B
    assert second.moved_ids == (b,)
    assert roots(database, Person) == {a: c, b: c, c: None}
    assert flags(database) == {"A-1": False, "B-1": True, "C-1": True}
    with database.session() as session:
        assert person_summary(session, b).root_id == c
        assert person_summary(session, c).member_ids == (a, b)
        assert [m.id for m in list_merges(session, "person", b)] == [second.merge_id,
                                                                     first.merge_id]
    assert_same_as_full_recompute(database)

    with database.session() as session:
        undone = unmerge(session, first.merge_id)  # B leaves; A stays with C
    assert undone.moved_back_ids == ()
    assert roots(database, Person) == {a: c, b: None, c: None}
    assert flags(database) == {"A-1": False, "B-1": False, "C-1": True}
    assert_same_as_full_recompute(database)

    with database.session() as session:
        undone = unmerge(session, second.merge_id)  # B was freed already: left alone
        assert list_merges(session, "person", c) == []
        history = list_merges(session, "person", c, include_undone=True)
    assert [(m.id, m.undone_at is not None) for m in history] == [(second.merge_id, True)]
    assert undone.moved_back_ids == ()
    assert roots(database, Person) == {a: None, b: None, c: None}
    assert state(database) == initial


def test_undoing_merges_in_reverse_order_restores_each_step(database: Database) -> None:
    add(database, by_ref("A-1", "2025-01-10"))
    add(database, by_ref("B-1", "2025-02-10"))
    add(database, by_ref("C-1", "2025-03-10"))
    a, b, c = (victim_of(database, ref) for ref in ("A-1", "B-1", "C-1"))
    initial = state(database)
    with database.session() as session:
        first = merge_people(session, a, b)
    after_first = state(database)
    with database.session() as session:
        second = merge_people(session, c, b)  # B is not a root: its root A is merged
    assert (second.kept_id, second.merged_id, second.moved_ids) == (c, a, (b,))
    with database.session() as session:
        undone = unmerge(session, second.merge_id)
    assert undone.moved_back_ids == (b,)
    assert roots(database, Person) == {a: None, b: a, c: None}
    assert state(database) == after_first
    with database.session() as session:
        unmerge(session, first.merge_id)
    assert state(database) == initial


def test_merge_refusals(database: Database) -> None:
    add(database, by_ref("A-1", "2025-01-10"))
    add(database, by_ref("B-1", "2025-02-10"))
    a, b = victim_of(database, "A-1"), victim_of(database, "B-1")
    with pytest.raises(UserError, match="cannot be merged with itself"), \
            database.session() as session:
        merge_people(session, a, a)
    with pytest.raises(NotFound, match="no person with id 999"), database.session() as session:
        merge_people(session, a, 999)
    with database.session() as session:
        merged = merge_people(session, a, b)
    with pytest.raises(UserError, match="already the same person"), \
            database.session() as session:
        merge_people(session, b, a)
    with pytest.raises(NotFound), database.session() as session:
        unmerge_addresses(session, merged.merge_id)  # a person merge is not an address one
    with pytest.raises(NotFound), database.session() as session:
        unmerge(session, 999)
    with pytest.raises(NotFound), database.session() as session:
        person_summary(session, 999)


def test_a_merge_reaches_deleted_incidents_so_restoring_them_is_right(
    database: Database,
) -> None:
    add(database, by_ref("A-1", "2025-01-10"))
    deleted = add(database, by_ref("B-1", "2025-02-10"))
    a, b = victim_of(database, "A-1"), victim_of(database, "B-1")
    with database.session() as session:
        delete_incident(session, deleted.id, "test")
        merge_people(session, a, b)
    with database.session() as session:
        restored = restore_incident(session, deleted.id)
    assert restored.is_repeat and restored.previous_reference == "A-1"
    assert restored.subject_id == a
    assert_same_as_full_recompute(database)


def test_a_person_merge_re_derives_only_their_asb_and_dv(database: Database) -> None:
    add(database, IncidentInput(reference="A-1", crime_type="asb", occurred_on="2025-01-10",
                                victim_ref="A"))
    add(database, IncidentInput(reference="B-1", crime_type="asb", occurred_on="2025-02-10",
                                victim_ref="B"))
    # Burglaries count by dwelling: the victims' merge does not touch them.
    for reference, victim, line1 in (("A-2", "A", "3 Lowen Close"), ("B-2", "B", "5 Lowen Close")):
        add(database, IncidentInput(reference=reference, crime_type="burglary",
                                    occurred_on="2025-03-10", victim_ref=victim,
                                    address_line1=line1, postcode="ZZ99 9ZZ"))
    with database.session() as session:
        result = merge_people(session, victim_of(database, "A-1"), victim_of(database, "B-1"))
    assert result.incidents_relinked == 1
    assert flags(database) == {"A-1": False, "B-1": True, "A-2": False, "B-2": False}
    assert_same_as_full_recompute(database)


# Addresses -----------------------------------------------------------------------------


def _burglary(reference: str, occurred_on: str, line1: str) -> IncidentInput:
    return IncidentInput(reference=reference, crime_type="burglary", occurred_on=occurred_on,
                         address_line1=line1, postcode="ZZ99 9ZZ", victim_ref="V-" + reference)


def test_merging_addresses_makes_burglary_repeats(database: Database) -> None:
    add(database, _burglary("B1", "2025-01-10", "12 Penrose Street"))
    add(database, _burglary("B2", "2025-02-10", "12 Penrsoe Street"))  # a typing slip
    # An ASB incident at the slipped address: not about the dwelling, so not re-derived.
    add(database, IncidentInput(reference="S1", crime_type="asb", occurred_on="2025-02-11",
                                victim_ref="V-B2", address_line1="12 Penrsoe Street",
                                postcode="ZZ99 9ZZ"))
    kept, slipped = address_of(database, "B1"), address_of(database, "B2")
    assert kept != slipped
    before = state(database)
    with database.session() as session:
        (row,) = compute_figures(session, [FY], [CrimeType.BURGLARY])
    assert (row.victims, row.repeat_incidents) == (2, 0)

    with database.session() as session:
        result = merge_addresses(session, kept, slipped)
        explained = create_incident(session, _burglary("B3", "2025-03-10", "12 Penrose St"),
                                    today=TODAY)
    assert result.kind == "address" and result.incidents_relinked == 1
    assert flags(database) == {"B1": False, "B2": True, "S1": False, "B3": True}
    assert explained.previous_reference == "B2"
    assert explained.explanation.startswith("Repeat: the same dwelling's previous burglary")
    with database.session() as session:
        (row,) = compute_figures(session, [FY], [CrimeType.BURGLARY])
        summary = address_summary(session, slipped)
    assert (row.victims, row.repeat_incidents, row.repeat_victims) == (1, 2, 1)
    assert (summary.root_id, summary.member_ids, summary.line1) == (kept, (slipped,),
                                                                   "12 Penrsoe Street")
    assert_same_as_full_recompute(database)

    with database.session() as session:
        delete_incident(session, explained.id, "test")
        unmerge_addresses(session, result.merge_id)
    assert [item for item in state(database) if item[0] != "B3"] == before
    with database.session() as session:
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.entity)
            .where(AuditEvent.action.in_(["merge", "unmerge"])).order_by(AuditEvent.id)
        ).all()
    assert [tuple(a) for a in actions] == [("merge", "address"), ("unmerge", "address")]
    with pytest.raises(NotFound), database.session() as session:
        address_summary(session, 999)
