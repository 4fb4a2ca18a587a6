"""Text inside references found in memory (services.reference_text), held to the database's
own search: the same incidents, newer incidents found too, deleted ones left out."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from scs_victims.services import incident_directory
from scs_victims.services.incident_directory import IncidentQuery, incident_listing
from scs_victims.services.incidents import IncidentInput, create_incident, delete_incident
from scs_victims.services.reference_text import ReferenceText
from scs_victims.storage.database import Database

TODAY = date(2025, 6, 30)


def _add(database: Database, reference: str) -> int:
    with database.session() as session:
        return create_incident(session, IncidentInput(
            reference=reference, crime_type="asb", occurred_on="2025-01-02"), today=TODAY).id


def _loaded(database: Database) -> ReferenceText:
    with database.session() as session:
        return ReferenceText.load(session)


@given(references=st.lists(st.text(alphabet="0123/-AB", min_size=1, max_size=8), max_size=40),
       text=st.text(alphabet="0123/-", min_size=1, max_size=3))
def test_each_incident_whose_reference_contains_the_text_once(references: list[str],
                                                               text: str) -> None:
    numbered = list(enumerate(dict.fromkeys(references), start=1))
    found = ReferenceText(numbered).ids_containing(text, limit=1_000)
    assert found is not None
    assert sorted(found) == [number for number, reference in numbered if text in reference]


def test_no_match_spans_two_references() -> None:
    copy = ReferenceText([(1, "AB/12"), (2, "34/CD")])
    assert copy.ids_containing("1234") == []
    assert copy.ids_containing("2") == [1]


def test_past_the_limit_the_database_is_left_to_search() -> None:
    copy = ReferenceText([(number, f"R/{number:03d}") for number in range(1, 30)])
    assert copy.ids_containing("0", limit=10) is None
    assert copy.ids_containing("02", limit=11) == [2, *range(20, 30)]


def test_searches_with_the_copy_list_what_the_database_alone_lists(database: Database) -> None:
    for number in range(1, 40):
        _add(database, f"ASB/2024/{number:06d}")
    copy = _loaded(database)
    assert len(copy) == 39 and copy.through_id > 0
    # Added after the copy was made: still found, through the database.
    newer = _add(database, "ASB/2025/000123")
    gone = _add(database, "ASB/2025/001234")
    with database.session() as session:
        delete_incident(session, gone, reason="entered twice")
    with database.session() as session:
        for text in ("0001", "2", "123", "00003", "/", "999"):
            query = IncidentQuery(text=text)
            with_copy = incident_listing(session, query, 100, copy)
            alone = incident_listing(session, query, 100)
            assert (with_copy.total, list(with_copy.ids)) == (alone.total, list(alone.ids))
        found = incident_listing(session, IncidentQuery(text="0001"), 100, copy)
    assert newer in found.ids and gone not in found.ids


def test_the_copy_is_not_used_for_text_with_letters(database: Database) -> None:
    _add(database, "ab-77")
    copy = ReferenceText([])  # empty: anything found here came from the database
    with database.session() as session:
        listing = incident_listing(session, IncidentQuery(text="B-7"), 10, copy)
        assert len(listing.ids) == 1
        assert incident_directory._text_parts(session, "B-7", copy).found == []
