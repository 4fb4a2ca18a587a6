"""Importing MARAC referrals from a coordinator's spreadsheet (formats.md "MARAC referrals").

The rules of incident imports: the whole file or nothing (every row error listed as
``row N: column: reason``), or with ``skip_invalid`` the valid rows and a rejects file; a
``referral_ref`` already stored is unchanged when its row means the same, and a conflict when
it differs; a reference twice in one file is an error on the second row. Meetings are
scheduled from ``meeting_date`` and the referral put on that meeting's list.

Rows are written one by one through the ORM: a coordinator's history is thousands of rows, not
millions, so the bulk machinery of incident imports is not needed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.audit import current_actor, record
from scs_victims.errors import FileRefused, RowError
from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incidents import ImportSummary, Rejects
from scs_victims.importing.profile import Profile
from scs_victims.marac.meetings import assign_case, meeting_on
from scs_victims.marac.rows import (
    REFERRAL_COLUMNS,
    REQUIRED_COLUMNS,
    ParsedReferral,
    ReferralChecker,
)
from scs_victims.marac.rules import name_key, potential_escalation
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.services.incidents import find_or_create
from scs_victims.settings import load_rules
from scs_victims.storage.database import Database
from scs_victims.storage.models import (
    ImportRun,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)

IMPORT_KIND = "marac"
# A person first met without a date of birth (known by reference) takes the one a later
# referral gives: ages at referral (victims 16-17, young perpetrators) need it.
_FILLED_DETAILS = ("date_of_birth",)


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
        checker = ReferralChecker(source.columns, today=today)
        bound = source.bound
        label = bound.label if bound is not None else str
        rows: list[tuple[int, list[str], ParsedReferral | list[RowError]]] = []
        for row in source.rows():
            if row.skipped is not None:
                summary.rows_read += 1
                summary.skipped[row.skipped] = summary.skipped.get(row.skipped, 0) + 1
                continue
            checked = ([RowError(row.number, "", row.problem)] if row.problem is not None
                       else checker.check(row.number, row.cells))
            if isinstance(checked, list) and bound is not None:  # their column names
                checked = [RowError(error.row, bound.label(error.column, row.raw),
                                    error.reason) for error in checked]
            rows.append((row.number, row.raw, checked))
        header = source.original_header
    rejects = None
    if skip_invalid:
        rejects = Rejects(rejects_path or path.with_name(path.stem + "-rejects.csv"), header,
                          label)
    try:
        with database.session() as session:
            _Run(session, path, summary, rejects, progress, source.encoding).run(rows)
            if summary.error_count and not skip_invalid:
                summary.errors.sort(key=lambda error: error.row)
                raise FileRefused(
                    f"{path.name} was not imported: {summary.error_count} problem"
                    f"{'s' if summary.error_count != 1 else ''} found; nothing was changed.",
                    summary.errors, total=summary.error_count)
    except BaseException:
        if rejects is not None:
            rejects.discard()
        raise
    summary.errors.sort(key=lambda error: error.row)
    if rejects is not None:
        if summary.rejected:
            rejects.keep()
            summary.rejects_path = rejects.path
        else:
            rejects.discard()
    summary.committed = True
    return summary


class _Run:
    def __init__(self, session: Session, path: Path, summary: ImportSummary,
                 rejects: Rejects | None, progress: ProgressCallback, encoding: str) -> None:
        self.session = session
        self.summary = summary
        self.rejects = rejects
        self.progress = progress
        self.now = datetime.now()
        run = ImportRun(kind=IMPORT_KIND, file_name=path.name, encoding=encoding,
                        started_at=self.now, actor=current_actor(), rows_read=0,
                        rows_imported=0, rows_unchanged=0, rows_rejected=0)
        session.add(run)
        session.flush()
        self.run_record = run
        self.rules = load_rules(session)

    def run(self, rows: list[tuple[int, list[str], ParsedReferral | list[RowError]]]) -> None:
        stored: dict[str, str] = {reference: content_hash for reference, content_hash in
                                  self.session.execute(select(MaracReferral.reference,
                                                              MaracReferral.content_hash))}
        first_row: dict[str, int] = {}
        total = len(rows)
        self.progress(0, total)
        for done, (number, raw, checked) in enumerate(rows, start=1):
            self.summary.rows_read += 1
            if isinstance(checked, list):
                self._reject(raw, checked)
            elif checked.reference in first_row:
                self._reject(raw, [RowError(number, "referral_ref",
                             f"'{checked.reference}' appears on row "
                             f"{first_row[checked.reference]} of this file already")])
            else:
                first_row[checked.reference] = number
                known = stored.get(checked.reference)
                if known == checked.fingerprint:
                    self.summary.unchanged += 1
                elif known is not None:
                    self.summary.conflicts += 1
                    self._reject(raw, [RowError(
                        number, "referral_ref",
                        f"'{checked.reference}' is already in the database with different "
                        "details (a conflict): correct the file or edit the referral in the app")])
                else:
                    self._insert(checked)
                    self.summary.imported += 1
            self.progress(done, total)
        run = self.run_record
        run.rows_read, run.rows_imported = self.summary.rows_read, self.summary.imported
        run.rows_unchanged, run.rows_rejected = self.summary.unchanged, self.summary.rejected
        run.rows_skipped = sum(self.summary.skipped.values())
        record(self.session, "import", "import_run", run.id, {
            "file": run.file_name, "kind": IMPORT_KIND, "imported": self.summary.imported,
            "unchanged": self.summary.unchanged, "rejected": self.summary.rejected})

    def _reject(self, raw: list[str], errors: list[RowError]) -> None:
        self.summary.error_count += len(errors)
        self.summary.errors.extend(errors)
        self.summary.rejected += 1
        if self.rejects is not None:
            self.rejects.write(raw, errors)

    def _insert(self, parsed: ParsedReferral) -> None:
        session = self.session
        victim_id, victim_root = find_or_create(
            session, Person, parsed.victim_key,
            {"reference": parsed.victim_ref, "forename": parsed.victim_forename,
             "surname": parsed.victim_surname, "date_of_birth": parsed.victim_dob,
             "gender": parsed.victim_gender, "ethnicity": parsed.victim_ethnicity,
             "import_id": self.run_record.id},
            now=self.now, entity="person", fill=_FILLED_DETAILS)
        referral = MaracReferral(
            reference=parsed.reference, referral_date=parsed.referral_date,
            victim_id=victim_id, victim_gender=parsed.victim_gender,
            victim_ethnicity=parsed.victim_ethnicity, victim_lgbt=parsed.victim_lgbt,
            victim_disabled=parsed.victim_disabled, relationship=parsed.relationship,
            children_count=parsed.children_count, withhold_address=False,
            dash_score=parsed.dash_score, professional_judgement=parsed.professional_judgement,
            potential_escalation=potential_escalation(session, victim_root,
                                                      parsed.referral_date, self.rules),
            idva=parsed.idva, notes=parsed.notes, incident_date=parsed.incident_date,
            dash_version=parsed.dash_version, content_hash=parsed.fingerprint,
            import_id=self.run_record.id, created_at=self.now, updated_at=self.now)
        session.add(referral)
        session.flush()
        session.add_all(MaracReferralAgency(referral_id=referral.id, agency=agency)
                        for agency in parsed.agencies)
        session.add(self._perpetrator(parsed, referral.id, victim_root))
        record(session, "insert", "marac_referral", referral.id, {"import_id":
                                                                 self.run_record.id})
        if parsed.meeting_date is not None:
            meeting_id = meeting_on(session, parsed.meeting_date, now=self.now)
            assign_case(session, meeting_id, referral.id)

    def _perpetrator(self, parsed: ParsedReferral, referral_id: int,
                     victim_root: int) -> MaracPerpetrator:
        if parsed.perpetrator_key is not None:
            person_id, _root = find_or_create(
                self.session, Person, parsed.perpetrator_key,
                {"reference": parsed.perpetrator_ref, "forename": parsed.perpetrator_forename,
                 "surname": parsed.perpetrator_surname,
                 "date_of_birth": parsed.perpetrator_dob, "import_id": self.run_record.id},
                now=self.now, entity="person", fill=_FILLED_DETAILS)
            return MaracPerpetrator(referral_id=referral_id, person_id=person_id, position=0)
        # Known by name only: the person of that name among this victim's cases, if any.
        return MaracPerpetrator(
            referral_id=referral_id, position=0,
            person_id=_named_perpetrator(self.session, victim_root, parsed),
            forename=parsed.perpetrator_forename, surname=parsed.perpetrator_surname)


def _named_perpetrator(session: Session, victim_root: int, parsed: ParsedReferral) -> int | None:
    wanted = name_key(parsed.perpetrator_forename, parsed.perpetrator_surname)
    victim_ids = select(Person.id).where((Person.id == victim_root)
                                         | (Person.merged_into_id == victim_root))
    candidates = session.execute(
        select(Person.id, Person.forename, Person.surname)
        .join(MaracPerpetrator, MaracPerpetrator.person_id == Person.id)
        .join(MaracReferral, MaracReferral.id == MaracPerpetrator.referral_id)
        .where(MaracReferral.victim_id.in_(victim_ids))
        .order_by(MaracReferral.referral_date.desc())
    ).all()
    for person_id, forename, surname in candidates:
        if name_key(forename, surname) == wanted:
            return int(person_id)
    return None
