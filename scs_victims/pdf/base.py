"""The renderer every printed document builds on (after pretix's invoice renderer).

A document subclasses ``Renderer``, sets ``title`` and writes ``story()``; ``render()`` returns
the PDF as bytes. The hooks a subclass may override are small: ``stylesheet``, ``frame_margins``
(via the class attributes), ``draw_header`` and ``draw_footer``.

Every page carries (definitions §7) the protective marking in the header and the footer, the
date and time the document was produced, and "Page x of y". The total is known only once the
story has been laid out, so the page furniture is drawn by ``_NumberedCanvas``, which holds
each page back until ``save`` and then draws the furniture on all of them (one layout pass).

User text must never reach a ``Paragraph`` raw: ReportLab parses paragraph text as markup, so
a name with ``&`` or ``<`` would break the document. ``escape_text`` (used by ``para``) escapes
it, normalises it to NFC (a name typed with combining accents prints as one glyph) and keeps
line breaks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache, partial
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONTS_FOLDER = Path(__file__).resolve().parent / "fonts"

# The house colours: a dark slate for headings and table heads, greys for rules and banding.
INK = colors.HexColor("#1b1b1b")
ACCENT = colors.HexColor("#1f3a5f")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#9aa5b1")
BAND = colors.HexColor("#eef1f4")
HEAD_TEXT = colors.white


@cache
def register_fonts() -> None:
    """Embed DejaVu Sans (regular and bold): it covers every Latin, Greek and Cyrillic letter
    a name may hold, where ReportLab's built-in Helvetica covers Latin-1 only. No italic is
    shipped, so italic falls back to the upright faces."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS_FOLDER / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_FOLDER / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def escape_text(value: object) -> str:
    """Any value as safe paragraph text: NFC-normalised, markup characters escaped, line
    breaks kept. None prints as nothing."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    lines = escape(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "<br/>".join(lines)


def uk_date(value: Any) -> str:
    """dd/mm/yyyy, or an empty string for None (dates print the UK way everywhere)."""
    return "" if value is None else f"{value:%d/%m/%Y}"


def _stylesheet() -> StyleSheet1:
    sheet = StyleSheet1()
    base = ParagraphStyle("Body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK,
                          spaceAfter=4)
    sheet.add(base)
    add = sheet.add
    add(ParagraphStyle("Small", parent=base, fontSize=8, leading=10, spaceAfter=0))
    add(ParagraphStyle("SmallMuted", parent=base, fontSize=8, leading=10, spaceAfter=0,
                       textColor=MUTED))
    add(ParagraphStyle("Cell", parent=base, fontSize=8, leading=10, spaceAfter=0))
    add(ParagraphStyle("CellBold", parent=base, fontName=FONT_BOLD, fontSize=8,
                       leading=10, spaceAfter=0))
    add(ParagraphStyle("CellHead", parent=base, fontName=FONT_BOLD, fontSize=8,
                       leading=10, spaceAfter=0, textColor=HEAD_TEXT))
    add(ParagraphStyle("CellRight", parent=base, fontSize=8, leading=10, spaceAfter=0,
                       alignment=TA_RIGHT))
    add(ParagraphStyle("Title", parent=base, fontName=FONT_BOLD, fontSize=26, leading=32,
                       textColor=ACCENT, spaceAfter=6))
    add(ParagraphStyle("Subtitle", parent=base, fontSize=15, leading=20, textColor=MUTED,
                       spaceAfter=18))
    add(ParagraphStyle("Heading1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                       textColor=ACCENT, spaceBefore=0, spaceAfter=8))
    add(ParagraphStyle("Heading2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                       textColor=ACCENT, spaceBefore=10, spaceAfter=4, keepWithNext=1))
    add(ParagraphStyle("Heading3", parent=base, fontName=FONT_BOLD, fontSize=9.5,
                       leading=12.5, spaceBefore=6, spaceAfter=2, keepWithNext=1))
    add(ParagraphStyle("Centre", parent=base, alignment=TA_CENTER))
    add(ParagraphStyle("Notice", parent=base, fontSize=9, leading=12, textColor=INK,
                       borderColor=RULE, borderWidth=0.6, borderPadding=7,
                       backColor=BAND, spaceBefore=8, spaceAfter=12))
    return sheet


class _NumberedCanvas(Canvas):
    """Holds every page back until ``save``, then draws the furniture knowing the total."""

    def __init__(self, *args: Any, furniture: Callable[[Canvas, int, int], None],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's own page reset

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._furniture(self, number, total)
            super().showPage()
        super().save()


class Renderer:
    """A printed document. Subclasses set ``title`` and implement ``story``."""

    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 18 * mm
    margin_right: ClassVar[float] = 18 * mm
    margin_top: ClassVar[float] = 24 * mm
    margin_bottom: ClassVar[float] = 22 * mm
    title: str = ""

    def __init__(self, *, marking: str, organisation: str,
                 produced_at: datetime | None = None) -> None:
        register_fonts()
        self.marking = marking.strip() or "OFFICIAL-SENSITIVE"
        self.organisation = organisation
        self.produced_at = produced_at or datetime.now()
        self.styles = self.stylesheet()

    # Hooks ------------------------------------------------------------------------------

    def stylesheet(self) -> StyleSheet1:
        """Named paragraph styles: Body, Small, SmallMuted, Cell, CellBold, CellHead,
        CellRight, Title, Subtitle, Heading1-3, Centre, Notice."""
        return _stylesheet()

    def story(self) -> list[Flowable]:
        raise NotImplementedError

    @property
    def width(self) -> float:
        """The width of the text frame."""
        return self.pagesize[0] - self.margin_left - self.margin_right

    def draw_header(self, canvas: Canvas) -> None:
        """The marking, centred at the top; the title and the organisation under it."""
        page_width, page_height = self.pagesize
        canvas.setFont(FONT_BOLD, 10)
        canvas.setFillColor(INK)
        canvas.drawCentredString(page_width / 2, page_height - 10 * mm, self.marking)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        baseline = page_height - 16 * mm
        canvas.drawString(self.margin_left, baseline, _plain(self.title))
        canvas.drawRightString(page_width - self.margin_right, baseline,
                               _plain(self.organisation))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.margin_left, baseline - 2.5 * mm, page_width - self.margin_right,
                    baseline - 2.5 * mm)

    def draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        """A rule; when it was produced, the marking, "Page x of y"."""
        page_width, _ = self.pagesize
        rule_at = self.margin_bottom - 8 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.margin_left, rule_at, page_width - self.margin_right, rule_at)
        baseline = rule_at - 5 * mm
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(self.margin_left, baseline,
                          f"Produced {self.produced_at:%d/%m/%Y %H:%M}")
        canvas.drawRightString(page_width - self.margin_right, baseline,
                               f"Page {page} of {total}")
        canvas.setFont(FONT_BOLD, 10)
        canvas.setFillColor(INK)
        canvas.drawCentredString(page_width / 2, baseline, self.marking)

    # Building ---------------------------------------------------------------------------

    def _furniture(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        self.draw_header(canvas)
        self.draw_footer(canvas, page, total)
        canvas.restoreState()

    def render(self) -> bytes:
        """The document as PDF bytes."""
        out = BytesIO()
        doc = BaseDocTemplate(
            out, pagesize=self.pagesize, leftMargin=self.margin_left,
            rightMargin=self.margin_right, topMargin=self.margin_top,
            bottomMargin=self.margin_bottom, title=_plain(self.title),
            author=_plain(self.organisation), creator="SCS Victims",
            subject=self.marking)
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(self.story(), canvasmaker=partial(_NumberedCanvas,
                                                    furniture=self._furniture))
        return out.getvalue()

    # Helpers for stories ------------------------------------------------------------------

    def para(self, value: object, style: str = "Body") -> Paragraph:
        """User text (escaped) as a paragraph."""
        return Paragraph(escape_text(value), self.styles[style])

    def markup(self, markup: str, style: str = "Body") -> Paragraph:
        """Text of our own with ReportLab markup (<b>); any user text in it must already have
        been through ``escape_text``."""
        return Paragraph(markup, self.styles[style])

    def facts(self, rows: Sequence[tuple[str, object]], *,
              label_width: float = 0.26) -> Table:
        """Label / value pairs as a two-column table (values escaped unless Flowables)."""
        cells = [[self.markup(escape_text(label), "CellBold"), value] for label, value in rows]
        return self.table(cells, [label_width, 1 - label_width], banded=False)

    def table(self, rows: Sequence[Sequence[object]], widths: Sequence[float], *,
              head: Sequence[str] | None = None, banded: bool = True,
              row_heights: Sequence[float] | None = None,
              extra: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A table over the frame's width: ``widths`` are fractions of it. Plain values are
        escaped into ``Cell`` paragraphs (Flowables pass through); ``head`` is a heading row
        repeated on every page the table spans."""
        data: list[list[object]] = []
        if head is not None:
            data.append([Paragraph(escape_text(label), self.styles["CellHead"])
                         for label in head])
        for row in rows:
            data.append([cell if isinstance(cell, Flowable)
                         else Paragraph(escape_text(cell), self.styles["Cell"])
                         for cell in row])
        heights = None
        if row_heights is not None:
            heights = ([None] if head is not None else []) + list(row_heights)
        table = Table(data, colWidths=[fraction * self.width for fraction in widths],
                      rowHeights=heights, repeatRows=1 if head is not None else 0,
                      hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ]
        first = 0
        if head is not None:
            # The heading row: white on the accent colour.
            commands.append(("BACKGROUND", (0, 0), (-1, 0), ACCENT))
            first = 1
        if banded:
            commands.append(("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, BAND]))
        table.setStyle(TableStyle([*commands, *extra]))
        return table


def _plain(text: str) -> str:
    """Text drawn straight on the canvas (not a paragraph): NFC, one line."""
    return " ".join(unicodedata.normalize("NFC", text).split())
