"""What the Reports screen asks for, and the incident list's format by the file's name (plain
data and pure functions: the work itself is done by ``scs_victims.actions.reports``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scs_victims.domain.periods import Period
from scs_victims.errors import UserError

LIST_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True, slots=True)
class ReportChoice:
    """What the top of the screen asks for."""

    quarter: Period
    publish: bool


def list_format(path: Path) -> str:
    """CSV or XLSX, by the file's extension."""
    found = LIST_FORMATS.get(path.suffix.lower())
    if found is None:
        raise UserError(f"{path.name} does not end in .csv or .xlsx: give the incident list "
                        "a name such as incidents.csv or incidents.xlsx.")
    return found
