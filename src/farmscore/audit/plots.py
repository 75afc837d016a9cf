"""The audit report's two charts, drawn as inline SVG: text a page can hold as it is, with no
file, no network and no plotting library (matplotlib alone cost the audit about 30 MB).

Every piece of text in a chart is escaped with `html.escape`. Output is deterministic: the same
numbers give the same string. Each chart is an `<svg role="img">` whose `aria-label` and
`<title>` say what it shows.

>>> svg = score_histogram_svg([0.1, 0.2, 0.9], threshold=0.5)
>>> svg.startswith('<svg class="plot"'), svg.count('class="chart-bin"')
(True, 20)
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Colours shared with the report's CSS, so a plot and the table beside it agree.
FARM_COLOUR = "#c2410c"
SUBSTANTIVE_COLOUR = "#0f766e"
INK_COLOUR = "#1f2937"
GRID_COLOUR = "#e5e7eb"
HISTOGRAM_BINS = 20
# Chart width in SVG units; the page scales it to its column (see the report's CSS).
WIDTH = 720
HISTOGRAM_HEIGHT = 300
# Font sizes in SVG units: tick labels and value labels, axis titles.
TICK_FONT = 11
LABEL_FONT = 12.5
# Average advance of a character as a share of the font size, to leave room for bar names.
CHAR_WIDTH_EM = 0.6
# Reason bars: one band per feature, the bar filling this share of it.
BAR_BAND = 30
BAR_FILL = 0.65
# Headroom above the tallest bin (the threshold's label sits in it), and right of the longest
# bar (its value label sits there).
HISTOGRAM_HEADROOM = 1.18
BARS_HEADROOM = 1.25
# Tick steps are 1, 2 or 5 times a power of ten, with about this many ticks on the axis.
TICKS_WANTED = 6


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plotting area inside a chart, in SVG units, and the data ranges it shows."""

    left: float
    top: float
    right: float
    bottom: float
    x_max: float
    y_max: float

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / self.x_max

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.y_max


