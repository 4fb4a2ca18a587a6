"""The repeat rule of definitions §3 on one subject's chain (the pure ``evaluate_chain``)."""

from __future__ import annotations

from datetime import date, time
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scs_victims.repeats import ChainItem, Flag, evaluate_chain
from tests.helpers.calendar import add_months_by_walking


def _item(id_: int, on: str, at: str | None = None, reference: str | None = None) -> ChainItem:
    hours, minutes = (int(part) for part in at.split(":")) if at else (None, None)
    return ChainItem(
        id=id_,
        occurred_on=date.fromisoformat(on),
        occurred_time=None if at is None else time(hours, minutes),  # type: ignore[arg-type]
        reference=reference if reference is not None else f"R{id_}",
    )


def _flags(items: list[ChainItem], window_months: int = 12) -> dict[int, Flag]:
    flags = evaluate_chain(items, window_months)
    assert sorted(flag.id for flag in flags) == sorted(item.id for item in items)
    return {flag.id: flag for flag in flags}


def _repeat_ids(items: list[ChainItem], window_months: int = 12) -> set[int]:
    return {flag.id for flag in _flags(items, window_months).values() if flag.is_repeat}


# --- Basics -----------------------------------------------------------------------------------


def test_empty_chain_has_no_flags() -> None:
    assert evaluate_chain([], 12) == []


def test_a_single_incident_is_not_a_repeat() -> None:
    assert evaluate_chain([_item(1, "2024-05-01")], 12) == [Flag(1, False, None)]


def test_a_repeat_points_at_the_incident_before_it() -> None:
    flags = _flags([_item(1, "2024-01-15"), _item(2, "2024-04-10")])
    assert flags[1] == Flag(1, False, None)
    assert flags[2] == Flag(2, True, 1)


# --- The 12-month boundary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "is_repeat"),
    [
        ("2023-05-01", "2024-05-01", True),  # exactly 12 months before: the boundary day counts
        ("2023-04-30", "2024-05-01", False),  # one day more is not
        ("2023-05-02", "2024-05-01", True),
        ("2023-06-30", "2024-07-01", False),  # B5/B6 of the small fixture
        ("2023-07-01", "2024-07-01", True),
        ("2023-02-28", "2024-02-29", True),  # 29 Feb 2024 - 12 months = 28 Feb 2023
        ("2023-02-27", "2024-02-29", False),
        ("2024-02-28", "2025-02-28", True),  # non-leap year: 28 Feb 2025 - 12 = 28 Feb 2024
        ("2024-02-27", "2025-02-28", False),
        ("2024-02-29", "2025-02-28", True),
        ("2024-02-29", "2025-03-01", False),  # 1 Mar 2025 - 12 = 1 Mar 2024
        ("2023-03-01", "2024-02-29", True),
        ("2024-01-15", "2024-01-15", True),  # same day
        ("2024-01-14", "2025-01-14", True),
        ("2024-01-14", "2025-01-15", False),
    ],
)
def test_default_window_is_12_calendar_months_with_the_boundary_day_counting(
    earlier: str, later: str, is_repeat: bool
) -> None:
    assert _repeat_ids([_item(1, earlier), _item(2, later)]) == ({2} if is_repeat else set())


def test_boundary_uses_the_date_not_the_time() -> None:
    # 12 months before 1 May 2024 18:00 is the whole of 1 May 2023, even at 23:59.
    items = [_item(1, "2023-05-01", "23:59"), _item(2, "2024-05-01", "06:00")]
    assert _repeat_ids(items) == {2}


# --- Other windows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "earlier", "later", "is_repeat"),
    [
        (3, "2024-02-29", "2024-05-31", True),  # 31 May 2024 - 3 months = 29 Feb 2024
        (3, "2024-02-28", "2024-05-31", False),
        (3, "2023-02-28", "2023-05-31", True),  # non-leap: 31 May 2023 - 3 = 28 Feb 2023
        (3, "2023-02-27", "2023-05-31", False),
        (3, "2024-02-01", "2024-05-01", True),
        (3, "2024-01-31", "2024-05-01", False),
        (6, "2024-03-30", "2024-09-30", True),
        (6, "2024-03-29", "2024-09-30", False),
        (6, "2024-02-29", "2024-08-31", True),
        (6, "2024-02-28", "2024-08-31", False),
        (6, "2024-04-02", "2024-09-30", True),
        (24, "2022-05-01", "2024-05-01", True),
        (24, "2022-04-30", "2024-05-01", False),
        (24, "2022-02-28", "2024-02-29", True),  # 29 Feb 2024 - 24 months = 28 Feb 2022
        (24, "2022-02-27", "2024-02-29", False),
        (24, "2023-04-30", "2024-05-01", True),
        (1, "2024-02-29", "2024-03-31", True),
        (1, "2024-02-28", "2024-03-31", False),
    ],
)
def test_non_default_windows(window: int, earlier: str, later: str, is_repeat: bool) -> None:
    assert _repeat_ids([_item(1, earlier), _item(2, later)], window) == (
        {2} if is_repeat else set()
    )


