"""Dates as import files write them (formats.md) and month arithmetic (definitions §3)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain import dates
from scs_victims.domain.dates import (
    DateFormatError,
    add_months,
    order_key,
    parse_date,
    parse_date_time,
    window_start,
)
from tests.helpers.calendar import add_months_by_walking

# --- Parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_date", "expected_time"),
    [
        ("2024-05-31", date(2024, 5, 31), None),
        ("31/05/2024", date(2024, 5, 31), None),
        ("31/5/2024", date(2024, 5, 31), None),
        ("1/5/2024", date(2024, 5, 1), None),
        ("01/05/2024", date(2024, 5, 1), None),
        ("2024-05-31 14:05", date(2024, 5, 31), time(14, 5)),
        ("2024-05-31T14:05", date(2024, 5, 31), time(14, 5)),
        ("31/05/2024 14:05", date(2024, 5, 31), time(14, 5)),
        ("31/5/2024 14:05", date(2024, 5, 31), time(14, 5)),
        ("2024-04-10T07:15", date(2024, 4, 10), time(7, 15)),
        ("2024-05-02 03:10", date(2024, 5, 2), time(3, 10)),
        ("2024-05-31 00:00", date(2024, 5, 31), time(0, 0)),  # given midnight is not "missing"
        ("2024-05-31 23:59", date(2024, 5, 31), time(23, 59)),
        ("2024-02-29", date(2024, 2, 29), None),
        ("29/02/2000", date(2000, 2, 29), None),
        ("  2024-05-31  ", date(2024, 5, 31), None),
        ("31/05/2024\n", date(2024, 5, 31), None),
    ],
)
def test_accepted_date_and_time_formats(
    text: str, expected_date: date, expected_time: time | None
) -> None:
    assert parse_date_time(text) == (expected_date, expected_time)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "31/02/2024",  # impossible dates
        "2023-02-29",
        "29/02/2100",
        "2024-04-31",
        "2024-13-01",
        "2024-00-10",
        "2024-05-00",
        "32/01/2024",
        "0/01/2024",
        "0000-01-01",
        "2024-5-31",  # other shapes
        "2024/05/31",
        "31-05-2024",
        "31.05.2024",
        "31/05/24",
        "24-05-31",
        "20240531",
        "31/05/2024T14:05",  # T only in the ISO form
        "2024-05-31 24:00",  # impossible times
        "2024-05-31 14:60",
        "2024-05-31 14",
        "2024-05-31 14:5",
        "2024-05-31 14:05pm",
        "2024-05-31T",
        "2024-05-31\n14:05",
        "2024-05-31 14:05 extra",
        "\uff12\uff10\uff12\uff14-\uff10\uff15-\uff13\uff11",  # full-width digits
        "\u0663\u0661/\u0660\u0665/\u0662\u0660\u0662\u0664",  # Arabic-Indic digits
    ],
)
def test_rejected_dates_raise_date_format_error(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date_time(text)


# --- The memo of parsed dates -----------------------------------------------------------------

MEMO_TEXTS = ["2024-05-31", "31/05/2024", "31/5/2024", " 1/5/2024 ", "29/02/2000",
              "2024-05-31 14:05", "31/05/2024 00:00", "31/02/2024", "2023-02-29", "yesterday",
              "2024-05-31 24:00", "\uff12\uff10\uff12\uff14-\uff10\uff15-\uff13\uff11", ""]


def _parse_or_error(text: str) -> tuple[date, time | None] | str:
    try:
        return parse_date_time(text)
    except DateFormatError as error:
        return f"DateFormatError{error.args}"


@pytest.fixture()
def empty_memo(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[date, time | None]]:
    memo: dict[str, tuple[date, time | None]] = {}
    monkeypatch.setattr(dates, "_parsed_memo", memo)
    return memo


def test_memoised_results_are_the_results_of_parsing(
    empty_memo: dict[str, tuple[date, time | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [_parse_or_error(text) for text in MEMO_TEXTS]
    assert empty_memo, "valid dates are memoised"
    again = [_parse_or_error(text) for text in MEMO_TEXTS]
    # The same texts parsed with no memo at all (it is emptied before every one).
    monkeypatch.setattr(dates, "PARSED_MEMO_LIMIT", 0)
    unmemoised = [_parse_or_error(text) for text in MEMO_TEXTS]
    assert first == again == unmemoised
    assert first[0] == (date(2024, 5, 31), None)
    assert first[5] == (date(2024, 5, 31), time(14, 5))


def test_bad_dates_raise_every_time_even_next_to_memoised_good_ones(
    empty_memo: dict[str, tuple[date, time | None]],
) -> None:
    for _ in range(3):
        assert parse_date_time("28/02/2024") == (date(2024, 2, 28), None)
        for bad in ("31/02/2024", "2024-02-30", "28/02/2024x", "yesterday"):
            with pytest.raises(DateFormatError):
                parse_date_time(bad)
    assert list(empty_memo) == ["28/02/2024"]


def test_the_memo_stays_bounded_and_right_when_it_is_full(
    empty_memo: dict[str, tuple[date, time | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "PARSED_MEMO_LIMIT", 3)
    days = [date(2024, 1, 1) + timedelta(days=offset) for offset in range(10)]
    for _ in range(2):
        for day in days:
            assert parse_date_time(f"{day.day}/{day.month}/{day.year}") == (day, None)
            assert len(empty_memo) <= 3


@given(st.text(alphabet="0123456789-/: T\uff10", max_size=20))
def test_parsing_twice_gives_what_parsing_once_gave(text: str) -> None:
    assert _parse_or_error(text) == _parse_or_error(text)


def _parsed_without_memo(text: str) -> tuple[date, time | None] | str:
    try:
        on, at, _, _ = dates._parse_stamp(text.strip(), text)
    except DateFormatError as error:
        return f"DateFormatError{error.args}"
    return on, at


# Texts close to a date with a time: each part right, wrong or in the other form, joined by
# the separators each form takes and some it does not.
_day_parts = st.sampled_from(["2024-05-31", "31/05/2024", "31/5/2024", "2024-02-30", "2024-5-31",
                              "31-05-2024", "1/1/2000", "29/02/2023", "2024/05/31", ""])
_time_parts = st.sampled_from(["14:05", "9:05", "09:05:30", "24:00", "14:5", "14:05:60",
                               "1405", "14:05 ", " 14:05", "14:05:0", ""])
_separators = st.sampled_from([" ", "T", "  ", "\t", " \t", " T", "t", ""])
_spaces = st.sampled_from(["", " ", "  "])


@given(st.lists(st.tuples(_spaces, _day_parts, _separators, _time_parts, _spaces),
                min_size=1, max_size=30))
def test_dates_with_times_memoised_by_part_parse_as_the_patterns_do(
        texts: list[tuple[str, str, str, str, str]]) -> None:
    """A date with a time is looked up by its two parts once each has parsed before; a part
    met in one form must never make a text of another form (or with other separators) pass."""
    for parts in texts:
        text = "".join(parts)
        assert _parse_or_error(text) == _parsed_without_memo(text)


def test_the_stamp_carries_the_iso_text_that_str_gives() -> None:
    for text in ("31/5/2024 9:05", "31/5/2024 9:05", "2024-05-31T14:05:30", "1/1/2000"):
        on, at, on_text, at_text = dates.parse_stamp(text)
        assert on_text == str(on)
        assert at_text == (None if at is None else str(at))


def test_date_format_error_is_a_value_error() -> None:
    assert issubclass(DateFormatError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-05-31", date(2024, 5, 31)), ("31/5/2024", date(2024, 5, 31)),
     (" 03/02/1990 ", date(1990, 2, 3))],
)
def test_parse_date_accepts_a_date_alone(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2024-05-31 14:05", "2024-05-31T00:00", "31/05/2024 00:00", "31/02/2024", "x"]
)
def test_parse_date_rejects_a_time_or_a_non_date(text: str) -> None:
    with pytest.raises(DateFormatError):
        parse_date(text)


@given(st.text())
def test_parse_date_time_of_any_text_returns_or_raises_date_format_error(text: str) -> None:
    try:
        result = parse_date_time(text)
    except DateFormatError:
        return
    on, at = result
    assert isinstance(on, date)
    assert at is None or isinstance(at, time)


@given(
    st.from_regex(
        r"\A\s?[0-9]{1,4}[-/][0-9]{1,2}[-/][0-9]{1,4}"
        r"(?:[ T]{1,2}[0-9]{1,2}:[0-9]{1,2}(?::[0-9]{1,2})?)?\s?\Z"
    )
)
def test_parse_date_time_of_date_like_text_returns_or_raises_date_format_error(text: str) -> None:
    try:
        parse_date_time(text)
    except DateFormatError:
        pass


@given(
    st.dates(min_value=date(1000, 1, 1)),
    st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
)
def test_iso_and_uk_forms_round_trip(on: date, at: time | None) -> None:
    clock = "" if at is None else f"{at.hour:02d}:{at.minute:02d}"
    iso = f"{on.year:04d}-{on.month:02d}-{on.day:02d}"
    uk_padded = f"{on.day:02d}/{on.month:02d}/{on.year:04d}"
    uk_short = f"{on.day}/{on.month}/{on.year:04d}"
    for text in (iso, uk_padded, uk_short):
        assert parse_date_time(f"{text} {clock}".strip()) == (on, at)
    assert parse_date_time(f"{iso}T{clock}" if clock else iso) == (on, at)


# --- Month arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 5, 31), -3, date(2024, 2, 29)),  # the definitions' example
        (date(2024, 2, 29), -12, date(2023, 2, 28)),  # the definitions' example
        (date(2023, 5, 31), -3, date(2023, 2, 28)),  # non-leap year
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2023, 3, 31), -1, date(2023, 2, 28)),
        (date(2100, 3, 31), -1, date(2100, 2, 28)),  # century, not leap
        (date(2000, 3, 31), -1, date(2000, 2, 29)),  # 400th year, leap
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), -48, date(2020, 2, 29)),
        (date(2024, 2, 29), -24, date(2022, 2, 28)),
        (date(2024, 8, 31), -6, date(2024, 2, 29)),
        (date(2024, 7, 31), -1, date(2024, 6, 30)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 1, 15), -1, date(2023, 12, 15)),  # across a year
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
        (date(2024, 5, 1), -12, date(2023, 5, 1)),
        (date(2024, 5, 31), -24, date(2022, 5, 31)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
        (date(2024, 5, 15), -120, date(2014, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_clamped_to_the_month_end(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 240))
def test_add_months_backwards_matches_brute_force_clamping(day: date, months: int) -> None:
    assert add_months(day, -months) == add_months_by_walking(day, -months)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 240))
def test_add_months_forwards_matches_brute_force_clamping(day: date, months: int) -> None:
    assert add_months(day, months) == add_months_by_walking(day, months)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 240))
def test_add_months_backwards_lands_in_the_right_month_on_or_before_the_day(
    day: date, months: int
) -> None:
    result = add_months(day, -months)
    assert result.year * 12 + result.month == day.year * 12 + day.month - months
    assert result.day <= day.day
    if result.day < day.day:  # clamped: it must be the month's last day
        assert (result + timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 5, 1), 12, date(2023, 5, 1)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2025, 2, 28), 12, date(2024, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2024, 9, 30), 6, date(2024, 3, 30)),
        (date(2024, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 5, 1), 24, date(2022, 5, 1)),
        (date(2024, 2, 29), 24, date(2022, 2, 28)),
    ],
)
def test_window_start_is_the_day_minus_w_calendar_months(
    day: date, months: int, expected: date
) -> None:
    assert window_start(day, months) == expected


# --- Incident order ---------------------------------------------------------------------------


def test_order_key_missing_time_counts_as_midnight() -> None:
    on = date(2024, 4, 10)
    assert order_key(on, None, "D1") == order_key(on, time(0, 0), "D1")
    assert order_key(date(2024, 4, 10), None, "D1") == (datetime(2024, 4, 10, 0, 0), "D1")


def test_order_key_same_day_is_ordered_by_time() -> None:
    evening = order_key(date(2024, 4, 10), time(18, 30), "D2")
    morning = order_key(date(2024, 4, 10), time(7, 15), "D3")
    assert morning < evening


def test_order_key_missing_time_comes_before_any_later_time_that_day() -> None:
    assert order_key(date(2024, 4, 10), None, "Z9") < order_key(date(2024, 4, 10), time(0, 1), "A1")


def test_order_key_date_comes_before_time() -> None:
    late = order_key(date(2024, 4, 9), time(23, 59), "Z")
    early = order_key(date(2024, 4, 10), None, "A")
    assert late < early


@pytest.mark.parametrize(
    ("first", "second"),
    [("B10", "B9"), ("A1", "A2"), ("B1", "a1"), ("X-1", "X1"), ("10a", "2")],
)
def test_order_key_ties_are_broken_by_plain_string_order_of_reference(
    first: str, second: str
) -> None:
    on = date(2024, 5, 1)
    assert order_key(on, None, first) < order_key(on, None, second)
    assert order_key(on, time(0, 0), first) < order_key(on, None, second)
    assert order_key(on, time(9, 0), first) < order_key(on, time(9, 0), second)
