"""The incident list for analysts: one row per live incident in a period, with its repeat
flag and the reason in words (``services.incidents.repeat_explanation``, as the incident's
own view says it), as CSV or XLSX.

Streams: one query read in batches (``yield_per``), each row written as it comes (the XLSX
in openpyxl's write-only mode, straight into the workbook's archive: no temporary file), so
memory stays flat for a million incidents. The file is written beside its name and renamed
into place when complete; cancelled or failed, nothing is left behind. A workbook protected
with a password is made in memory (compressed) and encrypted there before anything is written,
so no plain copy is ever on disk; a CSV cannot be protected.

Choices of ours:

- CHOICE: no names, dates of birth or addresses: the list is for analysis, and the person or
  dwelling is identified by ``subject_id`` (the id every figure counts by; the same id on two
  rows is the same victim, or the same dwelling for burglary). The reference leads back to the
  full record. The ward is the incident's own, as in the figures.
- CHOICE: the order is the date, then the crime type, then the order of entry: the order of
  the (occurred_on, crime_type) index, so a million rows need no sort.
- CHOICE: a non-repeat's reason does not name the date of an earlier incident outside the
  window (the incident's own view does): that needs a look at each subject's history, which
  a list of a million rows cannot afford.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.errors import UserError
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.services.incidents import repeat_explanation
from scs_victims.settings import load_area, load_rules
from scs_victims.spreadsheets import (
    DATE_FORMAT,
    TIME_FORMAT,
    SafeCsvWriter,
    column_header,
    freeze_below,
    header_block,
    set_widths,
    xlsx_cell,
)
from scs_victims.storage.models import Incident, Ward

Format = Literal["csv", "xlsx"]
LIST_COLUMNS = ("reference", "occurred_on", "occurred_time", "reported_on", "crime_type",
                "category", "ward", "source", "subject_id", "repeat", "previous_reference",
                "previous_occurred_on", "reason")
# Widths that fit the longest usual value of each column (write-only sheets cannot measure).
_WIDTHS = (16, 12, 8, 12, 10, 24, 24, 9, 10, 7, 18, 12, 90)
_BATCH = 2_000
_PROGRESS_EVERY = 5_000


class ListedIncident(NamedTuple):
    reference: str
    occurred_on: date
    occurred_time: time | None
    reported_on: date | None
    crime_type: CrimeType
    category: str | None
    ward: str | None
    source: str | None
    subject_id: int | None
    is_repeat: bool
    previous_reference: str | None
    previous_occurred_on: date | None
    reason: str


def count_incidents(session: Session, first: date, last: date,
                    crime_types: Sequence[CrimeType]) -> int:
    """How many rows ``export_incident_list`` would write."""
    return session.scalar(
        select(func.count()).select_from(Incident)
        .where(*_conditions(first, last, crime_types))) or 0


def listed_incidents(session: Session, first: date, last: date,
                     crime_types: Sequence[CrimeType]) -> Iterator[ListedIncident]:
    """The rows of the list, in order, read in batches."""
    rules = load_rules(session)
    windows = {crime_type: rules.window_months(crime_type) for crime_type in CRIME_TYPES}
    previous = aliased(Incident)
    statement = (
        select(Incident.reference, Incident.occurred_on, Incident.occurred_time,
               Incident.reported_on, Incident.crime_type, Incident.category, Ward.name,
               Incident.source, Incident.subject_id, Incident.is_repeat, previous.reference,
               previous.occurred_on)
        .outerjoin(Ward, Ward.id == Incident.ward_id)
        .outerjoin(previous, previous.id == Incident.previous_id)
        .where(*_conditions(first, last, crime_types))
        .order_by(Incident.occurred_on, Incident.crime_type, Incident.id)
        .execution_options(yield_per=_BATCH)
    )
    types = {crime_type.value: crime_type for crime_type in CRIME_TYPES}
    for (reference, occurred_on, occurred_time, reported_on, type_value, category, ward,
         source, subject_id, is_repeat, earlier_reference, earlier_on) in (
            session.execute(statement)):
        crime_type = types[type_value]
        repeat = bool(is_repeat)  # as the figures count it
        previous_reference = earlier_reference if repeat else None
        previous_on = earlier_on if repeat else None
        yield ListedIncident(
            reference, occurred_on, occurred_time, reported_on, crime_type, category, ward,
            source, subject_id, repeat, previous_reference, previous_on,
            repeat_explanation(crime_type, windows[crime_type], linked=subject_id is not None,
                               previous_on=previous_on))


def _conditions(first: date, last: date, crime_types: Sequence[CrimeType]) -> list[Any]:
    conditions = [Incident.deleted_at.is_(None), Incident.occurred_on >= first,
                  Incident.occurred_on <= last]
    if crime_types:
        conditions.append(Incident.crime_type.in_([crime_type.value
                                                   for crime_type in crime_types]))
    return conditions


def export_incident_list(session: Session, path: Path, first: date, last: date,
                         crime_types: Sequence[CrimeType], fmt: Format, *,
                         progress: ProgressCallback = no_progress,
                         password: str | None = None) -> int:
    """Write the list of incidents that occurred from ``first`` to ``last`` (every crime type
    when ``crime_types`` is empty) to ``path`` as ``fmt`` (an XLSX protected with
    ``password`` when given); returns the rows written. ``progress`` may raise
    ``Cancelled``: the partial file is then removed."""
    from scs_victims.exports import write_bytes_atomically
    from scs_victims.protection import check_password, protect_workbook, refuse_for_csv

    if last < first:
        raise UserError("The end date must not be before the start date.")
    if fmt not in ("csv", "xlsx"):
        raise UserError(f"'{fmt}' is not a format for the incident list (csv or xlsx).")
    refuse_for_csv(fmt, password)
    check_password(password)
    total = count_incidents(session, first, last, crime_types)
    progress(0, total)
    rows = listed_incidents(session, first, last, crime_types)
    partial = path.with_name(path.name + ".partial")
    try:
        if fmt == "csv":
            written = _write_csv(partial, rows, total, progress)
            os.replace(partial, path)
        else:
            period = f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"
            area = load_area(session)
            header = dict(area_name=area.area_name, period_label=period,
                          marking=area.protective_marking)
            if password is None:
                with partial.open("wb") as handle:
                    written = _write_xlsx(handle, rows, total, progress, **header)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(partial, path)
            else:
                in_memory = io.BytesIO()
                written = _write_xlsx(in_memory, rows, total, progress, **header)
                write_bytes_atomically(path, protect_workbook(in_memory.getvalue(), password))
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    progress(written, total)
    return written


def _cells(row: ListedIncident) -> list[str]:
    return [
        row.reference, row.occurred_on.isoformat(),
        "" if row.occurred_time is None else row.occurred_time.strftime("%H:%M"),
        "" if row.reported_on is None else row.reported_on.isoformat(), row.crime_type.value,
        row.category or "", row.ward or "", row.source or "",
        "" if row.subject_id is None else str(row.subject_id), "yes" if row.is_repeat else "no",
        row.previous_reference or "",
        "" if row.previous_occurred_on is None else row.previous_occurred_on.isoformat(),
        row.reason,
    ]


def _tick(written: int, total: int, progress: ProgressCallback) -> None:
    if written % _PROGRESS_EVERY == 0:
        progress(written, total)


def _write_csv(path: Path, rows: Iterator[ListedIncident], total: int,
               progress: ProgressCallback) -> int:
    written = 0
    # A BOM, so Excel opens the file as UTF-8 (our import reads it either way).
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(LIST_COLUMNS)
        for row in rows:
            writer.writerow(_cells(row))
            written += 1
            _tick(written, total, progress)
        handle.flush()
        os.fsync(handle.fileno())
    return written


def _write_xlsx(target: IO[bytes], rows: Iterator[ListedIncident], total: int,
                progress: ProgressCallback, *, area_name: str, period_label: str,
                marking: str) -> int:
    from scs_victims.workbook_bytes import streamed_sheet

    used = 7  # header_block's rows: title, area, period, marking, produced, note, blank

    def layout(sheet: Any) -> None:
        # Write-only sheets take their layout before the first row.
        set_widths(sheet, _WIDTHS)
        freeze_below(sheet, used + 1, 1)

    written = 0
    with streamed_sheet(target, "Incidents", layout, rows_at_most=used + 1 + total) as sheet:
        used_now = header_block(sheet, "Incident list", area_name=area_name,
                                period_label=period_label, marking=marking,
                                produced_at=datetime.now(),
                                note="One row per incident, with its repeat flag and reason.")
        assert used_now == used
        column_header(sheet, LIST_COLUMNS)
        for row in rows:
            sheet.append([
                xlsx_cell(sheet, row.reference), xlsx_cell(sheet, row.occurred_on, DATE_FORMAT),
                xlsx_cell(sheet, row.occurred_time, TIME_FORMAT),
                xlsx_cell(sheet, row.reported_on, DATE_FORMAT),
                xlsx_cell(sheet, row.crime_type.value), xlsx_cell(sheet, row.category),
                xlsx_cell(sheet, row.ward), xlsx_cell(sheet, row.source),
                xlsx_cell(sheet, row.subject_id),
                xlsx_cell(sheet, "yes" if row.is_repeat else "no"),
                xlsx_cell(sheet, row.previous_reference),
                xlsx_cell(sheet, row.previous_occurred_on, DATE_FORMAT),
                xlsx_cell(sheet, row.reason),
            ])
            written += 1
            _tick(written, total, progress)
    return written
