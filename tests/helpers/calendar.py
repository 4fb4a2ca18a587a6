"""A deliberately naive month arithmetic, to check the real one against (no shared code)."""

from __future__ import annotations

from datetime import date


def last_day_by_trial(year: int, month: int) -> int:
    day = 31
    while True:
        try:
            date(year, month, day)
        except ValueError:
            day -= 1
        else:
            return day


def add_months_by_walking(day: date, months: int) -> date:
    """Walk one month at a time, then clamp the day by trial."""
    year, month = day.year, day.month
    step = 1 if months > 0 else -1
    for _ in range(abs(months)):
        month += step
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    return date(year, month, min(day.day, last_day_by_trial(year, month)))
