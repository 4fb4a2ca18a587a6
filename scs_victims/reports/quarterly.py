"""The quarterly repeat-victimisation report for the partnership board, as PDF (issue 5).

``render_quarterly_report`` returns the document as bytes; ``report_summary`` gives the
summary table as plain data for a preview on screen. The figures are gathered by
``scs_victims.reports.quarterly_data`` (every one from ``compute_figures``, suppressed for
publication); this module only lays them out, on the shared renderer
(``scs_victims.pdf.base``: marking top and bottom, produced at, "Page x of y").

The pages: a cover; the summary table of each crime type (the quarter, the previous quarter,
the same quarter last year, the financial year to date, the target and baseline with a
status in colour and in words); the eight-quarter trend of each type; repeat victim rates by
ward, as a chart and as tables; ASB case review thresholds and DV escalations; MARAC, once
there are referrals; and the definitions in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.domain.periods import Period
from scs_victims.domain.rates import format_rate
from scs_victims.figures import ALL_AREA, UNKNOWN_WARD
from scs_victims.marac.safelives_return import RECOMMENDED_PER_10K
from scs_victims.pdf.base import ACCENT, BAND, Renderer, escape_text, uk_date
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.reports.charts import trend_chart, ward_chart
from scs_victims.reports.definitions_page import definitions_story
from scs_victims.reports.quarterly_data import (
    MEASURES,
    STEPS,
    QuarterData,
    QuarterSummary,
    SummaryLine,
    build_quarter,
    measure_text,
    status_word,
)
from scs_victims.services.dashboard import Status

# Status cells: a pale fill with the word in bold, so colour is never the only signal.
STATUS_FILL = {
    Status.GREEN: colors.HexColor("#cfe8d5"),
    Status.AMBER: colors.HexColor("#fde3b5"),
    Status.RED: colors.HexColor("#f6c9c4"),
}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class QuarterlyReport(Renderer):
    def __init__(self, data: QuarterData, *, produced_at: datetime | None = None) -> None:
        quarter = data.quarter
        version = " (for publication)" if data.summary.publish else ""
        self.title = f"Repeat victimisation \u00b7 {quarter.label}{version}"
        super().__init__(marking=data.area.protective_marking,
                         organisation=data.area.area_name, produced_at=produced_at)
        self.data = data

    def stylesheet(self) -> StyleSheet1:
        """The shared styles, plus right-aligned headings and a compact size for the ward
        tables (two to a page)."""
        sheet = super().stylesheet()
        for name, parent, size, leading in (("CellHeadRight", "CellHead", 8, 10),
                                            ("Tiny", "Cell", 7, 8.5),
                                            ("TinyBold", "CellBold", 7, 8.5),
                                            ("TinyRight", "CellRight", 7, 8.5),
                                            ("TinyHead", "CellHead", 7, 8.5),
                                            ("TinyHeadRight", "CellHead", 7, 8.5)):
            sheet.add(ParagraphStyle(name, parent=sheet[parent], fontSize=size,
                                     leading=leading,
                                     alignment=TA_RIGHT if name.endswith("Right") else 0))
        return sheet

    def grid(self, rows: Sequence[Sequence[object]], widths: Sequence[float],
             head: Sequence[str], *, compact: bool = False,
             extra: Sequence[tuple[Any, ...]] = ()) -> Table:
        """A table whose first column is a label and the others numbers: headings of the
        number columns are right-aligned over them; ``compact`` for long ward lists."""
        style = "TinyHead" if compact else "CellHead"
        heading: list[object] = [Paragraph(escape_text(head[0]), self.styles[style])]
        heading += [Paragraph(escape_text(label), self.styles[style + "Right"])
                    for label in head[1:]]
        padding: list[tuple[Any, ...]] = [
            ("TOPPADDING", (0, 1), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 2)] if compact else []
        table = self.table([heading, *rows], widths,
                           extra=[("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                                  ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
                                  ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                                  *padding, *extra], banded=False)
        table.repeatRows = 1
        return table

    def story(self) -> list[Flowable]:
        return [*self._cover(), PageBreak(), *self._summary(), PageBreak(), *self._trends(),
                PageBreak(), *self._wards(), PageBreak(), *self._alerts(), *self._marac(),
                PageBreak(), *definitions_story(self, self.data)]

    # Cover ------------------------------------------------------------------------------

    def _cover(self) -> list[Flowable]:
        data = self.data
        quarter = data.quarter
        held = ("No incidents are recorded." if data.data_range is None else
                f"Incidents from {uk_date(data.data_range[0])} to "
                f"{uk_date(data.data_range[1])}")
        version = ("For publication: counts from 1 to 4 are shown as <5 and the rates "
                   "worked out from them are left blank." if data.summary.publish
                   else "Internal: for the partnership board. Not for publication.")
        facts = [
            ("Area", data.area.area_name),
            ("Quarter", f"{quarter.label}: {long_date(quarter.start)} to "
                        f"{long_date(quarter.end)}"),
            ("Protective marking", data.area.protective_marking),
            ("Data held", held),
            ("Produced", f"{self.produced_at:%d/%m/%Y %H:%M}"),
            ("Version", version),
        ]
        story: list[Flowable] = [
            Spacer(0, 30 * mm),
            self.para(data.area.protective_marking, "SmallMuted"),
            Spacer(0, 3 * mm),
            self.para("Repeat victimisation", "Title"),
            self.para(f"Quarterly report to the partnership board \u00b7 {quarter.label}",
                      "Subtitle"),
            self.facts(facts, label_width=0.3),
            Spacer(0, 10 * mm),
            self.para("At a glance", "Heading2"),
            self._glance(),
            Spacer(0, 4 * mm),
        ]
        if data.as_of < quarter.end:
            story.append(self.para(
                f"The quarter is not over: its figures are provisional, to "
                f"{uk_date(data.as_of)}.", "Notice"))
        story.append(self.para(
            "How every figure is counted is set out on the last page (definitions). A "
            "repeat is counted by crime type against the same victim (the same dwelling for "
            "burglary) within the look-back window in force.", "SmallMuted"))
        return story

    def _glance(self) -> Flowable:
        """This quarter's two judged rates per type, with their status."""
        rows: list[list[object]] = []
        extra: list[tuple[Any, ...]] = []
        for index, summary in enumerate(self.data.summary.types, start=1):
            row: list[object] = [summary.crime_type.label]
            for column, line in enumerate(line for line in summary.lines
                                          if line.status is not None):
                row += [self._number(line.values[0]), self._status_cell(line)]
                extra += self._status_style(line, 2 + 2 * column, index)
            rows.append(row)
        return self.grid(rows, [0.32, 0.17, 0.17, 0.17, 0.17],
                         ["Crime type", "Repeat victim rate", "Status",
                          "Repeat incident rate", "Status"], extra=extra)

    # Summary ----------------------------------------------------------------------------

    def _summary(self) -> list[Flowable]:
        summary = self.data.summary
        story: list[Flowable] = [
            self.para(f"Summary: {summary.quarter.label}", "Heading1"),
            self.para("Each crime type in the quarter, against the previous quarter, the same "
                      "quarter a year before and the financial year so far. Lower repeat "
                      "rates are better: the status compares this quarter's rate with the "
                      "target and the baseline (the rule is on the definitions page)."),
        ]
        for type_summary in summary.types:
            rows: list[list[object]] = []
            extra: list[tuple[Any, ...]] = []
            for index, line in enumerate(type_summary.lines, start=1):
                status: object = ""
                if line.status is not None:
                    status = self._status_cell(line)
                    extra += self._status_style(line, 7, index)
                rows.append([self.markup(escape_text(line.measure), "CellBold"),
                             *(self._number(value) for value in line.values),
                             self._number(line.target), self._number(line.baseline), status])
            head = [type_summary.crime_type.label, *summary.columns, "Target", "Baseline",
                    "Status"]
            story += [Spacer(0, 4 * mm), KeepTogether([
                self.grid(rows, [0.19, 0.12, 0.12, 0.12, 0.12, 0.09, 0.1, 0.14], head,
                          extra=extra)])]
        return story

    def _number(self, text: str, style: str = "CellRight") -> Flowable:
        return self.markup(escape_text(text), style)

    def _status_cell(self, line: SummaryLine) -> Flowable:
        return self.markup(f"<b>{escape_text(status_word(line))}</b>", "CellRight")

    @staticmethod
    def _status_style(line: SummaryLine, column: int, row: int) -> list[tuple[Any, ...]]:
        fill = STATUS_FILL.get(line.status) if line.status is not None else None
        return [] if fill is None else [("BACKGROUND", (column, row), (column, row), fill)]

    # Trends and wards -------------------------------------------------------------------

    def _trends(self) -> list[Flowable]:
        summary = self.data.summary
        blanked = ", or blanked for publication" if summary.publish else ""
        story: list[Flowable] = [
            self.para("Trend over eight quarters", "Heading1"),
            self.para(f"Repeat victim and repeat incident rates, whole area, from "
                      f"{self.data.quarters[0].label} to {summary.quarter.label}, with the "
                      f"targets where set. A gap is a quarter with no rate (no "
                      f"victims{blanked})."),
        ]
        for crime_type in CRIME_TYPES:
            points = summary.trend[crime_type]
            story.append(trend_chart(
                crime_type.label, [point.label for point in points],
                [point.repeat_victim_rate for point in points],
                [point.repeat_incident_rate for point in points],
                summary.targets[crime_type], width=self.width, height=68 * mm))
            story.append(Spacer(0, 4 * mm))
        return story

    def _wards(self) -> list[Flowable]:
        data = self.data
        quarter = data.quarter
        wards = [name for name in data.ward_names if name != UNKNOWN_WARD]
        series = [(crime_type.label,
                   [data.row(quarter, crime_type, ward).repeat_victim_rate for ward in wards])
                  for crime_type in CRIME_TYPES]
        height = min(205 * mm, 40.0 + len(wards) * 24)
        blanked = ", or the rate is blanked for publication" if data.summary.publish else ""
        story: list[Flowable] = [
            self.para(f"Repeat victims by ward: {quarter.label}", "Heading1"),
            self.para("Repeat victim rate in each ward, by crime type. A ward counts the "
                      "incidents that occurred in it; a victim harmed in two wards is a victim "
                      "in each. Where a bar is missing the ward had no repeat victims of that "
                      f"type, or no victims{blanked}. Every number is in the tables that "
                      "follow."),
        ]
        if any(value is not None for _label, rates in series for value in rates):
            story.append(ward_chart(wards, series, width=self.width, height=height))
        else:
            why = " (every one is blanked for publication)" if blanked else ""
            story.append(self.para(f"No ward has a repeat victim rate to show{why}.",
                                   "Notice"))
        story.append(PageBreak())
        for crime_type in CRIME_TYPES:
            rows = []
            for name in (ALL_AREA, *data.ward_names):
                row = data.row(quarter, crime_type, name)
                label = "Whole area" if name == ALL_AREA else name
                rows.append([self.markup(escape_text(label),
                                         "TinyBold" if name == ALL_AREA else "Tiny"),
                             *(self._number(measure_text(row, measure), "TinyRight")
                               for measure in MEASURES)])
            story += [CondPageBreak(40 * mm),
                      self.para(f"{crime_type.label}: wards, {quarter.label}", "Heading2"),
                      self.grid(rows, [0.22, 0.1, 0.1, 0.11, 0.12, 0.11, 0.12, 0.12],
                                ["Ward", *(measure.label for measure in MEASURES)],
                                compact=True),
                      Spacer(0, 3 * mm)]
        return story

    # Alerts and MARAC -------------------------------------------------------------------

    def _alerts(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [
            self.para("ASB case review thresholds and DV escalations", "Heading1"),
            self.para(f"Thresholds met in {data.quarter.label} and still met on "
                      f"{uk_date(data.as_of)}: people (or, for the community variant, "
                      "addresses) whose latest incident fell in the quarter. The thresholds "
                      "in force are on the definitions page."),
            self.grid([[group.label, self._number(group.shown)] for group in data.alerts],
                      [0.75, 0.25], ["Threshold", "Met in the quarter"]),
        ]
        if data.summary.publish:
            story.append(Spacer(0, 2 * mm))
            story.append(self.para("The list of cases is left out of the version for "
                                   "publication.", "SmallMuted"))
            return story
        for group in data.alerts:
            if not group.listed:
                continue
            more = group.count - len(group.listed)
            story += [self.para(group.label, "Heading2"),
                      self.table([[line.reference, line.explanation] for line in group.listed],
                                 [0.22, 0.78], head=["Latest incident", "Why"])]
            if more:
                story.append(self.para(f"And {more:,} more: see the Alerts screen.",
                                       "SmallMuted"))
        return story

    def _marac(self) -> list[Flowable]:
        marac = self.data.marac
        if marac is None:
            return []
        per_10k = ("Not known: set the female population aged 16 and over in Settings."
                   if marac.cases_per_10k is None else
                   f"{format_rate(marac.cases_per_10k)} (SafeLives recommends "
                   f"{RECOMMENDED_PER_10K} a year)")
        rows: list[tuple[str, str]] = [
            ("Meetings held in the quarter", f"{marac.meetings:,}"),
            ("Cases discussed", marac.cases),
            ("Repeat cases", marac.repeats),
            ("Repeat rate", marac.repeat_rate),
            (f"Cases discussed in the 12 months {uk_date(marac.rolling_first)} to "
             f"{uk_date(marac.last)}", marac.rolling_cases),
            ("Cases per 10,000 adult females (12 months)", per_10k),
        ]
        return [CondPageBreak(80 * mm), Spacer(0, 6 * mm),
                self.para(f"MARAC: {self.data.quarter.label}", "Heading1"),
                self.para("Multi-agency risk assessment conferences held in the quarter, as "
                          "in the SafeLives quarterly return."),
                self.facts(rows, label_width=0.3)]


def report_summary(session: Session, quarter: Period, publish: bool = False) -> QuarterSummary:
    """The summary table (and trend) of a quarter, for a preview on screen."""
    return build_quarter(session, quarter, publish=publish, summary_only=True).summary


def render_quarterly_report(session: Session, quarter: Period, *, publish: bool = False,
                            today: date | None = None,
                            progress: ProgressCallback = no_progress) -> bytes:
    """The quarterly report of a whole financial quarter as PDF bytes (raises InputRefused
    when ``quarter`` is not one)."""
    data = build_quarter(session, quarter, publish=publish, today=today, progress=progress)
    pdf = QuarterlyReport(data).render()
    progress(STEPS, STEPS)
    return pdf
