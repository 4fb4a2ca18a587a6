"""Editing the ward list from Settings: one transaction, audited, used wards kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.errors import InputRefused
from scs_victims.importing.wards import load_wards
from scs_victims.services.wards import (
    WardEdit,
    WardsInvalid,
    list_wards,
    save_wards,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent
from tests.helpers.records import stored_records
from tests.test_import_wards import import_burglary_in, wards, write_wards

THREE = [["Testford North", "E05000001", "12000", "4600"],
         ["Testford South", "E05000002", "9000", ""],
         ["Testford East", "", "", ""]]


def edits(database: Database) -> list[WardEdit]:
    with database.session() as session:
        return [WardEdit(ward.id, ward.name, ward.code, ward.population, ward.households)
                for ward in list_wards(session)]


def save(database: Database, rows: list[WardEdit]) -> None:
    with database.session() as session:
        save_wards(session, rows)


def audit_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture
def loaded(database: Database, tmp_path: Path) -> Database:
    load_wards(database, write_wards(tmp_path / "wards.csv", THREE))
    return database


def test_list_counts_incidents_per_ward(loaded: Database, tmp_path: Path) -> None:
    import_burglary_in(loaded, tmp_path, "testford south", "WB-1")
    with loaded.session() as session:
        listed = list_wards(session)
    assert [(ward.name, ward.incidents) for ward in listed] == [
        ("Testford North", 0), ("Testford South", 1), ("Testford East", 0)]


def test_edit_add_rename_and_reorder_in_one_save(loaded: Database) -> None:
    north, south, east = edits(loaded)
    before = audit_count(loaded)
    save(loaded, [
        WardEdit(east.id, "Testford Central", "E05000003", 7000, 3000),
        WardEdit(north.id, north.name, north.code, 12500, north.households),
        south,
        WardEdit(None, "Testford West", None, 100, None),
    ])
    assert wards(loaded) == [("Testford Central", "E05000003", 7000, 3000),
                             ("Testford North", "E05000001", 12500, 4600),
                             ("Testford South", "E05000002", 9000, None),
                             ("Testford West", None, 100, None)]
    assert audit_count(loaded) == before + 3  # two updates and one insert; South unchanged


def test_swapping_two_names_works(loaded: Database) -> None:
    north, south, east = edits(loaded)
    save(loaded, [WardEdit(north.id, south.name, None, None, None),
                  WardEdit(south.id, north.name, None, None, None), east])
    assert [row[0] for row in wards(loaded)] == ["Testford South", "Testford North",
                                                 "Testford East"]


@pytest.mark.parametrize(("change", "problem"), [
    ({"population": -1}, "ward 1: population must be a whole number of 0 or more"),
    ({"households": -5}, "ward 1: households must be a whole number of 0 or more"),
    ({"name": "  "}, "ward 1: name is required"),
    ({"name": "testford NORTH"}, "ward 2: name 'Testford North' is already ward 1"),
])
def test_invalid_lists_change_nothing(loaded: Database, change: dict[str, object],
                                      problem: str) -> None:
    north, south, east = edits(loaded)
    values = {"id": south.id, "name": south.name, "code": south.code,
              "population": south.population, "households": south.households, **change}
    rows = [WardEdit(**values), north, east]  # type: ignore[arg-type]
    before = stored_records(loaded)
    with pytest.raises(WardsInvalid) as caught:
        save(loaded, rows)
    assert problem in str(caught.value)
    assert stored_records(loaded) == before


def test_a_ward_incidents_use_cannot_be_removed(loaded: Database, tmp_path: Path) -> None:
    import_burglary_in(loaded, tmp_path, "Testford South", "WB-1")
    north, _south, east = edits(loaded)
    before = stored_records(loaded)
    with pytest.raises(InputRefused) as caught:
        save(loaded, [north, east])
    assert str(caught.value) == (
        "These wards are still used by incidents and cannot be removed: Testford South "
        "(1 incidents). Move their incidents to another ward first.")
    assert stored_records(loaded) == before


def test_an_unused_ward_is_removed_with_an_audit_event(loaded: Database) -> None:
    north, south, _east = edits(loaded)
    save(loaded, [north, south])
    assert [row[0] for row in wards(loaded)] == ["Testford North", "Testford South"]
    with loaded.session() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "ward")
                                  .order_by(AuditEvent.id.desc()).limit(1)).all()
    assert actions == ["delete"]
