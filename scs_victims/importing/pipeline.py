"""Reading and checking incident rows, in this process or in a parsing process beside it.

Checking a row costs about as much as writing it, so for large files the rows are read and
checked in a second process while this one writes: on two cores that nearly halves the time.
Batches cross a pipe, whose small buffer makes the parser wait for the writer, so memory stays
flat. If the writer dies (even by SIGKILL) the pipe breaks and the parser stops with it.
"""

from __future__ import annotations

import gc
import logging
import marshal
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

from scs_victims.errors import Bug, FileRefused, RowError
from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incident_rows import (
    INCIDENT_COLUMNS,
    REQUIRED_COLUMNS,
    ParsedIncident,
    RowChecker,
)
from scs_victims.importing.key_slots import FirstSightings, KeySlots
from scs_victims.importing.mapping import ColumnMapping
from scs_victims.importing.profile import Profile
from scs_victims.importing.value_encoding import ValueEncodings, conversions, converted

log = logging.getLogger(__name__)

BATCH_ITEMS = 1000
QUEUED_BATCHES = 8
COLLECT_EVERY_BATCHES = 100
# Every this many passes goes through everything; the others through the young generations.
FULL_COLLECTION_EVERY = 10
# Below this size the cost of starting a process is not worth paying.
PARALLEL_MIN_BYTES = 8 * 2**20


# Values of a load row, each already in the form the database driver stores.
INCIDENT_VALUES = ("occurred_on", "occurred_time", "reported_on", "source", "description",
                   "perpetrator_name", "relationship", "case_ref", "hate_motivated")
PERSON_VALUES = ("key", "reference", "forename", "surname", "date_of_birth", "gender")


# An address's details end with the ward key of the row that first names it: the ward it is
# created in.
ADDRESS_VALUES = ("key", "uprn", "line1", "line2", "town", "postcode", "ward_key")
# The details of a person or address, sent once an epoch beside the batch whose rows first
# name it (key_slots): (slot, first_in_file, *PERSON_VALUES or *ADDRESS_VALUES).
RecordDetails = tuple[Any, ...]


# A checked row as the writer needs it: keys, fingerprint and encoded values, as a plain
# tuple (a named one costs several times more to pickle and unpickle, a million times over):
# (reference,
#  reference_is_new: no earlier row of the file had this reference (rows with errors included),
#  crime_type, fingerprint, ward_key, ward_name,
#  incident: INCIDENT_VALUES,
#  victim, perpetrator, address: the slot of each, or None)
LoadRow = tuple[str, bool, str, str, str | None, str | None, tuple[Any, ...], int | None,
                int | None, int | None]
# Positions in a LoadRow (Final, so that type checkers know each field's type).
REFERENCE: Final = 0
REFERENCE_IS_NEW: Final = 1
FINGERPRINT: Final = 3
WARD_KEY: Final = 4
WARD_NAME: Final = 5
VICTIM: Final = 7
PERPETRATOR: Final = 8
ADDRESS: Final = 9


class RowEncoder:
    """Turns a ParsedIncident into a LoadRow with the database dialect's own conversions,
    naming people and addresses by slot once they have been sent (key_slots)."""

    def __init__(self, encodings: ValueEncodings) -> None:
        self._incident = conversions(encodings.incident)
        self._person = conversions(encodings.person)
        self.people = KeySlots()
        self.addresses = KeySlots()
        self.references = FirstSightings()
        self.epoch = 0

    def _person_slot(self, key: str, reference: str | None, forename: str | None,
                     surname: str | None, date_of_birth: object, gender: str | None) -> int:
        slot = self.people.slot_of(key)
        if slot is not None:
            return slot  # sent before: its details are not even encoded again
        values = converted((key, reference, forename, surname, date_of_birth, gender),
                           self._person)
        return self.people.first_send(key, values)

    def __call__(self, parsed: ParsedIncident, reference_is_new: bool) -> LoadRow:
        # One unpacking instead of a property lookup per field: a million rows go through.
        (reference, crime_type, occurred_on, occurred_time, reported_on, victim_ref, forename,
         surname, victim_dob, gender, line1, line2, town, postcode, uprn, ward_key,
         perpetrator_forename, perpetrator_surname, perpetrator_dob, relationship, source,
         description, victim_key, address_key, perpetrator_key, ward_name, case_ref,
         hate_motivated, fingerprint) = parsed  # fmt: skip
        perpetrator = None
        if perpetrator_key:
            perpetrator = self._person_slot(perpetrator_key, None, perpetrator_forename,
                                            perpetrator_surname, perpetrator_dob, None)
        victim = None
        if victim_key:
            victim = self._person_slot(victim_key, victim_ref, forename, surname, victim_dob,
                                       gender)
        address = None
        if address_key:
            address = self.addresses.slot_of(address_key)
            if address is None:
                # Address values are all text: nothing to convert.
                address = self.addresses.first_send(address_key, (
                    address_key, uprn, line1, line2, town, postcode, ward_key))
        # A perpetrator without a key is kept by name (ParsedIncident.perpetrator_name).
        perpetrator_name = None
        if not perpetrator_key and (perpetrator_forename or perpetrator_surname):
            perpetrator_name = (f"{perpetrator_forename} {perpetrator_surname}"
                                if perpetrator_forename and perpetrator_surname
                                else perpetrator_forename or perpetrator_surname)
        incident = converted((occurred_on, occurred_time, reported_on, source, description,
                              perpetrator_name, relationship, case_ref, hate_motivated),
                             self._incident)
        # _value_ rather than the enum's value property: the same text, without a Python-level
        # property call on every row.
        return (reference, reference_is_new, crime_type._value_, fingerprint, ward_key,
                ward_name, incident, victim, perpetrator, address)

    def details_sent(self) -> tuple[list[RecordDetails], list[RecordDetails]]:
        """The people and addresses first named since the last call: the current batch's."""
        return self.people.take_sent(), self.addresses.take_sent()

    def next_epoch_if_full(self) -> None:
        """Between batches, once their details are taken: forget every slot once either
        numbering is full."""
        if self.people.full() or self.addresses.full():
            self.people.forget()
            self.addresses.forget()
            self.epoch += 1


