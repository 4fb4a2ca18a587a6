"""Figures for periods, crime types and wards (definitions §4)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period
from scs_victims.domain.rates import rate
from scs_victims.storage.bulk import stream_rows, value_encoders
from scs_victims.storage.models import Incident, Ward, table_of

ALL_AREA = "All"
UNKNOWN_WARD = "Unknown"

FIGURE_COLUMNS = (
    "period", "period_start", "period_end", "crime_type", "ward", "incidents",
    "linked_incidents", "victims", "repeat_incidents", "repeat_victims",
    "repeat_incident_rate", "repeat_victim_rate", "concentration", "per_1000",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Area:
    """The whole area, one ward, or the incidents without a ward, with its denominators."""

    name: str
    ward_id: int | None
    population: int | None
    households: int | None

    def denominator(self, crime_type: CrimeType) -> int | None:
        if crime_type is CrimeType.BURGLARY and self.households is not None:
            return self.households
        return self.population


@dataclass(frozen=True, slots=True)
class FigureRow:
    period: Period
    crime_type: CrimeType
    area: str
    incidents: int
    linked_incidents: int
    victims: int
    repeat_incidents: int
    repeat_victims: int
    repeat_incident_rate: Decimal | None
    repeat_victim_rate: Decimal | None
    concentration: Decimal | None
    per_1000: Decimal | None


@dataclass(slots=True)
class _Tally:
    incidents: int = 0
    linked: int = 0
    repeats: int = 0
    subjects: set[int] = field(default_factory=set)
    repeat_subjects: set[int] = field(default_factory=set)

    def add(self, subject_id: int | None, is_repeat: bool) -> None:
        self.incidents += 1
        if subject_id is None:
            return
        self.linked += 1
        self.subjects.add(subject_id)
        if is_repeat:
            self.repeats += 1
            self.repeat_subjects.add(subject_id)

    def merge(self, other: _Tally) -> None:
        """Take in another area's tally: a victim of both is one victim here."""
        self.incidents += other.incidents
        self.linked += other.linked
        self.repeats += other.repeats
        self.subjects |= other.subjects
        self.repeat_subjects |= other.repeat_subjects


def areas(session: Session, *, by_ward: bool) -> list[Area]:
    """``All`` first, then (with ``by_ward``) the wards in load order, then ``Unknown``."""
    wards = session.execute(
        select(Ward.id, Ward.name, Ward.population, Ward.households).order_by(Ward.position)
    ).all()
    populations = [row.population for row in wards]
    households = [row.households for row in wards]
    whole_population = (
        sum(p for p in populations if p is not None)
        if wards and all(p is not None for p in populations) else None
    )
    whole_households = (
        sum(h for h in households if h is not None)
        if wards and all(h is not None for h in households) else None
    )
    result = [Area(ALL_AREA, None, whole_population, whole_households)]
    if by_ward:
        result.extend(Area(row.name, row.id, row.population, row.households) for row in wards)
        result.append(Area(UNKNOWN_WARD, None, None, None))
    return result


def compute_figures(
    session: Session,
    periods: Sequence[Period],
    crime_types: Sequence[CrimeType] = CRIME_TYPES,
    *,
    by_ward: bool = False,
) -> list[FigureRow]:
    """One row per period × crime type × area, in the order of formats.md. The periods come
    in order and do not overlap; a day between two of them counts in neither."""
    if not periods:
        return []
    types = [crime_type for crime_type in CRIME_TYPES if crime_type in crime_types]
    area_list = areas(session, by_ward=by_ward)
    # Each incident is tallied once, in its own area: the ward's, or Unknown (index 0, the
    # whole area, when not by ward). The whole area's tallies are the wards' merged after.
    unknown_index = len(area_list) - 1 if by_ward else 0
    area_index: dict[int | None, int] = {area.ward_id: index
                                         for index, area in enumerate(area_list)
                                         if area.ward_id is not None and by_ward}
    tallies: dict[tuple[int, str, int], _Tally] = {}
    connection = session.connection()
    # The rows come as the driver returns them, dates in the database's own form: the period
    # bounds are put in that form too. It orders as the dates do (the query's own date
    # range relies on that as well).
    (stored_date,) = value_encoders(connection.dialect, table_of(Incident), ["occurred_on"])
    starts = [_as_stored(stored_date, period.start) for period in periods]
    ends = [_as_stored(stored_date, period.end) for period in periods]
    first, last = periods[0].start, periods[-1].end
    rows = stream_rows(connection, (
        select(Incident.crime_type, Incident.ward_id, Incident.subject_id, Incident.occurred_on,
               Incident.is_repeat)
        .where(Incident.deleted_at.is_(None), Incident.occurred_on >= first,
               Incident.occurred_on <= last,
               Incident.crime_type.in_([crime_type.value for crime_type in types]))
        # SQLite would otherwise pick the crime type's index (an equality looks better than a
        # range without statistics) and read a table page for each of the incidents.
        .with_hint(Incident, "INDEXED BY ix_incidents_by_date", "sqlite")
    ))
    for crime_type, ward_id, subject_id, occurred_on, is_repeat in rows:
        period_index = bisect_right(starts, occurred_on) - 1
        if period_index < 0 or occurred_on > ends[period_index]:
            continue  # in a gap between the periods asked for
        key = (period_index, crime_type, area_index.get(ward_id, unknown_index))
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally()
        tally.add(subject_id, is_repeat)
    if by_ward:
        for (period_index, crime_type, _index), tally in list(tallies.items()):
            whole = tallies.get((period_index, crime_type, 0))
            if whole is None:
                whole = tallies[(period_index, crime_type, 0)] = _Tally()
            whole.merge(tally)
    result: list[FigureRow] = []
    for period_index, period in enumerate(periods):
        for crime_type in types:
            for index, area in enumerate(area_list):
                tally = tallies.get((period_index, crime_type.value, index)) or _Tally()
                result.append(_row(period, crime_type, area, tally))
    return result


def victims_behind(session: Session, crime_type: CrimeType, first: date, last: date, *,
                   repeat_only: bool = False) -> set[int]:
    """The victims (canonical people; dwellings for burglary) counted in the "victims" or
    "repeat victims" figure of one crime type between two dates, by the very rule of
    ``compute_figures``: so the list behind a number on screen has exactly that many."""
    tally = _Tally()
    rows = session.execute(
        select(Incident.subject_id, Incident.is_repeat)
        .where(Incident.deleted_at.is_(None), Incident.occurred_on >= first,
               Incident.occurred_on <= last, Incident.crime_type == crime_type.value)
    )
    for subject_id, is_repeat in rows:
        tally.add(subject_id, is_repeat)
    return tally.repeat_subjects if repeat_only else tally.subjects


def _as_stored(encode: Callable[[Any], Any] | None, day: date) -> Any:
    return day if encode is None else encode(day)


def _row(period: Period, crime_type: CrimeType, area: Area, tally: _Tally) -> FigureRow:
    victims = len(tally.subjects)
    return FigureRow(
        period=period,
        crime_type=crime_type,
        area=area.name,
        incidents=tally.incidents,
        linked_incidents=tally.linked,
        victims=victims,
        repeat_incidents=tally.repeats,
        repeat_victims=len(tally.repeat_subjects),
        repeat_incident_rate=rate(tally.repeats, tally.linked, 100),
        repeat_victim_rate=rate(len(tally.repeat_subjects), victims, 100),
        concentration=rate(tally.linked, victims),
        per_1000=rate(tally.incidents, area.denominator(crime_type), 1000),
    )
