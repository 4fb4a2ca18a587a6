"""Printing a PDF we made through the system's print dialog: QtPdf renders each page to an
image, which is drawn to fit the printer's page."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from scs_victims.errors import UserError

# Enough for sharp text; a page at the printer's own 1,200 dpi would take half a gigabyte.
MAX_DPI = 300
POINTS_PER_INCH = 72
LOAD_TIMEOUT_S = 30

# (parent) -> a printer the user has chosen and set up, or None when cancelled
ChoosePrinter = Callable[[QWidget], QPrinter | None]


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The system's print dialog (blocks while open); tests put their own chooser in place."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the quarterly report")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def print_pdf(pdf: bytes, printer: QPrinter, name: str) -> int:
    """Print every page of ``pdf`` on ``printer``; returns how many pages were printed.

    The document is read from memory: no copy of the report ever touches the disk."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)  # reads in the background; its status says when it is done
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while document.status() not in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error):
            if time.monotonic() > deadline:
                break
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if document.status() is not QPdfDocument.Status.Ready:
            raise UserError("The report could not be read back for printing.")
        return _paint(document, printer, name)
    finally:
        document.close()
        buffer.close()


def _paint(document: QPdfDocument, printer: QPrinter, name: str) -> int:
    printer.setDocName(name)
    printer.setFullPage(True)  # the report has its own margins
    dpi = min(printer.resolution(), MAX_DPI)
    target = printer.pageLayout().fullRectPixels(printer.resolution())
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError("The printer could not be started: check it is connected and try "
                        "again.")
    pages = 0
    try:
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / POINTS_PER_INCH),
                         round(points.height() * dpi / POINTS_PER_INCH))
            image = document.render(page, size)
            # Fit the page, keeping its shape, centred.
            factor = min(target.width() / size.width(), target.height() / size.height())
            width, height = size.width() * factor, size.height() * factor
            # QtPdf leaves the page transparent; paper is white, and a PDF printer must
            # not show it as black.
            page_rect = QRectF((target.width() - width) / 2, (target.height() - height) / 2,
                               width, height)
            painter.fillRect(page_rect, Qt.GlobalColor.white)
            painter.drawImage(page_rect, image)
            pages += 1
    finally:
        painter.end()
    return pages
