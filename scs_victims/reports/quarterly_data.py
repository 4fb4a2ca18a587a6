"""What the quarterly repeat-victimisation report holds, as plain data (issue 5, item 1).

Every figure comes from ``scs_victims.figures.compute_figures``, so the report agrees with
``figures --format csv``; in publication mode the rows pass through
``scs_victims.reports.suppression.suppress_figures`` first, and nothing else is printed from
them. Two calls are made, as ``compute_figures`` wants periods that do not overlap: the eight
quarters ending with the report's quarter, by ward (the quarter itself, the previous quarter
and the same quarter last year are among them), and the financial year up to the quarter's
end, by ward. Both are suppressed by ward, so a whole-area row reads the same in every table.

Choices of ours (the issue leaves them open):

- CHOICE: "ASB case review thresholds met and DV escalations in the quarter" are the alerts
  (``scs_victims.alerts.compute_alerts``) current on the quarter's last day (or today, while
  the quarter is running) whose latest incident lies in the quarter: the threshold was met in
  the quarter and still stood at its end. Working alerts out for every day of the quarter
  would find a few more, at many times the cost.
- CHOICE: the lists of those alerts name nobody: the latest incident's reference and the
  alert's own sentence (dates only) internally; in publication mode, counts only.
- CHOICE: the MARAC summary covers the meetings held in the quarter (the SafeLives return of
  ``scs_victims.marac.safelives_return``); it is left out while no referral is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.alerts import Alert, AlertKind, compute_alerts
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import add_months
from scs_victims.domain.periods import Period, PeriodKind, period_containing, periods_between
from scs_victims.domain.rates import format_rate
from scs_victims.errors import InputRefused
from scs_victims.figures import ALL_AREA, FigureRow, compute_figures
from scs_victims.marac.safelives_return import compute_return
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.reports.suppression import PublishedRow, suppress_count, suppress_figures
from scs_victims.services.dashboard import (
    REPEAT_INCIDENT_RATE,
    REPEAT_VICTIM_RATE,
    TREND_QUARTERS,
    Status,
    judge,
)
from scs_victims.settings import AreaSettings, RuleSettings, load_area, load_rules
from scs_victims.storage.models import Incident, MaracReferral

# A row as printed: the computed one, or its published (suppressed) version.
Shown: TypeAlias = FigureRow | PublishedRow
ALERT_KINDS = (AlertKind.ASB_CASE_REVIEW, AlertKind.ASB_CASE_REVIEW_COMMUNITY,
               AlertKind.DV_ESCALATION)
ALERTS_LISTED = 12  # per kind; the count says how many more there are
STEPS = 5


@dataclass(frozen=True, slots=True)
class Measure:
    """One line of the summary table: a FigureRow attribute and how it prints."""

    attribute: str
    label: str
    is_rate: bool = False
    judged: bool = False  # has a target and baseline (definitions of the dashboard)


MEASURES: tuple[Measure, ...] = (
    Measure("incidents", "Incidents"),
    Measure("victims", "Victims"),
    Measure("repeat_victims", "Repeat victims"),
    Measure(REPEAT_VICTIM_RATE, "Repeat victim rate", is_rate=True, judged=True),
    Measure("repeat_incidents", "Repeat incidents"),
    Measure(REPEAT_INCIDENT_RATE, "Repeat incident rate", is_rate=True, judged=True),
    Measure("per_1000", "Rate per 1,000", is_rate=True),
)


def published_count(value: int, *, publish: bool) -> int | str:
    """A count outside the figure rows (alerts, MARAC cases) under the primary rule of
    ``scs_victims.reports.suppression``: 1 to 4 as ``<5`` when published."""
    return suppress_count(value) if publish else value


def count_text(value: int | str) -> str:
    """``1234`` -> ``'1,234'``; a suppressed count (``'<5'``) as it is."""
    return value if isinstance(value, str) else f"{value:,}"


def rate_text(value: Decimal | None, *, percent: bool) -> str:
    """Two decimals (definitions §4); empty, never 0, when there is no rate."""
    text = format_rate(value)
    return f"{text}%" if text and percent else text


def measure_text(row: Shown, measure: Measure) -> str:
    value = getattr(row, measure.attribute)
    if measure.is_rate:
        return rate_text(value, percent=measure.attribute != "per_1000")
    return count_text(value)


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One measure of one crime type across the summary's columns, as printed."""

    measure: str
    values: tuple[str, ...]  # one per ``QuarterSummary.columns``
    target: str
    baseline: str
    status: Status | None  # None where no target applies (counts, the rate per 1,000)
    rule: str  # the status rule in words ("" where none applies)


