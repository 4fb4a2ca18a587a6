"""The figures workbook (``figures --format xlsx`` and the Reports screen).

Sheets: Summary (the whole area, each period and crime type), By ward, Trend (the whole area's
rates period by period, a column per crime type, ready to chart) and Definitions. Every
sheet opens with a header naming the area, the period and the protective marking, which are
also printed at the top and bottom of every page. Counts are numbers; rates are numbers too,
percentages stored as fractions (66.67 % is 0.6667) in a percent format, so an analyst can
compute with them. A withheld count in a published workbook is the text ``<5`` or ``*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.figures import ALL_AREA, FigureRow
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.reports.suppression import PublishedRow, describe_rule, suppress_figures
from scs_victims.settings import RuleSettings
from scs_victims.spreadsheets import (
    DECIMAL_FORMAT,
    PERCENT_FORMAT,
    column_header,
    fit_columns,
    freeze_below,
    header_block,
    xlsx_cell,
)

TITLE = "Repeat victimisation figures"
COUNT_COLUMNS = (("incidents", "Incidents"), ("linked_incidents", "Linked incidents"),
                 ("victims", "Victims"), ("repeat_incidents", "Repeat incidents"),
                 ("repeat_victims", "Repeat victims"))
RATE_COLUMNS = (("repeat_incident_rate", "Repeat incident rate", PERCENT_FORMAT),
                ("repeat_victim_rate", "Repeat victim rate", PERCENT_FORMAT),
                ("concentration", "Incidents per victim", DECIMAL_FORMAT),
                ("per_1000", "Rate per 1,000", DECIMAL_FORMAT))
TREND_MEASURES = (("incidents", "incidents", None),
                  ("repeat_victim_rate", "repeat victim rate", PERCENT_FORMAT),
                  ("repeat_incident_rate", "repeat incident rate", PERCENT_FORMAT))
DEFINITIONS_WIDTH = 100

Row = FigureRow | PublishedRow


def rate_value(value: Decimal | None, number_format: str | None) -> float | None:
    """What a rate cell holds: the fraction for a percentage (66.67 -> 0.6667)."""
    if value is None:
        return None
    return float(value / 100) if number_format == PERCENT_FORMAT else float(value)


def figures_definitions(rules: RuleSettings, *, first: date, last: date,
                        publish: bool) -> list[str]:
    """The Definitions sheet's lines: each measure, the windows in force, the dates covered
    and, for publication, the suppression rule."""
    from scs_victims.reports.definitions_page import MEASURE_WORDS

    lines = [f"{name}: {words}" for name, words in MEASURE_WORDS]
    for crime_type in CRIME_TYPES:
        months = rules.window_months(crime_type)
        lines.append(f"Look-back window for {crime_type.label}: {months} "
                     f"month{'s' if months != 1 else ''}.")
    lines.append(f"The figures cover incidents that occurred from {first:%d/%m/%Y} to "
                 f"{last:%d/%m/%Y}.")
    if publish:
        lines.append(describe_rule())
    return lines


def write_figures_workbook(path: Path, rows: Sequence[FigureRow], *, area_name: str,
                           period_label: str, marking: str, publish: bool,
                           definitions: list[str], produced_at: datetime | None = None,
                           progress: ProgressCallback = no_progress,
                           password: str | None = None) -> None:
    """Write the workbook (beside ``path``, then renamed into place); with ``password``,
    protected with it (made and encrypted in memory: no plain copy is ever on disk)."""
    from scs_victims.exports import write_bytes_atomically
    from scs_victims.protection import check_password, protect

    check_password(password)
    data = figures_workbook_bytes(
        rows, area_name=area_name, period_label=period_label, marking=marking,
        publish=publish, definitions=definitions, produced_at=produced_at, progress=progress)
    write_bytes_atomically(path, protect(data, "xlsx", password))
    progress(4, 4)


def figures_workbook_bytes(rows: Sequence[FigureRow], *, area_name: str, period_label: str,
                           marking: str, publish: bool, definitions: list[str],
                           produced_at: datetime | None = None,
                           progress: ProgressCallback = no_progress) -> bytes:
    """The workbook's XLSX bytes, made in memory. ``rows`` are the figures as computed; with
    ``publish`` they are suppressed here (and the rule is added to the definitions when it is
    not already there)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    from scs_victims.workbook_bytes import workbook_bytes

    shown: list[Row] = list(suppress_figures(rows)) if publish else list(rows)
    if publish and describe_rule() not in definitions:
        definitions = [*definitions, describe_rule()]
    produced_at = produced_at or datetime.now()
    note = ("For publication: small numbers are withheld (see Definitions)." if publish
            else "Internal: every number is shown. Not for publication.")
    header: dict[str, Any] = dict(area_name=area_name, period_label=period_label,
                                  marking=marking, produced_at=produced_at, note=note)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    whole = [row for row in shown if row.area == ALL_AREA]
    _figures_sheet(summary, f"{TITLE}: whole area", whole, header, with_ward=False)
    progress(1, 4)
    wards = [row for row in shown if row.area != ALL_AREA]
    _figures_sheet(workbook.create_sheet("By ward"), f"{TITLE}: by ward", wards, header,
                   with_ward=True)
    progress(2, 4)
    _trend_sheet(workbook.create_sheet("Trend"), whole, header)
    progress(3, 4)
    _definitions_sheet(workbook.create_sheet("Definitions"), definitions, header)
    return workbook_bytes(workbook)


