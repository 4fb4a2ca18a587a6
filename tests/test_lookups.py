"""Person and address look-ups for the incident form, and likely duplicates.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incidents import IncidentInput, create_incident
from scs_victims.services.lookups import (
    edit_distance,
    likely_duplicates,
    search_addresses,
    search_people,
)
from scs_victims.storage.database import Database

TODAY = date(2025, 6, 30)


def _add(database: Database, **fields: Any) -> None:
    with database.session() as session:
        create_incident(session, IncidentInput(**fields), today=TODAY)


@pytest.fixture
def people(database: Database) -> Database:
    _add(database, reference="DV-1", crime_type="dv", occurred_on="03/01/2025",
         victim_forename="Morwenna", victim_surname="Quillfeather", victim_dob="04/03/1990",
         victim_ref="P-77", address_line1="12 Lantern Row", postcode="ZZ9 9ZZ")
    _add(database, reference="ASB-1", crime_type="asb", occurred_on="05/01/2025",
         victim_forename="Tobiah", victim_surname="Ashgrove", postcode="ZZ1 2AB")
    _add(database, reference="ASB-2", crime_type="asb", occurred_on="06/01/2025",
         victim_forename="Ysolde", victim_surname="Quillon", victim_dob="11/11/1971")
    _add(database, reference="BUR-1", crime_type="burglary", occurred_on="07/01/2025",
         address_line1="3 Gannet Close", postcode="ZZ9 9ZY", uprn="10023")
    return database


@pytest.mark.parametrize(("text", "expected"), [
    ("quill", ["Morwenna Quillfeather", "Ysolde Quillon"]),
    ("QUILLF", ["Morwenna Quillfeather"]),
    ("morwenna quill", ["Morwenna Quillfeather"]),
    ("quill ys", ["Ysolde Quillon"]),
    ("p-7", ["Morwenna Quillfeather"]),
    ("nobody", []),
    ("   ", []),
])
def test_search_people(people: Database, text: str, expected: list[str]) -> None:
    with people.session() as session:
        assert [match.name for match in search_people(session, text)] == expected


def test_a_name_and_postcode_key_gives_the_postcode_back(people: Database) -> None:
    with people.session() as session:
        (match,) = search_people(session, "ashgrove")
    assert match.key_postcode == "ZZ1 2AB" and match.date_of_birth is None


@pytest.mark.parametrize(("text", "expected"), [
    ("zz99zz", ["12 Lantern Row, ZZ9 9ZZ"]),
    ("zz9", ["3 Gannet Close, ZZ9 9ZY", "12 Lantern Row, ZZ9 9ZZ"]),
    ("lantern", ["12 Lantern Row, ZZ9 9ZZ"]),
    ("10023", ["3 Gannet Close, ZZ9 9ZY"]),
    ("", []),
])
def test_search_addresses(people: Database, text: str, expected: list[str]) -> None:
    with people.session() as session:
        assert [match.label for match in search_addresses(session, text)] == expected


@pytest.mark.parametrize(("first", "second", "distance"), [
    ("morwenna", "morwena", 1), ("morwenna", "morwenna", 0), ("jon", "john", 1),
    ("abc", "xyz", 3), ("tobiah", "tobias", 1), ("a", "abcdef", 3),
])
def test_edit_distance(first: str, second: str, distance: int) -> None:
    assert edit_distance(first, second) == distance


@pytest.mark.parametrize(("forename", "surname", "dob", "postcode", "reason"), [
    ("Morwena", "Quillfeather", date(1990, 3, 4), None, "same surname, forename spelt alike"),
    ("Mo", "Quillfeather", date(1990, 3, 4), None, "same surname and initial"),
    ("Morwenna", "Quilfeather", date(1990, 3, 4), None, "same forename, surname spelt alike"),
    ("Quillfeather", "Morwenna", date(1990, 3, 4), None, "forename and surname swapped"),
    ("Morwenna", "Quillfeather", date(1990, 3, 5), "ZZ9 9ZZ", "same name at the same postcode"),
    ("Tobiah", "Ashgrove", date(1980, 1, 1), "zz12ab", "same name at the same postcode"),
])
def test_likely_duplicates(people: Database, forename: str, surname: str, dob: date,
                           postcode: str | None, reason: str) -> None:
    with people.session() as session:
        found = likely_duplicates(session, forename=forename, surname=surname,
                                  date_of_birth=dob, postcode=postcode)
    assert len(found) == 1
    assert reason in found[0].reason


@pytest.mark.parametrize(("forename", "surname", "dob", "reference"), [
    # The same key: saving links the existing person, so nothing to warn about.
    ("Ysolde", "Quillon", date(1971, 11, 11), None),
    ("Anyone", "Else", None, "P-77"),
    # Not alike enough, or another date of birth.
    ("Beatrix", "Quillfeather", date(1990, 3, 4), None),
    ("Morwena", "Quillfeather", date(1990, 3, 6), None),
])
def test_no_likely_duplicates(people: Database, forename: str, surname: str, dob: date | None,
                              reference: str | None) -> None:
    with people.session() as session:
        assert likely_duplicates(session, forename=forename, surname=surname,
                                 date_of_birth=dob, reference=reference) == []


def test_hidden_people_are_found_without_details_and_last(people: Database) -> None:
    with people.session() as session:
        everyone = search_people(session, "quill")
        morwenna = everyone[0].id
        found = search_people(session, "quill", hide=lambda ids: {morwenna} & set(ids))
        duplicates = likely_duplicates(session, forename="Morwena", surname="Quillfeather",
                                       date_of_birth=date(1990, 3, 4),
                                       hide=lambda ids: {morwenna} & set(ids))
    assert [match.name for match in found] == ["Ysolde Quillon", RESTRICTED_LABEL]
    hidden = found[1]
    assert hidden.hidden and hidden.id == morwenna
    assert (hidden.forename, hidden.surname, hidden.date_of_birth, hidden.reference,
            hidden.key_postcode) == (None, None, None, None, None)
    (duplicate,) = duplicates
    assert duplicate.person.hidden and duplicate.person.name == RESTRICTED_LABEL
    assert duplicate.reason.startswith("same date of birth")
