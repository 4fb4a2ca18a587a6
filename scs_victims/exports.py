"""Files we write: the figures CSV of formats.md."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from scs_victims.domain.rates import format_rate
from scs_victims.figures import FIGURE_COLUMNS, FigureRow


def figure_cells(row: FigureRow) -> list[str]:
    return [
        row.period.label, row.period.start.isoformat(), row.period.end.isoformat(),
        row.crime_type.value, row.area, str(row.incidents), str(row.linked_incidents),
        str(row.victims), str(row.repeat_incidents), str(row.repeat_victims),
        format_rate(row.repeat_incident_rate), format_rate(row.repeat_victim_rate),
        format_rate(row.concentration), format_rate(row.per_1000),
    ]


def figures_csv_text(rows: Iterable[FigureRow]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # Excel's CRLF, as the published fixtures are written
    writer.writerow(FIGURE_COLUMNS)
    writer.writerows(figure_cells(row) for row in rows)
    return buffer.getvalue()


def write_text_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
