"""A fitted classifier as plain numbers: what scores texts once scikit-learn has fitted it.

scikit-learn fits the model (`farmscore.training.fitting`); once fitted, it is turned into one of
two small classes here that hold only arrays and floats, and compute exactly what the fitted
scikit-learn estimator computes, with numpy alone (scoring never imports scikit-learn or SciPy,
which would double a scoring process's memory and start-up):

- `CalibratedTrees`: gradient-boosted trees (scikit-learn's `TreePredictor` node arrays) and a
  sigmoid over their raw score, as `CalibratedClassifierCV(HistGradientBoostingClassifier,
  method="sigmoid", ensemble=False)` predicts;
- `CalibratedLinear`: compressed, standardised features, a logistic regression's weights, and
  the same sigmoid.

Both store as plain arrays (`farmscore.model.file_format`), with nothing to unpickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

# The record layout of scikit-learn's `TreePredictor.nodes` (`PREDICTOR_RECORD_DTYPE` in
# sklearn.ensemble._hist_gradient_boosting.common), in which model files store trees; a test
# checks that the two agree.
TREE_NODE_DTYPE = np.dtype(
    [
        ("value", "<f8"),
        ("count", "<u4"),
        ("feature_idx", "<i8"),
        ("num_threshold", "<f8"),
        ("missing_go_to_left", "u1"),
        ("left", "<u4"),
        ("right", "<u4"),
        ("gain", "<f8"),
        ("depth", "<u4"),
        ("is_leaf", "u1"),
        ("bin_threshold", "u1"),
        ("is_categorical", "u1"),
        ("bitset_idx", "<u4"),
    ]
)


def signed_log1p(X: NDArray[np.float64]) -> NDArray[np.float64]:
    """Compress heavy-tailed rates and counts so that one extreme page cannot dominate a
    linear model; keeps sign and order."""
    return np.sign(X) * np.log1p(np.abs(X))


def _expit_neg(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (1 + exp(values)): the sigmoid calibration's form, stable for large values."""
    out = np.empty_like(values, dtype=np.float64)
    positive = values >= 0
    exp_neg = np.exp(-values[positive])
    out[positive] = exp_neg / (1.0 + exp_neg)
    out[~positive] = 1.0 / (1.0 + np.exp(values[~positive]))
    return out