def test_the_same_gap_is_a_repeat_or_not_depending_on_the_window() -> None:
    items = [_item(1, "2023-05-01"), _item(2, "2024-05-01")]
    assert _repeat_ids(items, 24) == {2}
    assert _repeat_ids(items, 12) == {2}
    assert _repeat_ids(items, 6) == set()
    assert _repeat_ids(items, 3) == set()


# --- Order: date, time (missing = 00:00), reference ------------------------------------------


def test_same_day_incidents_are_ordered_by_time() -> None:
    # D2 and D3 of the small fixture: D3 happened earlier that day, though its reference is later.
    evening = _item(2, "2024-04-10", "18:30", "D2")
    morning = _item(3, "2024-04-10", "07:15", "D3")
    flags = _flags([evening, morning])
    assert flags[3] == Flag(3, False, None)
    assert flags[2] == Flag(2, True, 3)


def test_same_day_chain_with_an_earlier_incident() -> None:
    first = _item(1, "2024-01-15", None, "D1")
    evening = _item(2, "2024-04-10", "18:30", "D2")
    morning = _item(3, "2024-04-10", "07:15", "D3")
    flags = _flags([evening, first, morning])
    assert flags[1] == Flag(1, False, None)
    assert flags[3] == Flag(3, True, 1)
    assert flags[2] == Flag(2, True, 3)


def test_missing_time_counts_as_midnight_so_it_comes_first() -> None:
    untimed = _item(1, "2024-04-10", None, "Z9")
    early = _item(2, "2024-04-10", "00:01", "A1")
    flags = _flags([early, untimed])
    assert flags[1] == Flag(1, False, None)
    assert flags[2] == Flag(2, True, 1)


def test_missing_time_and_midnight_tie_and_are_broken_by_reference() -> None:
    untimed = _item(1, "2024-04-10", None, "X2")
    midnight = _item(2, "2024-04-10", "00:00", "X1")
    flags = _flags([untimed, midnight])
    assert flags[2] == Flag(2, False, None)
    assert flags[1] == Flag(1, True, 2)


def test_ties_are_broken_by_plain_string_order_so_b10_comes_before_b9() -> None:
    b9 = _item(9, "2024-05-01", None, "B9")
    b10 = _item(10, "2024-05-01", None, "B10")
    flags = _flags([b9, b10])
    assert flags[10] == Flag(10, False, None)
    assert flags[9] == Flag(9, True, 10)


def test_ties_at_the_same_time_are_broken_by_reference() -> None:
    b9 = _item(9, "2024-05-01", "12:00", "B9")
    b10 = _item(10, "2024-05-01", "12:00", "B10")
    flags = _flags([b9, b10])
    assert flags[10] == Flag(10, False, None)
    assert flags[9] == Flag(9, True, 10)


def test_a_later_time_wins_over_reference_order() -> None:
    b9 = _item(9, "2024-05-01", "08:00", "B9")
    b10 = _item(10, "2024-05-01", "09:00", "B10")
    flags = _flags([b10, b9])
    assert flags[9] == Flag(9, False, None)
    assert flags[10] == Flag(10, True, 9)


def test_date_comes_before_time() -> None:
    late_evening = _item(1, "2024-04-09", "23:59", "Z")
    next_day_untimed = _item(2, "2024-04-10", None, "A")
    flags = _flags([next_day_untimed, late_evening])
    assert flags[1] == Flag(1, False, None)
    assert flags[2] == Flag(2, True, 1)


# --- Only the immediately preceding incident matters -----------------------------------------


def test_repeat_points_at_the_immediately_preceding_incident() -> None:
    items = [_item(1, "2022-01-01"), _item(2, "2022-12-01"), _item(3, "2023-11-15")]
    flags = _flags(items)
    assert flags[2] == Flag(2, True, 1)
    assert flags[3] == Flag(3, True, 2)


