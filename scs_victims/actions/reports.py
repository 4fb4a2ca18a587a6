"""Reports: the quarterly repeat-victimisation report (its preview, PDF, print and workbook)
and the incident list for analysts.

Names: neither prints any. The quarterly report lists the alerts of its quarter by the latest
incident's reference and the alert's own sentence (dates only), never a person's name or
address (``scs_victims.reports.quarterly_data``), so an analyst's report is the same document
as an officer's. The incident list has no name, date of birth or address column for anybody
(the person or dwelling is the pseudonymous ``subject_id``, as the figures count it), so an
analyst (a user without ``SEE_NAMES``) gets the very same columns: there is nothing to blank.
Should a name column ever be added to the list, it must be left out for such a user here.

Every file written is an ``export`` event (or ``print`` for the report) with the file's name
and whether it was protected with a password (``protected``), recorded once the file is
complete; a report sent to a printer is a ``print`` event naming the printer. A PDF or
workbook saved with a password is encrypted in memory before it is written
(``scs_victims.protection``); a CSV cannot be.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import add_months
from scs_victims.domain.periods import Period, PeriodKind, periods_between
from scs_victims.exports import write_bytes_atomically
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.protection import check_password, protect, refuse_for_csv
from scs_victims.reports.quarterly_data import QuarterSummary
from scs_victims.services.dashboard import TREND_QUARTERS


def trend_quarters(quarter: Period) -> list[Period]:
    """The quarters of the report's trend, oldest first, ending with ``quarter``."""
    first = add_months(quarter.start, -3 * (TREND_QUARTERS - 1))
    return periods_between(first, quarter.end, PeriodKind.QUARTER)


def _report_detail(quarter: Period, publish: bool) -> dict[str, Any]:
    return {"quarter": quarter.label, "publish": publish}


def _render(session: Session, quarter: Period, publish: bool,
            progress: ProgressCallback) -> bytes:
    from scs_victims.reports.quarterly import render_quarterly_report

    return render_quarterly_report(session, quarter, publish=publish, progress=progress)


@action(Permission.PRODUCE_REPORTS)
def report_summary(user: SignedIn, quarter: Period, *, publish: bool = False
                   ) -> QuarterSummary:
    """The report's summary table and trend, for the preview on screen."""
    from scs_victims.reports.quarterly import report_summary as summary

    return consult(user, lambda session: summary(session, quarter, publish),
                   lambda _summary: [Consulted("view", "figures", None, {
                       "report": quarter.label, "publish": publish})])


@action(Permission.PRODUCE_REPORTS)
def print_quarterly_report(user: SignedIn, quarter: Period, out: Path, *,
                           publish: bool = False, recipients: str = "",
                           progress: ProgressCallback = no_progress,
                           password: str | None = None) -> Path:
    """The quarterly report of a whole financial quarter, as a PDF file (written beside its
    name and renamed into place), protected with ``password`` when given."""
    check_password(password)

    def render(session: Session) -> Path:
        pdf = _render(session, quarter, publish, progress)
        write_bytes_atomically(out, protect(pdf, "pdf", password))
        return out

    detail = {**_report_detail(quarter, publish), "file": out.name,
              "protected": password is not None}
    if recipients.strip():
        detail["recipients"] = recipients.strip()
    return consult(user, render, lambda _path: [Consulted("print", "report", None, detail)])


@action(Permission.PRODUCE_REPORTS)
def quarterly_report_for_printer(user: SignedIn, quarter: Period, printer: str, *,
                                 publish: bool = False,
                                 progress: ProgressCallback = no_progress) -> bytes:
    """The report as PDF bytes for the screen to send to ``printer`` (its name)."""
    return consult(user, lambda session: _render(session, quarter, publish, progress),
                   lambda _pdf: [Consulted("print", "report", None, {
                       **_report_detail(quarter, publish), "printer": printer})])


@action(Permission.PRODUCE_REPORTS)
def save_report_workbook(user: SignedIn, quarter: Period, out: Path, *, publish: bool = False,
                         progress: ProgressCallback = no_progress,
                         password: str | None = None) -> Path:
    """The figures workbook of the report's eight quarters, by ward (what ``figures --format
    xlsx`` writes for those quarters), suppressed for publication; protected with
    ``password`` when given."""
    from scs_victims.figures import compute_figures
    from scs_victims.reports.workbook import figures_definitions, write_figures_workbook
    from scs_victims.settings import load_area, load_rules

    check_password(password)
    quarters = trend_quarters(quarter)
    first, last = quarters[0].start, quarters[-1].end

    def write(session: Session) -> Path:
        rows = compute_figures(session, quarters, by_ward=True)
        area, rules = load_area(session), load_rules(session)
        write_figures_workbook(
            out, rows, area_name=area.area_name,
            period_label=f"{quarters[0].label} to {quarters[-1].label}",
            marking=area.protective_marking, publish=publish,
            definitions=figures_definitions(rules, first=first, last=last, publish=publish),
            progress=progress, password=password)
        return out

    return consult(user, write, lambda _path: [Consulted("export", "figures", None, {
        **_report_detail(quarter, publish), "from": first, "to": last, "by_ward": True,
        "format": "xlsx", "file": out.name, "protected": password is not None})])


@action(Permission.EXPORT_INCIDENTS)
def export_incident_list(user: SignedIn, out: Path, first: date, last: date,
                         types: list[CrimeType], fmt: str,
                         progress: ProgressCallback = no_progress, *,
                         password: str | None = None) -> int:
    """Every live incident that occurred from ``first`` to ``last`` (every crime type when
    ``types`` is empty) with its repeat flag and reason, as CSV or XLSX (protected with
    ``password`` when given: XLSX only); the number written.

    Names: the list has no name columns for anyone (see the module's docstring), so a user
    without ``SEE_NAMES`` gets the same columns, none of them blank."""
    from scs_victims.reports.incident_list import export_incident_list as export

    refuse_for_csv(fmt, password)
    check_password(password)

    def write(session: Session) -> int:
        return export(session, out, first, last, types, fmt,  # type: ignore[arg-type]
                      progress=progress,  # the core refuses a format other than csv, xlsx
                      password=password)

    return consult(user, write, lambda written: [Consulted("export", "incident_list", None, {
        "file": out.name, "format": fmt, "from": first, "to": last,
        "types": [value.value for value in types], "incidents": written,
        "protected": password is not None})])
