"""Terminal tables of features and scores."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

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
    """Print rows under `columns`; floats to three significant places.

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
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped (`| cat`, `> file`) with no width asked for: folding at rich's default of 80
        # columns cut the reasons mid-word. Rows stay whole, however long.
        console = Console(file=console.file, width=PIPED_WIDTH, color_system=None)
    console.print(table)
