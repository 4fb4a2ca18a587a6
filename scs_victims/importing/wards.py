"""Loading the ward list (formats.md "Wards"): replaces the list, whole file or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from scs_victims.audit import record
from scs_victims.errors import FileRefused, RowError
from scs_victims.importing.csv_source import open_csv
from scs_victims.services.wards import in_use_sentence, remove_ward, wards_in_use
from scs_victims.storage.database import Database
from scs_victims.storage.models import Ward

WARD_COLUMNS = ("ward", "code", "population", "households")
MAX_COUNT = 10_000_000


@dataclass(frozen=True, slots=True)
class WardRow:
    name: str
    code: str | None
    population: int | None
    households: int | None


@dataclass
class WardsSummary:
    file_name: str
    encoding: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unknown_columns: list[str] = field(default_factory=list)


def _whole_number(text: str, number: int, column: str, errors: list[RowError]) -> int | None:
    value = text.strip().replace(",", "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_COUNT:
        errors.append(RowError(number, column, f"'{text.strip()}' is not a whole number"))
        return None
    return int(value)


def read_wards(path: Path) -> tuple[list[WardRow], WardsSummary]:
    """Check a ward file; raises ``FileRefused`` listing every problem."""
    with open_csv(path, required=("ward",), known=WARD_COLUMNS) as source:
        summary = WardsSummary(path.name, source.encoding, unknown_columns=source.unknown_columns)
        index = source.columns
        errors: list[RowError] = []
        wards: list[WardRow] = []
        seen: dict[str, int] = {}

        def cell(cells: list[str], name: str) -> str:
            position = index.get(name)
            return "" if position is None else cells[position]

        for row in source.rows():
            if row.problem:
                errors.append(RowError(row.number, "", row.problem))
                continue
            name = cell(row.cells, "ward").strip()
            if not name:
                errors.append(RowError(row.number, "ward", "is required"))
            elif len(name) > 120:
                errors.append(RowError(row.number, "ward", "is longer than 120 characters"))
            elif name.casefold() in seen:
                errors.append(RowError(row.number, "ward",
                                       f"'{name}' is already on row {seen[name.casefold()]}"))
            else:
                seen[name.casefold()] = row.number
            code = cell(row.cells, "code").strip() or None
            if code is not None and len(code) > 20:
                errors.append(RowError(row.number, "code", "is longer than 20 characters"))
            population = _whole_number(cell(row.cells, "population"), row.number, "population",
                                       errors)
            households = _whole_number(cell(row.cells, "households"), row.number, "households",
                                       errors)
            wards.append(WardRow(name, code, population, households))
    if errors:
        raise FileRefused(f"{path.name} was not loaded: {len(errors)} problem"
                          f"{'s' if len(errors) != 1 else ''} found; nothing was changed.", errors)
    if not wards:
        raise FileRefused(f"{path.name} lists no wards; nothing was changed.")
    return wards, summary


def load_wards(database: Database, path: Path) -> WardsSummary:
    """Replace the ward list with the file's. A ward still used by incidents cannot go."""
    rows, summary = read_wards(path)
    with database.session() as session:
        existing = {ward.name_key: ward for ward in session.scalars(select(Ward))}
        incoming = {row.name.casefold() for row in rows}
        leaving = [ward for key, ward in existing.items() if key not in incoming]
        used = wards_in_use(session, [ward.id for ward in leaving])
        if used:
            raise FileRefused(f"{path.name} was not loaded. {in_use_sentence(used)}")
        # Positions are unique per load order; park the old ones out of the way first.
        for ward in existing.values():
            ward.position = -ward.id
        session.flush()
        for ward in leaving:
            remove_ward(session, ward)
            summary.removed += 1
        for position, row in enumerate(rows):
            key = row.name.casefold()
            known = existing.get(key)
            values = {"name": row.name, "code": row.code, "population": row.population,
                      "households": row.households}
            if known is None:
                ward = Ward(name_key=key, position=position, **values)
                session.add(ward)
                session.flush()
                record(session, "insert", "ward", ward.id, values)
                summary.added += 1
            else:
                changed = {k: v for k, v in values.items() if getattr(known, k) != v}
                for name, value in values.items():
                    setattr(known, name, value)
                known.position = position
                known.listed = True
                if changed:
                    session.flush()
                    record(session, "update", "ward", known.id, changed)
                    summary.updated += 1
    return summary
