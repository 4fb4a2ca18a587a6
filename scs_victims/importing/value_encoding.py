"""Checked values in the form the database driver stores, converted in the parsing process.

The dialect's own bind processors (SQLAlchemy's) say how a date or a time is stored; SQLite's
store them as ISO text. The parsing process does not load SQLAlchemy (about 30 MB and 0.4 s
of start-up for each import), so the writer works out once, before it starts the process,
which of these plain conversions does exactly what each processor does
(``storage.bulk.matching_encoders``), and sends their names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any, NamedTuple


def _date_text(value: date) -> str:
    return value.isoformat()


def _time_text(value: time) -> str:
    return value.isoformat(timespec="microseconds")


def _as_it_is(value: bool) -> bool:
    return value


# name -> (conversion, values it must convert exactly as the dialect's processor does)
PlainEncoder = tuple[Callable[[Any], Any], tuple[Any, ...]]
PLAIN_ENCODERS: dict[str, PlainEncoder] = {
    "date as ISO text": (_date_text, (date(2024, 2, 29), date(1, 1, 1), date(9999, 12, 31),
                                      date(2023, 10, 9))),
    "time as ISO text with microseconds": (_time_text, (time(0, 0), time(9, 5, 7, 120),
                                                        time(23, 59, 59, 999999),
                                                        time(14, 30))),
    # Equal to SQLAlchemy's 1 and 0 on SQLite (True == 1), which its driver stores alike.
    "boolean as it is": (_as_it_is, (True, False)),
}


class ValueEncodings(NamedTuple):
    """The plain encoder of each value a load row carries (pipeline.INCIDENT_VALUES and
    PERSON_VALUES), by name; None where the driver takes the value as it is."""

    incident: tuple[str | None, ...]
    person: tuple[str | None, ...]


Conversions = list[tuple[int, Callable[[Any], Any]]]


def conversions(encoders: tuple[str | None, ...]) -> Conversions:
    """The positions that need converting (dates and times; text and booleans pass as they
    are), each conversion remembered: the same few thousand dates recur on every row."""
    return [(index, remembered(PLAIN_ENCODERS[name][0])) for index, name in enumerate(encoders)
            if name is not None and PLAIN_ENCODERS[name][0] is not _as_it_is]


def converted(values: tuple[Any, ...], steps: Conversions) -> tuple[Any, ...]:
    """``values`` with the ``conversions`` ``steps`` applied (None stays None)."""
    if not steps:
        return values
    result = list(values)
    for index, convert in steps:
        if result[index] is not None:
            result[index] = convert(result[index])
    return tuple(result)


def remembered(convert: Callable[[Any], Any], limit: int = 50_000) -> Callable[[Any], Any]:
    """``convert`` with its results kept (up to ``limit`` values, then forgotten at once):
    for conversions of values that recur, such as the dates of a large import."""
    results: dict[Any, Any] = {}

    def convert_remembered(value: Any) -> Any:
        try:
            return results[value]
        except KeyError:
            if len(results) >= limit:
                results.clear()
            result = results[value] = convert(value)
            return result

    return convert_remembered
