"""Importing MARAC referrals from a coordinator's spreadsheet (formats.md "MARAC referrals").

The rules of incident imports: the whole file or nothing (every row error listed as
``row N: column: reason``), or with ``skip_invalid`` the valid rows and a rejects file; a
``referral_ref`` already stored is unchanged when its row means the same, and a conflict when
it differs; a reference twice in one file is an error on the second row. Meetings are
scheduled from ``meeting_date`` and the referral put on that meeting's list.

The file is streamed: rows are read and checked in batches, and each batch is linked and
written with a few set-based statements (people found by key with one query, ids handed out
in advance, rows and audit events inserted together), all in one transaction. What is kept
for the whole file is the references met (for duplicates within it) and the first
``MAX_KEPT_ERRORS`` problems. Every record is linked and audited exactly as the services do
it one by one: ``find_or_create`` for people (a date of birth filled in later), the
perpetrator named only by a name matched within the victim's cases, potential escalation
from the incident store (``potential_escalation``), ``meeting_on`` and ``assign_case``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from scs_victims.alerts import AlertKind, compute_alerts
from scs_victims.audit import Event, current_actor, record, record_all
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import add_months
from scs_victims.errors import FileRefused, RowError
from scs_victims.importing.csv_source import CsvSource, open_csv
from scs_victims.importing.incidents import MAX_KEPT_ERRORS, ImportSummary, Rejects
from scs_victims.importing.profile import Profile
from scs_victims.marac.rows import (
    REFERRAL_COLUMNS,
    REQUIRED_COLUMNS,
    ParsedReferral,
    ReferralChecker,
)
from scs_victims.marac.rules import name_key
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.settings import load_rules
from scs_victims.storage.bulk import BulkInserter, IdAllocator, KeyLookup
from scs_victims.storage.database import Database
from scs_victims.storage.models import (
    ImportRun,
    Incident,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
    table_of,
)

IMPORT_KIND = "marac"
# A person first met without a date of birth (known by reference) takes the one a later
# referral gives: ages at referral (victims 16-17, young perpetrators) need it.
_FILLED_DETAILS = ("date_of_birth",)
# Rows checked, linked and written together.
BATCH_ROWS = 1000
# Ids in one IN list (well under any database's limit on bound values).
_CHUNK = 900

_Checked = tuple[int, list[str], ParsedReferral | list[RowError]]
_REFERRAL_FIELDS = (
    "id", "reference", "referral_date", "victim_id", "victim_gender", "victim_ethnicity",
    "victim_lgbt", "victim_disabled", "relationship", "children_count", "dash_score",
    "professional_judgement", "potential_escalation", "idva", "notes", "incident_date",
    "dash_version", "content_hash",
)  # fmt: skip
_PERSON_FIELDS = ("id", "key", "reference", "forename", "surname", "date_of_birth", "gender",
                 "ethnicity")


def import_referrals(
    database: Database,
    path: Path,
    *,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    progress: ProgressCallback = no_progress,
    today: date | None = None,
    profile: Profile | None = None,
) -> ImportSummary:
    """Import a MARAC referrals CSV or workbook (through an import ``profile`` when it is
    another system's export). Raises ``FileRefused`` (nothing changed) when any row is
    invalid and ``skip_invalid`` is off; ``Cancelled`` if ``progress`` raises it."""
    today = today or date.today()
    with open_csv(path, required=REQUIRED_COLUMNS, known=REFERRAL_COLUMNS, profile=profile,
                  today=today) as source:
        summary = ImportSummary(file_name=path.name, encoding=source.encoding,
                                unknown_columns=source.unknown_columns)
        rejects = None
        if skip_invalid:
            rejects = Rejects(rejects_path or path.with_name(path.stem + "-rejects.csv"),
                              source.original_header,
                              source.bound.label if source.bound is not None else str)
        try:
            with database.session() as session:
                run = _Run(session, source, summary, rejects, progress, today)
                run.read_all()
                summary.errors.sort(key=lambda error: error.row)
                if summary.error_count and not skip_invalid:
                    raise FileRefused(
                        f"{path.name} was not imported: {summary.error_count} problem"
                        f"{'s' if summary.error_count != 1 else ''} found; nothing was "
                        "changed.", summary.errors, total=summary.error_count)
                run.finish()
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


@dataclass(slots=True)
class _Person:
    """A person a batch names, as ``find_or_create`` sees it."""

    id: int
    root: int  # the merge root, or itself
    forename: str | None  # as stored: a perpetrator named only by name is matched on them
    surname: str | None
    missing: set[str]  # the _FILLED_DETAILS it has no value for


@dataclass(slots=True)
class _Linked:
    """What linking one row found or created, before the referral is written."""

    victim: _Person
    perpetrator: _Person | None
    events: list[Event]  # the people's, in the order find_or_create writes them


class _Run:
    """The state of one import while it streams through the file."""

    def __init__(self, session: Session, source: CsvSource, summary: ImportSummary,
                 rejects: Rejects | None, progress: ProgressCallback, today: date) -> None:
        self.session = session
        self.connection = connection = session.connection()
        self.source = source
        self.summary = summary
        self.rejects = rejects
        self.progress = progress
        self.now = now = datetime.now()
        self.checker = ReferralChecker(source.columns, today=today)
        self.run_id: int = connection.execute(
            insert(ImportRun).values(kind=IMPORT_KIND, file_name=source.path.name,
                                     encoding=source.encoding, started_at=now,
                                     actor=current_actor(), rows_read=0, rows_imported=0,
                                     rows_unchanged=0, rows_rejected=0)
            .returning(ImportRun.id)
        ).scalar_one()
        self.rules = load_rules(session)
        # The row each reference of the file was first on (valid rows only, as before).
        self.first_row: dict[str, int] = {}
        self.stored = KeyLookup(connection, table_of(MaracReferral), "reference",
                                ["reference", "content_hash"])
        self.people = _People(connection, self.run_id, now)
        self.referral_ids = IdAllocator(connection, table_of(MaracReferral))
        self.meeting_ids = IdAllocator(connection, table_of(MaracMeeting))
        self.case_ids = IdAllocator(connection, table_of(MaracMeetingCase))
        stamps = {"import_id": self.run_id, "created_at": now, "updated_at": now}
        self.referrals = BulkInserter(connection, table_of(MaracReferral), _REFERRAL_FIELDS,
                                      constants={**stamps, "withhold_address": False})
        self.agencies = BulkInserter(connection, table_of(MaracReferralAgency),
                                     ["referral_id", "agency"])
        self.perpetrators = BulkInserter(connection, table_of(MaracPerpetrator),
                                         ["referral_id", "person_id", "forename", "surname"],
                                         constants={"position": 0})
        self.meetings = BulkInserter(connection, table_of(MaracMeeting),
                                     ["id", "meeting_date"], constants={"created_at": now})
        self.cases = BulkInserter(connection, table_of(MaracMeetingCase),
                                  ["id", "meeting_id", "referral_id"])

    # Reading ---------------------------------------------------------------------------

    def read_all(self) -> None:
        source, summary, checker = self.source, self.summary, self.checker
        bound = source.bound
        self.progress(0, source.size)
        batch: list[_Checked] = []
        for row in source.rows():
            summary.rows_read += 1
            if row.skipped is not None:
                summary.skipped[row.skipped] = summary.skipped.get(row.skipped, 0) + 1
                continue
            checked = ([RowError(row.number, "", row.problem)] if row.problem is not None
                       else checker.check(row.number, row.cells))
            if isinstance(checked, list) and bound is not None:  # their column names
                checked = [RowError(error.row, bound.label(error.column, row.raw),
                                    error.reason) for error in checked]
            batch.append((row.number, row.raw, checked))
            if len(batch) >= BATCH_ROWS:
                self._flush(batch)
                batch = []
                self.progress(source.bytes_read(), source.size)
        self._flush(batch)
        self.progress(source.size, source.size)

    def _reject(self, raw: list[str], errors: list[RowError]) -> None:
        self.summary.error_count += len(errors)
        room = MAX_KEPT_ERRORS - len(self.summary.errors)
        if room > 0:
            self.summary.errors.extend(errors[:room])
        self.summary.rejected += 1
        if self.rejects is not None:
            self.rejects.write(raw, errors)

    def _flush(self, batch: list[_Checked]) -> None:
        """Sort a batch's rows into rejected, unchanged and new (in the file's order), and
        write the new ones."""
        wanted = {checked.reference for _, _, checked in batch if not isinstance(checked, list)}
        stored: dict[str, str] = dict(self.stored.rows(list(wanted)))
        first_row = self.first_row
        new: list[ParsedReferral] = []
        for number, raw, checked in batch:
            if isinstance(checked, list):
                self._reject(raw, checked)
                continue
            reference = checked.reference
            if reference in first_row:
                self._reject(raw, [RowError(number, "referral_ref",
                             f"'{reference}' appears on row {first_row[reference]} of this "
                             "file already")])
                continue
            first_row[reference] = number
            known = stored.get(reference)
            if known == checked.fingerprint:
                self.summary.unchanged += 1
            elif known is not None:
                self.summary.conflicts += 1
                self._reject(raw, [RowError(
                    number, "referral_ref",
                    f"'{reference}' is already in the database with different details (a "
                    "conflict): correct the file or edit the referral in the app")])
            else:
                new.append(checked)
        self.summary.imported += len(new)
        # A file that will be refused is still read to the end, for every problem in it, but
        # nothing more needs writing.
        if new and (self.rejects is not None or not self.summary.error_count):
            self._insert(new)

    # Writing ---------------------------------------------------------------------------

    def _insert(self, rows: list[ParsedReferral]) -> None:
        """Link and write a batch of new referrals: the records, links and audit events that
        the services would write for each in turn, in the same order."""
        people = self.people
        people.load([key for parsed in rows
                     for key in (parsed.victim_key, parsed.perpetrator_key) if key])
        linked = [people.link_row(parsed) for parsed in rows]
        escalation = self._escalations([(link.victim.root, parsed.referral_date)
                                        for parsed, link in zip(rows, linked, strict=True)])
        named = _NamedPerpetrators(self.session, [
            link.victim.root for parsed, link in zip(rows, linked, strict=True)
            if parsed.perpetrator_key is None])
        meetings = self._meetings({parsed.meeting_date for parsed in rows
                                   if parsed.meeting_date is not None})
        referral_ids = self.referral_ids.take(len(rows))
        case_ids = iter(self.case_ids.take(sum(parsed.meeting_date is not None
                                                for parsed in rows)))
        events: list[Event] = []
        referrals: list[tuple[Any, ...]] = []
        agencies: list[tuple[int, str]] = []
        perpetrators: list[tuple[int, int | None, str | None, str | None]] = []
        new_meetings: list[tuple[int, date]] = []
        cases: list[tuple[int, int, int]] = []
        for referral_id, parsed, link, escalates in zip(referral_ids, rows, linked, escalation,
                                                        strict=True):
            events.extend(link.events)
            victim = link.victim
            referrals.append((
                referral_id, parsed.reference, parsed.referral_date, victim.id,
                parsed.victim_gender, parsed.victim_ethnicity, parsed.victim_lgbt,
                parsed.victim_disabled, parsed.relationship, parsed.children_count,
                parsed.dash_score, parsed.professional_judgement, escalates, parsed.idva,
                parsed.notes, parsed.incident_date, parsed.dash_version, parsed.fingerprint))
            agencies.extend((referral_id, agency) for agency in parsed.agencies)
            if link.perpetrator is not None:
                perpetrators.append((referral_id, link.perpetrator.id, None, None))
                named.add(victim, parsed.referral_date, referral_id, link.perpetrator.id,
                          link.perpetrator.forename, link.perpetrator.surname)
            else:
                # Known by name only: the person of that name among this victim's cases.
                wanted = name_key(parsed.perpetrator_forename, parsed.perpetrator_surname)
                person_id = named.find(victim.root, wanted)
                perpetrators.append((referral_id, person_id, parsed.perpetrator_forename,
                                     parsed.perpetrator_surname))
                if person_id is not None:  # that person's name is this one (name_key)
                    named.add(victim, parsed.referral_date, referral_id, person_id,
                              parsed.perpetrator_forename, parsed.perpetrator_surname)
            events.append(("insert", "marac_referral", referral_id,
                           {"import_id": self.run_id}))
            if parsed.meeting_date is not None:
                meeting_id = meetings.get(parsed.meeting_date)
                if meeting_id is None:  # meeting_on: scheduled, audited
                    meeting_id = meetings[parsed.meeting_date] = self.meeting_ids.take(1)[0]
                    new_meetings.append((meeting_id, parsed.meeting_date))
                    events.append(("insert", "marac_meeting", meeting_id,
                                   {"meeting_date": parsed.meeting_date, "venue": None,
                                    "chair": None}))
                case_id = next(case_ids)  # assign_case: a new referral is on no list yet
                cases.append((case_id, meeting_id, referral_id))
                events.append(("insert", "marac_case", case_id,
                               {"meeting_id": meeting_id, "referral_id": referral_id}))
        people.write()
        self.meetings.insert(new_meetings)
        self.referrals.insert(referrals)
        self.agencies.insert(agencies)
        self.perpetrators.insert(perpetrators)
        self.cases.insert(cases)
        record_all(self.connection, events)

    def _meetings(self, dates: set[date]) -> dict[date, int]:
        """The meetings already scheduled on these dates."""
        found: dict[date, int] = {}
        ordered = sorted(dates)
        for start in range(0, len(ordered), _CHUNK):
            found.update((day, meeting_id) for meeting_id, day in self.connection.execute(
                select(MaracMeeting.id, MaracMeeting.meeting_date)
                .where(MaracMeeting.meeting_date.in_(ordered[start:start + _CHUNK]))))
        return found

    def _escalations(self, wanted: Sequence[tuple[int, date]]) -> list[bool]:
        """``potential_escalation(session, victim, on)`` for each (victim, on), asked only for
        the victims with enough DV incidents in the batch's window to possibly meet it, and
        once a day for those (the rule itself is ``compute_alerts``'). Victims are merge
        roots, which incidents name as they are (a root is never merged itself)."""
        rules = self.rules
        if not wanted:
            return []
        victims = sorted({victim for victim, _ in wanted})
        first = min(add_months(on, -rules.dv_escalation_within_months) for _, on in wanted)
        last = max(on for _, on in wanted)
        possible: set[int | None] = set()
        for start in range(0, len(victims), _CHUNK):
            possible.update(self.connection.execute(
                select(Incident.subject_id)
                .where(Incident.crime_type == CrimeType.DV.value,
                       Incident.deleted_at.is_(None),
                       Incident.subject_id.in_(victims[start:start + _CHUNK]),
                       Incident.occurred_on >= first, Incident.occurred_on <= last)
                .group_by(Incident.subject_id)
                .having(func.count() >= max(1, rules.dv_escalation_incidents))).scalars())
        by_day: dict[date, set[int]] = {}
        for victim, on in wanted:
            if victim in possible:
                by_day.setdefault(on, set()).add(victim)
        escalating: set[tuple[int, date]] = set()
        for on, day_victims in by_day.items():
            alerted = {alert.subject_id for alert in compute_alerts(
                self.session, on, rules, kinds=[AlertKind.DV_ESCALATION],
                subject_ids=day_victims)}
            escalating.update((victim, on) for victim in day_victims if victim in alerted)
        return [(victim, on) in escalating for victim, on in wanted]

    # Finishing -------------------------------------------------------------------------

    def finish(self) -> None:
        summary = self.summary
        self.connection.execute(
            update(ImportRun).where(ImportRun.id == self.run_id).values(
                rows_read=summary.rows_read, rows_imported=summary.imported,
                rows_unchanged=summary.unchanged, rows_rejected=summary.rejected,
                rows_skipped=sum(summary.skipped.values())))
        record(self.session, "import", "import_run", self.run_id, {
            "file": self.source.path.name, "kind": IMPORT_KIND, "imported": summary.imported,
            "unchanged": summary.unchanged, "rejected": summary.rejected})


class _People:
    """``find_or_create`` for a batch's people at once: found by key with one query (merged
    people standing for their merge root), created with ids handed out in advance, a date of
    birth filled in when a later referral gives it; the events each would write."""

    def __init__(self, connection: Connection, import_id: int, now: datetime) -> None:
        table = table_of(Person)
        self._connection = connection
        self._lookup = KeyLookup(connection, table, "key",
                                 ["key", "id", "merged_into_id", "forename", "surname",
                                  *_FILLED_DETAILS])
        self._inserter = BulkInserter(connection, table, _PERSON_FIELDS,
                                      constants={"import_id": import_id, "created_at": now})
        self._ids = IdAllocator(connection, table)
        self._known: dict[str, _Person] = {}
        self._new_ids: dict[str, int] = {}
        self._created: dict[int, list[Any]] = {}  # id -> its row, until written
        self._filled: dict[int, dict[str, Any]] = {}  # found people's details filled in

    def load(self, keys: Sequence[str]) -> None:
        """Find the people of these keys (in the order rows name them); ids for the rest."""
        known: dict[str, _Person] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            for key, person_id, merged_into, forename, surname, *details in self._lookup.rows(
                    unique[start:start + _CHUNK]):
                known[key] = _Person(person_id, merged_into or person_id, forename, surname,
                                     {name for name, value in zip(_FILLED_DETAILS, details,
                                                                  strict=True) if value is None})
        missing = [key for key in unique if key not in known]
        self._known = known
        self._new_ids = dict(zip(missing, self._ids.take(len(missing)), strict=True))

    def link_row(self, parsed: ParsedReferral) -> _Linked:
        events: list[Event] = []
        victim = self._link(parsed.victim_key, {
            "reference": parsed.victim_ref, "forename": parsed.victim_forename,
            "surname": parsed.victim_surname, "date_of_birth": parsed.victim_dob,
            "gender": parsed.victim_gender, "ethnicity": parsed.victim_ethnicity}, events)
        perpetrator = None
        if parsed.perpetrator_key is not None:
            perpetrator = self._link(parsed.perpetrator_key, {
                "reference": parsed.perpetrator_ref, "forename": parsed.perpetrator_forename,
                "surname": parsed.perpetrator_surname, "date_of_birth": parsed.perpetrator_dob,
                "gender": None, "ethnicity": None}, events)
        return _Linked(victim, perpetrator, events)

    def _link(self, key: str, values: dict[str, Any], events: list[Event]) -> _Person:
        person = self._known.get(key)
        if person is None:
            person_id = self._new_ids[key]
            person = self._known[key] = _Person(
                person_id, person_id, values["forename"], values["surname"],
                {name for name in _FILLED_DETAILS if values[name] is None})
            self._created[person_id] = [person_id, key,
                                        *(values[name] for name in _PERSON_FIELDS[2:])]
            events.append(("insert", "person", person_id, None))
            return person
        gaps = {name: values[name] for name in _FILLED_DETAILS
                if name in person.missing and values[name] is not None}
        if gaps:
            person.missing.difference_update(gaps)
            created = self._created.get(person.id)
            if created is not None:  # not written yet: written with the detail
                for name, value in gaps.items():
                    created[_PERSON_FIELDS.index(name)] = value
            else:
                self._filled.setdefault(person.id, {}).update(gaps)
            events.append(("update", "person", person.id, gaps))
        return person

    def write(self) -> None:
        """Insert the people created and fill in the details found, then start afresh."""
        self._inserter.insert(list(self._created.values()))
        by_names: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for person_id, gaps in self._filled.items():
            by_names.setdefault(tuple(sorted(gaps)), []).append(
                {"person_id": person_id, **{f"new_{name}": value
                                            for name, value in gaps.items()}})
        for names, parameters in by_names.items():
            self._connection.execute(
                update(Person).where(Person.id == bindparam("person_id"))
                .values({name: bindparam(f"new_{name}") for name in names}), parameters)
        self._created = {}
        self._filled = {}


class _NamedPerpetrators:
    """The people named as perpetrators in each victim's cases (a victim: a merge root),
    for a perpetrator known by name only: the one of that name on the latest referral.

    Referrals stored before the batch are read once; the batch's own are added as they are
    written. CHOICE: of two referrals on the same day, the one recorded first counts (the
    one-by-one import left this to the order its query happened to return rows in).
    """

    def __init__(self, session: Session, roots: Sequence[int]) -> None:
        # root -> its cases' perpetrators: (referral date, referral id, perpetrator row id,
        # person id, name key)
        self._cases: dict[int, list[tuple[date, int, int, int, str | None]]] = {
            root: [] for root in roots}
        wanted = sorted(self._cases)
        victims: dict[int, set[int]] = {}  # a victim's id -> the wanted roots it is under
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            for person_id, merged_into in session.execute(
                    select(Person.id, Person.merged_into_id)
                    .where(or_(Person.id.in_(chunk), Person.merged_into_id.in_(chunk)))):
                victims[person_id] = {root for root in (person_id, merged_into)
                                      if root in self._cases}
        ids = sorted(victims)
        for start in range(0, len(ids), _CHUNK):
            for victim_id, on, referral_id, row_id, person_id, forename, surname in (
                    session.execute(
                        select(MaracReferral.victim_id, MaracReferral.referral_date,
                               MaracReferral.id, MaracPerpetrator.id, Person.id,
                               Person.forename, Person.surname)
                        .join(MaracPerpetrator,
                              MaracPerpetrator.referral_id == MaracReferral.id)
                        .join(Person, Person.id == MaracPerpetrator.person_id)
                        .where(MaracReferral.victim_id.in_(ids[start:start + _CHUNK])))):
                for root in victims[victim_id]:
                    self._cases[root].append((on, referral_id, row_id, person_id,
                                              name_key(forename, surname)))

    def find(self, root: int, wanted: str | None) -> int | None:
        found = [(-on.toordinal(), referral_id, row_id, person_id)
                 for on, referral_id, row_id, person_id, key in self._cases.get(root, ())
                 if key == wanted]
        return min(found)[3] if found else None

    def add(self, victim: _Person, on: date, referral_id: int, person_id: int,
            forename: str | None, surname: str | None) -> None:
        """A referral of this batch, of ``victim``, naming a person as its perpetrator."""
        for root in {victim.id, victim.root}:
            cases = self._cases.get(root)
            if cases is not None:
                cases.append((on, referral_id, 0, person_id, name_key(forename, surname)))
