"""A model's columns gathered into the measures a reader is shown (`farmscore.features.Measure`).

Contributions are exact per column, but a column is often one form of a measure the model
also sees in other forms (a count and its rate, eight readability formulas). The trees split
the credit among such forms as their splits happen to fall, so the forms' own contributions
can be large and of opposite signs while the measure as a whole moved the score little. The
sum over a measure's columns is what that measure did, and it is what a reason shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from farmscore.features import Measure


@dataclass(frozen=True, slots=True)
class MeasureGroups:
    """Each measure of a model's columns: its name, title and column numbers. A column no
    measure names (the wording block's) is a measure of its own, named after it."""

    names: tuple[str, ...]
    titles: tuple[str, ...]
    columns: tuple[tuple[int, ...], ...]
    # A row per column with a 1 in its measure's column: contributions @ indicator sums them.
    indicator: NDArray[np.float64]

    @classmethod
    def for_columns(
        cls, column_names: Sequence[str], measures: Sequence[Measure], titles: dict[str, str]
    ) -> MeasureGroups:
        """The measures over `column_names`, in the order of each one's first column.
        `titles` names the columns that are measures of their own."""
        measure_of = {name: measure for measure in measures for name in measure.features}
        index: dict[str, int] = {}
        names: list[str] = []
        group_titles: list[str] = []
        columns: list[list[int]] = []
        for column, name in enumerate(column_names):
            measure = measure_of.get(name)
            key = measure.name if measure is not None else name
            if key not in index:
                index[key] = len(names)
                names.append(key)
                group_titles.append(
                    measure.title if measure is not None else titles.get(name, name)
                )
                columns.append([])
            columns[index[key]].append(column)
        indicator = np.zeros((len(column_names), len(names)))
        for group, members in enumerate(columns):
            indicator[members, group] = 1.0
        return cls(tuple(names), tuple(group_titles), tuple(map(tuple, columns)), indicator)

    def sums(self, contributions: NDArray[np.float64]) -> NDArray[np.float64]:
        """Each measure's contribution: the sum over its columns, for one row (shape
        (n_columns,)) or many (shape (n_rows, n_columns))."""
        sums: NDArray[np.float64] = contributions @ self.indicator
        return sums
