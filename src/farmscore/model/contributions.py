"""How far each feature moved a score, in log-odds, from a reference text a person can picture:
exact Shapley values against one reference row, so that the contributions add up.

For a row x and a reference row r (the median human text of x's length band), the value of
a set S of features is what the model says of the hybrid row taking S from x and the rest from
r. The Shapley value of a feature is its average marginal effect over all orders of switching
features from r to x. The values sum exactly to log-odds(x) - log-odds(r): the reasons of a
score, with the reference's log-odds as the base, account for all of it.

Both kinds of fitted model are sums over simple parts, so the values are exact and cheap:

- sigmoid-calibrated boosted trees: the calibrated log-odds is linear in the trees' raw sum,
  and a tree's Shapley values against one reference follow from its leaves alone. A leaf is
  reached by the hybrid row exactly when every split on its path is passed: a feature whose
  splits x passes and r does not must come from x (set A), the reverse from r (set B). The
  leaf's value v then counts when S holds A and misses B, a game whose Shapley values are
  v (|A|-1)! |B|! / (|A|+|B|)! for each feature of A and -v |A|! (|B|-1)! / (|A|+|B|)! for
  each of B. Every (row, leaf) pair is evaluated in one vectorised pass.
- sigmoid-calibrated logistic regression over transformed features: each feature's term.

A feature whose value equals the reference's gets exactly zero, and (for a model constrained
to be monotone in a feature) its contribution has the sign of its difference from the
reference.
"""

from __future__ import annotations

from math import factorial

import numpy as np
from numpy.typing import NDArray

from farmscore.model.tree_forest import CalibratedLinear, CalibratedTrees, signed_log1p

# The largest number of distinct features on one tree path the weight tables cover.
_MAX_PATH_FEATURES = 64
# Rows are explained this many at a time: a row's temporaries take about 0.4 MB with the
# shipped trees, so 64 rows at once lifted a scoring worker's memory by 25 MB with every batch
# (and glibc kept up to 8 MB of it between batches). 16 rows take 5 MB and stay in the CPU
# cache: the model then costs 0.24 ms a document in a batch of 64, not 0.36 ms.
CONTRIBUTION_ROWS = 16


def _weight_tables() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """w_from_x[a, b] = (a-1)! b! / (a+b)! and w_from_reference[a, b] = a! (b-1)! / (a+b)!."""
    size = _MAX_PATH_FEATURES + 1
    from_x = np.zeros((size, size))
    from_reference = np.zeros((size, size))
    for a in range(size):
        for b in range(size - a):
            if a:
                from_x[a, b] = factorial(a - 1) * factorial(b) / factorial(a + b)
            if b:
                from_reference[a, b] = factorial(a) * factorial(b - 1) / factorial(a + b)
    return from_x, from_reference


_FROM_X, _FROM_REFERENCE = _weight_tables()


