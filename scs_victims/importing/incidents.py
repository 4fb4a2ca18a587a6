"""Importing an incident extract (formats.md "Incidents"): whole file or nothing.

The file is streamed in batches inside one transaction. Nothing is committed until the last
row has been checked, so an invalid row, a cancel or a killed process leaves the database as
it was. With ``skip_invalid`` the valid rows are committed and the others written to a
rejects file (the original cells plus an ``error`` column). ``check_incidents`` runs the very
same import and rolls it back, so its row errors are exactly those an import would meet.

Rows arrive checked and encoded (pipeline), naming people and dwellings by slot once their
details have been sent (key_slots); ``LinkedRecords`` finds or creates the record behind each
slot when a row that is inserted needs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, String, exists, func, insert, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from scs_victims.audit import IdRuns, current_actor, record, record_created
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import FileRefused, RowError, ScsError
from scs_victims.importing.csv_source import CsvSource, open_csv
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from scs_victims.importing.linked_records import LinkedRecords
from scs_victims.importing.load_repeats import LoadedChains
from scs_victims.importing.mapping import ColumnMapping
from scs_victims.importing.pipeline import (
    ADDRESS,
    FINGERPRINT,
    INCIDENT_VALUES,
    PERPETRATOR,
    PERSON_VALUES,
    REFERENCE,
    REFERENCE_IS_NEW,
    VICTIM,
    WARD_KEY,
    WARD_NAME,
    CheckerConfig,
    HandCollection,
    LoadRow,
    checked_batches,
)
from scs_victims.importing.profile import Profile
from scs_victims.importing.value_encoding import PLAIN_ENCODERS, ValueEncodings
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.repeats import (
    FLAG_COLUMNS,
    Subject,
    recompute_flags,
    refresh_subjects,
    write_flag_changes,
)
from scs_victims.settings import load_rules
from scs_victims.spreadsheets import SafeCsvWriter
from scs_victims.storage.bulk import (
    BulkInserter,
    DeferredIndexes,
    IdAllocator,
    KeyLookup,
    bulk_cache,
    create_scratch_table,
    matching_encoders,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import (
    Address,
    ImportRun,
    Incident,
    Person,
    Ward,
    table_of,
)

BATCH_ROWS = 2000
# Problems kept in memory to show; the rest are counted (and all are in a rejects file), so
# a file of a million bad rows does not fill the memory.
MAX_KEPT_ERRORS = 10_000
# A file this large, and larger than half of what the database already holds, is loaded
# with its tables' secondary indexes built afterwards (about 250,000 rows and up).
DEFER_INDEXES_MIN_BYTES = 40 * 2**20
INCIDENT_FIELDS = (
    "id", "reference", "crime_type", "occurred_on", "occurred_time", "reported_on", "source",
    "description", "address_id", "victim_id", "perpetrator_id", "perpetrator_name",
    "relationship", "ward_id", "subject_id", "content_hash", "case_ref", "hate_motivated",
)  # fmt: skip
PERSON_FIELDS = ("key", "reference", "forename", "surname", "date_of_birth", "gender")
ADDRESS_FIELDS = ("key", "uprn", "line1", "line2", "town", "postcode", "ward_id")
# Past this many touched subjects one full pass is cheaper than chain-by-chain updates (and
# keeps memory flat on very large files).
MAX_TRACKED_SUBJECTS = 100_000
# Where an incident's id, crime type, subject, date and time are in INCIDENT_FIELDS.
_CHAIN_FIELDS = tuple(INCIDENT_FIELDS.index(name) for name in (
    "id", "crime_type", "subject_id", "occurred_on", "occurred_time"))


@dataclass
class ImportSummary:
    """What an import did, for the command line and the import wizard."""

    file_name: str
    encoding: str
    rows_read: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_ERRORS
    error_count: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    committed: bool = False
    # Rows whose reference is already in the database with different details.
    conflicts: int = 0
    checked_only: bool = False  # check_incidents: nothing was written
    # Rows an import profile left out (``skip``), by the column whose value said so.
    skipped: dict[str, int] = field(default_factory=dict)


class _CheckDone(ScsError):
    """Ends a check's transaction so that it rolls back (never leaves this module)."""


