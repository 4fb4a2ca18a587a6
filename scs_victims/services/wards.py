"""Editing the area's ward list (Settings): names, codes, populations and households.

The list is saved whole, in one transaction with one audit event per ward changed; a ward that
incidents still use cannot be removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from scs_victims.audit import record
from scs_victims.errors import InputRefused, RowError
from scs_victims.storage.models import Address, Incident, Ward

MAX_NAME_CHARS = 120
MAX_CODE_CHARS = 20
MAX_COUNT = 10_000_000


@dataclass(frozen=True, slots=True)
class WardRecord:
    """One ward as stored, with how many incidents name it."""

    id: int
    name: str
    code: str | None
    population: int | None
    households: int | None
    incidents: int


@dataclass(frozen=True, slots=True)
class WardEdit:
    """One row of the edited list; ``id`` is None for a ward added in this edit."""

    id: int | None
    name: str
    code: str | None
    population: int | None
    households: int | None


@dataclass(frozen=True, slots=True)
class WardsSaved:
    added: int
    updated: int
    removed: int


class WardsInvalid(InputRefused):
    """The list was refused and nothing was saved; ``errors`` name the row (1 = first ward)
    and the column of each problem."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"The wards were not saved: ward {first.row}: {first.column} "
                         f"{first.reason}{more}.")


def list_wards(session: Session) -> list[WardRecord]:
    """Every ward in the order loaded, with its number of incidents (deleted ones included:
    they still refer to it)."""
    counts = dict(session.execute(
        select(Incident.ward_id, func.count(Incident.id))
        .where(Incident.ward_id.is_not(None)).group_by(Incident.ward_id)
    ).all())
    return [WardRecord(ward.id, ward.name, ward.code, ward.population, ward.households,
                       counts.get(ward.id, 0))
            for ward in session.scalars(select(Ward).order_by(Ward.position, Ward.id))]


def count_problem(value: int | None) -> str | None:
    """Why a population or household count cannot be stored, or None when it can."""
    if value is None:
        return None
    if value < 0:
        return "must be a whole number of 0 or more"
    if value > MAX_COUNT:
        return f"must be at most {MAX_COUNT:,}"
    return None


def check_wards(wards: Sequence[WardEdit]) -> list[RowError]:
    """Every problem of an edited list (rows numbered from 1)."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, ward in enumerate(wards, start=1):
        name = ward.name.strip()
        if not name:
            errors.append(RowError(number, "name", "is required"))
        elif len(name) > MAX_NAME_CHARS:
            errors.append(RowError(number, "name", f"is longer than {MAX_NAME_CHARS} characters"))
        elif name.casefold() in seen:
            errors.append(RowError(number, "name",
                                   f"'{name}' is already ward {seen[name.casefold()]}"))
        else:
            seen[name.casefold()] = number
        if ward.code is not None and len(ward.code.strip()) > MAX_CODE_CHARS:
            errors.append(RowError(number, "code", f"is longer than {MAX_CODE_CHARS} characters"))
        for column, value in (("population", ward.population),
                              ("households", ward.households)):
            problem = count_problem(value)
            if problem:
                errors.append(RowError(number, column, problem))
    return errors


def wards_in_use(session: Session, ward_ids: Sequence[int]) -> list[tuple[str, int]]:
    """(name, incidents) of those wards that incidents still name, by name."""
    if not ward_ids:
        return []
    return [(name, count) for name, count in session.execute(
        select(Ward.name, func.count(Incident.id))
        .join(Incident, Incident.ward_id == Ward.id)
        .where(Ward.id.in_(list(ward_ids)))
        .group_by(Ward.name)
        .order_by(Ward.name)
    )]


def in_use_sentence(used: Sequence[tuple[str, int]]) -> str:
    names = ", ".join(f"{name} ({count} incidents)" for name, count in used)
    return (f"These wards are still used by incidents and cannot be removed: {names}. "
            "Move their incidents to another ward first.")


def remove_ward(session: Session, ward: Ward) -> None:
    """Delete a ward no incident uses; addresses in it lose their ward (audited)."""
    session.execute(update(Address).where(Address.ward_id == ward.id).values(ward_id=None))
    session.execute(delete(Ward).where(Ward.id == ward.id))
    record(session, "delete", "ward", ward.id, {"name": ward.name})


def save_wards(session: Session, wards: Sequence[WardEdit]) -> WardsSaved:
    """Make the ward list exactly ``wards``, in that order. Refuses (nothing changed) an
    invalid list or the removal of a ward incidents use."""
    errors = check_wards(wards)
    if errors:
        raise WardsInvalid(errors)
    existing = {ward.id: ward for ward in session.scalars(select(Ward))}
    unknown = [ward.id for ward in wards if ward.id is not None and ward.id not in existing]
    if unknown:
        raise InputRefused("A ward being edited was removed by someone else meanwhile; "
                           "nothing was saved. Reload the wards and try again.")
    kept = {ward.id for ward in wards if ward.id is not None}
    leaving = [ward for ward_id, ward in existing.items() if ward_id not in kept]
    used = wards_in_use(session, [ward.id for ward in leaving])
    if used:
        raise InputRefused(in_use_sentence(used))
    old_values = {ward.id: _values(ward.name, ward.code, ward.population, ward.households)
                  for ward in existing.values()}
    for ward in leaving:
        remove_ward(session, ward)
        del existing[ward.id]
    # Positions and names are unique: park the old ones out of the way first (two wards
    # may swap names or places in one edit).
    for ward in existing.values():
        ward.position = -ward.id
        ward.name = ward.name_key = f"\x00{ward.id}"
    session.flush()
    added = updated = 0
    for position, edit in enumerate(wards):
        name = edit.name.strip()
        values = _values(name, (edit.code or "").strip() or None, edit.population,
                         edit.households)
        if edit.id is None:
            ward = Ward(name=name, name_key=name.casefold(), code=values["code"],
                        population=edit.population, households=edit.households,
                        position=position, listed=True)
            session.add(ward)
            session.flush()
            record(session, "insert", "ward", ward.id, values)
            added += 1
            continue
        ward = existing[edit.id]
        changed = {key: value for key, value in values.items()
                   if old_values[edit.id][key] != value}
        ward.name, ward.name_key, ward.code = name, name.casefold(), values["code"]
        ward.population, ward.households = edit.population, edit.households
        ward.position = position
        ward.listed = True
        if changed:
            record(session, "update", "ward", ward.id, changed)
            updated += 1
    session.flush()
    return WardsSaved(added, updated, len(leaving))


def _values(name: str, code: str | None, population: int | None,
            households: int | None) -> dict[str, Any]:
    return {"name": name, "code": code, "population": population, "households": households}