def test_a_long_gap_starts_the_chain_again() -> None:
    items = [_item(1, "2021-01-01"), _item(2, "2022-06-01"), _item(3, "2023-01-01"),
             _item(4, "2025-01-02")]
    flags = _flags(items)
    assert flags[1] == Flag(1, False, None)
    assert flags[2] == Flag(2, False, None)
    assert flags[3] == Flag(3, True, 2)
    assert flags[4] == Flag(4, False, None)


def test_non_repeats_have_no_previous_id() -> None:
    flags = _flags([_item(1, "2020-01-01"), _item(2, "2022-01-01"), _item(3, "2024-01-01")])
    assert all(flag == Flag(flag.id, False, None) for flag in flags.values())


def test_flags_do_not_depend_on_input_order() -> None:
    items = [_item(1, "2024-01-15", None, "D1"), _item(2, "2024-04-10", "18:30", "D2"),
             _item(3, "2024-04-10", "07:15", "D3"), _item(4, "2023-01-01", None, "D0")]
    expected = _flags(items)
    assert _flags(list(reversed(items))) == expected
    assert _flags([items[2], items[0], items[3], items[1]]) == expected


def test_flags_are_returned_in_incident_order() -> None:
    items = [_item(1, "2024-03-01"), _item(2, "2024-01-01"), _item(3, "2024-02-01")]
    assert [flag.id for flag in evaluate_chain(items, 12)] == [2, 3, 1]


# --- Property: the chain rule equals the definition's "any earlier incident" rule ------------


def _definition_flags(items: list[ChainItem], window_months: int) -> dict[int, Flag]:
    """Definitions §3 literally: i is a repeat when any earlier j (in that order) occurred on or
    after the date of i minus W months; the previous incident is the one just before i."""

    def position(item: ChainItem) -> tuple[date, time, str]:
        return item.occurred_on, item.occurred_time or time(0, 0), item.reference

    ordered = sorted(items, key=position)
    result: dict[int, Flag] = {}
    for index, item in enumerate(ordered):
        start = add_months_by_walking(item.occurred_on, -window_months)
        repeat = any(earlier.occurred_on >= start for earlier in ordered[:index])
        result[item.id] = Flag(item.id, repeat, ordered[index - 1].id if repeat else None)
    return result


@st.composite
def _chains(draw: st.DrawFn) -> list[ChainItem]:
    count = draw(st.integers(0, 8))
    references = draw(
        st.lists(
            st.text(alphabet="AB019", min_size=1, max_size=3), min_size=count, max_size=count,
            unique=True,
        )
    )
    items = []
    for index, reference in enumerate(references):
        on = draw(st.dates(min_value=date(2022, 1, 1), max_value=date(2025, 12, 31)))
        at = draw(st.one_of(st.none(), st.sampled_from([time(0, 0), time(7, 15), time(18, 30)])))
        items.append(ChainItem(index + 1, on, at, reference))
    return items


@settings(max_examples=300)
@given(_chains(), st.sampled_from([1, 3, 6, 12, 24]))
def test_chain_rule_equals_the_definition(items: list[ChainItem], window_months: int) -> None:
    assert _flags(items, window_months) == _definition_flags(items, window_months)


@settings(max_examples=100)
@given(_chains(), st.sampled_from([3, 12]), st.randoms(use_true_random=False))
def test_chain_rule_ignores_input_order(
    items: list[ChainItem], window_months: int, random: Random
) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)
    assert _flags(shuffled, window_months) == _flags(items, window_months)


@st.composite
def _crowded_day_chains(draw: st.DrawFn) -> list[ChainItem]:
    """Many incidents on a few days, to stress time and reference ordering."""
    count = draw(st.integers(2, 8))
    references = draw(
        st.lists(st.sampled_from(["B1", "B2", "B9", "B10", "B11", "b1", "A", "Z"]),
                 min_size=count, max_size=count, unique=True)
    )
    days = [date(2023, 5, 1), date(2024, 5, 1), date(2024, 5, 2)]
    return [
        ChainItem(index + 1, draw(st.sampled_from(days)),
                  draw(st.sampled_from([None, time(0, 0), time(12, 0)])), reference)
        for index, reference in enumerate(references)
    ]


@given(_crowded_day_chains(), st.sampled_from([6, 12]))
def test_crowded_days_follow_the_definition(items: list[ChainItem], window_months: int) -> None:
    assert _flags(items, window_months) == _definition_flags(items, window_months)