class Rejects:
    """The rejects CSV, written beside its final name and moved there only on commit."""

    def __init__(self, path: Path, header: Sequence[str],
                 label: Callable[[str], str] = str) -> None:
        self.path = path
        self._label = label  # our column as the user's file names it
        self._partial = path.with_name(path.name + ".partial")
        self._handle = self._partial.open("w", encoding="utf-8-sig", newline="")
        # The rows as read (protection undone), protected again: re-importing a fixed
        # rejects file gives the original text.
        self._writer = SafeCsvWriter(self._handle)
        self._writer.writerow([*header, "error"])

    def write(self, raw: Sequence[str], errors: Sequence[RowError]) -> None:
        self._writer.writerow([*raw, "; ".join(f"{self._label(e.column)}: {e.reason}"
                                               if e.column else e.reason for e in errors)])

    def keep(self) -> None:
        self._handle.close()
        os.replace(self._partial, self.path)

    def discard(self) -> None:
        self._handle.close()
        self._partial.unlink(missing_ok=True)


def import_incidents(
    database: Database,
    path: Path,
    *,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    progress: ProgressCallback = no_progress,
    today: date | None = None,
    parallel: bool | None = None,
    defer_indexes: bool | None = None,
    mapping: ColumnMapping | None = None,
    profile: Profile | None = None,
    validate_only: bool = False,
) -> ImportSummary:
    """Import an incident CSV. Raises ``FileRefused`` (nothing changed) when any row is
    invalid and ``skip_invalid`` is off; ``Cancelled`` if ``progress`` raises it.

    ``mapping`` reads a file whose headers are not ours (messages still name our columns);
    ``profile`` reads another system's export (columns, values, dates: formats.md), its
    messages naming their columns, and its ``skip`` rows counted in ``summary.skipped``.
    ``validate_only`` checks every row exactly as the import would and rolls everything back:
    the summary then says what an import would do, and its errors are listed, not raised.
    ``parallel`` chooses whether rows are checked in a separate process (default: for
    files large enough to gain from it); ``defer_indexes`` whether secondary indexes are
    built after the rows instead of row by row (default: for large loads)."""
    today = today or date.today()
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS,
                  mapping=mapping, profile=profile, today=today) as source:
        summary = ImportSummary(file_name=path.name, encoding=source.encoding,
                                unknown_columns=source.unknown_columns,
                                checked_only=validate_only)
        rejects = None
        if skip_invalid and not validate_only:
            rejects = Rejects(rejects_path or path.with_name(path.stem + "-rejects.csv"),
                              source.original_header, _labeller(source, mapping))
        if validate_only:
            defer_indexes = False  # rebuilding indexes that are rolled back is wasted work
        try:
            with (database.sessions() as session, session.begin(),
                  bulk_cache(session.connection()), ExitStack() as stack):
                run = _Run(session, source, summary, today, skip_invalid, rejects,
                           progress, parallel, defer_indexes, mapping, profile)
                stack.callback(run.close)
                stack.enter_context(run.collection)
                run.read_all()
                summary.errors.sort(key=lambda error: error.row)
                if validate_only:
                    raise _CheckDone
                if summary.error_count and not skip_invalid:
                    raise FileRefused(
                        f"{path.name} was not imported: {summary.error_count} problem"
                        f"{'s' if summary.error_count != 1 else ''} found; nothing was changed.",
                        summary.errors, total=summary.error_count,
                    )
                run.finish()
                record(session, "import", "import_run", run.run_id, {
                    "file": path.name, "imported": summary.imported,
                    "unchanged": summary.unchanged, "rejected": summary.rejected,
                    **({"skipped_by_profile": sum(summary.skipped.values()),
                        "profile": profile.name} if profile is not None else {}),
                })
        except _CheckDone:
            return summary
        except BaseException:
            if rejects is not None:
                rejects.discard()
            raise
        if rejects is not None:
            if summary.rejected:
                rejects.keep()
                summary.rejects_path = rejects.path
            else:
                rejects.discard()
        summary.committed = True
        return summary


def _labeller(source: CsvSource, mapping: ColumnMapping | None) -> Callable[[str], str]:
    """Our column as the user's file names it, for the rejects file's messages."""
    if source.bound is not None:
        return source.bound.label
    return mapping.label if mapping is not None else str


def checker_encodings(dialect: Dialect) -> ValueEncodings:
    """How the parsing process converts a load row's values for this dialect."""
    return ValueEncodings(
        incident=matching_encoders(dialect, table_of(Incident), INCIDENT_VALUES, PLAIN_ENCODERS),
        person=matching_encoders(dialect, table_of(Person), PERSON_VALUES, PLAIN_ENCODERS),
    )


