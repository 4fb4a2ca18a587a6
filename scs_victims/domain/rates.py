"""Rates as definitions §4 prints them: exact arithmetic, half away from zero, 2 decimals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import floor


def rate(numerator: int, denominator: int | None, scale: int = 1) -> Decimal | None:
    """``scale × numerator ÷ denominator`` rounded half away from zero to 2 decimals.

    None (printed empty, never 0) when the denominator is zero or unknown.
    """
    if not denominator:
        return None
    exact = Fraction(scale * numerator, denominator)
    hundredths = floor(abs(exact) * 100 + Fraction(1, 2))
    signed = hundredths if exact >= 0 else -hundredths
    return Decimal(signed).scaleb(-2)


def format_rate(value: Decimal | None) -> str:
    """``Decimal('66.67')`` -> ``'66.67'``; None -> ``''``."""
    return "" if value is None else f"{value:.2f}"