@dataclass(frozen=True, slots=True)
class SigmoidCalibration:
    """Platt scaling as scikit-learn fits it: P(farm) = 1 / (1 + exp(a * raw + b))."""

    a: float
    b: float

    def probability(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        return _expit_neg(self.a * np.asarray(raw, dtype=np.float64) + self.b)


class TreeForest:
    """Numeric binary trees laid end to end in flat arrays, evaluated for many (row, tree)
    pairs at once: one numpy step per tree level instead of one call per tree.

    A leaf links to itself, so every pair can take the same number of steps (the deepest
    tree's depth) and stay on its leaf once there.
    """

    def __init__(self, tree_nodes: list[NDArray[Any]]) -> None:
        sizes = np.array([len(nodes) for nodes in tree_nodes], dtype=np.intp)
        self.roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        nodes = np.concatenate(tree_nodes) if tree_nodes else np.empty(0, TREE_NODE_DTYPE)
        offsets = np.repeat(self.roots, sizes)
        leaf = nodes["is_leaf"] != 0
        self_links = np.arange(len(nodes), dtype=np.intp)
        self.left = np.where(leaf, self_links, nodes["left"].astype(np.intp) + offsets)
        self.right = np.where(leaf, self_links, nodes["right"].astype(np.intp) + offsets)
        # A leaf reads feature 0 and goes nowhere whatever it reads.
        self.feature = np.where(leaf, 0, nodes["feature_idx"]).astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_go_left = nodes["missing_go_to_left"] != 0
        self.value = nodes["value"].astype(np.float64)
        self.depth = int(nodes["depth"].max()) if len(nodes) else 0

    @property
    def n_trees(self) -> int:
        return len(self.roots)

    def outputs(
        self, X: NDArray[np.float64], rows: NDArray[np.intp], trees: NDArray[np.intp]
    ) -> NDArray[np.float64]:
        """The leaf value that tree `trees[k]` gives row `X[rows[k]]`, for every k: what
        scikit-learn's predictor computes (a missing value goes where training sent it, any
        other goes left when at most the threshold)."""
        node = self.roots[trees]
        n_columns = X.shape[1]
        flat = X.ravel()
        row_starts = rows * n_columns
        for _ in range(self.depth):
            value = flat[row_starts + self.feature[node]]
            go_left = value <= self.threshold[node]
            missing = np.isnan(value)
            if missing.any():
                go_left[missing] = self.missing_go_left[node[missing]]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.value[node]

    def every_output(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Each tree's output for each row: shape (n_rows, n_trees)."""
        n_rows = X.shape[0]
        rows = np.repeat(np.arange(n_rows, dtype=np.intp), self.n_trees)
        trees = np.tile(np.arange(self.n_trees, dtype=np.intp), n_rows)
        return self.outputs(X, rows, trees).reshape(n_rows, self.n_trees)

    def raw_scores(self, X: NDArray[np.float64], baseline: float) -> NDArray[np.float64]:
        """`baseline` plus every tree's output, added tree by tree in order as scikit-learn
        adds them (so the sums agree to the last bit, not just to rounding)."""
        return running_sum(baseline, self.every_output(X))


def running_sum(
    start: float | NDArray[np.float64], terms: NDArray[np.float64]
) -> NDArray[np.float64]:
    """start + terms[:, 0] + terms[:, 1] + ..., added left to right: `np.cumsum` adds in
    order, where `np.sum` adds pairwise and can differ in the last bit."""
    columns = np.column_stack([np.broadcast_to(start, terms.shape[0]), terms])
    return np.asarray(np.cumsum(columns, axis=1)[:, -1], dtype=np.float64)


class CalibratedTrees:
    """Sigmoid-calibrated binary gradient-boosted trees over numeric features."""

    classes_ = np.array([0, 1])

    def __init__(
        self,
        tree_nodes: list[NDArray[Any]],
        baseline: float,
        calibration: SigmoidCalibration,
        n_features: int,
    ) -> None:
        self.tree_nodes = tree_nodes
        self.baseline = baseline
        self.calibration = calibration
        self.n_features = n_features
        self.forest = TreeForest(tree_nodes)

    def decision_function(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The boosted raw score (log-odds before calibration) of each row."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        return self.forest.raw_scores(X, self.baseline)

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        farm = self.calibration.probability(self.decision_function(X))
        return np.column_stack([1.0 - farm, farm])


class CalibratedLinear:
    """Sigmoid-calibrated logistic regression on compressed, standardised features."""

    classes_ = np.array([0, 1])

    def __init__(
        self,
        mean: NDArray[np.float64],
        scale: NDArray[np.float64],
        coef: NDArray[np.float64],
        intercept: float,
        calibration: SigmoidCalibration,
    ) -> None:
        self.mean = mean
        self.scale = scale
        self.coef = coef
        self.intercept = intercept
        self.calibration = calibration

    def decision_function(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        scaled = (signed_log1p(np.asarray(X, dtype=np.float64)) - self.mean) / self.scale
        return np.asarray(scaled @ self.coef + self.intercept, dtype=np.float64)

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        farm = self.calibration.probability(self.decision_function(X))
        return np.column_stack([1.0 - farm, farm])


def compile_estimator(
    calibrated: Any, kind: Literal["boosted", "logistic"]
) -> CalibratedTrees | CalibratedLinear:
    """The plain-number twin of a fitted `CalibratedClassifierCV(..., method="sigmoid",
    ensemble=False)` over boosted trees or `ScaledLogisticRegression`."""
    (fold,) = calibrated.calibrated_classifiers_
    (calibrator,) = fold.calibrators
    calibration = SigmoidCalibration(float(calibrator.a_), float(calibrator.b_))
    inner = fold.estimator
    if kind == "boosted":
        if inner.n_trees_per_iteration_ != 1 or inner.is_categorical_ is not None:
            raise ValueError("only binary boosted trees over numeric features compile")
        nodes = [iteration[0].nodes.copy() for iteration in inner._predictors]
        baseline = float(np.ravel(inner._baseline_prediction)[0])
        return CalibratedTrees(nodes, baseline, calibration, int(inner.n_features_in_))
    scaler, logistic = inner.scaler_, inner.logistic_
    return CalibratedLinear(
        np.asarray(scaler.mean_, dtype=np.float64),
        np.asarray(scaler.scale_, dtype=np.float64),
        np.asarray(logistic.coef_[0], dtype=np.float64),
        float(logistic.intercept_[0]),
        calibration,
    )
