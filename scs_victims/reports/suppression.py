"""Publication mode: figures no reader can trace back to a few people.

Only figures meant for publication (``--publish``, the app's "for publication" box) pass
through here; internal reports and exports are never suppressed.

The rule (``describe_rule`` prints it on every definitions page):

- Primary: a count from 1 to 4 is shown as ``<5`` (``SUPPRESSED``). Zeros stay zeros.
- Secondary: within one period and crime type, the wards (the ``Unknown`` row included) add up
  to the whole area's row. In each count column, where the whole area's count is shown and a
  reader could work out a withheld ward count from it (the total minus the wards shown), the
  next smallest non-zero ward count is withheld too, shown as ``*`` (``WITHHELD``); repeated
  until no withheld count can be worked out. Should every non-zero ward count be withheld
  and one still be recoverable, the whole area's count is withheld instead.
- Rates (repeat rates, incidents per victim, per 1,000) computed from a withheld count are
  left blank: with the other count of the fraction they would give it back.

CHOICE: "worked out" is judged as a reader would: each ``<5`` lies between 1 and 4, each ``*``
is 5 or more (it was not small enough to be ``<5``), and the withheld cells of a column add up
to the total minus the cells shown. A withheld cell is recoverable when those bounds leave it
one possible value: one ``<5`` alone; several ``<5`` adding up to their number (all 1s); or a
``<5`` beside a ``*`` of exactly 5 when they add up to 6.

CHOICE: a secondary cell is ``*``, not ``<5``: the next smallest count is usually 5 or more and
printing ``<5`` for it would be false.

CHOICE: victims and repeat victims do not add up across wards (a person victimised in two
wards is a victim in each, definitions §4); they are treated as if they did, which withholds
at least as much as needed. Counts within one ward's row are not sums of one another (nothing
in a row is a total), so the secondary rule works down the ward columns only; the inequalities
between them (repeat victims <= victims <= linked incidents <= incidents) narrow a withheld
count but cannot single it out once it is one of at least two withheld cells in its column.

CHOICE: each (period, crime type) is protected on its own. A publication that shows both a
period and its parts (quarters beside their year) can still be differenced across periods;
the quarterly report shows ward figures for one quarter only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import Period
from scs_victims.figures import ALL_AREA, FigureRow

SUPPRESSED = "<5"
WITHHELD = "*"
THRESHOLD = 5  # counts below this, and above zero, are suppressed
COUNT_FIELDS = ("incidents", "linked_incidents", "victims", "repeat_incidents",
                "repeat_victims")
# Each rate and the counts it is computed from.
RATE_SOURCES: dict[str, tuple[str, ...]] = {
    "repeat_incident_rate": ("repeat_incidents", "linked_incidents"),
    "repeat_victim_rate": ("repeat_victims", "victims"),
    "concentration": ("linked_incidents", "victims"),
    "per_1000": ("incidents",),
}
_UNBOUNDED = 10**18


@dataclass(frozen=True, slots=True)
class PublishedRow:
    """A ``FigureRow`` as published: counts may be ``"<5"`` or ``"*"``, rates blanked."""

    period: Period
    crime_type: CrimeType
    area: str
    incidents: int | str
    linked_incidents: int | str
    victims: int | str
    repeat_incidents: int | str
    repeat_victims: int | str
    repeat_incident_rate: Decimal | None
    repeat_victim_rate: Decimal | None
    concentration: Decimal | None
    per_1000: Decimal | None

    @property
    def suppressed(self) -> bool:
        return any(isinstance(getattr(self, name), str) for name in COUNT_FIELDS)


def describe_rule() -> str:
    """The rule in one paragraph, for definitions pages."""
    return ("Published figures: counts from 1 to 4 are shown as <5, and any rate worked out "
            "from them is left blank; zeros are shown as 0. Where a ward's <5 could be worked "
            "out from the whole area's total and the other wards, the next smallest count is "
            "withheld too and shown as *, and its rates are left blank. Internal reports show "
            "every number.")


def suppress_count(value: int) -> int | str:
    """One count under the primary rule: 1 to 4 as ``<5``; zero and 5 or more as they are."""
    return SUPPRESSED if 0 < value < THRESHOLD else value


def suppress_figures(rows: Sequence[FigureRow]) -> list[PublishedRow]:
    """The rows as they may be published, in the same order (see the module's rule)."""
    withheld: list[dict[str, str]] = [
        {name: SUPPRESSED for name in COUNT_FIELDS if 0 < getattr(row, name) < THRESHOLD}
        for row in rows
    ]
    groups: dict[tuple[Period, CrimeType], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault((row.period, row.crime_type), []).append(index)
    for group in groups.values():
        totals = [i for i in group if rows[i].area == ALL_AREA]
        wards = [i for i in group if rows[i].area != ALL_AREA]
        if len(totals) != 1 or not wards:
            continue
        for name in COUNT_FIELDS:
            _protect_column(rows, withheld, name, totals[0], wards)
    return [_published(row, marks) for row, marks in zip(rows, withheld, strict=True)]


def _protect_column(rows: Sequence[FigureRow], withheld: list[dict[str, str]], name: str,
                    total: int, wards: list[int]) -> None:
    if name in withheld[total]:
        return  # a total shown as <5 gives nothing away about its parts
    while _recoverable(rows, withheld, name, total, wards):
        shown = [i for i in wards if name not in withheld[i] and getattr(rows[i], name) > 0]
        if not shown:
            withheld[total][name] = WITHHELD
            return
        smallest = min(shown, key=lambda i: (getattr(rows[i], name), rows[i].area))
        withheld[smallest][name] = WITHHELD


def _bounds(mark: str) -> tuple[int, int]:
    return (1, THRESHOLD - 1) if mark == SUPPRESSED else (THRESHOLD, _UNBOUNDED)


def _recoverable(rows: Sequence[FigureRow], withheld: list[dict[str, str]], name: str,
                 total: int, wards: list[int]) -> bool:
    """Whether some withheld ward count of this column has only one possible value."""
    hidden = [i for i in wards if name in withheld[i]]
    if not hidden:
        return False
    remainder = getattr(rows[total], name) - sum(getattr(rows[i], name) for i in wards
                                                 if name not in withheld[i])
    bounds = [_bounds(withheld[i][name]) for i in hidden]
    low_sum = sum(low for low, _high in bounds)
    high_sum = sum(high for _low, high in bounds)
    for low, high in bounds:
        least = max(low, remainder - (high_sum - high))
        most = min(high, remainder - (low_sum - low))
        # Fewer than two possible values (none means the column does not add up, as
        # victims need not: treated as recoverable, which withholds more, never less).
        if least >= most:
            return True
    return False


def _published(row: FigureRow, marks: dict[str, str]) -> PublishedRow:
    def count(name: str) -> int | str:
        value: int = getattr(row, name)
        return marks.get(name, value)

    def rate(name: str) -> Decimal | None:
        value: Decimal | None = getattr(row, name)
        return None if any(source in marks for source in RATE_SOURCES[name]) else value

    return PublishedRow(
        period=row.period, crime_type=row.crime_type, area=row.area,
        incidents=count("incidents"), linked_incidents=count("linked_incidents"),
        victims=count("victims"), repeat_incidents=count("repeat_incidents"),
        repeat_victims=count("repeat_victims"),
        repeat_incident_rate=rate("repeat_incident_rate"),
        repeat_victim_rate=rate("repeat_victim_rate"), concentration=rate("concentration"),
        per_1000=rate("per_1000"))


def published_rows(rows: Sequence[FigureRow]) -> list[PublishedRow]:
    """The rows unchanged, as ``PublishedRow`` (for code that handles both kinds alike)."""
    return [_published(row, {}) for row in rows]
