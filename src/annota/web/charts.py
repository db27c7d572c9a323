"""Chart geometry for server-rendered SVG: horizontal bars, a day series, a heatmap.

The pages draw charts as plain SVG in the template (no chart library, no script, nothing
the CSP has to allow); this module only turns numbers into coordinates, so the templates
hold no arithmetic and the geometry can be checked without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

BAR_HEIGHT = 20
BAR_GAP = 6
LABEL_WIDTH = 160
PLOT_WIDTH = 420


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """Horizontal bars, one row per label; ``None`` values draw an empty row marked n/a."""

    bars: list[Bar]
    width: int
    height: int
    plot_x: int
    plot_width: int


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    scale_max: float | None = None,
    percent: bool = False,
) -> BarChart:
    """Bars scaled to ``scale_max`` (default the largest value); ``percent`` formats 0-1 as %."""
    values = [v for _, v in rows if v is not None]
    top = scale_max if scale_max is not None else max([*values, 0.0])
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        share = 0.0 if value is None or top <= 0 else max(0.0, min(1.0, value / top))
        if value is None:
            text = "n/a"
        elif percent:
            text = f"{100 * value:.0f} %"
        else:
            text = f"{value:g}" if isinstance(value, int) else f"{value:.3g}"
        bars.append(
            Bar(label, value, text, LABEL_WIDTH, y, round(share * PLOT_WIDTH, 1), BAR_HEIGHT)
        )
    height = max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(bars, LABEL_WIDTH + PLOT_WIDTH + 70, height, LABEL_WIDTH, PLOT_WIDTH)


@dataclass(frozen=True, slots=True)
class SeriesChart:
    """Daily counts as columns and the running total as a line, on one time axis."""

    columns: list[Bar]
    points: str
    dots: list[tuple[float, float]]
    width: int
    height: int
    top_daily: int
    top_total: int
    first: str
    last: str


SERIES_W = 640
SERIES_H = 200


def series_chart(days: Sequence[tuple[str, int, int]]) -> SeriesChart:
    """``days``: (day, submitted that day, cumulative) in date order."""
    n = max(1, len(days))
    slot = SERIES_W / n
    top_daily = max([d[1] for d in days] + [1])
    top_total = max([d[2] for d in days] + [1])
    columns, points, dots = [], [], []
    for i, (day, daily, total) in enumerate(days):
        h = round(SERIES_H * daily / top_daily, 1)
        columns.append(
            Bar(day, daily, f"{day}: {daily}", round(i * slot + slot * 0.15, 1), SERIES_H - h,
                round(slot * 0.7, 1), h)
        )  # fmt: skip
        x = round(i * slot + slot / 2, 1)
        y = round(SERIES_H - SERIES_H * total / top_total, 1)
        points.append(f"{x},{y}")
        dots.append((x, y))
    return SeriesChart(
        columns,
        " ".join(points),
        dots,
        SERIES_W,
        SERIES_H,
        top_daily,
        top_total,
        days[0][0] if days else "",
        days[-1][0] if days else "",
    )


@dataclass(frozen=True, slots=True)
class Cell:
    row: int
    col: int
    x: int
    y: int
    value: float
    opacity: float
    text: str


@dataclass(frozen=True, slots=True)
class Heatmap:
    """A square matrix as cells shaded by row share (rows: true class, columns: answer)."""

    classes: list[str]
    cells: list[Cell] = field(default_factory=list)
    size: int = 0
    cell: int = 44
    margin: int = 90


def heatmap(classes: Sequence[str], matrix: Sequence[Sequence[float]]) -> Heatmap:
    """Rows are normalised for shading so a rare class reads as clearly as a common one."""
    cell, margin = 44, 90
    cells = []
    for r, row in enumerate(matrix):
        total = sum(row) or 1.0
        for c, value in enumerate(row):
            share = value / total
            text = f"{value:.2f}" if 0 < value < 1 else f"{value:g}"
            cells.append(
                Cell(r, c, margin + c * cell, margin + r * cell, value, round(share, 3), text)
            )
    return Heatmap(list(classes), cells, margin + cell * len(classes), cell, margin)
