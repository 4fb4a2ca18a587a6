"""A line chart (QtCharts) of one crime type's repeat rates over the last quarters.

Colours follow the system's light or dark scheme; the two rates differ by line style as well
as colour, and the values are also given as text (tooltip, accessible description) for those
who cannot see the chart. A quarter without victims has no rate: the line breaks there rather
than falling to zero.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from scs_victims.services.dashboard import TrendPoint
from ui.dashboard.figures_grid import percent

LEGEND = (("Repeat victim rate", "repeat_victim_rate", Qt.PenStyle.SolidLine),
          ("Repeat incident rate", "repeat_incident_rate", Qt.PenStyle.DashLine))


def short_label(label: str) -> str:
    """'2025/26 Q3' -> 'Q3': eight fit under a narrow chart; the axis title gives the years."""
    return label.partition(" ")[2] or label


def axis_top(points: tuple[TrendPoint, ...]) -> float:
    """The y axis' top: four even steps of a round size (2.5, 5, 10, 20, 25, 50 ...) that
    reach the highest rate."""
    values = [value for point in points
              for value in (point.repeat_victim_rate, point.repeat_incident_rate)
              if value is not None]
    highest = float(max(values, default=Decimal(0)))
    for step in (2.5, 5, 10, 20, 25):
        if 4 * step >= highest:
            return 4 * step
    return 4 * 50 * -(-highest // 200)


def segments(values: list[Decimal | None]) -> list[list[QPointF]]:
    """Runs of consecutive quarters that have a rate, as chart points (x = quarter index)."""
    runs: list[list[QPointF]] = []
    current: list[QPointF] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(QPointF(index, float(value)))
    if current:
        runs.append(current)
    return runs


class TrendChart(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self.title = title
        self.points: tuple[TrendPoint, ...] = ()
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(QSize(260, 220))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(f"Trend of repeat rates: {title}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        chart = self._chart
        chart.setTitle(title)
        chart.setBackgroundVisible(False)
        chart.setMargins(QMargins(0, 0, 0, 0))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._follow_palette()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(320, 240)

    def _follow_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        self._chart.setTitleBrush(text)
        self._chart.legend().setLabelColor(text)
        title_font = self.font()
        title_font.setBold(True)
        self._chart.setTitleFont(title_font)

    def set_points(self, points: tuple[TrendPoint, ...]) -> None:
        self.points = points
        lines = [f"{point.period.label}: repeat victim rate "
                 f"{percent(point.repeat_victim_rate)}, repeat incident rate "
                 f"{percent(point.repeat_incident_rate)}" for point in points]
        text = "\n".join(lines)
        self.setToolTip(f"{self.title}\n{text}")
        self.setAccessibleDescription(text)
        self._rebuild()

    def _rebuild(self) -> None:
        chart = self._chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        x_axis = QBarCategoryAxis()
        # Categories must differ: the second "Q4" gets invisible zero-width spaces.
        x_axis.append([short_label(point.period.label) + "\u200b" * index
                       for index, point in enumerate(self.points)])
        if self.points:
            x_axis.setTitleText(f"{self.points[0].period.label} to "
                                f"{self.points[-1].period.label}")
            x_axis.setTitleBrush(text)
            small = self.font()
            small.setPointSizeF(small.pointSizeF() * 0.9)
            x_axis.setTitleFont(small)
        y_axis = QValueAxis()
        y_axis.setRange(0, axis_top(self.points))
        y_axis.setTickCount(5)
        y_axis.setLabelFormat("%g%%")
        for axis in (x_axis, y_axis):
            axis.setLabelsColor(text)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)
            chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom if axis is x_axis
                          else Qt.AlignmentFlag.AlignLeft)
        colours = (palette.color(QPalette.ColorRole.Highlight), text)
        for (name, attribute, style), colour in zip(LEGEND, colours, strict=True):
            values = [getattr(point, attribute) for point in self.points]
            for number, run in enumerate(segments(values) or [[]]):
                series = QLineSeries()
                series.setName(name)
                series.setPen(QPen(colour, 2, style))
                series.setPointsVisible(True)
                series.append(run)
                chart.addSeries(series)
                series.attachAxis(x_axis)
                series.attachAxis(y_axis)
                if number:  # one legend entry per rate, however many runs it has
                    for marker in chart.legend().markers(series):
                        marker.setVisible(False)
