"""Dates as the import files write them, and calendar-month arithmetic (definitions §3)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time

# re.ASCII: only the digits 0-9 (without it \d also takes other scripts' digits, e.g. '２０２４').
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
)
_UK = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
)

MIDNIGHT = time(0, 0)
# Import files repeat the same dates over and over (dates with a time much less: they are not
# kept): parsing each text once saves most of the work. Bounded (about 20 MB when full), so
# memory stays flat.
PARSED_MEMO_LIMIT = 100_000
_parsed_memo: dict[str, tuple[date, time | None]] = {}


class DateFormatError(ValueError):
    """The text is not a date (or date and time) in an accepted format."""


def parse_date_time(text: str) -> tuple[date, time | None]:
    """``'2024-05-31'``, ``'31/05/2024'``, ``'31/5/2024'``, each with an optional ``14:05``.

    The ISO form takes the time after a space or ``T``, the UK form after a space.
    Raises ``DateFormatError`` for anything else, including impossible dates (31/02/2024).
    """
    parsed = _parsed_memo.get(text)
    if parsed is None:
        parsed = _parse_date_time(text)  # raises for bad text, which is never memoised
        if parsed[1] is None:
            if len(_parsed_memo) >= PARSED_MEMO_LIMIT:
                _parsed_memo.clear()
            _parsed_memo[text] = parsed
    return parsed


def _parse_date_time(text: str) -> tuple[date, time | None]:
    stripped = text.strip()
    if match := _ISO.match(stripped):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _UK.match(stripped):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise DateFormatError(text)
    try:
        on = date(year, month, day)
    except ValueError as exc:
        raise DateFormatError(text) from exc
    if match[4] is None:
        return on, None
    try:
        at = time(int(match[4]), int(match[5]), int(match[6] or 0))
    except ValueError as exc:
        raise DateFormatError(text) from exc
    return on, at


def parse_date(text: str) -> date:
    """A date alone (no time allowed), in the same formats as ``parse_date_time``."""
    on, at = parse_date_time(text)
    if at is not None:
        raise DateFormatError(text)
    return on


def add_months(day: date, months: int) -> date:
    """Shift by whole calendar months, keeping the day and clamping to the month's end.

    ``add_months(date(2024, 5, 31), -3) == date(2024, 2, 29)``;
    ``add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)``.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def window_start(day: date, months: int) -> date:
    """The first day inside a look-back window of ``months`` ending on ``day`` (inclusive)."""
    return add_months(day, -months)


def order_key(on: date, at: time | None, reference: str) -> tuple[datetime, str]:
    """Incident order of definitions §3: date and time (missing = 00:00), then reference."""
    return datetime.combine(on, at or MIDNIGHT), reference