def check_incidents(database: Database, path: Path, **options: Any) -> ImportSummary:
    """What ``import_incidents(database, path, **options)`` would do, changing nothing: every
    row checked exactly as the import checks it (conflicts and repeats within the file
    included), inside a transaction that is rolled back."""
    options.pop("rejects_path", None)
    return import_incidents(database, path, validate_only=True, **options)


class _SeenReferences:
    """References met on rows that were not inserted (rejected, or found unchanged), with the
    first row each was on: a later row with one of them is a second occurrence in the file.

    Kept in a temporary table on disk, so that re-importing a file of millions of unchanged
    rows, or refusing one of millions of bad rows, does not grow the memory.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._table = create_scratch_table(connection, "scs_import_seen_references", [
            Column("reference", String(100), primary_key=True),
            Column("first_row", Integer, nullable=False),
        ])
        self._lookup = KeyLookup(connection, self._table, "reference",
                                 ["reference", "first_row"])
        self._inserter = BulkInserter(connection, self._table, ["reference", "first_row"])
        self.pending: dict[str, int] = {}

    def note(self, reference: str, row: int) -> None:
        self.pending.setdefault(reference, row)

    def first_rows(self, references: Sequence[str]) -> dict[str, int]:
        """The first row of each of these references seen so far (pending ones included)."""
        self._store_pending()
        return dict(self._lookup.rows(list(set(references))))

    def _store_pending(self) -> None:
        if not self.pending:
            return
        stored = {reference for reference, _ in self._lookup.rows(list(self.pending))}
        self._inserter.insert([(reference, row) for reference, row in self.pending.items()
                               if reference not in stored])
        self.pending = {}

    def drop(self) -> None:
        self._table.drop(self._connection)


class _Run:
    """The state of one import while it streams through the file."""

    def __init__(self, session: Session, source: CsvSource, summary: ImportSummary,
                 today: date, skip_invalid: bool, rejects: Rejects | None,
                 progress: ProgressCallback, parallel: bool | None,
                 defer_indexes: bool | None = None,
                 mapping: ColumnMapping | None = None,
                 profile: Profile | None = None) -> None:
        self.session = session
        self.connection = connection = session.connection()
        self.source = source
        self.summary = summary
        self.skip_invalid = skip_invalid
        self.rejects = rejects
        self.progress = progress
        self.now = datetime.now()
        self.run_id: int = connection.execute(
            insert(ImportRun).values(kind="incidents", file_name=source.path.name,
                                     encoding=source.encoding, started_at=self.now,
                                     actor=current_actor())
            .returning(ImportRun.id)
        ).scalar_one()
        wards = connection.execute(select(Ward.name_key, Ward.id, Ward.listed)).all()
        self.wards: dict[str, int] = {key: ward_id for key, ward_id, _ in wards}
        self.wards_configured = any(listed for _, _, listed in wards)
        self.next_ward_position = len(self.wards)
        self.today = today
        self.parallel = parallel
        self.mapping = mapping
        self.profile = profile
        # Only the incidents' indexes wait for the end. The people's and addresses' stay up to
        # date as rows go in: on a large import the writer waits for the parsing process
        # part of the time anyway, so their upkeep costs less than building them afterwards
        # on one core (about 2 s less on a million incidents).
        self.deferred = DeferredIndexes(self.connection, [table_of(Incident)])
        self.collection = HandCollection()  # entered by import_incidents for the whole run
        if defer_indexes is None:
            defer_indexes = self._worth_deferring()
        if defer_indexes:
            self.deferred.drop()
        self.rules = load_rules(session)
        self.seen = _SeenReferences(self.connection)
        self.touched: set[Subject] | None = set()
        # Every value reaches the inserters already converted (the parsing side encodes the
        # row's own values); what every row shares is written into the statement.
        self.incident_inserter = BulkInserter(
            self.connection, table_of(Incident), INCIDENT_FIELDS, encoded=INCIDENT_FIELDS,
            constants={"is_repeat": False, "import_id": self.run_id, "created_at": self.now,
                       "updated_at": self.now})
        # Ids handed out here, so that the audit log can name every incident created.
        self.incident_ids = IdAllocator(self.connection, table_of(Incident))
        self.created_incidents = IdRuns()
        self.people = LinkedRecords(connection, Person, PERSON_FIELDS, import_id=self.run_id,
                                    created_at=self.now)
        self.addresses = LinkedRecords(connection, Address, ADDRESS_FIELDS,
                                       import_id=self.run_id, created_at=self.now,
                                       complete=self._with_ward_id)
        self.epoch = 0
        # Loading into an empty table, a reference the file never had before is new.
        self.incidents_were_empty = not connection.execute(
            select(exists().select_from(table_of(Incident)))).scalar()
        # A large first load works its repeat flags out while the indexes are rebuilt.
        self.chains = (LoadedChains(
            {crime_type.value: months for crime_type, months in self.rules.windows.items()},
            fields=_CHAIN_FIELDS) if defer_indexes and self.incidents_were_empty else None)
        # Lookups read the unique index alone (no table row): most keys of a large file
        # are new, and for those the index answers. Details are read only for the found.
        self.reference_lookup = KeyLookup(self.connection, table_of(Incident), "reference",
                                          ["reference"])
        self.incident_lookup = KeyLookup(self.connection, table_of(Incident), "reference",
                                         ["reference", "content_hash", "import_id"])

    # Reading ---------------------------------------------------------------------------

    def _worth_deferring(self) -> bool:
        if self.source.size < DEFER_INDEXES_MIN_BYTES:
            return False
        existing = self.connection.execute(select(func.max(Incident.id))).scalar() or 0
        # ~170 bytes a row in a typical extract.
        return self.source.size / 170 > existing / 2

    def read_all(self) -> None:
        batch: list[tuple[int, list[str] | None, LoadRow]] = []
        self.progress(0, self.source.size)
        config = CheckerConfig(
            path=self.source.path, encoding=self.source.encoding, today=self.today,
            wards_configured=self.wards_configured, ward_keys=frozenset(self.wards),
            keep_raw=self.rejects is not None,
            encodings=checker_encodings(self.connection.dialect),
            mapping=self.mapping,
            profile=self.profile,
        )
        for bytes_read, epoch, rows, people, addresses in checked_batches(
                config, parallel=self.parallel):
            self.collection.batch_done()
            if epoch != self.epoch:
                # The checking side forgot its slots after the rows before: so must we.
                self._flush(batch)
                batch = []
                self.people.forget()
                self.addresses.forget()
                self.epoch = epoch
            self.people.note(people)
            self.addresses.note(addresses)
            for number, raw, checked, reference in rows:
                self.summary.rows_read += 1
                if isinstance(checked, str):  # left out by the profile: the column that said so
                    self.summary.skipped[checked] = self.summary.skipped.get(checked, 0) + 1
                    continue
                if isinstance(checked, list):
                    self._reject(number, raw or [], checked, reference)
                    continue
                batch.append((number, raw, checked))
                if len(batch) >= BATCH_ROWS:
                    self._flush(batch)
                    batch = []
            self.progress(bytes_read, self.source.size)
        self._flush(batch)
        if self.chains is not None and (self.skip_invalid or not self.summary.error_count):
            self.chains.start_walk()
        self.progress(self.source.size, self.source.size)

    def _reject(self, number: int, raw: Sequence[str] | None, errors: list[RowError],
                reference: str) -> None:
        self.summary.error_count += len(errors)
        room = MAX_KEPT_ERRORS - len(self.summary.errors)
        if room > 0:
            self.summary.errors.extend(errors[:room])
        self.summary.rejected += 1
        if reference:
            self.seen.note(reference, number)
        if self.rejects is not None and raw is not None:
            self.rejects.write(raw, errors)

    # Writing ---------------------------------------------------------------------------

    def _flush(self, batch: list[tuple[int, list[str] | None, LoadRow]]) -> None:
        if not batch:
            return
        # A reference no earlier row had, loading into an empty table, is certainly new.
        certain = self.incidents_were_empty
        unsure = [row[REFERENCE] for _, _, row in batch
                  if not (certain and row[REFERENCE_IS_NEW])]
        found_references = [row[0] for row in self.reference_lookup.rows(unsure)]
        existing = {
            reference: (content_hash, import_id)
            for reference, content_hash, import_id in self.incident_lookup.rows(found_references)
        }
        earlier = self.seen.first_rows(unsure)
        in_batch: dict[str, int] = {}
        new: list[LoadRow] = []
        for number, raw, parsed in batch:
            reference = parsed[REFERENCE]
            if certain and parsed[REFERENCE_IS_NEW]:
                in_batch[reference] = number
                new.append(parsed)
                continue
            found = existing.get(reference)
            first = earlier.get(reference) or self.seen.pending.get(reference)
            if (reference in in_batch or (first is not None and first < number)
                    or (found is not None and found[1] == self.run_id)):
                self._reject(number, raw, [RowError(number, "reference",
                             f"'{reference}' appears on an earlier row of this file")], "")
            elif found is not None:
                if found[0] == parsed[FINGERPRINT]:
                    self.summary.unchanged += 1
                    self.seen.note(reference, number)
                else:
                    self.summary.conflicts += 1
                    self._reject(number, raw, [RowError(
                        number, "reference",
                        f"'{reference}' is already in the database with different details "
                        "(a conflict): correct the file or edit the incident in the app")],
                    reference)
            else:
                in_batch[reference] = number
                new.append(parsed)
        if new:
            self._insert(new)

    def _with_ward_id(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        *address, ward_key = values
        return (*address, self.wards.get(ward_key) if ward_key else None)

    def _insert(self, rows: list[LoadRow]) -> None:
        ward_ids = self._ward_ids(rows)
        # Every slot's link, and None's (no record) too: rows go through without a test.
        people = self.people.resolve([row[VICTIM] for row in rows]
                                     + [row[PERPETRATOR] for row in rows])
        addresses = self.addresses.resolve([row[ADDRESS] for row in rows])
        values: list[tuple[Any, ...]] = []
        touched = self.touched
        burglary = CrimeType.BURGLARY.value
        ids = self.incident_ids.take(len(rows))
        for incident_id, (reference, _, crime_type, fingerprint, ward_key, _, incident,
                          victim_slot, perpetrator_slot, address_slot) in zip(ids, rows,
                                                                               strict=True):
            victim_id, victim_root = people[victim_slot]
            address_id, address_root = addresses[address_slot]
            subject = address_root if crime_type == burglary else victim_root
            values.append((
                incident_id, reference, crime_type, incident[0], incident[1], incident[2],
                incident[3], incident[4], address_id, victim_id, people[perpetrator_slot][0],
                incident[5], incident[6], ward_ids.get(ward_key) if ward_key else None,
                subject, fingerprint, incident[7], incident[8],
            ))
            if subject is not None and touched is not None:
                touched.add((crime_type, subject))
        self.incident_inserter.insert(values)
        self.created_incidents.add(ids)
        if self.chains is not None:
            self.chains.note_rows(values)
        self.summary.imported += len(values)
        if self.touched is not None and len(self.touched) > MAX_TRACKED_SUBJECTS:
            self.touched = None  # recompute everything at the end instead

    def _ward_ids(self, rows: list[LoadRow]) -> dict[str, int]:
        if not self.wards_configured:
            for row in rows:
                key = row[WARD_KEY]
                if key is not None and key not in self.wards:
                    self.wards[key] = self.connection.execute(
                        insert(Ward).values(name=row[WARD_NAME] or key, name_key=key,
                                            position=self.next_ward_position, listed=False)
                        .returning(Ward.id)
                    ).scalar_one()
                    self.next_ward_position += 1
        return self.wards

    # Finishing -------------------------------------------------------------------------

    def finish(self) -> None:
        self.seen.drop()
        session = self.session
        rules = self.rules
        if self.chains is not None and self.chains.complete:
            # While the walk works the flags out in its thread, SQLite builds the indexes the
            # flags leave alone (it releases the interpreter as it builds). The one filtered
            # by the flag waits for them.
            self.deferred.rebuild(except_touching=FLAG_COLUMNS)
            write_flag_changes(self.connection, self.chains.changes(self.connection))
            self.deferred.rebuild()
        else:
            self.deferred.rebuild()  # the engine's passes read them
            if self.touched is None:
                # Subjects were set as the rows went in; only the flags need a full pass.
                recompute_flags(session, rules)
            elif self.touched:
                refresh_subjects(session, self.touched, rules)
        session.flush()
        self._audit_inserts()
        self.connection.execute(
            table_of(ImportRun).update().where(table_of(ImportRun).c.id == self.run_id).values(
                rows_read=self.summary.rows_read, rows_imported=self.summary.imported,
                rows_unchanged=self.summary.unchanged, rows_rejected=self.summary.rejected,
                rows_skipped=sum(self.summary.skipped.values()))
        )

    def close(self) -> None:
        """However the import ended, let background work end with it."""
        if self.chains is not None:
            self.chains.abandon()

    def _audit_inserts(self) -> None:
        """Name every record this import created: one event per run of consecutive ids."""
        detail = {"import_run": self.run_id}
        for entity, created in (("person", self.people.created),
                                ("address", self.addresses.created),
                                ("incident", self.created_incidents)):
            record_created(self.connection, entity, created, self.now, detail)
