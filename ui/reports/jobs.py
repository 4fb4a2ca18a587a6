"""What the Reports screen's buttons run on a worker thread: each opens its own session and
returns plain data (``ui.operations``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scs_victims.domain.dates import add_months
from scs_victims.domain.periods import Period, PeriodKind, periods_between
from scs_victims.errors import UserError
from scs_victims.exports import write_bytes_atomically
from scs_victims.figures import compute_figures
from scs_victims.progress import ProgressCallback
from scs_victims.reports.incident_list import Format, export_incident_list
from scs_victims.reports.quarterly import render_quarterly_report, report_summary
from scs_victims.reports.quarterly_data import QuarterSummary
from scs_victims.reports.workbook import figures_definitions, write_figures_workbook
from scs_victims.services.dashboard import TREND_QUARTERS
from scs_victims.settings import load_area, load_rules
from scs_victims.storage.database import Database

LIST_FORMATS: dict[str, Format] = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True, slots=True)
class ReportChoice:
    """What the top of the screen asks for."""

    quarter: Period
    publish: bool


def trend_quarters(quarter: Period) -> list[Period]:
    """The quarters of the report's trend, oldest first, ending with ``quarter``."""
    first = add_months(quarter.start, -3 * (TREND_QUARTERS - 1))
    return periods_between(first, quarter.end, PeriodKind.QUARTER)


def load_summary(database: Database, choice: ReportChoice) -> QuarterSummary:
    with database.session() as session:
        return report_summary(session, choice.quarter, choice.publish)


def render_pdf(database: Database, choice: ReportChoice, progress: ProgressCallback) -> bytes:
    with database.session() as session:
        return render_quarterly_report(session, choice.quarter, publish=choice.publish,
                                       progress=progress)


def save_pdf(database: Database, choice: ReportChoice, path: Path,
             progress: ProgressCallback) -> Path:
    pdf = render_pdf(database, choice, progress)
    write_bytes_atomically(path, pdf)
    return path


def save_workbook(database: Database, choice: ReportChoice, path: Path,
                  progress: ProgressCallback) -> Path:
    """The figures workbook of the report's eight quarters, by ward (``figures --format
    xlsx`` for those quarters), suppressed when for publication."""
    quarters = trend_quarters(choice.quarter)
    with database.session() as session:
        rows = compute_figures(session, quarters, by_ward=True)
        area, rules = load_area(session), load_rules(session)
    first, last = quarters[0].start, quarters[-1].end
    write_figures_workbook(
        path, rows, area_name=area.area_name,
        period_label=f"{quarters[0].label} to {quarters[-1].label}",
        marking=area.protective_marking, publish=choice.publish,
        definitions=figures_definitions(rules, first=first, last=last,
                                        publish=choice.publish),
        progress=progress)
    return path


def list_format(path: Path) -> Format:
    """CSV or XLSX, by the file's extension."""
    found = LIST_FORMATS.get(path.suffix.lower())
    if found is None:
        raise UserError(f"{path.name} does not end in .csv or .xlsx: give the incident list "
                        "a name such as incidents.csv or incidents.xlsx.")
    return found


def save_incident_list(database: Database, quarter: Period, path: Path,
                       progress: ProgressCallback) -> int:
    """Every incident of the quarter, every crime type, with its repeat flag and reason."""
    fmt = list_format(path)
    with database.session() as session:
        return export_incident_list(session, path, quarter.start, quarter.end, (), fmt,
                                    progress=progress)