@dataclass(frozen=True, slots=True)
class CheckerConfig:
    """What a parsing process needs to check rows exactly as this one would."""

    path: Path
    encoding: str
    today: date
    wards_configured: bool
    ward_keys: frozenset[str]
    keep_raw: bool  # the original cells travel only when a rejects file needs them
    encodings: ValueEncodings  # how dates and times reach the driver (value_encoding)
    mapping: ColumnMapping | None = None  # their headers -> our columns, when they differ
    profile: Profile | None = None  # another system's export: columns, values, dates


# One checked row: Excel row number, its original cells (or None), a ParsedIncident or its
# errors (or the column whose value made the profile leave the row out), and its reference
# as written (for duplicate detection of rejected rows).
CheckedRow = tuple[int, list[str] | None, LoadRow | list[RowError] | str, str]
# (bytes read so far, slot epoch, rows, the details of the people and of the addresses its
# rows first name): a new epoch means every slot before it is forgotten.
Batch = tuple[int, int, list[CheckedRow], list[RecordDetails], list[RecordDetails]]


def checked_batches(config: CheckerConfig, *, parallel: bool | None = None) -> Iterator[Batch]:
    """Batches of checked rows in file order; in a parsing process for large files."""
    if parallel is None:
        parallel = config.path.stat().st_size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1
    return _in_worker(config) if parallel else _in_process(config)


def _batches(config: CheckerConfig) -> Iterator[Batch]:
    with open_csv(config.path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS,
                  encoding=config.encoding, mapping=config.mapping, profile=config.profile,
                  today=config.today) as source:
        checker = RowChecker(source.columns, today=config.today,
                             wards_configured=config.wards_configured,
                             ward_keys=set(config.ward_keys))
        reference_index = source.columns["reference"]
        to_load_row = RowEncoder(config.encodings)
        batch: list[CheckedRow] = []
        first_sightings = to_load_row.references
        bound = source.bound
        for row in source.rows():
            if row.skipped is not None:  # neither checked nor a reference seen
                batch.append((row.number, None, row.skipped, ""))
                continue
            reference = row.cells[reference_index].strip()
            reference_is_new = first_sightings.add(reference)
            result: LoadRow | list[RowError]
            if row.problem is not None:
                result = [RowError(row.number, "", row.problem)]
            else:
                checked = checker.check(row.number, row.cells)
                if isinstance(checked, list) and bound is not None:  # their column names
                    checked = [RowError(error.row, bound.label(error.column, row.raw),
                                        error.reason) for error in checked]
                result = (checked if isinstance(checked, list)
                          else to_load_row(checked, reference_is_new))
            keep = config.keep_raw or isinstance(result, list)
            batch.append((row.number, row.raw if keep else None, result, reference))
            if len(batch) >= BATCH_ITEMS:
                yield source.bytes_read(), to_load_row.epoch, batch, *to_load_row.details_sent()
                batch = []
                to_load_row.next_epoch_if_full()
        yield source.size, to_load_row.epoch, batch, *to_load_row.details_sent()


def _in_process(config: CheckerConfig) -> Iterator[Batch]:
    yield from _batches(config)


def _in_worker(config: CheckerConfig) -> Iterator[Batch]:
    context = multiprocessing.get_context("spawn")  # never fork a process holding SQLite/Qt
    receiver, sender = context.Pipe(duplex=False)
    widen_pipe(receiver)
    worker = context.Process(target=_parse_in_worker, args=(config, sender),
                             name="scs-victims-parser", daemon=True)
    worker.start()
    sender.close()
    # A batch is larger than the pipe's buffer: without a reader running ahead, the parser
    # would wait whenever the writer is busy, and the two would take turns instead of working
    # side by side. The queue bound keeps memory flat.
    messages: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=QUEUED_BATCHES)
    reader = threading.Thread(target=_read_messages, args=(receiver, messages),
                              name="scs-victims-parser-reader", daemon=True)
    reader.start()
    received_any = False
    try:
        while True:
            message = messages.get()
            kind = message[0]
            if kind == "eof":
                if received_any:
                    raise Bug("The row checking process stopped unexpectedly.")
                # It could not start here (an unimportable __main__, a frozen build without
                # freeze_support): check the rows in this process instead.
                log.warning("The row checking process did not start; checking in-process")
                yield from _in_process(config)
                return
            received_any = True
            if kind == "batch":
                yield message[1], message[2], message[3], message[4], message[5]
            elif kind == "done":
                return
            elif kind == "refused":
                raise FileRefused(message[1], [RowError(*error) for error in message[2]])
            else:
                raise Bug(f"The row checking process failed: {message[1]}")
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        receiver.close()
        _drain(messages)
        reader.join(timeout=5)


