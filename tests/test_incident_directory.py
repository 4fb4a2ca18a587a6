"""The Incidents table's queries: ordered ids for a filter, display rows for a page of ids.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services import incident_directory
from scs_victims.services.incident_directory import (
    IncidentQuery,
    incident_ids,
    incident_listing,
    incident_rows,
    ward_choices,
)
from scs_victims.services.incidents import IncidentInput, create_incident, delete_incident
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident

TODAY = date(2025, 6, 30)


def _add(database: Database, **fields: Any) -> int:
    with database.session() as session:
        return create_incident(session, IncidentInput(**fields), today=TODAY).id


@pytest.fixture
def incidents(database: Database) -> dict[str, int]:
    ids = {
        "DV-1": _add(database, reference="DV-1", crime_type="dv", occurred_on="03/01/2025",
                     victim_forename="Morwenna", victim_surname="Quillfeather",
                     victim_dob="04/03/1990", ward="Harbourside", perpetrator_forename="Jory",
                     perpetrator_surname="Penhallow"),
        "DV-2": _add(database, reference="DV-2", crime_type="dv", occurred_on="2025-02-10 14:05",
                     victim_forename="Morwenna", victim_surname="Quillfeather",
                     victim_dob="04/03/1990", ward="Harbourside"),
        "BUR-7": _add(database, reference="BUR-7", crime_type="burglary",
                      occurred_on="15/12/2024", address_line1="7 Lantern Row",
                      postcode="zz9 9zz", ward="Moorgate"),
        "ASB-3": _add(database, reference="ASB-3", crime_type="asb", occurred_on="20/05/2025",
                      victim_forename="Tobiah", victim_surname="Ashgrove", postcode="ZZ1 2AB"),
    }
    return ids


def _refs(database: Database, ids: dict[str, int], query: IncidentQuery) -> list[str]:
    names = {value: key for key, value in ids.items()}
    with database.session() as session:
        return [names[found] for found in incident_ids(session, query)]


def test_default_order_is_newest_first(database: Database, incidents: dict[str, int]) -> None:
    assert _refs(database, incidents, IncidentQuery()) == ["ASB-3", "DV-2", "DV-1", "BUR-7"]
    assert _refs(database, incidents, IncidentQuery(descending=False)) == [
        "BUR-7", "DV-1", "DV-2", "ASB-3"]


@pytest.mark.parametrize(("query", "expected"), [
    (IncidentQuery(crime_types=("dv",)), ["DV-2", "DV-1"]),
    (IncidentQuery(crime_types=("asb", "burglary")), ["ASB-3", "BUR-7"]),
    (IncidentQuery(repeats_only=True), ["DV-2"]),
    (IncidentQuery(date_from=date(2025, 1, 3), date_to=date(2025, 2, 10)), ["DV-2", "DV-1"]),
    (IncidentQuery(text="dv-"), ["DV-2", "DV-1"]),
    (IncidentQuery(text="ur-7"), ["BUR-7"]),
    (IncidentQuery(text="-7"), ["BUR-7"]),
    (IncidentQuery(text="ZZ9 9ZZ"), ["BUR-7"]),
    (IncidentQuery(text="zz9"), ["BUR-7"]),
    (IncidentQuery(text="quill"), ["DV-2", "DV-1"]),
    (IncidentQuery(text="ASHGROVE"), ["ASB-3"]),
    (IncidentQuery(text="nobody"), []),
    (IncidentQuery(sort="reference", descending=False), ["ASB-3", "BUR-7", "DV-1", "DV-2"]),
    (IncidentQuery(sort="type", descending=False), ["ASB-3", "BUR-7", "DV-1", "DV-2"]),
    (IncidentQuery(sort="victim", descending=False), ["BUR-7", "ASB-3", "DV-1", "DV-2"]),
    (IncidentQuery(sort="repeat"), ["DV-2", "ASB-3", "DV-1", "BUR-7"]),
])
def test_filters_search_and_sorts(database: Database, incidents: dict[str, int],
                                  query: IncidentQuery, expected: list[str]) -> None:
    assert _refs(database, incidents, query) == expected


def test_ward_filter_and_sort(database: Database, incidents: dict[str, int]) -> None:
    with database.session() as session:
        wards = {ward.name: ward.id for ward in ward_choices(session)}
    assert set(wards) == {"Harbourside", "Moorgate"}
    assert _refs(database, incidents, IncidentQuery(ward_id=wards["Moorgate"])) == ["BUR-7"]
    # No ward sorts first ascending; the date breaks ties.
    assert _refs(database, incidents, IncidentQuery(sort="ward", descending=False)) == [
        "ASB-3", "DV-1", "DV-2", "BUR-7"]


def test_explicit_ids_are_exactly_those_and_still_sorted(
        database: Database, incidents: dict[str, int]) -> None:
    chosen = (incidents["DV-1"], incidents["BUR-7"], incidents["ASB-3"])
    assert _refs(database, incidents, IncidentQuery(incident_ids=chosen)) == [
        "ASB-3", "DV-1", "BUR-7"]
    assert _refs(database, incidents, IncidentQuery(incident_ids=chosen,
                                                    crime_types=("dv",))) == ["DV-1"]


def test_deleted_incidents_are_not_listed(database: Database,
                                          incidents: dict[str, int]) -> None:
    with database.session() as session:
        delete_incident(session, incidents["DV-1"], "entered twice")
    assert _refs(database, incidents, IncidentQuery()) == ["ASB-3", "DV-2", "BUR-7"]


def test_rows_in_the_order_asked(database: Database, incidents: dict[str, int]) -> None:
    with database.session() as session:
        rows = incident_rows(session, [incidents["DV-2"], incidents["BUR-7"], 999_999])
    assert [row.reference for row in rows] == ["DV-2", "BUR-7"]
    dv2, burglary = rows
    assert dv2.occurred_on == date(2025, 2, 10) and str(dv2.occurred_time) == "14:05:00"
    assert dv2.victim == "Morwenna Quillfeather"
    assert dv2.is_repeat and dv2.previous_reference == "DV-1"
    assert dv2.ward == "Harbourside"
    assert burglary.address == "7 Lantern Row, ZZ9 9ZZ" and burglary.victim is None
    assert not burglary.is_repeat and burglary.previous_reference is None
    with database.session() as session:
        (dv1,) = incident_rows(session, [incidents["DV-1"]])
    assert dv1.perpetrator == "Jory Penhallow"


def test_unknown_sort_is_a_bug(database: Database) -> None:
    with database.session() as session, pytest.raises(ValueError, match="sort"):
        incident_ids(session, IncidentQuery(sort="colour"))


def test_containing_is_tried_only_when_no_reference_starts_with_the_text(
        database: Database, incidents: dict[str, int]) -> None:
    extra = _add(database, reference="X-DV-1", crime_type="asb", occurred_on="01/06/2025")
    ids = {**incidents, "X-DV-1": extra}
    assert _refs(database, ids, IncidentQuery(text="dv-1")) == ["DV-1"]
    assert _refs(database, ids, IncidentQuery(text="v-1")) == ["X-DV-1", "DV-1"]


@pytest.mark.parametrize("lazy_over", [100, 1])
def test_listing_gives_the_count_first_ids_and_their_rows(
        database: Database, incidents: dict[str, int], monkeypatch: pytest.MonkeyPatch,
        lazy_over: int) -> None:
    monkeypatch.setattr(incident_directory, "LAZY_OVER", lazy_over)
    query = IncidentQuery(text="quill")
    with database.session() as session:
        listing = incident_listing(session, query, first=1)
    assert listing.total == 2
    assert listing.complete == (lazy_over == 100)
    # Complete: every id; otherwise the first in date order only.
    assert list(listing.ids) == ([incidents["DV-2"], incidents["DV-1"]] if listing.complete
                                 else [incidents["DV-2"]])
    assert [row.reference for row in listing.rows] == ["DV-2"]


@pytest.mark.parametrize("walk_budget", [100_000, 1], ids=["date-index-walk", "per-kind"])
@pytest.mark.parametrize("descending", [True, False])
def test_a_big_search_first_page_is_the_same_however_it_is_found(
        database: Database, monkeypatch: pytest.MonkeyPatch, walk_budget: int,
        descending: bool) -> None:
    """Past the walk budget each kind of match (reference, surname, postcode) is ordered by
    the database and merged: the first page must be exactly the date order's, deleted ones
    left out, ties on date ordered by type and id."""
    monkeypatch.setattr(incident_directory, "LAZY_OVER", 1)
    monkeypatch.setattr(incident_directory, "WALK_BUDGET", walk_budget)
    ids = {}
    for number, (day, crime_type) in enumerate([
            ("2025-01-03", "dv"), ("2024-11-30", "asb"), ("2025-01-03", "asb"),
            ("2023-06-01", "dv"), ("2025-03-09", "dv"), ("2022-02-28", "asb"),
            ("2025-03-09", "asb")]):
        reference = f"TOWER-{number}"
        ids[reference] = _add(database, reference=reference, crime_type=crime_type,
                              occurred_on=day, victim_forename="Ysolde",
                              victim_surname="Towerlock" if number % 2 else "Tamsin",
                              victim_dob="02/02/1980", postcode="ZZ3 4AB")
    # Found by surname only (its reference does not start with the text).
    ids["ELSE-9"] = _add(database, reference="ELSE-9", crime_type="asb",
                         occurred_on="2024-12-24", victim_forename="Ysolde",
                         victim_surname="Towerlock", victim_dob="02/02/1980")
    with database.session() as session:
        delete_incident(session, ids["TOWER-4"], reason="entered twice")
    with database.session() as session:
        listing = incident_listing(session, IncidentQuery(text="tow", descending=descending),
                                   first=3)
        everything = incident_ids(session, IncidentQuery(text="tow", descending=descending))
    assert listing.total == 7
    assert list(listing.ids) == list(everything)[:3]
    # Same day: the type breaks the tie ("dv" after "asb"), reversed when newest first.
    expected_newest = [ids["TOWER-6"], ids["TOWER-0"], ids["TOWER-2"]]
    expected_oldest = [ids["TOWER-5"], ids["TOWER-3"], ids["TOWER-1"]]
    assert list(listing.ids) == (expected_newest if descending else expected_oldest)


def test_rows_of_hidden_people_name_them_restricted(database: Database,
                                                    incidents: dict[str, int]) -> None:
    with database.session() as session:
        (shown,) = incident_rows(session, [incidents["DV-1"]])
        victim = session.scalar(select(Incident.victim_id).where(
            Incident.id == incidents["DV-1"]))
        (hidden,) = incident_rows(session, [incidents["DV-1"]],
                                  hide=lambda ids: {victim} & set(ids))
        listing = incident_listing(session, IncidentQuery(crime_types=("dv",)), 10,
                                   hide=lambda ids: {victim} & set(ids))
    assert (shown.victim, shown.perpetrator) == ("Morwenna Quillfeather", "Jory Penhallow")
    assert (hidden.victim, hidden.address, hidden.perpetrator) == (
        RESTRICTED_LABEL, RESTRICTED_LABEL, "Jory Penhallow")
    assert listing.total == 2 and {row.victim for row in listing.rows} == {RESTRICTED_LABEL}


def test_without_names_a_surname_finds_nothing(database: Database,
                                               incidents: dict[str, int]) -> None:
    assert _refs(database, incidents, IncidentQuery(text="quill")) == ["DV-2", "DV-1"]
    assert _refs(database, incidents, IncidentQuery(text="quill", search_names=False)) == []
    assert _refs(database, incidents, IncidentQuery(text="DV-", search_names=False)) == [
        "DV-2", "DV-1"]
    with database.session() as session:
        listing = incident_listing(session, IncidentQuery(text="quill", search_names=False),
                                   10)
    assert listing.total == 0
