"""Where the shapes of the workspace's charts go: stacked bars and trend lines, as numbers.

Charts are drawn on the server as inline SVG (no chart library, no script), so they are
there before any JavaScript runs, print, and can be tested by reading the page. This
module only does the geometry (positions and lengths in the SVG's own units); the
templates draw it and write every figure in the reader's locale, and every chart has a
table beside it with the same figures, for screen readers and for exact values. Amounts
of different currencies are never on one chart: a chart is for one currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
LABEL_WIDTH = 120
BAR_HEIGHT = 22
BAR_GAP = 10
PLOT_HEIGHT = 200
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 12, 28
TENTH = Decimal("0.1")
"""Positions are written to a tenth of an SVG unit. Geometry stays in Decimal like the
amounts it is drawn from: no binary float anywhere between a ledger amount and the page."""


@dataclass(frozen=True)
class Segment:
    bucket: str
    series: int
    """The bucket's position, youngest first: the CSS class that colours it."""
    amount: Decimal
    x: Decimal
    width: Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    total: Decimal
    segments: list[Segment]


@dataclass(frozen=True)
class StackedBars:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


def stacked_bars(rows: Sequence[tuple[str, Mapping[str, Decimal]]],
                 buckets: Sequence[str]) -> StackedBars:
    """One horizontal bar per row, its buckets side by side, all on one scale (the
    largest total fills the width). Negative amounts (credits) have no length."""
    span = WIDTH - LABEL_WIDTH
    largest = max((sum(max(a, Decimal(0)) for a in amounts.values())
                   for _, amounts in rows), default=Decimal(0))
    bars = []
    for n, (label, amounts) in enumerate(rows):
        x, segments = Decimal(LABEL_WIDTH), []
        for series, bucket in enumerate(buckets):
            amount = amounts.get(bucket, Decimal(0))
            width = max(amount, Decimal(0)) / largest * span if largest else Decimal(0)
            if width > 0:
                segments.append(Segment(bucket, series, amount, x, width))
            x += width
        bars.append(Bar(label, n * (BAR_HEIGHT + BAR_GAP), sum(amounts.values(), Decimal(0)),
                        segments))
    height = max(len(rows) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return StackedBars(WIDTH, height, LABEL_WIDTH, BAR_HEIGHT, bars)


@dataclass(frozen=True)
class Line:
    name: str
    series: int
    path: str
    """SVG path data; a month without a figure (a ratio over nothing) breaks the line."""
    points: list[tuple[Decimal, Decimal]]


@dataclass(frozen=True)
class Tick:
    at: Decimal
    value: Decimal | str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value``: a round top for an axis."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** (value.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= power * step:
            return power * step
    return power * 10


def line_chart(labels: Sequence[str], series: Mapping[str, Sequence[Decimal | None]],
               top_at_least: Decimal = Decimal(0)) -> LineChart:
    """Lines over ``labels`` (months, oldest first) from 0 (or the lowest figure, if
    negative) to a round top, at least ``top_at_least`` (100 for a percentage, so that
    a month at 2% does not fill the chart); four ticks up the side."""
    figures = [v for values in series.values() for v in values if v is not None]
    top = nice_ceiling(max([*figures, top_at_least]))
    bottom = min(min(figures, default=Decimal(0)), Decimal(0))
    height = PLOT_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM
    right = WIDTH - MARGIN_RIGHT
    step = Decimal(right - MARGIN_LEFT) / max(len(labels) - 1, 1)

    def x(n: int) -> Decimal:
        return (MARGIN_LEFT + n * step).quantize(TENTH)

    def y(value: Decimal) -> Decimal:
        return (MARGIN_TOP + (top - value) / (top - bottom) * PLOT_HEIGHT).quantize(TENTH)

    lines = []
    for number, (name, values) in enumerate(series.items()):
        points, path, pen_down = [], [], False
        for n, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            points.append((x(n), y(value)))
            path.append(f"{'L' if pen_down else 'M'}{x(n)},{y(value)}")
            pen_down = True
        lines.append(Line(name, number, " ".join(path), points))
    y_ticks = [Tick(y(bottom + (top - bottom) * k / 4), bottom + (top - bottom) * k / 4)
               for k in range(5)]
    return LineChart(WIDTH, height, MARGIN_LEFT, right, MARGIN_TOP, MARGIN_TOP + PLOT_HEIGHT,
                     [Tick(x(n), label) for n, label in enumerate(labels)], y_ticks, lines)
