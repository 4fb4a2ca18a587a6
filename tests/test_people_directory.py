"""The people list and a person's page, on a small hand-built database.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest
from sqlalchemy import select, update

from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incidents import IncidentInput, create_incident, delete_incident
from scs_victims.services.people import merge_people, unmerge
from scs_victims.services.people_directory import (
    PeopleDirectory,
    load_directory,
    people_with_incidents_between,
    query_words,
    root_ids,
)
from scs_victims.services.person_timeline import hidden_profile, person_detail, person_profile
from scs_victims.storage.database import Database
from scs_victims.storage.models import Incident, Person
from tests.test_services_merge import victim_of

TODAY = date(2025, 6, 30)


def add(database: Database, reference: str, crime_type: str, occurred_on: str,
        **fields: str) -> int:
    data = IncidentInput(reference=reference, crime_type=crime_type, occurred_on=occurred_on,
                         **fields)
    with database.session() as session:
        return create_incident(session, data, today=TODAY).id


ZOE = {"victim_forename": "Zoë", "victim_surname": "Quillfeather", "victim_dob": "04/03/1990",
       "victim_gender": "female", "address_line1": "1 Lantern Row", "postcode": "EN2 1AA",
       "ward": "Northfold"}
SEAN = {"victim_forename": "Seán", "victim_surname": "O'Marrow", "victim_dob": "11/11/1985",
        "address_line1": "9 Kettle Yard", "postcode": "N3 2BB", "ward": "Southmere"}


@pytest.fixture
def sample(database: Database) -> Database:
    add(database, "D-1", "dv", "12/01/2025", **ZOE)
    add(database, "D-2", "dv", "03/03/2025", **ZOE, relationship="partner",
        perpetrator_forename="Seán", perpetrator_surname="O'Marrow",
        perpetrator_dob="11/11/1985")
    add(database, "A-1", "asb", "18/05/2025", **ZOE)
    add(database, "A-2", "asb", "20/02/2024", **SEAN)
    # Keyed apart: another date of birth for the same Seán.
    add(database, "A-3", "asb", "02/06/2025", **{**SEAN, "victim_dob": "11/11/1958",
                                                  "postcode": "N3 7CC"})
    add(database, "A-4", "asb", "05/06/2025", victim_forename="Ada", victim_surname="Brimble",
        victim_dob="01/01/1970", victim_ref="VR-77", address_line1="3 Mill Lane",
        postcode="EN4 9ZZ")
    return database


def directory(database: Database) -> PeopleDirectory:
    with database.session() as session:
        return load_directory(session, today=TODAY)


def names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.name for row in rows]


def test_each_person_has_counts_ward_last_incident_and_flags(sample: Database) -> None:
    found = {row.name: row for row in directory(sample).rows}
    assert sorted(found) == ["Brimble, Ada", "O'Marrow, Seán", "Quillfeather, Zoë"]
    zoe = found["Quillfeather, Zoë"]
    assert (zoe.asb, zoe.burglary, zoe.dv) == (1, 0, 2)
    assert zoe.last_incident == date(2025, 5, 18)
    assert zoe.ward == "Northfold"
    assert zoe.age == 35 and zoe.gender == "female"
    assert zoe.repeat and not zoe.perpetrator
    assert zoe.flags == "Repeat victim"


def test_people_keyed_apart_are_two_rows_until_merged(sample: Database) -> None:
    seans = [row for row in directory(sample).rows if row.name == "O'Marrow, Seán"]
    # The Seán born 1985 is also a perpetrator; the one born 1958 is a victim only.
    assert sorted((row.asb, row.perpetrator) for row in seans) == [(1, False), (1, True)]
    kept, merged = victim_of(sample, "A-2"), victim_of(sample, "A-3")
    with sample.session() as session:
        merge_id = merge_people(session, kept, merged).merge_id
    seans = [row for row in directory(sample).rows if row.name == "O'Marrow, Seán"]
    assert len(seans) == 1
    (sean,) = seans
    assert sean.id == kept and sean.asb == 2 and sean.perpetrator
    assert sean.last_incident == date(2025, 6, 2) and sean.ward == "Southmere"
    with sample.session() as session:
        unmerge(session, merge_id)
    assert len([row for row in directory(sample).rows if row.name == "O'Marrow, Seán"]) == 2


def test_a_merged_away_perpetrator_and_postcode_go_to_the_survivor(sample: Database) -> None:
    # Merged the other way round from the test above: the one merged away is the perpetrator.
    kept, merged = victim_of(sample, "A-3"), victim_of(sample, "A-2")
    with sample.session() as session:
        merge_people(session, kept, merged)
    people = directory(sample)
    (sean,) = [row for row in people.rows if row.name == "O'Marrow, Seán"]
    assert (sean.id, sean.asb, sean.perpetrator) == (kept, 2, True)
    assert sean.last_incident == date(2025, 6, 2)
    assert [row.id for row in people.search("n3 2bb")] == [kept]  # the merged one's postcode
    assert [row.id for row in people.search("n3 7cc")] == [kept]


def test_a_perpetrator_who_was_never_a_victim_is_listed_with_no_counts(
        sample: Database) -> None:
    add(sample, "A-5", "asb", "06/06/2025", **ZOE, perpetrator_forename="Ivo",
        perpetrator_surname="Tamsett", perpetrator_dob="02/02/1980")
    (ivo,) = directory(sample).search("tamsett")
    assert (ivo.asb, ivo.burglary, ivo.dv, ivo.last_incident, ivo.ward) == (0, 0, 0, None, "")
    assert ivo.perpetrator and not ivo.repeat and ivo.flags == "Perpetrator"


def test_deleted_incidents_count_for_nothing(sample: Database) -> None:
    with sample.session() as session:
        incident = session.execute(
            select(Incident.id).where(Incident.reference == "D-2")).scalar_one()
        delete_incident(session, incident, "entered twice")
    found = {row.name: row for row in directory(sample).rows}
    zoe = found["Quillfeather, Zoë"]
    assert zoe.dv == 1 and not zoe.repeat
    assert not any(row.perpetrator for row in found.values())


@pytest.mark.parametrize(("query", "expected"), [
    ("zoe", ["Quillfeather, Zoë"]),
    ("QUILL zo", ["Quillfeather, Zoë"]),
    ("zoë quillfeather", ["Quillfeather, Zoë"]),
    ("sean o'marrow", ["O'Marrow, Seán", "O'Marrow, Seán"]),
    ("omarrow", ["O'Marrow, Seán", "O'Marrow, Seán"]),
    ("marrow", ["O'Marrow, Seán", "O'Marrow, Seán"]),
    ("vr-77", ["Brimble, Ada"]),
    ("vr77", ["Brimble, Ada"]),
    ("en2 1aa", ["Quillfeather, Zoë"]),
    ("EN2", ["Quillfeather, Zoë"]),
    ("n3", ["O'Marrow, Seán", "O'Marrow, Seán"]),
    ("N3 7", ["O'Marrow, Seán"]),
    ("en", ["Quillfeather, Zoë", "Brimble, Ada"]),
    ("zoe brimble", []),
    ("uill", []),  # a word matches from its start
])
def test_search_by_name_parts_reference_and_postcode(sample: Database, query: str,
                                                     expected: list[str]) -> None:
    assert sorted(names(directory(sample).search(query))) == sorted(expected)


def test_query_words_join_a_postcode_typed_with_its_space() -> None:
    assert query_words("  Ann  EN2 1AA ") == ["ann", "en21aa"]
    assert query_words("O'Brien") == ["obrien"]


def test_filters(sample: Database) -> None:
    people = directory(sample)
    assert names(people.search(crime_type="dv")) == ["Quillfeather, Zoë"]
    assert names(people.search(repeat_only=True)) == ["Quillfeather, Zoë"]
    northfold = dict((name, ward_id) for ward_id, name in people.wards)["Northfold"]
    assert names(people.search(ward_id=northfold)) == ["Quillfeather, Zoë"]
    assert sorted(names(people.search("o", crime_type="asb"))) == ["O'Marrow, Seán"] * 2
    ada = victim_of(sample, "A-4")
    assert names(people.search(person_ids=[ada])) == ["Brimble, Ada"]
    assert people.search("zoe", person_ids=[ada]) == []


def test_order_is_kept_by_search(sample: Database) -> None:
    people = directory(sample)
    assert names(people.rows) == sorted(names(people.rows), key=str.casefold)
    people.order("age", lambda row: row.age, True)
    assert [row.age for row in people.search("")] == [66, 55, 39, 35]
    assert [row.age for row in people.search("o")] == [66, 39]


def test_date_range_finds_victims_by_root(sample: Database) -> None:
    kept, merged = victim_of(sample, "A-2"), victim_of(sample, "A-3")
    with sample.session() as session:
        assert people_with_incidents_between(session, date(2025, 6, 1), None) == \
            {merged, victim_of(sample, "A-4")}
        assert people_with_incidents_between(session, date(2025, 6, 1), None, "dv") == set()
        merge_people(session, kept, merged)
    with sample.session() as session:
        assert kept in people_with_incidents_between(session, date(2025, 6, 1),
                                                     date(2025, 6, 3))
        assert root_ids(session, [merged]) == [kept]


def test_timeline_explains_each_repeat_and_alerts(sample: Database) -> None:
    zoe = victim_of(sample, "D-1")
    with sample.session() as session:
        detail = person_detail(session, zoe, today=TODAY)
    timeline = [(entry.reference, entry.role, entry.is_repeat) for entry in detail.timeline]
    assert timeline == [("A-1", "victim", False), ("D-2", "victim", True),
                        ("D-1", "victim", False)]
    assert detail.timeline[1].reason == ("Repeat: previous DV incident for this victim on "
                                         "12/01/2025, within 12 months.")
    assert [alert.explanation for alert in detail.alerts] == [
        "Repeat DV victim: 2 incidents in 12 months \u2014 12/01/2025, 03/03/2025."]
    assert detail.profile.counts == {"asb": 1, "burglary": 0, "dv": 2}
    assert [address.text for address in detail.profile.addresses] == ["1 Lantern Row, EN2 1AA"]


def test_timeline_lists_incidents_as_perpetrator(sample: Database) -> None:
    sean = victim_of(sample, "A-2")
    with sample.session() as session:
        detail = person_detail(session, sean, today=TODAY)
    assert [(entry.reference, entry.role) for entry in detail.timeline] == [
        ("D-2", "perpetrator"), ("A-2", "victim")]
    assert detail.timeline[0].reason == ("Repeat: previous DV incident for the victim on "
                                         "12/01/2025, within 12 months.")
    assert detail.profile.perpetrator_incidents == 1


def test_a_merged_away_id_shows_its_survivor(sample: Database) -> None:
    kept, merged = victim_of(sample, "A-2"), victim_of(sample, "A-3")
    with sample.session() as session:
        merge_people(session, kept, merged)
    with sample.session() as session:
        profile = person_profile(session, merged, today=TODAY)
        detail = person_detail(session, merged, today=TODAY)
    assert profile.id == kept and profile.member_ids == (merged,)
    assert profile.counts["asb"] == 2
    assert len(detail.merges) == 1
    assert {entry.reference for entry in detail.timeline} == {"A-2", "A-3", "D-2"}


def test_hidden_people_are_listed_and_counted_but_not_named_or_found(sample: Database) -> None:
    with sample.session() as session:
        zoe = next(row.id for row in load_directory(session, TODAY).rows
                   if row.name.startswith("Quillfeather"))
        session.execute(update(Person).where(Person.id == zoe).values(restricted=True))
        asked: list[list[int | None]] = []

        def hide(person_ids: Iterable[int | None]) -> set[int]:
            asked.append(list(person_ids))
            return {zoe}

        hidden = load_directory(session, TODAY, hide=hide)
        shown = load_directory(session, TODAY)
    assert asked == [[zoe]]  # only restricted people are put to the rule
    assert hidden.total == shown.total
    (row,) = [row for row in hidden.rows if row.id == zoe]
    assert (row.name, row.date_of_birth, row.age) == (RESTRICTED_LABEL, None, None)
    assert (row.dv, row.asb, row.ward) == (2, 1, "Northfold")
    assert hidden.search("quillfeather") == [] and hidden.search("EN2") == []
    assert hidden.search("restricted record") == [row]
    assert names(shown.search("quillfeather")) == ["Quillfeather, Zoë"]


def test_a_hidden_profile_keeps_counts_only(sample: Database) -> None:
    with sample.session() as session:
        zoe = next(row.id for row in load_directory(session, TODAY).rows
                   if row.name.startswith("Quillfeather"))
        profile = hidden_profile(person_profile(session, zoe, TODAY))
    assert profile.hidden and profile.name == RESTRICTED_LABEL
    assert (profile.forename, profile.surname, profile.date_of_birth, profile.age,
            profile.reference, profile.addresses) == (None, None, None, None, None, ())
    assert profile.counts["dv"] == 2