# A batch is about 300 KB, and a pipe holds 64 KB unless widened. With the small buffer the
# parser stopped mid-batch whenever the writer's reader thread waited for the interpreter
# lock, and the two took turns: 43.0 s against 40.6 s for a million rows (three runs each,
# in turns).
PIPE_BYTES = 1 << 20


def widen_pipe(connection: Connection) -> None:
    """Let the pipe hold several batches where the system allows it (Linux, up to its
    fs.pipe-max-size); elsewhere the default buffer stays, which works, only more slowly."""
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


# Messages cross the pipe as marshal data where they can, pickled otherwise. A batch is
# tuples, text, numbers and None, which marshal writes in 1.3 µs a row against pickle's
# 1.9 µs, in the parsing process, which sets the pace (and reads back in 1.2 µs against
# 1.4). marshal refuses anything else, subclasses of tuple and str included (the checker's
# row errors, the dates sent as they are to databases other than SQLite): those go pickled.
_MARSHALLED: Final = b"M"
_PICKLED: Final = b"P"


def encoded_message(message: tuple[Any, ...]) -> bytes:
    try:
        return _MARSHALLED + marshal.dumps(message)
    except ValueError:
        return _PICKLED + pickle.dumps(message, pickle.HIGHEST_PROTOCOL)


def decoded_message(data: bytes) -> tuple[Any, ...]:
    body = memoryview(data)[1:]
    message: tuple[Any, ...] = (marshal.loads(body) if data[:1] == _MARSHALLED
                                else pickle.loads(body))
    return message


def _read_messages(receiver: Connection, messages: queue.Queue[tuple[Any, ...]]) -> None:
    """Move messages from the pipe to the queue until the parser ends or the pipe closes."""
    while True:
        try:
            message = decoded_message(receiver.recv_bytes())
        except (EOFError, OSError):
            messages.put(("eof",))
            return
        messages.put(message)
        if message[0] != "batch":
            return


def _drain(messages: queue.Queue[tuple[Any, ...]]) -> None:
    """Unblock a reader waiting on a full queue after the writer stopped early."""
    try:
        while True:
            messages.get_nowait()
    except queue.Empty:
        pass


class HandCollection:
    """Python's cyclic garbage collector off while an import's batches stream through, with
    a pass every ``COLLECT_EVERY_BATCHES`` batches instead.

    Both processes of a large import make millions of short-lived tuples, freed by reference
    counting, and the automatic passes go over everything the import holds (queued batches,
    slot details) again and again: 5 % of the checker's time, and about 3 s of a million-row
    import on the writer's side (39.5 s against 42.9 s, three runs each in turns). The
    collector is process-wide, so in the desktop app the app's own garbage waits for these
    passes too; any reference cycle is still freed within a few seconds, and memory stays
    flat. The collector's earlier state comes back at the end.

    Most passes go through the young generations only (what the last batches made and
    still hold); every ``FULL_COLLECTION_EVERY``-th goes through everything. A full pass
    over what a large import holds takes 50-100 ms, a young one 5-30 ms: on a million rows,
    0.3 s of collecting on the writer's side instead of 0.7 s, and 0.1 s instead of 0.5 s in
    the checker, which sets the pace.
    """

    def __init__(self) -> None:
        self._batches = 0
        self._was_enabled = False

    def __enter__(self) -> HandCollection:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._was_enabled:
            gc.enable()

    def batch_done(self) -> None:
        self._batches += 1
        if self._batches % COLLECT_EVERY_BATCHES == 0:
            passes = self._batches // COLLECT_EVERY_BATCHES
            gc.collect(2 if passes % FULL_COLLECTION_EVERY == 0 else 1)


def _parse_in_worker(config: CheckerConfig, sender: Connection) -> None:
    """The parsing process: send every batch, then 'done' (or why it could not go on)."""
    collection = HandCollection()
    try:
        with collection:
            for batch in _batches(config):
                sender.send_bytes(encoded_message(("batch", *batch)))
                collection.batch_done()
        sender.send_bytes(encoded_message(("done",)))
    except FileRefused as exc:
        sender.send_bytes(encoded_message(
            ("refused", str(exc), [(e.row, e.column, e.reason) for e in exc.errors])))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer has gone: nothing left to do
    except Exception as exc:  # noqa: BLE001 - reported to the writer, which logs it as a bug
        try:
            sender.send_bytes(encoded_message(("failed", type(exc).__name__)))
        except (BrokenPipeError, ConnectionResetError):
            pass
    finally:
        sender.close()
