"""Publication mode, on figures built by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import Period
from scs_victims.domain.rates import rate
from scs_victims.figures import ALL_AREA, FigureRow
from scs_victims.reports.suppression import (
    COUNT_FIELDS,
    SUPPRESSED,
    WITHHELD,
    describe_rule,
    suppress_figures,
)

Q1 = Period(date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1")


def figure(area: str, incidents: int, *, linked: int | None = None, victims: int | None = None,
           repeats: int = 0, repeat_victims: int = 0, population: int | None = 10_000,
           crime_type: CrimeType = CrimeType.ASB) -> FigureRow:
    linked = incidents if linked is None else linked
    victims = linked if victims is None else victims
    return FigureRow(
        period=Q1, crime_type=crime_type, area=area, incidents=incidents,
        linked_incidents=linked, victims=victims, repeat_incidents=repeats,
        repeat_victims=repeat_victims, repeat_incident_rate=rate(repeats, linked, 100),
        repeat_victim_rate=rate(repeat_victims, victims, 100),
        concentration=rate(linked, victims), per_1000=rate(incidents, population, 1000))


def with_total(wards: list[FigureRow]) -> list[FigureRow]:
    """The whole area's row (sums of the wards, as for additive counts) and the wards."""
    total = figure(ALL_AREA, sum(row.incidents for row in wards),
                   linked=sum(row.linked_incidents for row in wards),
                   victims=sum(row.victims for row in wards),
                   repeats=sum(row.repeat_incidents for row in wards),
                   repeat_victims=sum(row.repeat_victims for row in wards), population=50_000)
    return [total, *wards]


def test_a_ward_with_three_incidents_shows_less_than_five_and_no_rates() -> None:
    rows = [figure(ALL_AREA, 3, repeats=1, repeat_victims=1), figure("Hale", 3, repeats=1,
                                                                     repeat_victims=1)]
    published = suppress_figures(rows)
    for row in published:
        assert (row.incidents, row.linked_incidents, row.victims, row.repeat_incidents,
                row.repeat_victims) == (SUPPRESSED,) * 5
        assert (row.repeat_incident_rate, row.repeat_victim_rate, row.concentration,
                row.per_1000) == (None,) * 4
        assert row.suppressed


def test_zeros_stay_zeros_and_large_counts_are_shown() -> None:
    rows = with_total([figure("Hale", 0), figure("Mill Hill", 40, repeats=8,
                                                 repeat_victims=6, victims=30)])
    published = suppress_figures(rows)
    hale, mill_hill = published[1], published[2]
    assert (hale.incidents, hale.victims, hale.repeat_incidents) == (0, 0, 0)
    assert hale.repeat_victim_rate is None  # no victims: no rate, suppressed or not
    assert (mill_hill.incidents, mill_hill.repeat_incidents, mill_hill.repeat_victims) == (
        40, 8, 6)
    assert mill_hill.repeat_victim_rate == Decimal("20.00")
    assert mill_hill.per_1000 == Decimal("4.00")
    assert not mill_hill.suppressed


def test_one_suppressed_ward_would_be_recoverable_so_the_next_smallest_goes_too() -> None:
    # Incidents: total 60 = 3 + 7 + 50. With only the 3 withheld, 60 - 7 - 50 gives it back.
    rows = with_total([figure("Hale", 3), figure("Edgware", 7), figure("Burnt Oak", 50)])
    published = {row.area: row for row in suppress_figures(rows)}
    assert published["Hale"].incidents == SUPPRESSED
    assert published["Edgware"].incidents == WITHHELD  # the next smallest, not <5 (it is 7)
    assert published["Burnt Oak"].incidents == 50
    assert published[ALL_AREA].incidents == 60
    # Rates worked out from a withheld count are blank; the others stay.
    assert published["Edgware"].per_1000 is None
    assert published["Burnt Oak"].per_1000 == Decimal("5.00")


def test_two_small_wards_protect_each_other() -> None:
    rows = with_total([figure("Hale", 2), figure("Edgware", 3), figure("Burnt Oak", 50)])
    published = {row.area: row.incidents for row in suppress_figures(rows)}
    assert published == {ALL_AREA: 55, "Hale": SUPPRESSED, "Edgware": SUPPRESSED,
                         "Burnt Oak": 50}