def score_histogram_svg(scores: Sequence[float], threshold: float) -> str:
    """Documents per score bin (0 to 1), bins at or above `threshold` in the farm colour, with
    the threshold drawn as a dashed line; an `<svg>` element as a string."""
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(np.clip(np.asarray(scores, dtype=float), 0.0, 1.0), bins=edges)
    farm_bins = (edges[:-1] + edges[1:]) / 2 >= threshold
    top = max(int(counts.max()) if counts.size else 0, 1)
    y_max = top * HISTOGRAM_HEADROOM
    frame = _Frame(56, 12, WIDTH - 16, HISTOGRAM_HEIGHT - 46, x_max=1.0, y_max=y_max)
    y_ticks = integer_ticks(y_max)
    summary = (
        f"Histogram of {len(scores):,} document scores in {HISTOGRAM_BINS} bins from 0 to 1; "
        f"{int(counts[farm_bins].sum()):,} in bins at or above the threshold {threshold:.2f}."
    )
    middle_x, middle_y = (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2
    parts = [
        *_horizontal_grid(frame, y_ticks),
        *_bins(frame, edges, counts, farm_bins),
        _axes_lines(frame),
        *(_text(frame.left - 6, frame.y(t), f"{t:,}", anchor="end") for t in y_ticks),
        *(
            _text(frame.x(t), frame.bottom + 16, f"{t:.1f}", anchor="middle")
            for t in np.linspace(0.0, 1.0, 6)
        ),
        *_threshold_marker(frame, threshold, top),
        _axis_title(middle_x, HISTOGRAM_HEIGHT - 8, "score (probability of content farm)"),
        _axis_title(16, middle_y, "documents", rotate=-90),
    ]
    return _svg(HISTOGRAM_HEIGHT, summary, parts)


def reason_bars_svg(counts: Sequence[tuple[str, int]], total: int) -> str:
    """Horizontal bars: for each feature, how many of `total` flagged documents had it among
    the reasons pushing them toward content farm, each labelled with its count and share; an
    `<svg>` element as a string. `counts` come most frequent first, and are drawn top down."""
    height = 50 + BAR_BAND * max(len(counts), 1)
    longest = max((len(name) for name, _ in counts), default=0)
    left = min(12 + longest * TICK_FONT * CHAR_WIDTH_EM, WIDTH / 2)
    x_max = max([*(value for _, value in counts), 1]) * BARS_HEADROOM
    frame = _Frame(left, 8, WIDTH - 16, height - 42, x_max=x_max, y_max=1.0)
    shares = [_share_label(value, total) for _, value in counts]
    listed = "; ".join(f"{name} {share}" for (name, _), share in zip(counts, shares, strict=True))
    summary = (
        f"Bar chart of the most frequent reasons among {total:,} flagged documents: "
        f"{listed or 'none'}."
    )
    bars, labels = [], []
    bar_height = BAR_BAND * BAR_FILL
    for row, ((name, value), share) in enumerate(zip(counts, shares, strict=True)):
        middle = frame.top + BAR_BAND * (row + 0.5)
        bars.append(
            f'<rect class="chart-bar" x="{_n(frame.left)}" y="{_n(middle - bar_height / 2)}" '
            f'width="{_n(frame.x(value) - frame.left)}" height="{_n(bar_height)}" '
            f'fill="{FARM_COLOUR}" data-count="{value}"/>'
        )
        labels.append(_text(frame.left - 6, middle, name, anchor="end"))
        labels.append(_text(frame.x(value) + 6, middle, share, anchor="start"))
    parts = [
        '<g class="chart-bars">',
        *bars,
        "</g>",
        _axes_lines(frame),
        *labels,
        *(
            _text(frame.x(t), frame.bottom + 16, f"{t:,}", anchor="middle")
            for t in integer_ticks(x_max)
        ),
        _axis_title(
            (frame.left + frame.right) / 2, height - 8, "flagged documents with this reason"
        ),
    ]
    return _svg(height, summary, parts)


def integer_ticks(limit: float) -> list[int]:
    """Whole-number ticks from 0 up to `limit`, a step of 1, 2 or 5 times a power of ten apart,
    about `TICKS_WANTED` of them.

    >>> integer_ticks(1.18), integer_ticks(11.8), integer_ticks(236)
    ([0, 1], [0, 2, 4, 6, 8, 10], [0, 50, 100, 150, 200])
    """
    rough = max(limit / TICKS_WANTED, 1.0)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return list(range(0, math.floor(limit) + 1, int(step)))


def _share_label(value: int, total: int) -> str:
    return f"{value:,} ({value / total:.0%})" if total else f"{value:,}"


def _bins(frame: _Frame, edges: np.ndarray, counts: np.ndarray, farm: np.ndarray) -> list[str]:
    """One rect per bin, empty ones included (zero high), so every bin is there to count."""
    rects = []
    for low, high, count, is_farm in zip(edges, edges[1:], counts, farm, strict=False):
        top = frame.y(int(count))
        rects.append(
            f'<rect class="chart-bin" x="{_n(frame.x(low))}" y="{_n(top)}" '
            f'width="{_n(frame.x(high) - frame.x(low))}" height="{_n(frame.bottom - top)}" '
            f'fill="{FARM_COLOUR if is_farm else SUBSTANTIVE_COLOUR}" stroke="white" '
            f'data-count="{int(count)}"/>'
        )
    return ['<g class="chart-bins">', *rects, "</g>"]


def _threshold_marker(frame: _Frame, threshold: float, top: int) -> list[str]:
    """The dashed threshold line and its label, right of the line unless that would run off
    the chart."""
    x = frame.x(min(max(threshold, 0.0), 1.0))
    right_of_line = threshold < 0.8
    label = f"threshold {threshold:.2f}"
    label_x = x + 5 if right_of_line else x - 5
    anchor = "start" if right_of_line else "end"
    return [
        f'<line class="chart-threshold" x1="{_n(x)}" y1="{_n(frame.top)}" x2="{_n(x)}" '
        f'y2="{_n(frame.bottom)}" stroke="{INK_COLOUR}" stroke-width="1.2" '
        'stroke-dasharray="5 3"/>',
        _text(label_x, frame.y(top * 1.12), label, anchor=anchor),
    ]


def _horizontal_grid(frame: _Frame, ticks: Sequence[int]) -> list[str]:
    """A light line at each tick above zero (the axis is at zero), behind the bins."""
    lines = [
        f'<line x1="{_n(frame.left)}" y1="{_n(frame.y(t))}" x2="{_n(frame.right)}" '
        f'y2="{_n(frame.y(t))}"/>'
        for t in ticks
        if t > 0
    ]
    return [f'<g class="chart-grid" stroke="{GRID_COLOUR}" stroke-width="0.8">', *lines, "</g>"]


def _axes_lines(frame: _Frame) -> str:
    """Left and bottom axes in the grid's colour, and no box: the numbers should stand out,
    not the frame."""
    return (
        f'<path class="chart-axes" d="M{_n(frame.left)} {_n(frame.top)}V{_n(frame.bottom)}'
        f'H{_n(frame.right)}" fill="none" stroke="{GRID_COLOUR}"/>'
    )


def _axis_title(x: float, y: float, text: str, rotate: float | None = None) -> str:
    return _text(x, y, text, anchor="middle", size=LABEL_FONT, rotate=rotate)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str,
    size: float = TICK_FONT,
    rotate: float | None = None,
) -> str:
    turn = f' transform="rotate({_n(rotate)} {_n(x)} {_n(y)})"' if rotate is not None else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
        f'dominant-baseline="middle"{turn}>{html.escape(text)}</text>'
    )


def _svg(height: float, summary: str, parts: Sequence[str]) -> str:
    label = html.escape(summary)
    return (
        f'<svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}" height="{_n(height)}" role="img" aria-label="{label}" '
        f'font-family="system-ui, sans-serif" fill="{INK_COLOUR}">'
        f"<title>{label}</title>{''.join(parts)}</svg>"
    )


def _n(value: float) -> str:
    """A coordinate to one decimal, without a trailing `.0`: short, and the same every run."""
    return f"{value:.1f}".removesuffix(".0")
