"""People and incidents through the use-case layer: what is recorded when a user looks,
restricted records (hidden by role, opened with a reason), and who may do what.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import incidents, lookups, people
from scs_victims.actions.base import SignedIn
from scs_victims.actions.people import RestrictedRecord
from scs_victims.audit_trail import AuditFilter, AuditRow, audit_rows
from scs_victims.errors import FormInvalid, NotAllowed
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incident_directory import IncidentQuery
from scs_victims.services.incidents import IncidentInput
from scs_victims.storage.database import Database
from tests.helpers.accounts import signed_in

TODAY = date.today()
WREN = {"victim_forename": "Wren", "victim_surname": "Halloway", "victim_dob": "04/03/1990",
        "address_line1": "1 Lantern Row", "postcode": "EN2 1AA"}
TOBIAS = {"victim_forename": "Tobias", "victim_surname": "Fennimore",
          "victim_dob": "11/11/1985", "address_line1": "9 Kettle Yard", "postcode": "N3 2BB"}


def _day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


@pytest.fixture
def admin(database: Database) -> SignedIn:
    """Wren (two DV incidents) and Tobias (one ASB incident), entered by an administrator."""
    user = signed_in(database, Role.ADMIN)
    for reference, crime_type, days_ago, person in (
            ("D-1", "dv", 90, WREN), ("D-2", "dv", 30, WREN), ("A-1", "asb", 10, TOBIAS)):
        incidents.create_incident(user, IncidentInput(
            reference=reference, crime_type=crime_type, occurred_on=_day(days_ago), **person))
    return user


def _events(database: Database, kind: str, user: SignedIn | None = None) -> list[AuditRow]:
    with database.session() as session:
        return audit_rows(session, AuditFilter(kind=kind, user=user.name if user else None),
                          limit=None)


def _detail(row: AuditRow) -> dict[str, Any]:
    return json.loads(row.detail or "{}")


def _id_of(user: SignedIn, surname: str) -> int:
    (row,) = [row for row in people.list_people(user).rows if row.name.startswith(surname)]
    return row.id


def _incident_id(user: SignedIn, reference: str) -> int:
    listing = incidents.list_incidents(user, IncidentQuery(text=reference), 10)
    return listing.rows[0].id


# What is recorded -------------------------------------------------------------------------


def test_opening_a_person_leaves_a_view_event(admin: SignedIn, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    wren = _id_of(admin, "Halloway")
    detail = people.open_person(officer, wren, TODAY)
    assert detail.profile.name == "Halloway, Wren" and len(detail.timeline) == 2
    (view,) = _events(database, "view", officer)
    assert (view.entity, view.entity_id, view.user) == ("person", wren, officer.name)


def test_opening_an_incident_leaves_views_of_it_and_its_people(
        admin: SignedIn, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    incident_id = _incident_id(admin, "D-2")
    data = incidents.open_incident(officer, incident_id)
    assert data.victim_surname == "Halloway"
    views = {(row.entity, row.entity_id) for row in _events(database, "view", officer)}
    assert views == {("incident", incident_id), ("person", _id_of(admin, "Halloway"))}


@pytest.mark.usefixtures("admin")
def test_searches_record_their_kind_and_count_never_the_text(database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    directory = people.list_people(officer)
    shown = directory.search("halloway")
    people.record_search(officer, "people by name, reference or postcode", len(shown))
    assert [match.name for match in lookups.find_people(officer, "Hallo")] == ["Wren Halloway"]
    listing = incidents.list_incidents(officer, IncidentQuery(text="Halloway"), 50)
    assert listing.total == 2
    searches = _events(database, "search", officer)
    details = sorted((_detail(row)["query"], _detail(row)["shown"]) for row in searches)
    assert details == [("incidents by text", 2), ("people by name or reference", 1),
                       ("people by name, reference or postcode", 1), ("people list", 2)]
    for row in searches:
        assert "hallo" not in (row.detail or "").casefold()


# Restricted records ------------------------------------------------------------------------


@pytest.fixture
def restricted(admin: SignedIn, database: Database) -> int:
    """Wren, restricted by a supervisor."""
    supervisor = signed_in(database, Role.SUPERVISOR)
    wren = _id_of(admin, "Halloway")
    changed = people.restrict_person(supervisor, wren, "A colleague's relative")
    assert changed.changes.people
    (event,) = _events(database, "restrict")
    assert _detail(event) == {"restricted": True, "reason": "A colleague's relative"}
    return wren


def test_a_restricted_person_is_masked_for_an_officer_not_a_supervisor(
        restricted: int, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    supervisor = signed_in(database, Role.SUPERVISOR)
    for user, name in ((officer, RESTRICTED_LABEL), (supervisor, "Halloway, Wren")):
        directory = people.list_people(user)
        assert directory.total == 2  # counted as anyone else
        (row,) = [row for row in directory.rows if row.id == restricted]
        assert row.name == name and row.dv == 2
        if user is officer:
            assert row.date_of_birth is None and row.age is None
            assert directory.search("halloway") == [] and directory.search("en2") == []
            assert directory.search("restricted") == [row]
    rows = incidents.list_incidents(officer, IncidentQuery(crime_types=("dv",)), 10).rows
    assert [(row.victim, row.address) for row in rows] == [(RESTRICTED_LABEL,) * 2] * 2
    rows = incidents.list_incidents(supervisor, IncidentQuery(crime_types=("dv",)), 10).rows
    assert {row.victim for row in rows} == {"Wren Halloway"}
    (match,) = lookups.find_people(officer, "Halloway")
    assert match.hidden and match.name == RESTRICTED_LABEL and match.date_of_birth is None
    assert not lookups.find_people(supervisor, "Halloway")[0].hidden
    duplicates = incidents.likely_duplicates(officer, IncidentInput(
        reference="D-9", crime_type="dv", occurred_on=_day(1), victim_forename="Wrenn",
        victim_surname="Halloway", victim_dob="04/03/1990"), frozenset({"victim"}))
    (duplicate,) = duplicates["victim"]
    assert duplicate.person.hidden and duplicate.person.id == restricted
    first, _second = people.compare_people(officer, restricted, _id_of(officer, "Fennimore"))
    assert first.hidden and first.name == RESTRICTED_LABEL and first.addresses == ()
    assert first.counts["dv"] == 2
    assert people.open_person(supervisor, restricted).profile.restricted


def test_an_officer_opens_a_restricted_person_only_with_a_reason(
        restricted: int, admin: SignedIn, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    with pytest.raises(RestrictedRecord) as refused:
        people.open_person(officer, restricted)
    assert refused.value.code == "restricted" and refused.value.person_ids == (restricted,)
    incident_id = _incident_id(admin, "D-1")
    with pytest.raises(RestrictedRecord):
        incidents.open_incident(officer, incident_id)
    with pytest.raises(RestrictedRecord):
        lookups.person_for_form(officer, restricted)
    assert _events(database, "view", officer) == []
    with pytest.raises(FormInvalid):
        people.break_glass(officer, restricted, "   ")

    people.break_glass(officer, restricted, "Safeguarding call from the school")
    (event,) = _events(database, "break_glass", officer)
    assert (event.entity, event.entity_id) == ("person", restricted)
    assert _detail(event) == {"reason": "Safeguarding call from the school"}
    assert people.open_person(officer, restricted).profile.name == "Halloway, Wren"
    assert incidents.open_incident(officer, incident_id).victim_surname == "Halloway"
    assert any(row.name == "Halloway, Wren" for row in people.list_people(officer).rows)
    # Another officer has given no reason: still hidden from them.
    other = signed_in(database, Role.OFFICER, name="test-officer-2")
    with pytest.raises(RestrictedRecord):
        people.open_person(other, restricted)


def test_lifting_a_restriction(restricted: int, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    with pytest.raises(NotAllowed) as refused:
        people.unrestrict_person(officer, restricted, "No longer needed")
    assert str(refused.value) == ("Your role (officer) does not allow marking records as "
                                  "restricted.")
    people.unrestrict_person(signed_in(database, Role.SUPERVISOR), restricted,
                             "No longer needed")
    assert people.open_person(officer, restricted).profile.name == "Halloway, Wren"


# Roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_analysts_and_auditors_may_not_open_a_person(admin: SignedIn, database: Database,
                                                     role: Role) -> None:
    user = signed_in(database, role)
    wren = _id_of(admin, "Halloway")
    with pytest.raises(NotAllowed) as refused:
        people.open_person(user, wren)
    assert str(refused.value) == (f"Your role ({role.value}) does not allow opening or "
                                  "searching person records.")
    (event,) = _events(database, "refused", user)
    assert _detail(event)["action"] == "people.open_person"
    assert _events(database, "view", user) == []


def test_an_analyst_lists_incidents_without_names_or_addresses(admin: SignedIn,
                                                             database: Database) -> None:
    analyst = signed_in(database, Role.ANALYST)
    listing = incidents.list_incidents(analyst, IncidentQuery(), 10)
    assert listing.total == 3
    assert all(row.victim is None and row.perpetrator is None and row.address is None
               for row in listing.rows)
    # A surname finds nothing for someone who may not see names.
    assert incidents.list_incidents(analyst, IncidentQuery(text="Halloway"), 10).total == 0
    assert incidents.list_incidents(admin, IncidentQuery(text="Halloway"), 10).total == 2


# Writes ------------------------------------------------------------------------------------


def test_incident_writes_are_attributed_and_say_what_changed(
        admin: SignedIn, database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    incident_id = _incident_id(admin, "A-1")
    data = incidents.open_incident(officer, incident_id)
    data = data._replace(description="Shouting in the stairwell")
    changed = incidents.update_incident(officer, incident_id, data)
    assert changed.value.changed_fields == ("description",)
    assert changed.changes.incidents and changed.changes.people
    deleted = incidents.delete_incident(officer, incident_id, "Entered twice")
    assert deleted.changes.incidents
    assert [row.id for row in incidents.recently_deleted(officer)] == [incident_id]
    assert incidents.restore_incident(officer, incident_id).value.reference == "A-1"
    kinds = [row.kind for row in _events(database, "update", officer)
             + _events(database, "delete", officer) + _events(database, "restore", officer)]
    assert kinds == ["update", "delete", "restore"]


@pytest.mark.usefixtures("admin")
def test_merging_and_unmerging_people(database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    incidents.create_incident(officer, IncidentInput(
        reference="A-2", crime_type="asb", occurred_on=_day(5),
        **{**TOBIAS, "victim_dob": "11/11/1958"}))
    ids = [row.id for row in people.list_people(officer).rows if row.name.startswith("Fenn")]
    assert len(ids) == 2
    merged = people.merge_people(officer, ids[0], ids[1])
    assert merged.changes.people and merged.changes.incidents
    assert people.list_people(officer).total == 2
    undone = people.unmerge_people(officer, merged.value.merge_id)
    assert undone.value.merged_id == ids[1]
    assert people.list_people(officer).total == 3
    assert [row.user for row in _events(database, "merge")] == [officer.name]
