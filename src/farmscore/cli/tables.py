"""Terminal tables of features and scores."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from farmscore.atomic_files import WholeRowWriter

# A table cannot show 80 columns; these say the most about a page at a glance, one or two per
# family. Every feature is in the CSV and JSONL formats.
HEADLINE_FEATURES = (
    "repetition_duplicate_paragraph_char_fraction",
    "repetition_halves_similarity",
    "filler_weighted_score_per_1k_words",
    "artifacts_total_count",
    "readability_flesch_reading_ease",
    "specificity_attributed_quote_per_1k_words",
    "structure_generic_heading_count",
    "lexical_stopword_ratio",
)


_ID_WIDTH = 48
# Characters a piped table may take per line.
PIPED_WIDTH = 1_000


def headline_columns(available: Sequence[str]) -> list[str]:
    """The headline features that exist in `available`, in headline order."""
    present = set(available)
    return [name for name in HEADLINE_FEATURES if name in present]


def print_table(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Print rows under `columns`; floats to three significant places. `OutputWriteError`
    when the table cannot be written.

    The first column names the row, so it keeps its width (up to `_ID_WIDTH`) and the figures
    fold instead: a path broken across lines cannot be copied or searched for.
    """
    cells = [
        [f"{cell:.3g}" if isinstance(cell, float) else str(cell) for cell in row] for row in rows
    ]
    id_width = min(max((len(row[0]) for row in cells if row), default=0), _ID_WIDTH)
    table = Table(title=title, show_lines=False)
    for index, column in enumerate(columns):
        if index == 0:
            table.add_column(column, overflow="fold", min_width=max(id_width, len(column)))
        else:
            table.add_column(column, overflow="fold", justify="right")
    for row_cells in cells:
        table.add_row(*row_cells)
    if console.is_terminal:
        console.print(table)  # a terminal never fills up
        return
    # Piped (`| cat`, `> file`) with no width asked for: folding at rich's default of 80
    # columns cut the reasons mid-word. Rows stay whole, however long.
    width = console.width if "COLUMNS" in os.environ else PIPED_WIDTH
    # Rendered apart and written whole: a disk that fills leaves no half table behind.
    rendered = io.StringIO()
    Console(file=rendered, width=width, color_system=None).print(table)
    WholeRowWriter(console.file, unit="table").write(rendered.getvalue())
