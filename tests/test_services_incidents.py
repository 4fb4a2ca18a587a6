"""The incident services: create, edit, delete and restore, with repeats kept current.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import event, func, insert, select, text, update
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import InputRefused, NotFound, UserError
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS
from scs_victims.repeats import recompute_all
from scs_victims.services import (
    FormInvalid,
    IncidentInput,
    create_incident,
    delete_incident,
    explain_incident,
    load_incident_input,
    merge_people,
    recently_deleted,
    restore_incident,
    unmerge,
    update_incident,
    validate_incident,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, AuditEvent, Incident, Person, Ward

TODAY = date(2025, 6, 30)


def dv(reference: str, occurred_on: str | date, *, forename: str = "Alys",
       surname: str = "Tregarthen", dob: str | None = "1990-03-04", **extra: Any) -> IncidentInput:
    return IncidentInput(reference=reference, crime_type="DV", occurred_on=occurred_on,
                         victim_forename=forename, victim_surname=surname, victim_dob=dob,
                         **extra)


def burglary(reference: str, occurred_on: str | date, line1: str = "7 Quillon Terrace",
             postcode: str = "ZE1 0AA", **extra: Any) -> IncidentInput:
    return IncidentInput(reference=reference, crime_type="burglary", occurred_on=occurred_on,
                         address_line1=line1, postcode=postcode, **extra)


def add(database: Database, data: IncidentInput) -> Any:
    with database.session() as session:
        return create_incident(session, data, today=TODAY)


def flags(database: Database) -> dict[str, bool]:
    with database.session() as session:
        return dict(session.execute(
            select(Incident.reference, Incident.is_repeat).where(Incident.deleted_at.is_(None))
        ).all())


def incident_id(database: Database, reference: str) -> int:
    with database.session() as session:
        found: int = session.execute(
            select(Incident.id).where(Incident.reference == reference)
        ).scalar_one()
        return found


def audit_actions(database: Database) -> list[tuple[str, str]]:
    with database.session() as session:
        return list(session.execute(
            select(AuditEvent.action, AuditEvent.entity).order_by(AuditEvent.id)
        ).all())


def assert_same_as_full_recompute(database: Database) -> None:
    """The incremental upkeep left exactly what a full recompute would."""
    with database.session() as session:
        before = session.execute(
            select(Incident.id, Incident.subject_id, Incident.is_repeat, Incident.previous_id)
            .order_by(Incident.id)
        ).all()
        assert recompute_all(session) == 0
        after = session.execute(
            select(Incident.id, Incident.subject_id, Incident.is_repeat, Incident.previous_id)
            .order_by(Incident.id)
        ).all()
        assert before == after


# The form ------------------------------------------------------------------------------


def test_the_form_has_the_fields_of_an_import_row_in_order() -> None:
    assert IncidentInput._fields == INCIDENT_COLUMNS


def test_form_errors_are_per_field_and_nothing_is_saved(database: Database) -> None:
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, IncidentInput(
            reference="F1", crime_type="burglary", occurred_on="01/07/2025",
            postcode="not a postcode"), today=TODAY)
    errors = caught.value.errors
    assert errors["occurred_on"] == "'01/07/2025' is in the future"
    assert errors["postcode"] == "'not a postcode' is not a UK postcode"
    assert "is required for a burglary" in errors["address_line1"]
    assert isinstance(caught.value, UserError) and isinstance(caught.value, InputRefused)
    assert "3 fields need correcting" in str(caught.value)
    assert "not a postcode" not in str(caught.value)  # values stay in the field messages

    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, IncidentInput(reference="F2", crime_type="burglary",
                                               occurred_on=date(2025, 1, 2)), today=TODAY)
    assert set(caught.value.errors) == {"address_line1", "postcode"}

    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, IncidentInput(
            reference="", crime_type="theft", occurred_on="2025-01-02", victim_forename="Alys",
            victim_dob="2030-01-01"), today=TODAY)
    assert set(caught.value.errors) == {"reference", "crime_type", "victim_surname",
                                        "victim_dob"}
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_dv_incident_needs_a_victim_who_can_be_linked(database: Database) -> None:
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, dv("D1", "2025-01-02", dob=None), today=TODAY)
    assert "needs a victim who can be linked" in caught.value.errors["victim_surname"]


def test_validate_incident_checks_without_saving(database: Database) -> None:
    with database.session() as session:
        parsed = validate_incident(session, dv("D1", "2/1/2025 14:05"), today=TODAY)
        assert parsed.crime_type is CrimeType.DV and parsed.occurred_time is not None
        assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_typed_values_are_accepted(database: Database) -> None:
    result = add(database, dv("D1", datetime(2025, 1, 2, 14, 5), dob=None,
                              victim_ref="SYN-001", reported_on=date(2025, 1, 3)))
    with database.session() as session:
        row = session.execute(
            select(Incident.occurred_on, Incident.occurred_time, Incident.reported_on)
            .where(Incident.id == result.id)
        ).one()
    assert tuple(row) == (date(2025, 1, 2), time(14, 5), date(2025, 1, 3))


def test_case_ref_and_hate_motivated_are_saved_and_read_back(database: Database) -> None:
    result = add(database, IncidentInput(reference="A1", crime_type="asb",
                                         occurred_on="2025-02-01", case_ref="  ASB/77 ",
                                         hate_motivated="Yes"))
    blank = add(database, IncidentInput(reference="A2", crime_type="asb",
                                        occurred_on="2025-02-02", hate_motivated=False))
    with database.session() as session:
        assert session.execute(select(Incident.case_ref, Incident.hate_motivated)
                               .order_by(Incident.id)).all() == [("ASB/77", True), (None, False)]
        form = load_incident_input(session, result.id)
        assert (form.case_ref, form.hate_motivated) == ("ASB/77", True)
        assert load_incident_input(session, blank.id).hate_motivated is False


def test_an_edit_of_hate_motivated_or_case_ref_is_a_change(database: Database) -> None:
    result = add(database, IncidentInput(reference="A1", crime_type="asb",
                                         occurred_on="2025-02-01"))
    with database.session() as session:
        before = session.scalar(select(Incident.content_hash))
        form = load_incident_input(session, result.id)
        assert (form.case_ref, form.hate_motivated) == (None, None)
        form = form._replace(hate_motivated=True, case_ref="ASB/78")
        again = update_incident(session, result.id, form, today=TODAY)
    assert again.changed_fields == ("case_ref", "hate_motivated")
    with database.session() as session:
        row = session.execute(select(Incident.case_ref, Incident.hate_motivated,
                                     Incident.content_hash)).one()
        assert row[:2] == ("ASB/78", True) and row[2] != before
        form = load_incident_input(session, result.id)
        form = form._replace(hate_motivated=None, case_ref="")  # back to not recorded
        assert update_incident(session, result.id, form, today=TODAY).changed_fields == (
            "case_ref", "hate_motivated")
        assert session.scalar(select(Incident.content_hash)) == before


def test_form_errors_on_the_new_fields_name_them(database: Database) -> None:
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, IncidentInput(
            reference="A1", crime_type="asb", occurred_on="2025-02-01", case_ref="C" * 101,
            hate_motivated="sometimes"), today=TODAY)
    assert caught.value.errors == {
        "case_ref": "is longer than 100 characters",
        "hate_motivated": "'sometimes' is not Y or N (also Yes/No, True/False, 1/0)"}


def test_typed_values_are_checked_as_values_not_as_text(database: Database) -> None:
    """Dates given as date values are checked as they are: the errors quote them, keyed by
    our column, and a valid one gives the fingerprint the same row has in a file."""
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, dv("D1", date(2025, 7, 1), reported_on=date(2025, 6, 1),
                                    dob=datetime(1990, 3, 4, 10, 0)), today=TODAY)
    assert caught.value.errors == {
        "occurred_on": "'2025-07-01' is in the future",
        "reported_on": "'2025-06-01' is before occurred_on",
        "victim_dob": "'1990-03-04 10:00:00' should be a date without a time"}
    typed = add(database, dv("D1", datetime(2025, 1, 2, 14, 5), dob=date(1990, 3, 4),
                             hate_motivated=True))
    with database.session() as session:
        stored = session.scalar(select(Incident.content_hash).where(Incident.id == typed.id))
        as_text = validate_incident(session, dv("D1", "02/01/2025 14:05", dob="4/3/1990",
                                                hate_motivated="Y"), today=TODAY,
                                    incident_id=typed.id)
    assert as_text.content_hash() == stored


# Creating ------------------------------------------------------------------------------


def test_first_incident_is_not_a_repeat(database: Database) -> None:
    result = add(database, dv("D1", "2024-01-15"))
    assert result.reference == "D1" and result.crime_type is CrimeType.DV
    assert not result.is_repeat and result.previous_reference is None
    assert result.explanation == \
        "Not a repeat: no earlier DV incident for this victim within 12 months."
    assert result.subject_id is not None


@pytest.mark.parametrize(("first", "second", "repeat"), [
    ("2024-01-15", "2025-01-15", True),   # the boundary day counts
    ("2024-01-15", "2025-01-16", False),  # one day outside
    ("2023-02-28", "2024-02-29", True),   # 29 Feb 2024 - 12 months = 28 Feb 2023
    ("2023-02-27", "2024-02-29", False),
])
def test_repeat_at_the_twelve_month_boundary(database: Database, first: str, second: str,
                                             repeat: bool) -> None:
    add(database, dv("D1", first))
    result = add(database, dv("D2", second))
    first_uk = date.fromisoformat(first).strftime("%d/%m/%Y")
    assert result.is_repeat is repeat
    if repeat:
        assert result.previous_reference == "D1"
        assert result.previous_occurred_on == date.fromisoformat(first)
        assert result.explanation == (f"Repeat: the same victim's previous DV incident was on "
                                      f"{first_uk}, within 12 months.")
    else:
        assert result.previous_reference is None
        assert result.explanation == (
            "Not a repeat: no earlier DV incident for this victim within 12 months "
            f"(the previous one was on {first_uk}).")


def test_the_same_victim_written_another_way_is_linked(database: Database) -> None:
    add(database, dv("D1", "2025-01-02", forename="Zoë", surname="O'Brien"))
    result = add(database, dv("D2", "2025-02-02", forename="zoe", surname="OBRIEN"))
    assert result.is_repeat
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_an_earlier_incident_entered_later_reevaluates_the_chain(database: Database) -> None:
    add(database, dv("D3", "2025-05-01"))
    assert flags(database) == {"D3": False}
    result = add(database, dv("D2", "2025-03-01"))
    assert not result.is_repeat
    assert flags(database) == {"D2": False, "D3": True}
    assert_same_as_full_recompute(database)


def test_burglary_repeats_are_by_dwelling(database: Database) -> None:
    add(database, burglary("B1", "2025-01-05", line1="7 Quillon Terr"))
    other = add(database, burglary("B2", "2025-02-05", line1="9 Quillon Terrace"))
    same = add(database, burglary("B3", "2025-03-05", line1="7, quillon terrace",
                                  postcode="ze10aa"))
    assert not other.is_repeat
    assert other.explanation == \
        "Not a repeat: no earlier burglary incident at this dwelling within 12 months."
    assert same.is_repeat and same.previous_reference == "B1"
    assert same.explanation == ("Repeat: the same dwelling's previous burglary incident was "
                                "on 05/01/2025, within 12 months.")


def test_asb_without_a_victim_is_never_a_repeat(database: Database) -> None:
    result = add(database, IncidentInput(reference="A1", crime_type="ASB",
                                         occurred_on="2025-01-05"))
    assert result.subject_id is None and not result.is_repeat
    assert result.explanation == ("Not a repeat: the incident has no victim that can be "
                                  "linked, so it cannot be a repeat.")


def test_a_ward_is_created_when_wards_are_not_configured(database: Database) -> None:
    add(database, dv("D1", "2025-01-02", ward=" Synthetic North "))
    add(database, dv("D2", "2025-01-03", ward="synthetic north"))
    add(database, dv("D3", "2025-01-04", ward="Synthetic South"))
    with database.session() as session:
        assert session.execute(select(Ward.name, Ward.listed, Ward.position)
                               .order_by(Ward.id)).all() == [("Synthetic North", False, 0),
                                                             ("Synthetic South", False, 1)]


def test_configured_wards_are_enforced(database: Database) -> None:
    with database.session() as session:
        session.execute(insert(Ward).values(name="Synthetic North", name_key="synthetic north",
                                            position=0, listed=True))
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, dv("D1", "2025-01-02", ward="Elsewhere"), today=TODAY)
    assert caught.value.errors == {"ward": "'Elsewhere' is not one of the area's wards"}


def test_duplicate_references_are_refused(database: Database) -> None:
    add(database, dv("D1", "2025-01-02"))
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, dv("D1", "2025-02-02"), today=TODAY)
    assert caught.value.errors == {"reference": "'D1' is already used by another incident"}
    with database.session() as session:
        delete_incident(session, incident_id(database, "D1"), "entered twice")
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        create_incident(session, dv("D1", "2025-02-02"), today=TODAY)
    assert "belongs to a deleted incident" in caught.value.errors["reference"]


# Editing -------------------------------------------------------------------------------


def test_moving_an_incident_to_another_victim_reevaluates_both_chains(
    database: Database,
) -> None:
    add(database, dv("X1", "2025-01-10"))
    add(database, dv("X2", "2025-03-10"))
    bryn = dict(forename="Bryn", surname="Oakhurst", dob="1985-11-12")
    add(database, dv("Y1", "2025-02-10", **bryn))
    assert flags(database) == {"X1": False, "X2": True, "Y1": False}

    with database.session() as session:
        result = update_incident(session, incident_id(database, "X1"),
                                 dv("X1", "2025-01-10", **bryn), today=TODAY)
    assert result.changed_fields == ("victim_forename", "victim_surname", "victim_dob")
    assert not result.is_repeat
    # Alys's later incident lost its predecessor; Bryn's gained one.
    assert flags(database) == {"X1": False, "X2": False, "Y1": True}
    assert_same_as_full_recompute(database)


def test_changing_the_crime_type_reevaluates_the_old_chain(database: Database) -> None:
    add(database, IncidentInput(reference="A1", crime_type="asb", occurred_on="2025-01-10",
                                victim_ref="SYN-7"))
    add(database, IncidentInput(reference="A2", crime_type="asb", occurred_on="2025-02-10",
                                victim_ref="SYN-7"))
    assert flags(database) == {"A1": False, "A2": True}
    with database.session() as session:
        result = update_incident(session, incident_id(database, "A1"), IncidentInput(
            reference="A1", crime_type="dv", occurred_on="2025-01-10", victim_ref="SYN-7"),
            today=TODAY)
    assert result.changed_fields == ("crime_type",)
    assert flags(database) == {"A1": False, "A2": False}
    assert_same_as_full_recompute(database)


def test_changing_the_date_moves_the_incident_in_its_chain(database: Database) -> None:
    add(database, dv("D1", "2024-01-10"))
    add(database, dv("D2", "2025-03-10"))
    assert flags(database) == {"D1": False, "D2": False}
    with database.session() as session:
        result = update_incident(session, incident_id(database, "D1"),
                                 dv("D1", "2024-06-10 09:30"), today=TODAY)
    assert result.changed_fields == ("occurred_on",)
    assert flags(database) == {"D1": False, "D2": True}


def test_reference_changes_must_stay_unique(database: Database) -> None:
    add(database, dv("D1", "2025-01-10"))
    add(database, dv("D2", "2025-02-10"))
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        update_incident(session, incident_id(database, "D2"), dv("D1", "2025-02-10"),
                        today=TODAY)
    assert caught.value.errors == {"reference": "'D1' is already used by another incident"}
    with database.session() as session:
        result = update_incident(session, incident_id(database, "D2"), dv("D2-A", "2025-02-10"),
                                 today=TODAY)
    assert result.reference == "D2-A" and result.changed_fields == ("reference",)
    assert result.is_repeat and result.previous_reference == "D1"


def test_saving_an_unchanged_form_changes_nothing(database: Database) -> None:
    first = add(database, dv("D1", "2025-01-10 08:15", reported_on="2025-01-11",
                             perpetrator_forename="Mary Ann", perpetrator_surname="Quell",
                             relationship="ex-partner", source="police", ward="Synthetic North",
                             description="  kept verbatim  ", victim_gender="F"))
    asb = add(database, IncidentInput(reference="A1", crime_type="asb", occurred_on="2025-02-01",
                                      victim_forename="Carys", victim_surname="Penhallow",
                                      postcode="zz99 9zz"))
    with database.session() as session:
        stored = session.execute(select(Incident.content_hash, Incident.updated_at)
                                 .order_by(Incident.id)).all()
    events = len(audit_actions(database))
    for result in (first, asb):
        with database.session() as session:
            form = load_incident_input(session, result.id)
            again = update_incident(session, result.id, form, today=TODAY)
        assert again.changed_fields == ()
    with database.session() as session:
        assert session.execute(select(Incident.content_hash, Incident.updated_at)
                               .order_by(Incident.id)).all() == stored
    assert len(audit_actions(database)) == events


def test_an_edit_keeps_a_victim_keyed_by_postcode(database: Database) -> None:
    add(database, burglary("B1", "2025-01-05", uprn="100012345678", postcode="ZZ99 9ZZ"))
    result = add(database, IncidentInput(
        reference="A1", crime_type="asb", occurred_on="2025-02-01", victim_forename="Carys",
        victim_surname="Penhallow", uprn="100012345678", postcode="ZE1 0AA"))
    with database.session() as session:
        form = load_incident_input(session, result.id)
        assert form.postcode == "ZE1 0AA"  # the incident's, not the dwelling's stored one
        form = form._replace(description="added later")
        again = update_incident(session, result.id, form, today=TODAY)
    assert again.changed_fields == ("description",)
    assert again.subject_id == result.subject_id
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_an_edit_of_a_deleted_or_unknown_incident_is_refused(database: Database) -> None:
    result = add(database, dv("D1", "2025-01-10"))
    with database.session() as session:
        delete_incident(session, result.id, "test")
    with pytest.raises(UserError, match="is deleted: restore it"), database.session() as session:
        update_incident(session, result.id, dv("D1", "2025-01-11"), today=TODAY)
    with pytest.raises(NotFound, match="no incident with id 999"), \
            database.session() as session:
        update_incident(session, 999, dv("D1", "2025-01-11"), today=TODAY)


# Deleting and restoring ----------------------------------------------------------------


def test_delete_and_restore_reevaluate_the_chain(database: Database) -> None:
    add(database, dv("D1", "2025-01-10"))
    add(database, dv("D2", "2025-02-10"))
    add(database, dv("D3", "2025-04-10"))
    assert flags(database) == {"D1": False, "D2": True, "D3": True}
    first, second = incident_id(database, "D1"), incident_id(database, "D2")

    with database.session() as session:
        delete_incident(session, second, "  entered against the wrong victim ")
    assert flags(database) == {"D1": False, "D3": True}  # D3's predecessor is now D1
    with database.session() as session:
        delete_incident(session, first, "duplicate")
        assert explain_incident(session, first).explanation.startswith(
            "Not a repeat: the incident is deleted")
        deleted_flags = session.execute(
            select(Incident.is_repeat, Incident.previous_id).where(Incident.id == second)
        ).one()
    assert tuple(deleted_flags) == (False, None)
    assert flags(database) == {"D3": False}

    with database.session() as session:
        listed = recently_deleted(session)
    assert [(item.reference, item.deleted_reason) for item in listed] == [
        ("D1", "duplicate"), ("D2", "entered against the wrong victim")]
    assert listed[0].crime_type is CrimeType.DV and listed[0].occurred_on == date(2025, 1, 10)

    with database.session() as session:
        restored = restore_incident(session, first)
    assert not restored.is_repeat
    assert flags(database) == {"D1": False, "D3": True}
    with database.session() as session:
        restored = restore_incident(session, second)
        assert recently_deleted(session) == []
    assert restored.is_repeat and restored.previous_reference == "D1"
    assert flags(database) == {"D1": False, "D2": True, "D3": True}
    assert_same_as_full_recompute(database)


def test_delete_refusals(database: Database) -> None:
    result = add(database, dv("D1", "2025-01-10"))
    with pytest.raises(FormInvalid) as caught, database.session() as session:
        delete_incident(session, result.id, "   ")
    assert caught.value.errors == {"reason": "is required"}
    with pytest.raises(NotFound), database.session() as session:
        delete_incident(session, 999, "gone")
    with pytest.raises(UserError, match="is not deleted"), database.session() as session:
        restore_incident(session, result.id)
    with database.session() as session:
        delete_incident(session, result.id, "gone")
    with pytest.raises(UserError, match="already deleted"), database.session() as session:
        delete_incident(session, result.id, "again")
    with pytest.raises(NotFound), database.session() as session:
        restore_incident(session, 999)
    with pytest.raises(NotFound), database.session() as session:
        explain_incident(session, 999)


# The audit log -------------------------------------------------------------------------


def test_every_action_is_audited_and_the_log_is_append_only(database: Database) -> None:
    result = add(database, dv("D1", "2025-01-10"))
    assert audit_actions(database) == [("insert", "person"), ("insert", "incident")]
    with database.session() as session:
        update_incident(session, result.id, dv("D1", "2025-01-11"), today=TODAY)
        delete_incident(session, result.id, "test")
        restore_incident(session, result.id)
    assert audit_actions(database)[2:] == [
        ("update", "incident"), ("delete", "incident"), ("restore", "incident")]
    with database.session() as session:
        detail = session.execute(
            select(AuditEvent.detail, AuditEvent.entity_id).where(AuditEvent.action == "update")
        ).one()
    assert detail == ('{"fields": ["occurred_on"]}', result.id)

    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"), \
            database.session() as session:
        session.execute(update(AuditEvent).values(actor="someone else"))
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"), \
            database.session() as session:
        session.execute(text("DELETE FROM audit_events"))
    assert len(audit_actions(database)) == 5


# Cost ----------------------------------------------------------------------------------

_BIG_TABLES = ("incidents", "people", "addresses", "audit_events", "merges")


def _fill(database: Database, incidents: int) -> None:
    """Many unrelated incidents, written directly for speed."""
    now = datetime(2025, 1, 1)
    with database.session() as session:
        people = [{"key": f"ref:filler-{n}", "reference": f"filler-{n}", "created_at": now}
                  for n in range(incidents // 4)]
        session.execute(insert(Person), people)
        first = session.scalar(select(func.min(Person.id)))
        assert first is not None
        session.execute(insert(Incident), [{
            "reference": f"FILL-{n}", "crime_type": ("asb", "dv")[n % 2],
            "occurred_on": date(2020 + n % 5, 1 + n % 12, 1 + n % 28),
            "victim_id": first + n % len(people), "subject_id": first + n % len(people),
            "is_repeat": False, "content_hash": "x", "created_at": now, "updated_at": now,
        } for n in range(incidents)])
        recompute_all(session)


@contextmanager
def _statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                 executemany: bool) -> None:
        seen.append((statement, parameters[0] if executemany and parameters else parameters))

    event.listen(database.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", listener)


def _full_scans(session: Session, statements: list[tuple[str, Any]]) -> list[str]:
    """Query-plan steps that read a whole large table (SQLite's EXPLAIN QUERY PLAN).

    Single-row INSERTs are left out: their plans list the foreign-key look-ups SQLite would
    make for deferred constraints (e.g. incidents by ward, which has no index), which it skips
    for the immediate constraints this schema uses.
    """
    found = []
    for statement, parameters in statements:
        if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            continue
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                    parameters or ()).all()
        for row in plan:
            detail = str(row[-1])
            if detail.startswith("SCAN") and detail.split()[1] in _BIG_TABLES:
                found.append(f"{detail}: {statement.split()[0]}")
    return found


def _count_create(database: Database) -> tuple[int, list[str]]:
    add(database, dv("MINE-1", "2025-01-10"))
    add(database, dv("MINE-2", "2025-03-10"))
    with _statements(database) as seen, database.session() as session:
        result = create_incident(session, dv("MINE-3", "2025-02-10", victim_gender="F",
                                             address_line1="1 Synthetic Row",
                                             postcode="ZZ99 9ZZ", ward="Synthetic North",
                                             perpetrator_forename="Emrys",
                                             perpetrator_surname="Vane",
                                             perpetrator_dob="1980-01-01"), today=TODAY)
        assert result.is_repeat and result.previous_reference == "MINE-1"
    with database.session() as session:
        scans = _full_scans(session, seen)
    return len(seen), scans


@pytest.mark.parametrize("size", [0, 20_000])
def test_create_issues_a_bounded_number_of_indexed_statements(database: Database,
                                                              size: int) -> None:
    if size:
        _fill(database, size)
    count, scans = _count_create(database)
    # BEGIN; wards; reference; new ward; victim and perpetrator look-ups; new perpetrator
    # and its audit; address look-up, new address and its audit; the incident and its
    # audit; rules; the one chain; its flag update; the result; its previous incident; and
    # for each of the three audit events, the end of the audit chain it links to (by key).
    # The same whatever the size of the database.
    assert count == 21
    assert scans == []
    assert flags(database)["MINE-2"] is True
    assert_same_as_full_recompute(database)


def test_edits_and_deletes_read_no_whole_table(database: Database) -> None:
    _fill(database, 2000)
    add(database, dv("MINE-1", "2025-01-10"))
    result = add(database, dv("MINE-2", "2025-03-10"))
    with _statements(database) as seen, database.session() as session:
        update_incident(session, result.id, dv("MINE-2", "2025-03-11", forename="Bryn"),
                        today=TODAY)
        delete_incident(session, result.id, "test")
        restore_incident(session, result.id)
        explain_incident(session, result.id)
    with database.session() as session:
        assert _full_scans(session, seen) == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Address)) == 0


def test_merges_read_no_whole_table(database: Database) -> None:
    _fill(database, 2000)
    first = add(database, dv("MINE-1", "2025-01-10", dob=None, postcode="ZZ99 9ZZ"))
    add(database, dv("MINE-2", "2025-03-10", dob=None, postcode="ZE1 0AA"))
    with database.session() as session:
        kept, merged = session.execute(
            select(Incident.victim_id).where(Incident.reference.in_(["MINE-1", "MINE-2"]))
            .order_by(Incident.reference)
        ).scalars().all()
    assert kept is not None and merged is not None
    with _statements(database) as seen, database.session() as session:
        result = merge_people(session, kept, merged)
        assert explain_incident(session, first.id).subject_id == kept
        unmerge(session, result.merge_id)
    with database.session() as session:
        assert _full_scans(session, seen) == []
    assert_same_as_full_recompute(database)
