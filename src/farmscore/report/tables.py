"""Terminal tables of features and scores."""

from __future__ import annotations

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


def headline_columns(available: Sequence[str]) -> list[str]:
    """The headline features that exist in `available`, in headline order."""
    present = set(available)
    return [name for name in HEADLINE_FEATURES if name in present]


def print_table(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Print rows under `columns`; floats to three significant places."""
    table = Table(title=title, show_lines=False)
    for index, column in enumerate(columns):
        table.add_column(column, overflow="fold", justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*(f"{cell:.3g}" if isinstance(cell, float) else str(cell) for cell in row))
    console.print(table)
