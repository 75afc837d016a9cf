"""A fitted classifier as plain numbers: what scores texts once scikit-learn has fitted it.

scikit-learn fits the model (`farmscore.model`); once fitted, it is turned into one of two small
classes here that hold only arrays and floats, and compute exactly what the fitted
scikit-learn estimator computes:

- `CalibratedTrees`: gradient-boosted trees (scikit-learn's `TreePredictor` node arrays) and a
  sigmoid over their raw score, as `CalibratedClassifierCV(HistGradientBoostingClassifier,
  method="sigmoid", ensemble=False)` predicts;
- `CalibratedLinear`: compressed, standardised features, a logistic regression's weights, and
  the same sigmoid.

Both store as plain arrays (`farmscore.model_arrays`), with nothing to unpickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

# Trees are evaluated one thread per call: batches are small, worker processes parallelise.
_THREADS_PER_CALL = 1


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
        from sklearn.ensemble._hist_gradient_boosting.common import X_BITSET_INNER_DTYPE
        from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

        self.tree_nodes = tree_nodes
        self.baseline = baseline
        self.calibration = calibration
        self.n_features = n_features
        no_categories = np.zeros((0, 8), dtype=X_BITSET_INNER_DTYPE)
        self.trees = [TreePredictor(nodes, no_categories, no_categories) for nodes in tree_nodes]
        # No feature is categorical: the predictor's category tables are empty.
        self.known_category_bitsets = no_categories
        self.feature_index_map = np.zeros(n_features, dtype=np.uint32)

    def tree_output(self, tree: Any, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(
            tree.predict(X, self.known_category_bitsets, self.feature_index_map, _THREADS_PER_CALL),
            dtype=np.float64,
        )

    def decision_function(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The boosted raw score (log-odds before calibration) of each row."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        raw = np.full(X.shape[0], self.baseline)
        for tree in self.trees:
            raw += self.tree_output(tree, X)
        return raw

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
