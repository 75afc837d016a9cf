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
    # For each column, the number of its measure.
    group_of_column: NDArray[np.intp]

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
        group_of_column = np.empty(len(column_names), dtype=np.intp)
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
            group_of_column[column] = index[key]
        return cls(tuple(names), tuple(group_titles), tuple(map(tuple, columns)), group_of_column)

    def sums(self, contributions: NDArray[np.float64]) -> NDArray[np.float64]:
        """Each measure's contribution: the sum over its columns, for one row (shape
        (n_columns,)) or many (shape (n_rows, n_columns))."""
        if contributions.ndim == 1:
            by_group = np.bincount(
                self.group_of_column, weights=contributions, minlength=len(self.names)
            )
            return by_group.astype(np.float64, copy=False)
        sums = np.zeros((contributions.shape[0], len(self.names)))
        np.add.at(sums.T, self.group_of_column, contributions.T)
        return sums
