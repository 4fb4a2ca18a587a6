"""Importing MARAC referrals: whole file or nothing, row errors, idempotence, conflicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scs_victims.errors import FileRefused
from scs_victims.importing.incidents import import_incidents
from scs_victims.marac.dash import CURRENT_VERSION, available_versions, load_questions
from scs_victims.marac.importing import import_referrals
from scs_victims.marac.rows import REFERRAL_COLUMNS, dash_questions
from scs_victims.storage.database import Database
from scs_victims.storage.models import (
    AuditEvent,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)
from tests.test_marac_rules import TODAY, referral, write_csv


def count(database: Database, model: type[object]) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def test_an_invalid_row_refuses_the_whole_file_and_lists_every_problem(
        database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10"),
        referral("B", "31/02/2024", referring_agency="Police;Fire service", dash_score="25"),
        referral("C", "2024-05-10", victim_ethnicity="Martian", victim_lgbt="maybe",
                 relationship="neighbour"),
        referral("D", "2024-05-10", victim_dob="", victim_ref=""),
        referral("E", "2024-05-10", perpetrator_forename="", perpetrator_surname="",
                 perpetrator_dob="", children_count="two"),
        referral("F", "2024-05-10", referring_agency="Police;IDVA;Housing",
                 meeting="2024-05-01"),
        referral("G", "2027-01-01", victim_gender="x"),
    ])
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, path, today=TODAY)
    messages = [str(error) for error in refused.value.errors]
    assert messages == [
        "row 3: referral_date: '31/02/2024' is not a date",
        "row 3: referring_agency: 'Fire service' is not one of the SafeLives referral sources "
        "(Police, IDVA, Children's Social Care, ... Housing, Other)",
        "row 3: dash_score: '25' is not a whole number from 0 to 24",
        "row 4: victim_ethnicity: 'Martian' is not an ONS 2021 ethnic group or category "
        "(such as 'Asian: Indian' or 'White')",
        "row 4: victim_lgbt: 'maybe' is not Y or N (also Yes/No, True/False, 1/0)",
        "row 4: relationship: 'neighbour' is not one of partner, ex-partner, family, other",
        "row 5: victim_ref: the victim cannot be identified: give victim_ref, or "
        "victim_forename and victim_surname with victim_dob",
        "row 6: perpetrator_surname: a referral needs a perpetrator: give perpetrator_ref or "
        "the perpetrator's name",
        "row 6: children_count: 'two' is not a whole number from 0 to 99",
        "row 7: meeting_date: '2024-05-01' is before the referral date",
        "row 7: referring_agency: names 3 sources; give one or two, separated by ';'",
        "row 8: referral_date: '2027-01-01' is in the future",
        "row 8: victim_gender: 'x' is not one of female, male, other, unknown (or F, M)",
    ]
    for model in (MaracReferral, Person, MaracMeeting, AuditEvent):
        assert count(database, model) == 0


def test_a_missing_required_column_refuses_the_file(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("referral_ref,victim_ref\nA,V1\n", encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, path, today=TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "row 1: referral_date: required column is missing"]


def test_skip_invalid_imports_the_valid_rows_and_writes_the_rejects(
        database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [referral("A", "2024-05-10"),
                                          referral("B", "not a date")])
    summary = import_referrals(database, path, skip_invalid=True, today=TODAY)
    assert (summary.imported, summary.rejected) == (1, 1)
    assert summary.rejects_path == tmp_path / "r-rejects.csv"
    rejects = summary.rejects_path.read_text(encoding="utf-8-sig").splitlines()
    assert rejects[0].endswith(",error")
    assert rejects[1].startswith("B,not a date,")
    assert rejects[1].endswith("referral_date: 'not a date' is not a date")


def test_importing_the_same_file_twice_changes_nothing(database: Database,
                                                       tmp_path: Path) -> None:
    rows = [referral("A", "2024-05-10"), referral("B", "10/06/2024", victim_lgbt="Yes")]
    import_referrals(database, write_csv(tmp_path / "r.csv", rows), today=TODAY)
    people, events = count(database, Person), count(database, AuditEvent)
    # The same meaning written another way (UK date, other Y/N spelling) is unchanged too.
    rows[1] = referral("B", "2024-06-10", victim_lgbt="true")
    summary = import_referrals(database, write_csv(tmp_path / "again.csv", rows), today=TODAY)
    assert (summary.imported, summary.unchanged, summary.rejected) == (0, 2, 0)
    assert count(database, MaracReferral) == 2
    assert count(database, Person) == people
    assert count(database, AuditEvent) == events + 1  # the import itself


def test_a_reference_with_other_details_is_a_conflict(database: Database,
                                                      tmp_path: Path) -> None:
    import_referrals(database, write_csv(tmp_path / "r.csv", [referral("A", "2024-05-10")]),
                     today=TODAY)
    changed = write_csv(tmp_path / "changed.csv", [referral("A", "2024-05-10", dash_score="9")])
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, changed, today=TODAY)
    assert str(refused.value.errors[0]).startswith(
        "row 2: referral_ref: 'A' is already in the database with different details")


def test_a_reference_twice_in_one_file_is_an_error_on_the_second_row(
        database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [referral("A", "2024-05-10"),
                                          referral("A", "2024-05-10")])
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, path, today=TODAY)
    assert [str(e) for e in refused.value.errors] == [
        "row 3: referral_ref: 'A' appears on row 2 of this file already"]


def test_people_meetings_agencies_and_audit_are_written(database: Database,
                                                        tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10", meeting="2024-05-15", referring_agency="Police;IDVA",
                 victim_forename="Zoë", victim_surname="O'Neil"),
        referral("B", "2024-05-11", meeting="2024-05-15", victim_forename="ZOE",
                 victim_surname="oneil", perpetrator_dob="", perpetrator_forename="bob",
                 perpetrator_surname="LEE"),
    ])
    import_referrals(database, path, today=TODAY)
    with database.session() as session:
        victims = set(session.scalars(select(MaracReferral.victim_id)))
        assert len(victims) == 1  # one person key for both spellings
        perpetrators = list(session.execute(select(MaracPerpetrator.person_id,
                                                   MaracPerpetrator.surname)))
        # The name-only perpetrator is the person of that name in the victim's cases.
        assert perpetrators[0][0] == perpetrators[1][0] is not None
        assert perpetrators[1][1] == "LEE"
        assert session.scalar(select(func.count()).select_from(MaracMeeting)) == 1
        assert session.scalar(select(func.count()).select_from(MaracMeetingCase)) == 2
        assert sorted(session.scalars(select(MaracReferralAgency.agency))) == [
            "idva", "police", "police"]
        entities = sorted(session.scalars(select(AuditEvent.entity)))
    assert entities.count("marac_referral") == 2
    assert entities.count("marac_meeting") == 1
    assert "import_run" in entities


def test_a_windows_1252_file_is_read(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("referral_ref,referral_date,victim_ref,victim_forename,victim_surname,"
                     "perpetrator_ref,referring_agency\r\nA,2024-05-10,V1,Zoë,Brontë,P1,"
                     "Police\r\n".encode("cp1252"))
    summary = import_referrals(database, path, today=TODAY)
    assert summary.encoding == "Windows-1252"
    with database.session() as session:
        assert session.scalar(select(Person.surname).where(Person.key == "ref:v1")) == "Brontë"


def test_potential_escalation_comes_from_the_incident_store(database: Database,
                                                            tmp_path: Path) -> None:
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(
        "reference,crime_type,occurred_on,victim_forename,victim_surname,victim_dob\n"
        "I1,DV,2023-05-10,Ann,Lee,1990-01-01\nI2,DV,2023-11-01,Ann,Lee,1990-01-01\n"
        "I3,DV,2024-05-10,Ann,Lee,1990-01-01\n", encoding="utf-8")
    import_incidents(database, incidents, today=TODAY)
    import_referrals(database, write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10"),  # three DV incidents within 12 months up to the day
        referral("B", "2024-05-11", victim_forename="Dee"),
        referral("C", "2024-05-09"),  # the third had not happened yet
    ]), today=TODAY)
    with database.session() as session:
        flags = dict(session.execute(select(MaracReferral.reference,
                                            MaracReferral.potential_escalation)).all())
    assert flags == {"A": True, "B": False, "C": False}


def test_the_dates_in_the_fixture_spellings_are_accepted(database: Database,
                                                         tmp_path: Path) -> None:
    summary = import_referrals(database, write_csv(tmp_path / "r.csv", [
        referral("A", "10/5/2024", victim_dob="01/01/1990", professional_judgement="Y",
                 victim_disabled="1", victim_ethnicity="asian"),
    ]), today=TODAY)
    assert summary.imported == 1
    with database.session() as session:
        stored = session.scalars(select(MaracReferral)).one()
    assert stored.referral_date == date(2024, 5, 10)
    assert (stored.professional_judgement, stored.victim_disabled) == (True, True)
    assert stored.victim_ethnicity == "Asian"


# --- incident_date and dash_version (added after referral files were already imported) -----

DASH_SET = "safelives-dash-ric-2009-paraphrase-1"
# What an import made before incident_date and dash_version existed stored for these rows.
OLD_CONTENT_HASHES = {"OLD-1": "266634702a1d182551228795206274867fff2d98",
                      "OLD-2": "2efed3ddfd21ff93dbeb1378b33ca6af30af1059"}
OLD_COLUMNS = [name for name in REFERRAL_COLUMNS if name not in ("incident_date",
                                                                  "dash_version")]


def stored(database: Database) -> dict[str, tuple[object, ...]]:
    with database.session() as session:
        return {row.reference: (row.incident_date, row.dash_version, row.content_hash)
                for row in session.scalars(select(MaracReferral))}


def test_a_referrals_file_imported_before_the_new_columns_reimports_unchanged(
        database: Database, tmp_path: Path) -> None:
    rows = [referral("OLD-1", "2024-05-10"),
            referral("OLD-2", "2024-06-11", victim_lgbt="Y", dash_score="")]
    old_file = write_csv(tmp_path / "old.csv", rows, fieldnames=OLD_COLUMNS)
    import_referrals(database, old_file, today=TODAY)
    assert stored(database) == {reference: (None, None, content_hash)
                                for reference, content_hash in OLD_CONTENT_HASHES.items()}
    for path in (old_file, write_csv(tmp_path / "blank-new-columns.csv", rows)):
        summary = import_referrals(database, path, today=TODAY)
        assert (summary.imported, summary.unchanged, summary.rejected) == (0, 2, 0)
    # CHOICE (README): a row that now says more than was stored is a conflict.
    summary = import_referrals(database, write_csv(tmp_path / "more.csv", [
        rows[0], {**rows[1], "dash_version": DASH_SET}]), today=TODAY, skip_invalid=True)
    assert (summary.unchanged, summary.conflicts) == (1, 1)


def test_incident_date_and_dash_version_are_imported(database: Database,
                                                     tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10", incident_date="08/05/2024", dash_version=DASH_SET.upper(),
                 dash_score="24"),
        referral("B", "2024-05-10", incident_date="2024-05-10", dash_version=" "),
        referral("C", "2024-05-10")])
    summary = import_referrals(database, path, today=TODAY)
    assert summary.imported == 3
    found = stored(database)
    assert {reference: values[:2] for reference, values in found.items()} == {
        "A": (date(2024, 5, 8), DASH_SET), "B": (date(2024, 5, 10), None), "C": (None, None)}
    assert len({values[2] for values in found.values()}) == 3
    again = import_referrals(database, path, today=TODAY)
    assert (again.imported, again.unchanged) == (0, 3)


def test_incident_date_and_dash_version_are_checked(database: Database,
                                                    tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10", incident_date="11/05/2024"),
        referral("B", "2025-12-31", incident_date="2026-01-02", meeting="2026-01-05"),
        referral("C", "2024-05-10", incident_date="31/02/2024"),
        referral("D", "2024-05-10", dash_version="dash-2099", dash_score="30"),
        referral("E", "2024-05-10", dash_version=DASH_SET, dash_score="25"),
    ])
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, path, today=TODAY)
    assert [str(error) for error in refused.value.errors] == [
        "row 2: incident_date: '11/05/2024' is after the referral date",
        "row 3: incident_date: '2026-01-02' is in the future",
        "row 4: incident_date: '31/02/2024' is not a date",
        "row 5: dash_version: 'dash-2099' is not a DASH question set this application has "
        f"({DASH_SET})",
        "row 5: dash_score: '30' is not a whole number from 0 to 24",
        "row 6: dash_score: '25' is not a whole number from 0 to 24",
    ]
    assert count(database, MaracReferral) == 0


def test_the_highest_dash_score_is_the_number_of_questions_of_its_set() -> None:
    for version in available_versions():
        assert dash_questions(version) == len(load_questions(version).questions)
    assert dash_questions(None) == len(load_questions(CURRENT_VERSION).questions) == 24
