"""Rates of definitions §4: exact, half away from zero, 2 decimals, empty when undefined."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scs_victims.domain.rates import format_rate, rate


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "expected"),
    [
        (2, 3, 100, "66.67"),
        (1, 3, 100, "33.33"),
        (1, 6, 100, "16.67"),
        (1, 1, 100, "100.00"),
        (0, 5, 100, "0.00"),
        (7, 4, 1, "1.75"),
        (5, 3, 1, "1.67"),  # concentration: incidents per victim
        (4, 2, 1, "2.00"),
        (1, 3, 1000, "333.33"),  # per 1000
        (20, 48213, 1000, "0.41"),
        (1, 7, 100, "14.29"),
    ],
)
def test_rate_is_scale_times_numerator_over_denominator_to_2_decimals(
    numerator: int, denominator: int, scale: int, expected: str
) -> None:
    assert rate(numerator, denominator, scale) == Decimal(expected)


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "expected"),
    [
        (1, 8, 1, "0.13"),  # 0.125
        (3, 8, 1, "0.38"),  # 0.375
        (5, 8, 1, "0.63"),  # 0.625
        (1, 200, 1, "0.01"),  # 0.005
        (3, 200, 1, "0.02"),  # 0.015: binary floats round this down
        (2675, 1000, 1, "2.68"),  # 2.675: binary floats round this down
        (1, 2000, 100, "0.05"),  # 0.05 exactly
        (1, 1000, 5, "0.01"),  # 0.005
        (1, 16, 1, "0.06"),  # 0.0625 is below the half
        (1, 400, 1, "0.00"),  # 0.0025 is below the half
        (1, 80, 1, "0.01"),  # 0.0125 is below the half
        (1, 8, 100, "12.50"),
    ],
)
def test_rate_exact_halves_round_away_from_zero(
    numerator: int, denominator: int, scale: int, expected: str
) -> None:
    assert rate(numerator, denominator, scale) == Decimal(expected)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(-1, 8, "-0.13"), (1, -8, "-0.13"), (-1, 200, "-0.01"), (-1, 1000, "0.00")],
)
def test_rate_negative_halves_round_away_from_zero(
    numerator: int, denominator: int, expected: str
) -> None:
    assert rate(numerator, denominator) == Decimal(expected)


def test_rate_default_scale_is_one() -> None:
    assert rate(1, 8) == Decimal("0.13")


@pytest.mark.parametrize(("numerator", "denominator"), [(3, 0), (0, 0), (3, None), (0, None)])
def test_rate_with_zero_or_unknown_denominator_is_none_never_zero(
    numerator: int, denominator: int | None
) -> None:
    assert rate(numerator, denominator, 100) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale"), [(2, 3, 100), (0, 5, 1), (1, 1, 100), (10**9, 1, 1)]
)
def test_rate_has_exactly_two_decimal_places(numerator: int, denominator: int, scale: int) -> None:
    value = rate(numerator, denominator, scale)
    assert isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (Decimal("66.67"), "66.67"),
        (Decimal("0.00"), "0.00"),
        (Decimal("100.00"), "100.00"),
        (Decimal("-0.13"), "-0.13"),
        (Decimal("1000000000.00"), "1000000000.00"),
    ],
)
def test_format_rate_prints_two_decimals_or_empty(value: Decimal | None, text: str) -> None:
    assert format_rate(value) == text


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "text"),
    [(2, 3, 100, "66.67"), (0, 5, 100, "0.00"), (1, 1, 100, "100.00"), (3, 0, 100, ""),
     (3, None, 1000, ""), (10**9, 1, 1, "1000000000.00"), (1, 8, 1, "0.13")],
)
def test_format_rate_of_rate(
    numerator: int, denominator: int | None, scale: int, text: str
) -> None:
    assert format_rate(rate(numerator, denominator, scale)) == text


def _rate_reference(numerator: int, denominator: int, scale: int) -> Decimal:
    """Decimal division at 80 significant digits, then ROUND_HALF_UP (away from zero)."""
    with localcontext() as context:
        context.prec = 80
        exact = Decimal(scale * numerator) / Decimal(denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(
    st.integers(-(10**7), 10**7),
    st.integers(-(10**7), 10**7).filter(lambda n: n != 0),
    st.sampled_from([1, 100, 1000]),
)
def test_rate_matches_decimal_half_up_reference(
    numerator: int, denominator: int, scale: int
) -> None:
    assert rate(numerator, denominator, scale) == _rate_reference(numerator, denominator, scale)


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_rate_is_within_half_a_hundredth_of_the_exact_value(
    numerator: int, denominator: int
) -> None:
    value = rate(numerator, denominator, 100)
    assert value is not None
    # |value - 100 n / d| <= 0.005, in integers: |value*100*d - 10000 n| <= d/2
    hundredths = int(value * 100)
    assert abs(hundredths * denominator - 10000 * numerator) * 2 <= denominator
