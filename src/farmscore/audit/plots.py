"""The audit report's plots, drawn as PNG bytes for embedding as data URIs.

Figures are built with `matplotlib.figure.Figure` and rendered by the Agg canvas directly:
pyplot would pick and hold a global backend and a figure registry that other callers share.

>>> png = score_histogram_png([0.1, 0.2, 0.9], threshold=0.5)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", png_data_uri(png).startswith("data:image/png;base64,")
(True, True)
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Colours shared with the report's CSS, so a plot and the table beside it agree.
FARM_COLOUR = "#c2410c"
SUBSTANTIVE_COLOUR = "#0f766e"
INK_COLOUR = "#1f2937"
GRID_COLOUR = "#e5e7eb"
# Pixels per inch of the PNGs: sharp on high-density screens, still small.
DPI = 144
HISTOGRAM_BINS = 20


def png_data_uri(png: bytes) -> str:
    """`data:image/png;base64,...`: an image a page can hold without any file or network."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def score_histogram_png(scores: Sequence[float], threshold: float) -> bytes:
    """Documents per score bin (0 to 1), bins at or above `threshold` in the farm colour,
    with the threshold drawn as a dashed line."""
    figure = _figure(width_in=7.2, height_in=3.0)
    axes = figure.subplots()
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(np.clip(np.asarray(scores, dtype=float), 0.0, 1.0), bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    colours = [FARM_COLOUR if centre >= threshold else SUBSTANTIVE_COLOUR for centre in centres]
    axes.bar(centres, counts, width=edges[1] - edges[0], color=colours, edgecolor="white")
    axes.axvline(threshold, color=INK_COLOUR, linestyle="--", linewidth=1.2)
    top = max(int(counts.max()) if counts.size else 0, 1)
    axes.set_ylim(0, top * 1.18)
    axes.text(
        threshold,
        top * 1.12,
        f" threshold {threshold:.2f}",
        color=INK_COLOUR,
        fontsize=8,
        ha="left" if threshold < 0.8 else "right",
        va="center",
    )
    axes.set_xlim(0, 1)
    axes.set_xlabel("score (probability of content farm)", fontsize=9, color=INK_COLOUR)
    axes.set_ylabel("documents", fontsize=9, color=INK_COLOUR)
    _style(axes)
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _png(figure)


def reason_bars_png(counts: Sequence[tuple[str, int]], total: int) -> bytes:
    """Horizontal bars: for each feature, how many of `total` flagged documents had it among
    the reasons pushing them toward content farm; the most frequent on top."""
    names = [name for name, _ in counts][::-1]
    values = [value for _, value in counts][::-1]
    figure = _figure(width_in=7.2, height_in=0.5 + 0.3 * max(len(names), 1))
    axes = figure.subplots()
    axes.barh(range(len(names)), values, color=FARM_COLOUR, height=0.65)
    axes.set_yticks(range(len(names)), names, fontsize=8, color=INK_COLOUR)
    for position, value in enumerate(values):
        share = f"  {value}  ({value / total:.0%})" if total else f"  {value}"
        axes.text(value, position, share, va="center", fontsize=8, color=INK_COLOUR)
    axes.set_xlim(0, max([*values, 1]) * 1.25)
    axes.set_xlabel("flagged documents with this reason", fontsize=9, color=INK_COLOUR)
    _style(axes)
    axes.grid(axis="y", visible=False)
    return _png(figure)


def _figure(width_in: float, height_in: float) -> Figure:
    # matplotlib (about 20 MB) is loaded when a report is drawn, not by every command.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(axes: Any) -> None:
    """Light grid, no box: the numbers should stand out, not the frame."""
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(GRID_COLOUR)
    axes.tick_params(colors=INK_COLOUR, labelsize=8)
    axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
    axes.set_axisbelow(True)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # The figure's canvas is Agg (see _figure), so this renders without any global backend.
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
