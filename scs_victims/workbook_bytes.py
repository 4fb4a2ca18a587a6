"""Workbooks written without openpyxl's temporary files.

openpyxl writes each worksheet's XML to a temporary file (``openpyxl.*`` in the system's temp
folder) before zipping it, and removes it afterwards, or never when the process is killed: a
plain copy of the sheet outside the file the user chose, which issue 17 rules out (no
temporary file holds plaintext personal data). Here a sheet goes into the archive from memory
(``workbook_bytes``), or straight into its zip entry as its rows are appended
(``streamed_sheet``, for the incident list's million rows), so nothing but the archive being
written is ever on disk; and the archive can itself be in memory, to be protected with a
password (``scs_victims.protection``) before anything is written.

Relies on two openpyxl internals, ``ExcelWriter.write_worksheet`` and ``WorksheetWriter``'s
``out``; tests/test_protection.py watches every file opened while workbooks are written, so a
change in them cannot go unnoticed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import IO, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.drawing.spreadsheet_drawing import (  # type: ignore[import-untyped]
    SpreadsheetDrawing,
)
from openpyxl.worksheet._writer import WorksheetWriter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from scs_victims.errors import Bug

# The one sheet of a streamed workbook, where openpyxl puts the first sheet.
STREAMED_SHEET = "xl/worksheets/sheet1.xml"
# What one row's XML in a streamed sheet takes on average, generously (the incident list's
# rows take about 1,000 bytes): more rows than a zip entry's 2 GiB could then hold need Zip64
# from the start, since the size is only known at the end. At 2,000 bytes that is more rows
# than Excel's 1,048,576, so no list that Excel can open is written with Zip64.
ROW_BYTES_AT_MOST = 2_000


class _InMemoryWriter(ExcelWriter):  # type: ignore[misc]  # openpyxl has no type hints
    """openpyxl's writer, with each worksheet's XML made in memory (normal sheets) or already
    in the archive (the streamed sheet) instead of in a temporary file."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if self.workbook.write_only:
            if not ws.closed or getattr(ws, "_scs_streamed", None) != ws.path[1:]:
                raise Bug("A write-only sheet must be streamed into the archive first.")
            writer = ws._writer
        else:
            buffer = io.BytesIO()
            writer = WorksheetWriter(ws, out=buffer)
            writer.write()
            self._archive.writestr(ws.path[1:], buffer.getvalue())
        ws._rels = writer._rels
        self.manifest.append(ws)


def _finish(workbook: Any, archive: zipfile.ZipFile) -> None:
    """What ``openpyxl.writer.excel.save_workbook`` does, with the writer above."""
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    _InMemoryWriter(workbook, archive).write_data()


def workbook_bytes(workbook: Any) -> bytes:
    """A normal (not write-only) workbook as the bytes of its XLSX file, made in memory."""
    if workbook.write_only:
        raise Bug("A write-only workbook is written with streamed_sheet.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _finish(workbook, archive)
    return buffer.getvalue()


@contextmanager
def streamed_sheet(target: IO[bytes], title: str, layout: Callable[[Any], None], *,
                   rows_at_most: int) -> Iterator[Any]:
    """A workbook of one write-only sheet, written to ``target`` (an open file, or a BytesIO)
    as rows are appended to the sheet yielded: each row goes into the zip entry as it comes,
    so memory stays flat and no temporary file is made. ``layout`` sets the sheet's widths and
    panes, which a write-only sheet takes before its first row. The archive is complete when
    the block ends; if the block raises, ``target`` holds a broken archive to be thrown
    away."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    layout(sheet)
    large = rows_at_most > zipfile.ZIP64_LIMIT // ROW_BYTES_AT_MOST
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with archive.open(STREAMED_SHEET, "w", force_zip64=large) as entry:
            sheet._writer = WorksheetWriter(sheet, out=entry)
            sheet._writer.write_top()  # what the first append would do
            try:
                yield sheet
            except BaseException:
                # End the sheet's XML writers now, not when they are collected (which would
                # complain): what they write goes into an archive to be thrown away.
                with suppress(Exception):
                    sheet.close()
                raise
            sheet.close()
        sheet._scs_streamed = STREAMED_SHEET
        _finish(workbook, archive)
