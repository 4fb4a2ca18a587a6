"""Files we write: the figures CSV of formats.md."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from scs_victims.domain.rates import format_rate
from scs_victims.errors import UserError
from scs_victims.figures import FIGURE_COLUMNS, FigureRow
from scs_victims.reports.suppression import PublishedRow
from scs_victims.spreadsheets import SafeCsvWriter


def figure_cells(row: FigureRow | PublishedRow) -> list[str]:
    """One CSV row; a published row's withheld counts print as they are (``<5``, ``*``)."""
    rates: tuple[Decimal | None, ...] = (row.repeat_incident_rate, row.repeat_victim_rate,
                                         row.concentration, row.per_1000)
    return [
        row.period.label, row.period.start.isoformat(), row.period.end.isoformat(),
        row.crime_type.value, row.area, str(row.incidents), str(row.linked_incidents),
        str(row.victims), str(row.repeat_incidents), str(row.repeat_victims),
        *(format_rate(value) for value in rates),
    ]


def figures_csv_text(rows: Iterable[FigureRow | PublishedRow]) -> str:
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer)  # Excel's CRLF, as the published fixtures are written
    writer.writerow(FIGURE_COLUMNS)
    writer.writerows(figure_cells(row) for row in rows)
    return buffer.getvalue()


def write_text_atomically(path: Path, text: str) -> None:
    """Write UTF-8 beside the target and rename, so a reader never sees half a file."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from None
