"""The morning dashboard: this quarter and the financial year to date against the targets.

Every figure comes from ``scs_victims.figures.compute_figures`` for the whole area ("All"),
so the dashboard always agrees with the exported figures. Periods end on ``today``: "this
quarter" is the current quarter up to today, "financial year to date" runs from 1 April.

Targets and baselines are percentages in ``AreaSettings.targets`` and
``AreaSettings.baselines``, keyed ``<crime type>_<measure>`` (``dv_repeat_incident_rate``).

The status rule (lower rates are better):

- **Green**: the rate is at or below the target.
- **Amber**: the rate is above the target but at or below the baseline; when no baseline is
  set (or the baseline is not above the target), above the target by no more than 10% of the
  target (5.25% → up to 5.775%).
- **Red**: the rate is higher still.
- No status (``Status.NONE``) when no target is set, or when the rate has no value (no
  victims or no linked incidents in the period).

Rates are compared exactly as printed (two decimals, ``scs_victims.domain.rates``), so a
rate printed equal to the target is green.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.orm import Session

from scs_victims.alerts import AlertKind
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import add_months
from scs_victims.domain.periods import Period, PeriodKind, period_containing, periods_between
from scs_victims.figures import ALL_AREA, FigureRow, compute_figures
from scs_victims.services.alert_reviews import open_alerts, open_counts
from scs_victims.settings import AreaSettings, load_area

REPEAT_VICTIM_RATE = "repeat_victim_rate"
REPEAT_INCIDENT_RATE = "repeat_incident_rate"
MEASURES = (REPEAT_VICTIM_RATE, REPEAT_INCIDENT_RATE)
TREND_QUARTERS = 8
# Without a baseline, amber reaches this far above the target, relative to it.
AMBER_MARGIN = Decimal("0.10")


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        return "No status" if self is Status.NONE else self.value.capitalize()


@dataclass(frozen=True, slots=True)
class RateStatus:
    """One rate against its target and baseline, with the rule that judged it, in words."""

    measure: str
    value: Decimal | None
    target: Decimal | None
    baseline: Decimal | None
    status: Status
    rule: str


@dataclass(frozen=True, slots=True)
class TypeFigures:
    """One crime type in one period."""

    period: Period
    crime_type: CrimeType
    incidents: int
    linked_incidents: int
    victims: int
    repeat_incidents: int
    repeat_victims: int
    repeat_victim_rate: RateStatus
    repeat_incident_rate: RateStatus


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    repeat_victim_rate: Decimal | None
    repeat_incident_rate: Decimal | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    quarter: Period  # this quarter, up to today
    year_to_date: Period  # this financial year, up to today
    this_quarter: tuple[TypeFigures, ...]  # in CRIME_TYPES order
    financial_year: tuple[TypeFigures, ...]
    trend: dict[CrimeType, tuple[TrendPoint, ...]]  # oldest first, ending with this quarter
    open_alerts: dict[AlertKind, int]

    @property
    def open_alert_total(self) -> int:
        return sum(self.open_alerts.values())


def dashboard(session: Session, today: date) -> Dashboard:
    area = load_area(session)
    quarter = period_containing(today, PeriodKind.QUARTER)
    year = period_containing(today, PeriodKind.FINANCIAL_YEAR)
    trend_start = add_months(quarter.start, -3 * (TREND_QUARTERS - 1))
    quarters = periods_between(trend_start, today, PeriodKind.QUARTER)
    year_to_date = Period(year.start, today, year.label)
    # Quarters and the year overlap, and compute_figures wants periods that do not: two calls.
    quarter_rows = _whole_area(compute_figures(session, quarters))
    year_rows = _whole_area(compute_figures(session, [year_to_date]))
    trend = {
        crime_type: tuple(
            TrendPoint(row.period, row.repeat_victim_rate, row.repeat_incident_rate)
            for row in quarter_rows if row.crime_type is crime_type
        )
        for crime_type in CRIME_TYPES
    }
    current = quarters[-1]
    return Dashboard(
        today=today,
        quarter=current,
        year_to_date=year_to_date,
        this_quarter=tuple(type_figures(row, area) for row in quarter_rows
                           if row.period == current),
        financial_year=tuple(type_figures(row, area) for row in year_rows),
        trend=trend,
        open_alerts=open_counts(open_alerts(session, today)),
    )


def type_figures(row: FigureRow, area: AreaSettings) -> TypeFigures:
    return TypeFigures(
        period=row.period,
        crime_type=row.crime_type,
        incidents=row.incidents,
        linked_incidents=row.linked_incidents,
        victims=row.victims,
        repeat_incidents=row.repeat_incidents,
        repeat_victims=row.repeat_victims,
        repeat_victim_rate=judge(row.crime_type, REPEAT_VICTIM_RATE, row.repeat_victim_rate,
                                 area),
        repeat_incident_rate=judge(row.crime_type, REPEAT_INCIDENT_RATE,
                                   row.repeat_incident_rate, area),
    )


def judge(crime_type: CrimeType, measure: str, value: Decimal | None,
          area: AreaSettings) -> RateStatus:
    """A rate's status under the rule of the module docstring."""
    key = f"{crime_type.value}_{measure}"
    target = _percent(area.targets, key)
    baseline = _percent(area.baselines, key)
    if target is None:
        return RateStatus(measure, value, None, baseline, Status.NONE,
                          "No target is set for this rate.")
    amber_limit = baseline if baseline is not None and baseline > target else (
        target * (1 + AMBER_MARGIN))
    limit_words = (f"the baseline of {_pct(amber_limit)}" if amber_limit == baseline
                   else f"{_pct(amber_limit)} (10% above the target)")
    rule = (f"Lower is better. Green: at or below the target of {_pct(target)}. "
            f"Amber: above the target, up to {limit_words}. Red: above {_pct(amber_limit)}.")
    if value is None:
        status = Status.NONE
        rule = "No rate: no victims were recorded in the period. " + rule
    elif value <= target:
        status = Status.GREEN
    elif value <= amber_limit:
        status = Status.AMBER
    else:
        status = Status.RED
    return RateStatus(measure, value, target, baseline, status, rule)


def _whole_area(rows: Sequence[FigureRow]) -> list[FigureRow]:
    return [row for row in rows if row.area == ALL_AREA]


def _percent(values: Mapping[str, float | None], key: str) -> Decimal | None:
    value = values.get(key)
    # Through str: 5.25 is meant, not the binary float nearest it.
    return None if value is None else Decimal(str(value))


def _pct(value: Decimal) -> str:
    """Two decimals unless more are needed to be exact (5.775%)."""
    text = f"{value:.2f}"
    if Decimal(text) != value:
        text = format(value.normalize(), "f")
    return f"{text}%"


__all__ = ["AMBER_MARGIN", "MEASURES", "REPEAT_INCIDENT_RATE", "REPEAT_VICTIM_RATE",
           "TREND_QUARTERS", "Dashboard", "RateStatus", "Status", "TrendPoint", "TypeFigures",
           "dashboard", "judge", "type_figures"]
