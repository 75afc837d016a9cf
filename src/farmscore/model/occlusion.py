"""Fast scores and occlusion reasons for the shipped kind of model: sigmoid-calibrated
gradient-boosted trees (`farmscore.model.tree_forest.CalibratedTrees`).

`FarmModel.contributions` asks, for every feature of every row, what the model would say with
that feature set to its typical value: one prediction per feature per document, each through
every tree, and the compiled tree predictor pays a fixed cost per call. Two facts make the same
numbers far cheaper:

- a tree's output can only change with feature j if the tree splits on j, and each tree splits
  on about 10 of the 89 features, so a counterfactual row is re-evaluated by about one tree in
  eight, not by all of them;
- a feature already at its typical value changes nothing, so its row is never built.

Every (row, tree) pair is evaluated in one vectorised pass
(`farmscore.model.tree_forest.TreeForest`).
The result equals `FarmModel.contributions` to rounding (tests compare them); `fast_path_for`
returns None for any other kind of model, which then takes the general path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from farmscore.model.farm_model import FarmModel, log_odds
from farmscore.model.tree_forest import CalibratedTrees, SigmoidCalibration, TreeForest, running_sum


@dataclass(frozen=True, slots=True)
class _Fold:
    """One calibration fold: a binary booster's trees and the sigmoid fitted on its scores."""

    forest: TreeForest
    # The distinct features each tree splits on, ascending, laid end to end: tree t's are
    # pair_features[tree_pair_bounds[t]:tree_pair_bounds[t + 1]].
    pair_features: NDArray[np.intp]
    tree_pair_bounds: NDArray[np.intp]
    baseline: float
    calibrator: SigmoidCalibration

    def probability(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.calibrator.probability(raw)


class BoostedOcclusion:
    """Probabilities and occlusion contributions of a calibrated boosted-tree `FarmModel`."""

    def __init__(self, folds: list[_Fold], reference: NDArray[np.float64]) -> None:
        self.folds = folds
        self.reference = reference
        used = np.zeros(reference.shape[0], dtype=bool)
        for fold in folds:
            used[fold.pair_features] = True
        # Features no tree splits on never move a score.
        self.used_features = used

    def predict_and_contribute(
        self, X: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The probability of each row, and each feature's contribution in log-odds (as
        `FarmModel.contributions`): shape (n_rows,) and (n_rows, n_features)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        n_rows, n_features = X.shape
        if n_rows == 0:
            return np.empty(0), np.empty((0, n_features))
        changed = (self.reference != X) & self.used_features
        blocks = _counterfactual_blocks(X, self.reference, changed)
        probability = np.zeros(n_rows)
        counterfactual = np.zeros((n_rows, n_features))
        for fold in self.folds:
            raw, shifted = _fold_raw_scores(fold, X, blocks)
            probability += fold.probability(raw)
            counterfactual += fold.probability(shifted.ravel()).reshape(n_rows, n_features)
        probability /= len(self.folds)
        counterfactual /= len(self.folds)
        contributions = log_odds(probability)[:, None] - log_odds(counterfactual)
        # Exactly zero where nothing changed, not a rounding residue.
        contributions[~changed] = 0.0
        return probability, contributions


@dataclass(frozen=True, slots=True)
class _Blocks:
    """Every counterfactual row, stacked by feature: `stacked[i]` is row `rows[i]` of X
    with column `features[i]` set to the reference; feature j's rows are
    `stacked[offsets[j]:offsets[j + 1]]`."""

    stacked: NDArray[np.float64]
    rows: NDArray[np.intp]
    features: NDArray[np.intp]
    offsets: NDArray[np.intp]


def _counterfactual_blocks(
    X: NDArray[np.float64], reference: NDArray[np.float64], changed: NDArray[np.bool_]
) -> _Blocks:
    features, rows = np.nonzero(changed.T)
    stacked = X[rows]
    stacked[np.arange(len(rows)), features] = reference[features]
    sizes = np.bincount(features, minlength=X.shape[1])
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
    return _Blocks(stacked, rows.astype(np.intp), features.astype(np.intp), offsets)


def _fold_raw_scores(
    fold: _Fold, X: NDArray[np.float64], blocks: _Blocks
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The fold's raw score of each row, and of each row with each feature at its reference
    (n_rows x n_features; equal to the row's own score where the feature is unchanged)."""
    n_rows, n_features = X.shape
    # Every (tree, feature it splits on) pair takes the counterfactual rows of its feature:
    # laid end to end, tree t's inputs are picked[bounds[t]:bounds[t + 1]] of `stacked`.
    pair_sizes = np.diff(blocks.offsets)[fold.pair_features]
    pair_ends = np.cumsum(pair_sizes)
    picked = np.arange(int(pair_ends[-1]) if len(pair_ends) else 0) + np.repeat(
        blocks.offsets[fold.pair_features] - (pair_ends - pair_sizes), pair_sizes
    )
    bounds = np.concatenate([[0], pair_ends])[fold.tree_pair_bounds]
    picked_rows = blocks.rows[picked]
    forest = fold.forest
    base = forest.every_output(X)
    raw = running_sum(fold.baseline, base)
    picked_trees = np.repeat(np.arange(forest.n_trees, dtype=np.intp), np.diff(bounds))
    shifts = forest.outputs(blocks.stacked, picked, picked_trees) - base[picked_rows, picked_trees]
    cells = picked_rows * n_features + blocks.features[picked]
    delta = np.bincount(cells, weights=shifts, minlength=n_rows * n_features)
    return raw, raw[:, None] + delta.reshape(n_rows, n_features)


def fast_path_for(model: FarmModel) -> BoostedOcclusion | None:
    """The fast path for `model` when its classifier is sigmoid-calibrated boosted trees
    (`CalibratedTrees`), else None."""
    estimator = model.estimator
    if not isinstance(estimator, CalibratedTrees):
        return None
    tree_features = [_split_features(nodes) for nodes in estimator.tree_nodes]
    fold = _Fold(
        forest=estimator.forest,
        pair_features=np.concatenate(tree_features) if tree_features else np.empty(0, np.intp),
        tree_pair_bounds=np.concatenate([[0], np.cumsum([len(f) for f in tree_features])]).astype(
            np.intp
        ),
        baseline=estimator.baseline,
        calibrator=estimator.calibration,
    )
    return BoostedOcclusion([fold], np.asarray(model.reference, dtype=np.float64))


def _split_features(nodes: NDArray[Any]) -> NDArray[np.intp]:
    internal = nodes["is_leaf"] == 0
    return np.unique(nodes["feature_idx"][internal]).astype(np.intp)