@dataclass(frozen=True, slots=True)
class TypeSummary:
    crime_type: CrimeType
    lines: tuple[SummaryLine, ...]


def status_word(line: SummaryLine) -> str:
    """Green, Amber, Red; or why there is no status."""
    if line.status is None or line.status is not Status.NONE:
        return "" if line.status is None else line.status.label
    return "No target" if not line.target else "No rate"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    label: str  # the quarter's label
    repeat_victim_rate: Decimal | None
    repeat_incident_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class QuarterSummary:
    """The summary table, and the trend behind the charts, for an on-screen preview."""

    quarter: Period
    publish: bool
    columns: tuple[str, ...]  # headings of the value columns
    periods: tuple[Period, ...]  # the periods of those columns
    types: tuple[TypeSummary, ...]  # in CRIME_TYPES order
    trend: dict[CrimeType, tuple[TrendPoint, ...]]  # oldest first, ending with the quarter
    # (repeat victim rate target, repeat incident rate target), for the charts
    targets: dict[CrimeType, tuple[Decimal | None, Decimal | None]]


@dataclass(frozen=True, slots=True)
class AlertLine:
    reference: str  # the latest incident's (never a name)
    explanation: str


@dataclass(frozen=True, slots=True)
class AlertGroup:
    kind: AlertKind
    label: str
    count: int
    shown: str  # the count as printed (``<5`` when published and small)
    listed: tuple[AlertLine, ...]


@dataclass(frozen=True, slots=True)
class MaracSummary:
    """The quarter's MARAC meetings, as printed (counts suppressed when published)."""

    meetings: int
    cases: str
    repeats: str
    repeat_rate: str
    rolling_first: date
    last: date
    rolling_cases: str
    cases_per_10k: Decimal | None


@dataclass(frozen=True, slots=True)
class QuarterData:
    """Everything the report prints."""

    summary: QuarterSummary
    area: AreaSettings
    rules: RuleSettings
    as_of: date  # alerts are worked out on this day
    quarters: tuple[Period, ...]  # the eight of the trend, oldest first
    year_to_date: Period
    rows: dict[tuple[str, CrimeType, str], Shown]  # (period label, type, area) -> row
    ward_names: tuple[str, ...]  # in load order, ``Unknown`` last
    alerts: tuple[AlertGroup, ...]
    marac: MaracSummary | None
    data_range: tuple[date, date] | None  # first and last incident held

    @property
    def quarter(self) -> Period:
        return self.summary.quarter

    def row(self, period: Period, crime_type: CrimeType, area: str = ALL_AREA) -> Shown:
        return self.rows[(_key(period), crime_type, area)]


def check_quarter(period: Period) -> Period:
    """The period itself when it is a whole financial quarter (raises InputRefused)."""
    if period_containing(period.start, PeriodKind.QUARTER) != period:
        raise InputRefused(f"'{period.label}' is not a quarter: give one such as 2024/25 Q1.")
    return period


def build_quarter(session: Session, quarter: Period, *, publish: bool = False,
                  today: date | None = None, progress: ProgressCallback = no_progress,
                  summary_only: bool = False) -> QuarterData:
    """The report's data; ``summary_only`` skips the alerts, MARAC and the data's range
    (a preview shows the summary and trend only)."""
    check_quarter(quarter)
    today = today or date.today()
    area, rules = load_area(session), load_rules(session)
    progress(0, STEPS)
    first = add_months(quarter.start, -3 * (TREND_QUARTERS - 1))
    quarters = tuple(periods_between(first, quarter.end, PeriodKind.QUARTER))
    fy = period_containing(quarter.start, PeriodKind.FINANCIAL_YEAR)
    year_to_date = Period(fy.start, quarter.end, fy.label)
    quarter_rows = compute_figures(session, quarters, by_ward=True)
    progress(1, STEPS)
    year_rows = compute_figures(session, [year_to_date], by_ward=True)
    progress(2, STEPS)
    shown: list[Shown] = [*quarter_rows, *year_rows]
    if publish:
        shown = [*suppress_figures(quarter_rows), *suppress_figures(year_rows)]
    rows = {(_key(row.period), row.crime_type, row.area): row for row in shown}
    ward_names = tuple(dict.fromkeys(row.area for row in quarter_rows if row.area != ALL_AREA))

    as_of = min(quarter.end, today)
    alerts: tuple[AlertGroup, ...] = ()
    marac = data_range = None
    if not summary_only:
        alerts = _alert_groups(session, quarter, as_of, rules, publish=publish)
        progress(3, STEPS)
        marac = _marac(session, quarter, publish=publish)
        progress(4, STEPS)
        first_day, last_day = session.execute(
            select(func.min(Incident.occurred_on), func.max(Incident.occurred_on))
            .where(Incident.deleted_at.is_(None))).one()
        data_range = None if first_day is None else (first_day, last_day)

    previous, last_year = quarters[-2], quarters[-5]
    periods = (quarter, previous, last_year, year_to_date)
    columns = (f"This quarter\n{quarter.label}", f"Previous quarter\n{previous.label}",
               f"Same quarter last year\n{last_year.label}",
               f"Year to date\n{year_to_date.label}")
    summary = QuarterSummary(
        quarter=quarter, publish=publish, columns=columns, periods=periods,
        types=tuple(_type_summary(rows, periods, crime_type, area)
                    for crime_type in CRIME_TYPES),
        trend={crime_type: tuple(
            TrendPoint(period.label, row.repeat_victim_rate, row.repeat_incident_rate)
            for period in quarters
            for row in [rows[(_key(period), crime_type, ALL_AREA)]])
            for crime_type in CRIME_TYPES},
        targets={crime_type: (judge(crime_type, REPEAT_VICTIM_RATE, None, area).target,
                              judge(crime_type, REPEAT_INCIDENT_RATE, None, area).target)
                 for crime_type in CRIME_TYPES},
    )
    return QuarterData(summary=summary, area=area, rules=rules, as_of=as_of,
                       quarters=quarters, year_to_date=year_to_date, rows=rows,
                       ward_names=ward_names, alerts=alerts, marac=marac,
                       data_range=data_range)


