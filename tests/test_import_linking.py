"""How an import links rows to people and addresses: key slots on the checking side, linked
records on the writing side (scs_victims.importing.key_slots, linked_records).

Whatever the slot limit, the batch sizes or what the database already holds, the stored
result must be exactly what linking each row by its key, one at a time, would give.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from scs_victims.importing import incidents as incidents_module
from scs_victims.importing import key_slots, pipeline
from scs_victims.importing.incidents import checker_encodings
from scs_victims.importing.key_slots import FirstSightings, KeySlots
from scs_victims.importing.wards import load_wards
from scs_victims.services.people import merge_people
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import Address, Incident, Person, table_of
from tests.test_import_incidents import TODAY, dv, run, write_csv


@pytest.fixture
def database_factory(tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """Fresh migrated databases, as many as a test needs."""
    opened: list[Database] = []

    def new_database() -> Database:
        opened.append(open_database(tmp_path / f"linking-{len(opened)}.db"))
        return opened[-1]

    yield new_database
    for database in opened:
        database.close()


@given(st.lists(st.text(max_size=12), max_size=300))
def test_first_sightings_never_call_a_key_new_twice(keys: list[str]) -> None:
    sightings = FirstSightings(bits=64)  # tiny, so that false "maybe seen" answers are common
    noted: set[str] = set()
    for key in keys:
        new = sightings.add(key)
        if key in noted:
            assert not new
        noted.add(key)


def test_first_sightings_size_must_be_a_power_of_two() -> None:
    with pytest.raises(ValueError):
        FirstSightings(bits=100)


def test_key_slots_send_the_details_once_per_epoch() -> None:
    slots = KeySlots(limit=2)
    assert slots.ref("a", ("a", 1)) == 0
    assert slots.ref("a", ("a", 1)) == 0
    assert slots.take_sent() == [(0, True, "a", 1)]
    assert slots.ref("b", ("b", 2)) == 1
    assert slots.ref("a", ("a", 1)) == 0
    assert slots.take_sent() == [(1, True, "b", 2)]
    assert slots.take_sent() == []
    assert slots.full()
    slots.forget()
    # A new epoch: the details travel again, and the file has named "a" before.
    assert slots.ref("a", ("a", 1)) == 0
    assert slots.take_sent() == [(0, False, "a", 1)]
    assert not slots.full()


def _content(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """What an import stored, without the moment it ran: incidents with their people and
    address by key (so ids given in another order still compare), people and addresses."""
    people = table_of(Person)
    addresses = table_of(Address)
    incidents = table_of(Incident)
    with database.session() as session:
        key_of_person = dict(session.execute(select(people.c.id, people.c.key)).all())
        key_of_address = dict(session.execute(select(addresses.c.id, addresses.c.key)).all())
        reference_of = dict(session.execute(select(incidents.c.id, incidents.c.reference)).all())
        rows = []
        for row in session.execute(select(incidents).order_by(incidents.c.reference)).mappings():
            subjects = key_of_address if row["crime_type"] == "burglary" else key_of_person
            rows.append((
                row["reference"], row["crime_type"], row["occurred_on"], row["occurred_time"],
                row["reported_on"], row["source"], row["description"], row["perpetrator_name"],
                row["relationship"], row["ward_id"], row["content_hash"], row["is_repeat"],
                key_of_person.get(row["victim_id"]), key_of_person.get(row["perpetrator_id"]),
                key_of_address.get(row["address_id"]), subjects.get(row["subject_id"]),
                reference_of.get(row["previous_id"]),
            ))
        person_rows = sorted(tuple(row[1:]) for row in session.execute(
            select(people.c.id, people.c.key, people.c.reference, people.c.forename,
                   people.c.surname, people.c.date_of_birth, people.c.gender,
                   people.c.merged_into_id)))
        address_rows = sorted(tuple(row) for row in session.execute(
            select(addresses.c.key, addresses.c.uprn, addresses.c.line1, addresses.c.line2,
                   addresses.c.town, addresses.c.postcode, addresses.c.ward_id)))
    return {"incidents": rows, "people": person_rows, "addresses": address_rows}


def _import_medium(database: Database, shared_data: Path) -> None:
    load_wards(database, shared_data / "wards.csv")
    run(database, shared_data / "incidents-medium.csv", parallel=False)


def test_forgetting_slots_part_way_stores_exactly_the_same(
        database_factory: Callable[[], Database], shared_data: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reference = database_factory()
    _import_medium(reference, shared_data)
    expected = _content(reference)

    # Epochs of three people or addresses and batches of two rows: nearly every record is
    # sent again, found again, and linked across many epochs.
    monkeypatch.setattr(key_slots, "SLOT_LIMIT", 3)
    monkeypatch.setattr(pipeline, "BATCH_ITEMS", 2)
    monkeypatch.setattr(incidents_module, "BATCH_ROWS", 3)
    small_epochs = database_factory()
    _import_medium(small_epochs, shared_data)
    assert _content(small_epochs) == expected


def test_an_import_links_to_people_already_stored_and_counts_merged_ones_as_their_root(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(key_slots, "SLOT_LIMIT", 1)
    monkeypatch.setattr(pipeline, "BATCH_ITEMS", 1)
    # Two people keyed apart (a date of birth and a reference), then merged by a user.
    run(database, write_csv(tmp_path / "first.csv", [
        dv("L-1"), dv("L-2", victim_ref="V-9", victim_dob="", occurred_on="2024-07-01")]),
        parallel=False)
    with database.session() as session:
        kept = session.scalars(select(Person.id).where(Person.key.like("name:%"))).one()
        merged = session.scalars(select(Person.id).where(Person.key == "ref:v-9")).one()
        merge_people(session, kept, merged)
    summary = run(database, write_csv(tmp_path / "second.csv", [
        dv("L-3", victim_ref="V-9", victim_dob="", occurred_on="2024-08-01"),
        dv("L-4", occurred_on="2024-09-01"),
        dv("L-5", victim_forename="Newa", victim_surname="Personne", occurred_on="2024-10-01"),
    ]), parallel=False, today=TODAY)
    assert summary.imported == 3
    with database.session() as session:
        stored = {reference: (victim, subject, repeat) for reference, victim, subject, repeat
                  in session.execute(select(Incident.reference, Incident.victim_id,
                                            Incident.subject_id, Incident.is_repeat))}
        newcomer = session.scalars(select(Person.id).where(Person.key.like("name:newa%"))).one()
        assert session.query(Person).count() == 3
    # The merged person's new incident keeps its own victim and counts for the root.
    assert stored["L-3"] == (merged, kept, True)
    assert stored["L-4"] == (kept, kept, True)
    assert stored["L-5"] == (newcomer, newcomer, False)


class _RecordingSender:
    """Stands in for the pipe's sending end, reading each message back as the writer does."""

    def __init__(self) -> None:
        self.messages: list[tuple[Any, ...]] = []
        self.closed = False

    def send_bytes(self, data: bytes) -> None:
        self.messages.append(pipeline.decoded_message(data))

    def close(self) -> None:
        self.closed = True


