"""The quarterly report's charts, as ReportLab drawings (a Drawing is a Flowable).

Colours are the Okabe–Ito palette, which readers with colour-blind sight tell apart; every
series also differs by marker or dash and is named in a legend, so a grey print still reads.
A rate with no value (no victims, or blanked for publication) leaves a gap, never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from scs_victims.pdf.base import FONT, FONT_BOLD, INK, MUTED, RULE

BLUE = colors.HexColor("#0072B2")
ORANGE = colors.HexColor("#E69F00")
GREEN = colors.HexColor("#009E73")
SERIES_COLOURS = (BLUE, ORANGE, GREEN)


def _ceiling(values: Sequence[float], floor: float = 10.0) -> tuple[float, float]:
    """A tidy top for a percentage axis (a whole number of steps above every value), and
    its step."""
    top = max([floor, *values])
    step = next((step for step in (2.0, 5.0, 10.0, 20.0, 25.0) if top / step <= 6), 50.0)
    steps = -(-top // step)
    return steps * step, step


def trend_chart(title: str, labels: Sequence[str], victim_rates: Sequence[Decimal | None],
                incident_rates: Sequence[Decimal | None],
                targets: tuple[Decimal | None, Decimal | None], *,
                width: float, height: float) -> Drawing:
    """Repeat victim and repeat incident rates (%) by quarter, with their targets (a
    dotted line in the series' colour) where set."""
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=FONT_BOLD, fontSize=9, fillColor=INK))
    plot = LinePlot()
    plot.x, plot.y = 34, 30
    plot.width, plot.height = int(width) - 34 - 150, int(height) - 30 - 22
    series = []
    for rates in (victim_rates, incident_rates):
        series.append([(index, float(value)) for index, value in enumerate(rates)
                       if value is not None])
    values = [point[1] for line in series for point in line]
    values += [float(target) for target in targets if target is not None]
    top, step = _ceiling(values)
    # LinePlot needs a point in each series; an empty one is drawn off the axis, unseen.
    plot.data = [line or [(-1.0, -1.0)] for line in series]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, len(labels) - 0.5
    plot.xValueAxis.valueSteps = list(range(len(labels)))
    plot.xValueAxis.labelTextFormat = lambda value: _short(labels[int(value)])
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 6.5
    plot.xValueAxis.labels.fillColor = MUTED
    plot.xValueAxis.strokeColor = RULE
    _percent_axis(plot.yValueAxis, top, step)
    for index, (colour, marker) in enumerate(((BLUE, "FilledCircle"),
                                              (ORANGE, "FilledSquare"))):
        plot.lines[index].strokeColor = colour
        plot.lines[index].strokeWidth = 1.6
        plot.lines[index].symbol = makeMarker(  # type: ignore[no-untyped-call]
            marker, size=4, fillColor=colour, strokeColor=colour)
    plot.lines[1].strokeDashArray = [4, 2]
    drawing.add(plot)
    legend_items = [(BLUE, "Repeat victim rate"), (ORANGE, "Repeat incident rate")]
    for target, colour, words in ((targets[0], BLUE, "victim"),
                                  (targets[1], ORANGE, "incident")):
        if target is None:
            continue
        at = plot.y + plot.height * float(target) / top
        drawing.add(Line(plot.x, at, plot.x + plot.width, at, strokeColor=colour,
                         strokeWidth=1.2, strokeDashArray=[1, 2.5]))
        legend_items.append((colour, f"Target, repeat {words} rate: {target:.2f}%"))
    drawing.add(_legend(legend_items, x=plot.x + plot.width + 14, y=plot.y + plot.height))
    return drawing


def ward_chart(wards: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None]]],
               *, width: float, height: float) -> Drawing:
    """Repeat victim rate (%) by ward, one bar per crime type (top ward first)."""
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 28
    chart.width, chart.height = int(width) - 110 - 8, int(height) - 28 - 8
    # The chart draws its first category (and series) at the bottom: both are reversed,
    # so that wards and crime types read down in their usual order.
    chart.data = [[float(value) if value is not None else 0.0 for value in reversed(rates)]
                  for _label, rates in reversed(series)]
    values = [value for line in chart.data for value in line]
    top, step = _ceiling(values)
    _percent_axis(chart.valueAxis, top, step)
    chart.categoryAxis.categoryNames = list(reversed(wards))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    chart.barSpacing = 1
    chart.groupSpacing = 4
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    for index, colour in enumerate(reversed(SERIES_COLOURS[:len(series)])):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(_legend([(colour, label) for colour, (label, _rates)
                         in zip(SERIES_COLOURS, series, strict=False)],
                        x=chart.x, y=12, columns=len(series)))
    return drawing


def _legend(items: list[tuple[colors.Color, str]], *, x: float, y: float,
            columns: int = 1) -> Legend:
    legend = Legend()
    legend.x, legend.y = int(x), int(y)
    legend.alignment = "right"
    legend.fontName = FONT
    legend.fontSize = 7
    legend.fillColor = INK
    legend.columnMaximum = max(1, -(-len(items) // columns))
    legend.deltax = 150
    legend.dx = legend.dy = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = items
    legend.strokeWidth = 0
    return legend


def _short(label: str) -> str:
    """``2024/25 Q1`` -> ``24/25 Q1``: eight labels must fit under the chart."""
    return label[2:] if len(label) > 4 and label[:2] in ("19", "20") else label


def _percent_axis(axis: Any, top: float, step: float) -> None:
    """A rate axis from 0 to ``top``: percent labels and a light grid."""
    axis.valueMin, axis.valueMax = 0, top
    axis.valueStep = step
    axis.labelTextFormat = "%d%%"
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labels.fillColor = MUTED
    axis.strokeColor = RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#e3e7eb")
    axis.gridStrokeWidth = 0.4