def _figures_sheet(sheet: Any, title: str, rows: Sequence[Row], header: dict[str, Any], *,
                   with_ward: bool) -> None:
    used = header_block(sheet, title, **header)
    names = ["Period", "From", "To", "Crime type", *(["Ward"] if with_ward else []),
             *(label for _name, label in COUNT_COLUMNS),
             *(label for _name, label, _format in RATE_COLUMNS)]
    column_header(sheet, names)
    for row in rows:
        cells = [xlsx_cell(sheet, row.period.label), xlsx_cell(sheet, row.period.start),
                 xlsx_cell(sheet, row.period.end), xlsx_cell(sheet, row.crime_type.label)]
        if with_ward:
            cells.append(xlsx_cell(sheet, row.area))
        cells += [xlsx_cell(sheet, getattr(row, name), "#,##0") for name, _label in
                  COUNT_COLUMNS]
        cells += [xlsx_cell(sheet, rate_value(getattr(row, name), number_format),
                            number_format) for name, _label, number_format in RATE_COLUMNS]
        sheet.append(cells)
    if with_ward and not rows:
        sheet.append([xlsx_cell(sheet, "No ward figures were asked for.")])
    freeze_below(sheet, used + 1, 1)
    fit_columns(sheet, skip_rows=used)


def _trend_sheet(sheet: Any, rows: Sequence[Row], header: dict[str, Any]) -> None:
    used = header_block(sheet, f"{TITLE}: trend, whole area", **header)
    types = [crime_type for crime_type in CRIME_TYPES
             if any(row.crime_type is crime_type for row in rows)]
    column_header(sheet, ["Period", "From", "To",
                          *(f"{crime_type.label}: {label}" for crime_type in types
                            for _name, label, _format in TREND_MEASURES)])
    by_period: dict[Any, dict[CrimeType, Row]] = {}
    for row in rows:
        by_period.setdefault(row.period, {})[row.crime_type] = row
    for period, of_type in by_period.items():
        cells = [xlsx_cell(sheet, period.label), xlsx_cell(sheet, period.start),
                 xlsx_cell(sheet, period.end)]
        for crime_type in types:
            found = of_type.get(crime_type)
            for name, _label, number_format in TREND_MEASURES:
                value = None if found is None else getattr(found, name)
                if number_format is not None:
                    value = rate_value(value, number_format)
                cells.append(xlsx_cell(sheet, value, number_format or "#,##0"))
        sheet.append(cells)
    freeze_below(sheet, used + 1, 1)
    fit_columns(sheet, skip_rows=used)


def _definitions_sheet(sheet: Any, lines: Sequence[str], header: dict[str, Any]) -> None:
    from openpyxl.styles import Alignment  # type: ignore[import-untyped]

    used = header_block(sheet, f"{TITLE}: how each figure is counted", **header)
    column_header(sheet, ["Definition"])
    for line in lines:
        if not line:
            continue
        cell = xlsx_cell(sheet, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append([cell])
    freeze_below(sheet, used + 1)
    sheet.column_dimensions["A"].width = DEFINITIONS_WIDTH
    sheet.column_dimensions["B"].width = 40