class TreeContributions:
    """Exact Shapley values of a `CalibratedTrees` model's log-odds against reference rows."""

    def __init__(self, model: CalibratedTrees) -> None:
        forest = model.forest
        self.n_features = model.n_features
        self.calibration_slope = model.calibration.a
        # Each path step: the node it passes and the way it goes, grouped by leaf and, within a
        # leaf, by the feature the node reads (a path may test one feature more than once).
        step_nodes: list[int] = []
        step_left: list[bool] = []
        group_starts: list[int] = []  # where each (leaf, feature) group's steps start
        group_features: list[int] = []
        group_leaves: list[int] = []
        leaf_starts: list[int] = []  # where each leaf's groups start
        leaf_values: list[float] = []
        for root in forest.roots:
            for path, leaf in _leaf_paths(forest.left, forest.right, int(root)):
                if not path:
                    continue  # a one-leaf tree adds the same to every row
                leaf_starts.append(len(group_features))
                leaf_values.append(float(forest.value[leaf]))
                by_feature: dict[int, list[tuple[int, bool]]] = {}
                for node, went_left in path:
                    by_feature.setdefault(int(forest.feature[node]), []).append((node, went_left))
                for feature, steps in sorted(by_feature.items()):
                    group_starts.append(len(step_nodes))
                    group_features.append(feature)
                    group_leaves.append(len(leaf_values) - 1)
                    for node, went_left in steps:
                        step_nodes.append(node)
                        step_left.append(went_left)
        self.forest = forest
        self.step_nodes = np.array(step_nodes, dtype=np.intp)
        self.step_left = np.array(step_left, dtype=bool)
        self.group_starts = np.array(group_starts, dtype=np.intp)
        self.group_leaves = np.array(group_leaves, dtype=np.intp)
        self.leaf_starts = np.array(leaf_starts, dtype=np.intp)
        self.leaf_values = np.array(leaf_values, dtype=np.float64)
        # Padded layouts, so that "every step of a group" and "every group of a leaf" are
        # reductions along an axis: missing places point at a sentinel step that every row
        # passes and at a sentinel group that holds for both rows and moves nothing.
        self.group_steps = _padded(self.group_starts, len(step_nodes), sentinel=len(step_nodes))
        self.leaf_groups = _padded(
            self.leaf_starts, len(group_features), sentinel=len(group_features)
        )
        # Groups in feature order, to add them up per feature.
        features = np.array(group_features, dtype=np.intp)
        self.by_feature = np.argsort(features, kind="stable")
        sorted_features = features[self.by_feature]
        self.group_features_sorted = sorted_features
        self.feature_starts = np.searchsorted(sorted_features, np.arange(self.n_features))
        self.feature_present = np.isin(np.arange(self.n_features), sorted_features)
        self._cached_reference: tuple[bytes, NDArray[np.bool_]] | None = None

    def _group_holds(self, X: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Whether each row passes every step of each group, shape (n_groups + 1, n_rows), the
        last being the sentinel group. Steps and groups run down the first axis, so that the
        reductions read memory in order."""
        forest = self.forest
        nodes = self.step_nodes
        values = np.ascontiguousarray(X.T)[forest.feature[nodes]]
        left = values <= forest.threshold[nodes][:, None]
        missing = np.isnan(values)
        if missing.any():
            left = np.where(missing, forest.missing_go_left[nodes][:, None], left)
        passes = np.ones((len(nodes) + 1, X.shape[0]), dtype=bool)
        passes[:-1] = left == self.step_left[:, None]
        holds = np.ones((self.group_steps.shape[0] + 1, X.shape[0]), dtype=bool)
        holds[:-1] = _all_of(passes, self.group_steps)
        return holds

    def _reference_holds(self, references: NDArray[np.float64]) -> NDArray[np.bool_]:
        """`_group_holds` of the reference rows, kept: a model's references do not change."""
        key = references.tobytes()
        if self._cached_reference is None or self._cached_reference[0] != key:
            self._cached_reference = (key, self._group_holds(references))
        return self._cached_reference[1]

    def raw_contributions(
        self, X: NDArray[np.float64], references: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Shapley values of the trees' raw sum for each row of `X` against the same row of
        `references`: shape (n_rows, n_features), each row summing to raw(x) - raw(r)."""
        return self._raw(X, self._group_holds(references))

    def raw_contributions_by_reference(
        self,
        X: NDArray[np.float64],
        references: NDArray[np.float64],
        which: NDArray[np.intp],
    ) -> NDArray[np.float64]:
        """As `raw_contributions`, with row i measured against `references[which[i]]`: a few
        references (one per length band) are walked once, not once per row."""
        if X.shape[0] == 0:
            return np.zeros((0, self.n_features))
        return self._raw(X, self._reference_holds(references)[:, which])

    def _raw(self, X: NDArray[np.float64], r_ok: NDArray[np.bool_]) -> NDArray[np.float64]:
        """`_raw_block` over `CONTRIBUTION_ROWS` rows at a time (`r_ok`: the references'
        `_group_holds`, a column per row)."""
        n_rows = X.shape[0]
        if n_rows <= CONTRIBUTION_ROWS:
            return self._raw_block(X, r_ok)
        blocks = [slice(at, at + CONTRIBUTION_ROWS) for at in range(0, n_rows, CONTRIBUTION_ROWS)]
        return np.concatenate([self._raw_block(X[rows], r_ok[:, rows]) for rows in blocks])

    def _raw_block(self, X: NDArray[np.float64], r_ok: NDArray[np.bool_]) -> NDArray[np.float64]:
        n_rows = X.shape[0]
        result = np.zeros((self.n_features, n_rows))
        if n_rows == 0 or self.group_starts.size == 0:
            return result.T
        x_ok = self._group_holds(X)
        # A leaf is reached when every group of its path holds for x or for r. Few leaves are
        # reached by any row of a batch, so the rest of the work runs on those alone.
        reached = _all_of(x_ok | r_ok, self.leaf_groups)
        active = np.flatnonzero(reached.any(axis=1))
        if active.size == 0:
            return result.T
        reached = reached[active]
        leaf_groups = self.leaf_groups[active]
        from_x = x_ok & ~r_ok
        from_reference = r_ok & ~x_ok
        # A and B: the groups that hold for only one of x and r.
        a = _count_of(from_x, leaf_groups)
        b = _count_of(from_reference, leaf_groups)
        weighted = np.where(reached, self.leaf_values[active][:, None], 0.0)
        share_x = weighted * _FROM_X[a, b]
        share_reference = weighted * _FROM_REFERENCE[a, b]
        # The groups of the active leaves, in feature order; a leaf's index among the active.
        position = np.full(self.leaf_values.size, -1, dtype=np.intp)
        position[active] = np.arange(active.size)
        order = self.by_feature
        leaves = position[self.group_leaves[order]]
        kept = leaves >= 0
        order, leaves = order[kept], leaves[kept]
        per_group = np.where(from_x[order], share_x[leaves], 0.0) - np.where(
            from_reference[order], share_reference[leaves], 0.0
        )
        features = self.group_features_sorted[kept]
        starts = np.searchsorted(features, np.arange(self.n_features))
        present = np.isin(np.arange(self.n_features), features)
        result[present] = np.add.reduceat(per_group, starts[present], axis=0)
        return result.T

    def log_odds_contributions(
        self, X: NDArray[np.float64], references: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The same values in the calibrated log-odds of content farm: each row sums to
        log-odds(x) - log-odds(r)."""
        # P(farm) = 1 / (1 + exp(a * raw + b)), so log-odds = -(a * raw + b).
        return -self.calibration_slope * self.raw_contributions(X, references)


def _all_of(rows: NDArray[np.bool_], index: NDArray[np.intp]) -> NDArray[np.bool_]:
    """For each row of `index`, whether every row of `rows` it names is true (column by column:
    a reduction across a short middle axis is several times slower)."""
    result = np.ones((index.shape[0], rows.shape[1]), dtype=bool)  # no step: nothing to fail
    for column in range(index.shape[1]):
        result &= rows[index[:, column]]
    return result


def _count_of(rows: NDArray[np.bool_], index: NDArray[np.intp]) -> NDArray[np.intp]:
    """For each row of `index`, how many of the rows of `rows` it names are true."""
    result = np.zeros((index.shape[0], rows.shape[1]), dtype=np.intp)
    for column in range(index.shape[1]):
        result += rows[index[:, column]]
    return result


def _padded(starts: NDArray[np.intp], total: int, sentinel: int) -> NDArray[np.intp]:
    """Rows of indices: row i holds starts[i], starts[i] + 1, ... up to the next start (or
    `total`), padded with `sentinel` to the longest row's length."""
    ends = np.append(starts[1:], total)
    width = int((ends - starts).max()) if starts.size else 0
    offsets = starts[:, None] + np.arange(width)[None, :]
    return np.where(offsets < ends[:, None], offsets, sentinel).astype(np.intp)


def _leaf_paths(
    left: NDArray[np.intp], right: NDArray[np.intp], root: int
) -> list[tuple[list[tuple[int, bool]], int]]:
    """(path, leaf) for every leaf under `root`: the (node, went left) steps that reach it. A
    leaf links to itself in the forest's arrays."""
    found: list[tuple[list[tuple[int, bool]], int]] = []
    stack: list[tuple[int, list[tuple[int, bool]]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if left[node] == node:
            found.append((path, node))
            continue
        stack.append((int(right[node]), [*path, (node, False)]))
        stack.append((int(left[node]), [*path, (node, True)]))
    return found


def linear_log_odds_contributions(
    model: CalibratedLinear, X: NDArray[np.float64], references: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each feature's term of a calibrated logistic regression's log-odds, against the
    reference rows: exact Shapley values of a sum."""
    scaled_x = (signed_log1p(X) - model.mean) / model.scale
    scaled_r = (signed_log1p(references) - model.mean) / model.scale
    return np.asarray(-model.calibration.a * (scaled_x - scaled_r) * model.coef, dtype=np.float64)
