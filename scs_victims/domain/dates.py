"""Dates as the import files write them, and calendar-month arithmetic (definitions §3)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time
from typing import Any

# re.ASCII: only the digits 0-9 (without it \d also takes other scripts' digits, e.g. '２０２４').
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
)
_UK = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
)

MIDNIGHT = time(0, 0)

# A parsed date text: the date, its time when one was written, and both as ``str()`` writes
# them (ISO), which is what an import's fingerprints are made of.
Stamp = tuple[date, time | None, str, str | None]

# Import files repeat the same dates over and over: parsing each text once saves most of the
# work. Dates with a time are far more texts (every minute of every day), so those are kept by
# part instead: the date part and the time part each recur. Every memo is bounded (about 20 MB
# when full, then emptied), so memory stays flat.
PARSED_MEMO_LIMIT = 100_000
_parsed_memo: dict[str, Stamp] = {}  # whole texts of dates without a time
# Parts of texts that parsed with a time, each exactly as it was written there: the date of an
# ISO text ('2024-05-31'), of a UK one ('31/5/2024'), and the time ('14:05', '9:05:30').
_iso_days: dict[str, tuple[date, str]] = {}
_uk_days: dict[str, tuple[date, str]] = {}
_times: dict[str, tuple[time, str]] = {}


class DateFormatError(ValueError):
    """The text is not a date (or date and time) in an accepted format."""


def parse_date_time(text: str) -> tuple[date, time | None]:
    """``'2024-05-31'``, ``'31/05/2024'``, ``'31/5/2024'``, each with an optional ``14:05``.

    The ISO form takes the time after a space or ``T``, the UK form after a space.
    Raises ``DateFormatError`` for anything else, including impossible dates (31/02/2024).
    """
    stamp = parse_stamp(text)
    return stamp[0], stamp[1]


def parse_stamp(text: str) -> Stamp:
    """``parse_date_time`` with the date and time also in ISO text (``str()`` of each)."""
    stamp = _parsed_memo.get(text)
    if stamp is not None:
        return stamp
    stripped = text.strip()
    stamp = _from_memoised_parts(stripped)
    if stamp is not None:
        return stamp
    stamp = _parse_stamp(stripped, text)  # raises for bad text, which is never memoised
    if stamp[1] is None:
        _remember(_parsed_memo, text, stamp)
    return stamp


def _from_memoised_parts(stripped: str) -> Stamp | None:
    """The stamp of a date with a time whose two parts were each met before, in the same
    form; None when either was not (the regular expressions then decide)."""
    if len(stripped) > 11 and stripped[4] == "-" and stripped[10] in " T":
        day = _iso_days.get(stripped[:10])
        at = _times.get(stripped[11:])
    else:
        head, space, tail = stripped.partition(" ")
        if not space:
            return None
        day = _uk_days.get(head)
        at = _times.get(tail.lstrip(" "))  # the UK form allows any number of spaces
    if day is None or at is None:
        return None
    return day[0], at[0], day[1], at[1]


def _parse_stamp(stripped: str, text: str) -> Stamp:
    days = _iso_days
    if match := _ISO.match(stripped):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _UK.match(stripped):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        days = _uk_days
    else:
        raise DateFormatError(text)
    try:
        on = date(year, month, day)
    except ValueError as exc:
        raise DateFormatError(text) from exc
    if match[4] is None:
        return on, None, on.isoformat(), None
    try:
        at = time(int(match[4]), int(match[5]), int(match[6] or 0))
    except ValueError as exc:
        raise DateFormatError(text) from exc
    on_text, at_text = on.isoformat(), at.isoformat()
    _remember(days, stripped[:match.end(3)], (on, on_text))
    _remember(_times, stripped[match.start(4):], (at, at_text))
    return on, at, on_text, at_text


def _remember(memo: dict[str, Any], key: str, value: Any) -> None:
    if len(memo) >= PARSED_MEMO_LIMIT:
        memo.clear()
    memo[key] = value


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
