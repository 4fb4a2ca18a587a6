"""The MARAC import streams in batches (issue 18): cut into small batches, a file gives what
it gives in one, row for row, link for link and event for event; nothing waits for the end of
the file; problems are kept up to a cap and counted exactly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scs_victims.audit import GENESIS_HASH, event_hash, record, record_all
from scs_victims.audit_trail import verify_chain
from scs_victims.errors import FileRefused
from scs_victims.marac import importing
from scs_victims.marac.importing import import_referrals
from scs_victims.marac.safelives_return import compute_return, return_csv_text
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import AuditEvent, MaracPerpetrator, MaracReferral, Person
from tests.test_marac_rules import TODAY, referral, write_csv

TABLES = {
    "people": "id, key, reference, forename, surname, date_of_birth, gender, ethnicity, "
              "merged_into_id, import_id",
    "marac_referrals": "id, reference, referral_date, victim_id, victim_gender, "
                       "victim_ethnicity, victim_lgbt, victim_disabled, relationship, "
                       "children_count, withhold_address, dash_score, professional_judgement, "
                       "potential_escalation, idva, notes, content_hash, import_id, "
                       "incident_date, dash_version",
    "marac_perpetrators": "id, referral_id, person_id, forename, surname, position",
    "marac_referral_agencies": "referral_id, agency",
    "marac_meetings": "id, meeting_date, venue, chair",
    "marac_meeting_cases": "id, meeting_id, referral_id",
    # Everything but the time: each event as written, in the chain's order.
    "audit_events": "id, actor, action, entity, entity_id, last_entity_id, detail",
}


@pytest.fixture
def batches_of(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def cut(rows: int) -> None:
        monkeypatch.setattr(importing, "BATCH_ROWS", rows)
    yield cut


def contents(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.session() as session:
        connection = session.connection()
        return {table: [tuple(row) for row in connection.exec_driver_sql(
                    f"SELECT {columns} FROM {table} ORDER BY {columns}")]  # noqa: S608
                for table, columns in TABLES.items()}


def the_return(database: Database) -> str:
    with database.session() as session:
        return return_csv_text(compute_return(session, date(2024, 4, 1), date(2025, 3, 31)))


def intact(database: Database) -> int:
    with database.session() as session:
        result = verify_chain(session)
    assert result.broken is None
    return result.events


def test_small_batches_give_what_one_batch_gives(shared_data: Path, tmp_path: Path,
                                                 database: Database, batches_of: Any) -> None:
    medium = shared_data / "marac-referrals-medium.csv"
    assert import_referrals(database, medium, today=TODAY).imported == 600  # one batch
    batches_of(7)
    cut = open_database(tmp_path / "cut.db")
    try:
        assert import_referrals(cut, medium, today=TODAY).imported == 600
        assert contents(cut) == contents(database)
        assert the_return(cut) == the_return(database)
        assert intact(cut) == intact(database) > 1200  # a referral, a case, people, meetings
    finally:
        cut.close()


def test_duplicates_conflicts_and_dates_of_birth_across_batches(
        database: Database, tmp_path: Path, batches_of: Any) -> None:
    batches_of(2)
    victim = {"victim_ref": "V1", "victim_forename": "Ann", "victim_surname": "Lee"}
    import_referrals(database, write_csv(tmp_path / "first.csv", [
        referral("OLD", "2024-01-10", **victim, victim_dob="")]), today=TODAY)
    summary = import_referrals(database, write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10", **victim, victim_dob=""),          # batch 1
        referral("B", "2024-05-11", victim_forename="Bea"),
        referral("C", "2024-05-12", **victim, victim_dob="1990-01-01"),  # batch 2: fills
        referral("A", "2024-05-10", **victim, victim_dob=""),          # twice in the file
        referral("OLD", "2024-01-10", **victim, victim_dob="", dash_score="3"),  # batch 3
        referral("D", "2024-05-13", **victim, victim_dob="1991-02-02"),  # filled already
    ]), today=TODAY, skip_invalid=True)
    assert (summary.imported, summary.rejected, summary.conflicts) == (4, 2, 1)
    assert [str(error) for error in summary.errors] == [
        "row 5: referral_ref: 'A' appears on row 2 of this file already",
        "row 6: referral_ref: 'OLD' is already in the database with different details (a "
        "conflict): correct the file or edit the referral in the app"]
    with database.session() as session:
        assert session.scalar(select(Person.date_of_birth).where(Person.key == "ref:v1")) \
            == date(1990, 1, 1)
        updates = session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "update", AuditEvent.entity == "person")).all()
        victims = set(session.scalars(select(MaracReferral.victim_id).where(
            MaracReferral.reference.in_(["OLD", "A", "C", "D"]))))
        per_referral = session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.entity == "marac_referral")).all()
    assert updates == ['{"date_of_birth": "1990-01-01"}']
    assert len(victims) == 1
    assert len(per_referral) == len(set(per_referral)) == 5
    intact(database)


@pytest.mark.parametrize("batch", [1, 1000])
def test_a_perpetrator_named_only_by_name_is_found_in_earlier_rows(
        database: Database, tmp_path: Path, batches_of: Any, batch: int) -> None:
    """The person of that name in the victim's cases: on the latest referral, and on a day
    with two of them the one recorded first (CHOICE: the one-by-one import left this to the
    order its query returned rows in)."""
    batches_of(batch)
    import_referrals(database, write_csv(tmp_path / "r.csv", [
        referral("A", "2024-05-10", perpetrator_dob="1970-01-01", victim_forename="Cy"),
        referral("B", "2024-05-10", perpetrator_dob="1988-01-01"),
        referral("C", "2024-05-10", perpetrator_dob="1970-01-01"),
        referral("D", "2024-05-12", perpetrator_dob=""),
        referral("E", "2024-05-13", perpetrator_dob="", perpetrator_forename="Bobby"),
    ]), today=TODAY)
    with database.session() as session:
        linked = {reference: born for reference, born in session.execute(
            select(MaracReferral.reference, Person.date_of_birth)
            .join(MaracPerpetrator, MaracPerpetrator.referral_id == MaracReferral.id)
            .outerjoin(Person, Person.id == MaracPerpetrator.person_id))}
    # The 1970 Bob Lee was created first (for another victim's referral A): the earlier
    # referral of the day counts, not the earlier person.
    assert linked == {"A": date(1970, 1, 1), "B": date(1988, 1, 1), "C": date(1970, 1, 1),
                      "D": date(1988, 1, 1), "E": None}


def test_rows_are_written_as_they_are_read(database: Database, tmp_path: Path,
                                           batches_of: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    batches_of(2)
    path = write_csv(tmp_path / "r.csv", [referral(f"R{number}", "2024-05-10")
                                          for number in range(7)])
    read_at_flush: list[int] = []
    flush = importing._Run._flush

    def watched(run: Any, batch: Any) -> None:
        read_at_flush.append(run.summary.rows_read)
        flush(run, batch)

    monkeypatch.setattr(importing._Run, "_flush", watched)
    reported: list[tuple[int, int]] = []
    import_referrals(database, path, today=TODAY,
                     progress=lambda done, total: reported.append((done, total)))
    assert read_at_flush == [2, 4, 6, 7]
    size = path.stat().st_size
    assert {total for _, total in reported} == {size}  # progress is in bytes of the file
    assert reported[0][0] == 0 and reported[-1][0] == size
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)


def test_problems_are_kept_up_to_a_cap_and_counted_exactly(
        database: Database, tmp_path: Path, batches_of: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    batches_of(3)
    monkeypatch.setattr(importing, "MAX_KEPT_ERRORS", 4)
    path = write_csv(tmp_path / "r.csv", [referral(f"R{number}", "not a date")
                                          for number in range(10)])
    with pytest.raises(FileRefused) as refused:
        import_referrals(database, path, today=TODAY)
    assert refused.value.total == 10
    assert [error.row for error in refused.value.errors] == [2, 3, 4, 5]
    assert "10 problems found" in str(refused.value)
    summary = import_referrals(database, path, today=TODAY, skip_invalid=True)
    assert (summary.rejected, summary.error_count, len(summary.errors)) == (10, 10, 4)
    assert summary.rejects_path is not None
    assert len(summary.rejects_path.read_text(encoding="utf-8-sig").splitlines()) == 11


def test_events_appended_together_are_chained_as_one_by_one(database: Database) -> None:
    with database.session() as session:
        record(session, "view", "person", 1)
        record_all(session.connection(), [
            ("insert", "person", 2, None),
            ("update", "person", 2, {"date_of_birth": date(1990, 1, 1)}),
        ])
        record_all(session.connection(), [])
        record(session, "view", "person", 3)
    assert intact(database) == 4
    with database.session() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        prev = GENESIS_HASH
        for event in events:
            assert isinstance(event.at, datetime)
            assert event.prev_hash == prev
            assert event.hash == event_hash(prev, event.id, event.at, event.actor,
                                            event.account_id, event.os_login, event.action,
                                            event.entity, event.entity_id,
                                            event.last_entity_id, event.detail)
            prev = event.hash
        assert [event.detail for event in events] == [
            None, None, '{"date_of_birth": "1990-01-01"}', None]
