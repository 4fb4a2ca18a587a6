"""Reporting periods of definitions §4: months, quarters, financial years, calendar years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain.periods import (
    Period,
    PeriodKind,
    financial_year_of,
    fy_label,
    parse_period_label,
    period_containing,
    periods_between,
)

# --- Labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "label"),
    [(2024, "2024/25"), (2023, "2023/24"), (1999, "1999/00"), (2009, "2009/10"),
     (2099, "2099/00"), (2000, "2000/01")],
)
def test_fy_label_is_start_year_and_two_digits_of_the_next(start_year: int, label: str) -> None:
    assert fy_label(start_year) == label


@pytest.mark.parametrize(
    ("day", "start_year"),
    [(date(2024, 4, 1), 2024), (date(2025, 3, 31), 2024), (date(2024, 3, 31), 2023),
     (date(2024, 12, 31), 2024), (date(2025, 1, 1), 2024)],
)
def test_financial_year_starts_on_1_april(day: date, start_year: int) -> None:
    assert financial_year_of(day) == start_year


# --- The period that holds a day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (date(2024, 4, 1), date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1"),
        (date(2024, 5, 15), date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1"),
        (date(2024, 6, 30), date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1"),
        (date(2024, 7, 1), date(2024, 7, 1), date(2024, 9, 30), "2024/25 Q2"),
        (date(2024, 9, 30), date(2024, 7, 1), date(2024, 9, 30), "2024/25 Q2"),
        (date(2024, 10, 1), date(2024, 10, 1), date(2024, 12, 31), "2024/25 Q3"),
        (date(2024, 12, 31), date(2024, 10, 1), date(2024, 12, 31), "2024/25 Q3"),
        (date(2025, 1, 1), date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4"),
        (date(2025, 3, 31), date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4"),
        (date(2025, 4, 1), date(2025, 4, 1), date(2025, 6, 30), "2025/26 Q1"),
        (date(2024, 3, 31), date(2024, 1, 1), date(2024, 3, 31), "2023/24 Q4"),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31), "2023/24 Q4"),
        (date(2000, 2, 29), date(2000, 1, 1), date(2000, 3, 31), "1999/00 Q4"),
        (date(1999, 12, 31), date(1999, 10, 1), date(1999, 12, 31), "1999/00 Q3"),
    ],
)
def test_quarters_of_the_financial_year(day: date, start: date, end: date, label: str) -> None:
    assert period_containing(day, PeriodKind.QUARTER) == Period(start, end, label)


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (date(2024, 4, 1), date(2024, 4, 1), date(2025, 3, 31), "2024/25"),
        (date(2025, 3, 31), date(2024, 4, 1), date(2025, 3, 31), "2024/25"),
        (date(2024, 3, 31), date(2023, 4, 1), date(2024, 3, 31), "2023/24"),
        (date(1999, 4, 1), date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        (date(2000, 3, 31), date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        (date(2000, 4, 1), date(2000, 4, 1), date(2001, 3, 31), "2000/01"),
    ],
)
def test_financial_year_is_1_april_to_31_march(
    day: date, start: date, end: date, label: str
) -> None:
    assert period_containing(day, PeriodKind.FINANCIAL_YEAR) == Period(start, end, label)


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (date(2024, 5, 31), date(2024, 5, 1), date(2024, 5, 31), "2024-05"),
        (date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (date(2023, 2, 28), date(2023, 2, 1), date(2023, 2, 28), "2023-02"),
        (date(2024, 12, 1), date(2024, 12, 1), date(2024, 12, 31), "2024-12"),
        (date(2024, 4, 30), date(2024, 4, 1), date(2024, 4, 30), "2024-04"),
    ],
)
def test_months(day: date, start: date, end: date, label: str) -> None:
    assert period_containing(day, PeriodKind.MONTH) == Period(start, end, label)


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2024, 7, 1), date(2024, 12, 31)])
def test_calendar_years(day: date) -> None:
    assert period_containing(day, PeriodKind.YEAR) == Period(
        date(2024, 1, 1), date(2024, 12, 31), "2024"
    )


def test_period_contains_its_first_and_last_day_only() -> None:
    quarter = period_containing(date(2024, 5, 15), PeriodKind.QUARTER)
    assert quarter.contains(date(2024, 4, 1))
    assert quarter.contains(date(2024, 6, 30))
    assert not quarter.contains(date(2024, 3, 31))
    assert not quarter.contains(date(2024, 7, 1))


_DAYS = st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31))
_KINDS = st.sampled_from(list(PeriodKind))


@given(_DAYS, _KINDS)
def test_period_containing_contains_the_day(day: date, kind: PeriodKind) -> None:
    assert period_containing(day, kind).contains(day)


@given(_DAYS, _KINDS)
def test_every_day_of_a_period_gives_the_same_period(day: date, kind: PeriodKind) -> None:
    period = period_containing(day, kind)
    assert period_containing(period.start, kind) == period
    assert period_containing(period.end, kind) == period
    assert period_containing(period.end + timedelta(days=1), kind).start == (
        period.end + timedelta(days=1)
    )
    assert period_containing(period.start - timedelta(days=1), kind).end == (
        period.start - timedelta(days=1)
    )


@given(_DAYS, _KINDS)
def test_period_label_parses_back_to_the_period(day: date, kind: PeriodKind) -> None:
    period = period_containing(day, kind)
    assert parse_period_label(period.label) == period


@given(_DAYS)
def test_four_quarters_make_the_financial_year(day: date) -> None:
    year = period_containing(day, PeriodKind.FINANCIAL_YEAR)
    quarters = periods_between(year.start, year.end, PeriodKind.QUARTER)
    assert [q.label for q in quarters] == [f"{year.label} Q{n}" for n in (1, 2, 3, 4)]
    assert quarters[0].start == year.start
    assert quarters[-1].end == year.end


# --- Periods between two days -----------------------------------------------------------------


def test_periods_between_two_financial_years_by_quarter() -> None:
    quarters = periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.QUARTER)
    assert [q.label for q in quarters] == [
        "2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4",
        "2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4",
    ]  # fmt: skip
    assert quarters[3] == Period(date(2024, 1, 1), date(2024, 3, 31), "2023/24 Q4")
    assert quarters[7] == Period(date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4")


def test_periods_between_clips_first_and_last_period_to_the_range() -> None:
    assert periods_between(date(2024, 5, 15), date(2024, 8, 10), PeriodKind.QUARTER) == [
        Period(date(2024, 5, 15), date(2024, 6, 30), "2024/25 Q1"),
        Period(date(2024, 7, 1), date(2024, 8, 10), "2024/25 Q2"),
    ]


def test_periods_between_inside_one_period_is_that_period_clipped() -> None:
    assert periods_between(date(2024, 5, 2), date(2024, 5, 20), PeriodKind.FINANCIAL_YEAR) == [
        Period(date(2024, 5, 2), date(2024, 5, 20), "2024/25")
    ]


def test_periods_between_a_single_day() -> None:
    assert periods_between(date(2024, 2, 29), date(2024, 2, 29), PeriodKind.MONTH) == [
        Period(date(2024, 2, 29), date(2024, 2, 29), "2024-02")
    ]


def test_periods_between_months_across_a_year_end() -> None:
    months = periods_between(date(2023, 11, 1), date(2024, 2, 29), PeriodKind.MONTH)
    assert [m.label for m in months] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert months[-1].end == date(2024, 2, 29)


def test_periods_between_calendar_years_clipped() -> None:
    assert periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.YEAR) == [
        Period(date(2023, 4, 1), date(2023, 12, 31), "2023"),
        Period(date(2024, 1, 1), date(2024, 12, 31), "2024"),
        Period(date(2025, 1, 1), date(2025, 3, 31), "2025"),
    ]


def test_periods_between_financial_years_across_a_century() -> None:
    assert periods_between(date(1999, 4, 1), date(2001, 3, 31), PeriodKind.FINANCIAL_YEAR) == [
        Period(date(1999, 4, 1), date(2000, 3, 31), "1999/00"),
        Period(date(2000, 4, 1), date(2001, 3, 31), "2000/01"),
    ]


def test_periods_between_a_reversed_range_is_empty() -> None:
    assert periods_between(date(2024, 5, 2), date(2024, 5, 1), PeriodKind.MONTH) == []


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(0, 1500),
    _KINDS,
)
def test_periods_between_cover_the_range_exactly_without_gaps(
    first: date, length: int, kind: PeriodKind
) -> None:
    last = first + timedelta(days=length)
    periods = periods_between(first, last, kind)
    assert periods[0].start == first
    assert periods[-1].end == last
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    for period in periods:
        whole = period_containing(period.start, kind)
        assert whole.label == period.label
        assert whole.start <= period.start <= period.end <= whole.end
        # only the first and last may be clipped
        if period is not periods[0] and period is not periods[-1]:
            assert period == whole


# --- Parsing labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2024/25 Q1", Period(date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1")),
        ("2024/25 Q2", Period(date(2024, 7, 1), date(2024, 9, 30), "2024/25 Q2")),
        ("2024/25 Q3", Period(date(2024, 10, 1), date(2024, 12, 31), "2024/25 Q3")),
        ("2024/25 Q4", Period(date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4")),
        ("2024/25 q4", Period(date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4")),
        (" 2024/25 Q1 ", Period(date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1")),
        ("1999/00 Q4", Period(date(2000, 1, 1), date(2000, 3, 31), "1999/00 Q4")),
        ("2024/25", Period(date(2024, 4, 1), date(2025, 3, 31), "2024/25")),
        ("1999/00", Period(date(1999, 4, 1), date(2000, 3, 31), "1999/00")),
        ("2024-05", Period(date(2024, 5, 1), date(2024, 5, 31), "2024-05")),
        ("2024-02", Period(date(2024, 2, 1), date(2024, 2, 29), "2024-02")),
        ("2023-02", Period(date(2023, 2, 1), date(2023, 2, 28), "2023-02")),
        ("2024", Period(date(2024, 1, 1), date(2024, 12, 31), "2024")),
    ],
)
def test_parse_period_label(label: str, expected: Period) -> None:
    assert parse_period_label(label) == expected


@pytest.mark.parametrize(
    "label",
    [
        "",
        "2024/26",  # the years must follow each other
        "2024/24",
        "1999/01",
        "2024/25 Q0",
        "2024/25 Q5",
        "2024/2025",
        "24/25",
        "Q1 2024/25",
        "2024 Q1",
        "2024-13",
        "2024-00",
        "2024-5",
        "24",
        "FY2024",
        "May 2024",
    ],
)
def test_parse_period_label_rejects_other_text(label: str) -> None:
    with pytest.raises(ValueError):
        parse_period_label(label)
