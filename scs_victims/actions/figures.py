"""Figures: the dashboard, the figures of any periods, and the figures file (CSV or workbook).

Figures are counts and rates, never names, so every role that sees figures (officers,
analysts and above) sees the same numbers; restricted people are counted as everyone else.
Seeing figures is recorded as a ``view`` of ``figures`` and writing them as an ``export``
(a file's saying whether it was protected with a password).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult
from scs_victims.actions.permissions import Permission
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period, PeriodKind, periods_between
from scs_victims.errors import InputRefused
from scs_victims.exports import figures_csv_text, write_text_atomically
from scs_victims.figures import FigureRow, compute_figures
from scs_victims.protection import check_password, refuse_for_csv
from scs_victims.services.dashboard import Dashboard
from scs_victims.services.dashboard import dashboard as build_dashboard

FORMATS = ("csv", "xlsx")


@action(Permission.SEE_FIGURES)
def dashboard(user: SignedIn, today: date) -> Dashboard:
    """This quarter and the financial year to date against the targets, the trend of the
    last eight quarters, and how many alerts are open (counts only)."""
    return consult(user, lambda session: build_dashboard(session, today),
                   lambda _board: [Consulted("view", "figures", None, {"dashboard": today})])


@action(Permission.SEE_FIGURES)
def overdue_marac_actions(user: SignedIn, on: date) -> int:
    """How many MARAC actions are past their due date: a count for the dashboard, so it
    needs no MARAC permission and is not recorded as a consultation."""
    from scs_victims.marac.queries import overdue_action_count

    return consult(user, lambda session: overdue_action_count(session, on), lambda _n: [])


@action(Permission.SEE_FIGURES)
def figure_rows(user: SignedIn, periods: list[Period], types: list[CrimeType] | None = None,
                *, by_ward: bool = False) -> list[FigureRow]:
    """One row per period, crime type (every one when ``types`` is None) and area."""
    wanted = list(CRIME_TYPES) if types is None else types
    return consult(
        user, lambda session: compute_figures(session, periods, wanted, by_ward=by_ward),
        lambda rows: [Consulted("view", "figures", None, {
            **_periods_detail(periods), "types": [value.value for value in wanted],
            "by_ward": by_ward, "rows": len(rows)})])


@dataclass(frozen=True, slots=True)
class FiguresExport:
    rows: int
    csv_text: str | None = None  # only when no file was given: the CSV for standard output


@action(Permission.SEE_FIGURES)
def export_figures(user: SignedIn, out: Path | None, first: date, last: date,
                   kind: PeriodKind, types: list[CrimeType], *, by_ward: bool, fmt: str,
                   publish: bool, password: str | None = None) -> FiguresExport:
    """The figures file of formats.md: CSV (suppressed for publication with ``publish``)
    written to ``out``, or returned as text when ``out`` is None; or the figures workbook
    (which needs a file), protected with ``password`` when given. Exactly what
    ``scs-victims figures`` has always written."""
    if last < first:
        raise InputRefused("The last day must not be before the first.")
    if fmt not in FORMATS:
        raise InputRefused(f"'{fmt}' is not a format for the figures (csv or xlsx).")
    if fmt == "xlsx" and out is None:
        raise InputRefused("A workbook needs a file to be written to.")
    refuse_for_csv(fmt, password)
    check_password(password)
    periods = periods_between(first, last, kind)
    wanted = types or list(CRIME_TYPES)

    def write(session: Session) -> FiguresExport:
        rows = compute_figures(session, periods, wanted, by_ward=by_ward)
        if fmt == "xlsx":
            assert out is not None
            _write_workbook(session, out, rows, first, last, publish, password)
            return FiguresExport(len(rows))
        text = _csv_text(rows, publish)
        if out is None:
            return FiguresExport(len(rows), text)
        write_text_atomically(out, text)
        return FiguresExport(len(rows))

    detail: dict[str, object] = {
        "file": "-" if out is None else out.name, "format": fmt, "from": first, "to": last,
        "by": kind.value, "types": [value.value for value in wanted], "by_ward": by_ward,
        "publish": publish}
    if out is not None:  # every file says whether it was protected (a CSV never is)
        detail["protected"] = password is not None
    return consult(user, write, lambda done: [Consulted("export", "figures", None, {
        **detail, "rows": done.rows})])


def _csv_text(rows: list[FigureRow], publish: bool) -> str:
    from scs_victims.reports.suppression import suppress_figures

    return figures_csv_text(suppress_figures(rows) if publish else rows)


def _write_workbook(session: Session, path: Path, rows: list[FigureRow], first: date,
                    last: date, publish: bool, password: str | None) -> None:
    from scs_victims.reports.workbook import figures_definitions, write_figures_workbook
    from scs_victims.settings import load_area, load_rules

    area = load_area(session)
    periods = sorted({row.period for row in rows}, key=lambda period: period.start)
    label = (periods[0].label if len(periods) == 1 else
             f"{first:%d/%m/%Y} to {last:%d/%m/%Y}")
    write_figures_workbook(
        path, rows, area_name=area.area_name, period_label=label,
        marking=area.protective_marking, publish=publish,
        definitions=figures_definitions(load_rules(session), first=first, last=last,
                                        publish=publish), password=password)


def _periods_detail(periods: list[Period]) -> dict[str, object]:
    if not periods:
        return {"periods": 0}
    return {"from": periods[0].start, "to": periods[-1].end, "periods": len(periods)}