def test_the_parsing_process_sends_every_row_while_collecting_by_hand(
        shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its collector runs every few batches instead of automatically; what it sends is the
    same, and the collector is on again when it ends."""
    import gc
    from datetime import date

    monkeypatch.setattr(pipeline, "BATCH_ITEMS", 3)
    monkeypatch.setattr(pipeline, "COLLECT_EVERY_BATCHES", 2)
    config = pipeline.CheckerConfig(path=shared_data / "incidents-small.csv",
                                    encoding="utf-8-sig", today=date(2026, 1, 1),
                                    wards_configured=False, ward_keys=frozenset(),
                                    keep_raw=False,
                                    encodings=checker_encodings(sqlite.dialect()))
    expected = [("batch", *batch) for batch in pipeline._batches(config)]
    sender = _RecordingSender()
    pipeline._parse_in_worker(config, sender)  # type: ignore[arg-type]
    assert sender.messages == [*expected, ("done",)]
    assert len(expected) > 4 and sender.closed and gc.isenabled()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_the_pipe_from_the_parsing_process_holds_several_batches() -> None:
    import fcntl
    import multiprocessing

    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    if limit < pipeline.PIPE_BYTES:
        pytest.skip(f"this system allows pipes of {limit} bytes at most")
    receiver, sender = multiprocessing.get_context("spawn").Pipe(duplex=False)
    try:
        before = fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ)
        pipeline.widen_pipe(receiver)
        assert before < pipeline.PIPE_BYTES == fcntl.fcntl(receiver.fileno(),
                                                           fcntl.F_GETPIPE_SZ)
    finally:
        receiver.close()
        sender.close()


def test_hand_collection_collects_every_few_batches_and_restores_the_collector(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    monkeypatch.setattr(pipeline, "COLLECT_EVERY_BATCHES", 2)
    monkeypatch.setattr(pipeline, "FULL_COLLECTION_EVERY", 3)
    generations: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(heard)
    try:
        with pipeline.HandCollection() as collection:
            assert not gc.isenabled()
            for _ in range(13):
                collection.batch_done()
        assert gc.isenabled()
        # A pass every second batch: the young generations, and everything every third pass.
        assert generations == [1, 1, 2, 1, 1, 2]
        gc.disable()
        try:
            with pipeline.HandCollection():
                pass
            assert not gc.isenabled(), "a collector that was off stays off"
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(heard)


def test_hand_collection_frees_reference_cycles_that_outlive_a_young_pass(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cycle still alive at a young pass moves to the oldest generation; once it is
    garbage, the next full pass frees it, while the import still runs."""
    import weakref

    class Node:
        partner: Node | None = None

    monkeypatch.setattr(pipeline, "COLLECT_EVERY_BATCHES", 1)
    monkeypatch.setattr(pipeline, "FULL_COLLECTION_EVERY", 4)
    with pipeline.HandCollection() as collection:
        first, second = Node(), Node()
        first.partner, second.partner = second, first
        alive = weakref.ref(first)
        collection.batch_done()  # a young pass: the cycle is in use, and survives
        del first, second
        collection.batch_done()
        collection.batch_done()
        assert alive() is not None, "young passes leave older garbage for the full one"
        collection.batch_done()  # the fourth pass goes through everything
        assert alive() is None


def test_an_import_leaves_the_collector_on(database: Database, shared_data: Path) -> None:
    import gc

    load_wards(database, shared_data / "wards.csv")
    run(database, shared_data / "incidents-small.csv", parallel=False)
    assert gc.isenabled()