def _key(period: Period) -> str:
    # The year to date shares its label with the whole year; its dates tell them apart.
    return f"{period.label}|{period.start}|{period.end}"


def _type_summary(rows: dict[tuple[str, CrimeType, str], Shown], periods: Sequence[Period],
                  crime_type: CrimeType, area: AreaSettings) -> TypeSummary:
    shown = [rows[(_key(period), crime_type, ALL_AREA)] for period in periods]
    lines = []
    for measure in MEASURES:
        target = baseline = rule = ""
        status: Status | None = None
        if measure.judged:
            judged = judge(crime_type, measure.attribute,
                           getattr(shown[0], measure.attribute), area)
            target = rate_text(judged.target, percent=True)
            baseline = rate_text(judged.baseline, percent=True)
            status, rule = judged.status, judged.rule
        lines.append(SummaryLine(measure.label, tuple(measure_text(row, measure)
                                                      for row in shown),
                                 target, baseline, status, rule))
    return TypeSummary(crime_type, tuple(lines))


_ALERT_LABELS = {
    AlertKind.ASB_CASE_REVIEW: "ASB case review threshold met (a person)",
    AlertKind.ASB_CASE_REVIEW_COMMUNITY: "ASB case review threshold met (community: an "
                                         "address)",
    AlertKind.DV_ESCALATION: "DV potential escalation",
}


def _alert_groups(session: Session, quarter: Period, as_of: date, rules: RuleSettings, *,
                  publish: bool) -> tuple[AlertGroup, ...]:
    found: dict[AlertKind, list[Alert]] = {kind: [] for kind in ALERT_KINDS}
    if as_of >= quarter.start:
        for alert in compute_alerts(session, as_of, rules, kinds=ALERT_KINDS):
            if alert.incidents and alert.incidents[-1].occurred_on >= quarter.start:
                found[alert.kind].append(alert)
    groups = []
    for kind, alerts in found.items():
        listed = () if publish else tuple(
            AlertLine(alert.incidents[-1].reference, alert.explanation)
            for alert in alerts[:ALERTS_LISTED])
        shown = count_text(published_count(len(alerts), publish=publish))
        groups.append(AlertGroup(kind, _ALERT_LABELS[kind], len(alerts), shown, listed))
    return tuple(groups)


def _marac(session: Session, quarter: Period, *, publish: bool) -> MaracSummary | None:
    if session.scalar(select(MaracReferral.id).limit(1)) is None:
        return None
    found = compute_return(session, quarter.start, quarter.end)
    cases = published_count(found.total.counts["cases_discussed"], publish=publish)
    repeats = published_count(found.total.counts["repeat_cases"], publish=publish)
    hidden = isinstance(cases, str) or isinstance(repeats, str)
    rolling = published_count(found.rolling_cases, publish=publish)
    return MaracSummary(
        meetings=len(found.meetings), cases=count_text(cases), repeats=count_text(repeats),
        repeat_rate="" if hidden else rate_text(found.repeat_rate, percent=True),
        rolling_first=found.rolling_first, last=found.last,
        rolling_cases=count_text(rolling),
        cases_per_10k=None if isinstance(rolling, str) else found.cases_per_10k)
