"""Reporting periods: months, quarters and financial years (April–March), calendar years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from scs_victims.domain.dates import add_months


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FINANCIAL_YEAR = "fy"
    YEAR = "year"


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A span of whole days, first and last inclusive, with its label from definitions §4."""

    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def financial_year_of(day: date) -> int:
    """The calendar year in which ``day``'s financial year starts (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def period_containing(day: date, kind: PeriodKind) -> Period:
    """The month, quarter, financial year or calendar year that holds ``day``."""
    if kind is PeriodKind.MONTH:
        start = day.replace(day=1)
        return Period(start, add_months(start, 1) - timedelta(days=1), f"{day:%Y-%m}")
    if kind is PeriodKind.YEAR:
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))
    fy = financial_year_of(day)
    if kind is PeriodKind.FINANCIAL_YEAR:
        return Period(date(fy, 4, 1), date(fy + 1, 3, 31), fy_label(fy))
    quarter = ((day.month - 4) % 12) // 3 + 1
    start = add_months(date(fy, 4, 1), 3 * (quarter - 1))
    end = add_months(start, 3) - timedelta(days=1)
    return Period(start, end, f"{fy_label(fy)} Q{quarter}")


def periods_between(first: date, last: date, kind: PeriodKind) -> list[Period]:
    """Every period of ``kind`` that overlaps ``first``..``last``, oldest first.

    A period is clipped to the range when the range starts or ends inside it, so a figure is
    never counted over days the user did not ask for; its label stays the period's own.
    """
    if last < first:
        return []
    result: list[Period] = []
    day = first
    while day <= last:
        whole = period_containing(day, kind)
        result.append(Period(max(whole.start, first), min(whole.end, last), whole.label))
        day = whole.end + timedelta(days=1)
    return result


_QUARTER_LABEL = re.compile(r"^\s*(\d{4})/(\d{2})\s*Q([1-4])\s*$", re.IGNORECASE)
_FY_LABEL = re.compile(r"^\s*(\d{4})/(\d{2})\s*$")


def parse_period_label(text: str) -> Period:
    """``'2024/25 Q1'``, ``'2024/25'``, ``'2024-05'`` or ``'2024'`` to its Period."""
    if match := _QUARTER_LABEL.match(text):
        start_year = _checked_fy(int(match[1]), int(match[2]), text)
        quarter = int(match[3])
        return period_containing(add_months(date(start_year, 4, 1), 3 * (quarter - 1)),
                                 PeriodKind.QUARTER)
    if match := _FY_LABEL.match(text):
        start_year = _checked_fy(int(match[1]), int(match[2]), text)
        return period_containing(date(start_year, 4, 1), PeriodKind.FINANCIAL_YEAR)
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}", stripped):
        year, month = int(stripped[:4]), int(stripped[5:])
        if 1 <= month <= 12:
            return period_containing(date(year, month, 1), PeriodKind.MONTH)
    if re.fullmatch(r"\d{4}", stripped):
        return period_containing(date(int(stripped), 1, 1), PeriodKind.YEAR)
    raise ValueError(f"'{text}' is not a period such as 2024/25 Q1, 2024/25, 2024-05 or 2024")


def _checked_fy(start_year: int, end_two_digits: int, text: str) -> int:
    if (start_year + 1) % 100 != end_two_digits:
        raise ValueError(f"'{text}' is not a financial year: the years must follow each other")
    return start_year
