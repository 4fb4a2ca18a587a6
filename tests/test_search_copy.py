"""The Incidents screen's copy in memory (services.search_copy), held to the database's own
answers: the same incidents found, the same first page, newer incidents found too, deleted
ones left out."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.services import incident_directory
from scs_victims.services.incident_directory import IncidentQuery, incident_listing
from scs_victims.services.incidents import IncidentInput, create_incident, delete_incident
from scs_victims.services.search_copy import IncidentSearchCopy
from scs_victims.storage.database import Database

TODAY = date(2025, 6, 30)


def _copy_of(references: list[str]) -> IncidentSearchCopy:
    return IncidentSearchCopy((number, reference, "2025-01-02", "asb")
                              for number, reference in enumerate(references, start=1))


def _add(database: Database, reference: str, occurred_on: str = "2025-01-02",
         crime_type: str = "asb") -> int:
    with database.session() as session:
        return create_incident(session, IncidentInput(
            reference=reference, crime_type=crime_type, occurred_on=occurred_on),
            today=TODAY).id


def _loaded(database: Database) -> IncidentSearchCopy:
    with database.session() as session:
        return IncidentSearchCopy.load(session)


@given(references=st.lists(st.text(alphabet="0123/-AB", min_size=1, max_size=8), max_size=40),
       text=st.text(alphabet="0123/-", min_size=1, max_size=3))
def test_each_incident_whose_reference_contains_the_text_once(references: list[str],
                                                               text: str) -> None:
    unique = list(dict.fromkeys(references))
    found = _copy_of(unique).ids_containing(text, limit=1_000)
    assert found is not None
    assert sorted(found) == [number for number, reference in enumerate(unique, start=1)
                             if text in reference]


def test_no_match_spans_two_references() -> None:
    copy = _copy_of(["AB/12", "34/CD"])
    assert copy.ids_containing("1234") == []
    assert copy.ids_containing("2") == [1]


def test_past_the_limit_the_database_is_left_to_search() -> None:
    copy = _copy_of([f"R/{number:03d}" for number in range(1, 30)])
    assert copy.ids_containing("0", limit=10) is None
    assert copy.ids_containing("02", limit=11) == [2, *range(20, 30)]


def test_the_copy_needs_ascending_ids() -> None:
    with pytest.raises(ValueError):
        IncidentSearchCopy([(2, "A", "2025-01-01", "dv"), (1, "B", "2025-01-01", "dv")])


@given(incidents=st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2025, 12, 31)),
                                    st.sampled_from(["asb", "burglary", "dv"])),
                          min_size=1, max_size=30),
       first=st.integers(1, 10), descending=st.booleans(), data=st.data())
def test_first_in_date_order_is_date_then_type_then_id(
        incidents: list[tuple[date, str]], first: int, descending: bool,
        data: st.DataObject) -> None:
    copy = IncidentSearchCopy((number, f"R{number}", on.isoformat(), crime_type)
                              for number, (on, crime_type) in enumerate(incidents, start=1))
    chosen = data.draw(st.sets(st.integers(1, len(incidents))))
    expected = sorted(chosen, key=lambda number: (*incidents[number - 1], number),
                      reverse=descending)[:first]
    assert copy.first_in_date_order(chosen, first, descending=descending) == expected
    # An id the copy does not hold (newer than it): the caller must ask the database.
    assert copy.first_in_date_order({len(incidents) + 1}, first, descending=True) is None


def test_searches_with_the_copy_list_what_the_database_alone_lists(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # Big searches and a tiny walk budget: the first page comes from the copy's dates.
    monkeypatch.setattr(incident_directory, "LAZY_OVER", 1)
    monkeypatch.setattr(incident_directory, "WALK_BUDGET", 1)
    for number in range(1, 40):  # nine dates, so many incidents share one
        _add(database, f"ASB/2024/{number:06d}", occurred_on=f"2024-0{1 + number % 9}-15")
    copy = _loaded(database)
    assert len(copy) == 39 and copy.through_id > 0
    # Added after the copy was made: still found, through the database.
    newer = _add(database, "ASB/2025/000123")
    gone = _add(database, "ASB/2025/001234")
    with database.session() as session:
        delete_incident(session, gone, reason="entered twice")
    with database.session() as session:
        for text in ("0001", "2", "123", "00003", "/", "999", "ASB/2024"):
            for descending in (True, False):
                query = IncidentQuery(text=text, descending=descending)
                with_copy = incident_listing(session, query, 5, copy)
                alone = incident_listing(session, query, 5)
                assert (with_copy.total, list(with_copy.ids)) == (alone.total, list(alone.ids))
        found = incident_listing(session, IncidentQuery(text="0001"), 100, copy)
    assert newer in found.ids and gone not in found.ids


def test_the_copy_is_not_used_for_text_with_letters(database: Database) -> None:
    _add(database, "ab-77")
    copy = IncidentSearchCopy([])  # empty: anything found here came from the database
    with database.session() as session:
        listing = incident_listing(session, IncidentQuery(text="B-7"), 10, copy)
        assert len(listing.ids) == 1
        assert incident_directory._text_parts(session, "B-7", copy).found == []


def test_references_joined_in_chunks_are_found_across_chunk_edges(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from scs_victims.services import search_copy

    monkeypatch.setattr(search_copy, "_CHUNK", 3)
    copy = _copy_of([f"R{number}" for number in range(1, 12)])
    assert copy.ids_containing("R1") == [1, 10, 11]
    assert copy.ids_containing("3") == [3]
    assert copy.ids_containing("4\x00R") == []