def test_small_wards_adding_up_to_their_number_are_all_ones_so_more_is_withheld() -> None:
    # 1 + 1 = 2 withheld: the reader knows each is at least 1, so each must be 1.
    rows = with_total([figure("Hale", 1), figure("Edgware", 1), figure("Burnt Oak", 9),
                       figure("Totteridge", 40)])
    published = {row.area: row.incidents for row in suppress_figures(rows)}
    assert published["Burnt Oak"] == WITHHELD
    assert published["Totteridge"] == 40


def test_less_than_five_beside_a_withheld_five_is_protected_further() -> None:
    # 1 (<5) and 5 (*) add up to 6: <5 is 1 to 4 and * at least 5, so they must be 1 and 5.
    rows = with_total([figure("Hale", 1), figure("Edgware", 5), figure("Burnt Oak", 6),
                       figure("Totteridge", 40)])
    published = {row.area: row.incidents for row in suppress_figures(rows)}
    assert published["Edgware"] == WITHHELD
    assert published["Burnt Oak"] == WITHHELD
    assert published["Totteridge"] == 40


def test_a_total_shown_as_less_than_five_needs_no_secondary_suppression() -> None:
    rows = with_total([figure("Hale", 3), figure("Edgware", 0)])
    published = {row.area: row.incidents for row in suppress_figures(rows)}
    assert published == {ALL_AREA: SUPPRESSED, "Hale": SUPPRESSED, "Edgware": 0}


def test_with_nothing_else_to_withhold_the_total_is_withheld() -> None:
    # Five wards of 1: all <5, adding up to the total 5, so each is known to be 1.
    rows = with_total([figure(f"Ward {n}", 1) for n in range(5)])
    published = suppress_figures(rows)
    assert published[0].incidents == WITHHELD
    assert published[0].per_1000 is None


def test_groups_are_each_period_and_crime_type_and_order_is_kept() -> None:
    asb = with_total([figure("Hale", 3), figure("Edgware", 30)])
    dv = [replace(row, crime_type=CrimeType.DV) for row in
          with_total([figure("Hale", 30), figure("Edgware", 30)])]
    published = suppress_figures([*asb, *dv])
    assert [(row.crime_type, row.area) for row in published] == [
        (row.crime_type, row.area) for row in [*asb, *dv]]
    assert [row.incidents for row in published] == [33, SUPPRESSED, WITHHELD, 60, 30, 30]


def test_the_rule_is_stated_in_words() -> None:
    text = describe_rule()
    assert "<5" in text and "*" in text and "0" in text


# Property: whatever the wards, no withheld count can be worked out from the total ---------


def _possible_values(shown: list[int | str], total: int) -> list[set[int]]:
    """Every value each withheld cell could take, as a reader who knows the rule sees it."""
    hidden = [i for i, cell in enumerate(shown) if isinstance(cell, str)]
    remainder = total - sum(cell for cell in shown if isinstance(cell, int))
    options = [range(1, 5) if shown[i] == SUPPRESSED else range(5, remainder + 1)
               for i in hidden]
    possible: list[set[int]] = [set() for _ in hidden]

    def walk(position: int, left: int, chosen: list[int]) -> None:
        if position == len(hidden):
            if left == 0:
                for index, value in enumerate(chosen):
                    possible[index].add(value)
            return
        for value in options[position]:
            if value <= left:
                walk(position + 1, left - value, [*chosen, value])

    walk(0, remainder, [])
    return possible


@given(st.lists(st.integers(0, 12), min_size=1, max_size=6))
def test_no_withheld_ward_count_can_be_worked_out(incidents: list[int]) -> None:
    wards = [figure(f"Ward {n}", count) for n, count in enumerate(incidents)]
    rows = with_total(wards)
    published = suppress_figures(rows)
    total = published[0].incidents
    shown = [row.incidents for row in published[1:]]
    for row, cell in zip(wards, shown, strict=True):
        assert cell == row.incidents or isinstance(cell, str)
        if row.incidents == 0:
            assert cell == 0
        if 0 < row.incidents < 5:
            assert cell == SUPPRESSED
    if isinstance(total, str):
        return
    for possible in _possible_values(shown, total):
        assert len(possible) >= 2
    assert all(getattr(published[0], field) is not None for field in COUNT_FIELDS)
