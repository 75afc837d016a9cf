"""The fitted model that scores: a calibrated classifier over the feature columns, its
threshold, and the typical training row that reasons are measured against.

Only numpy: the scoring path (score, gate, audit, the API) imports this and never scikit-learn,
which fits models in `farmscore.training.fitting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from farmscore.model.wording import WordingModel

ModelKind = Literal["logistic", "boosted"]


@dataclass
class FarmModel:
    """A calibrated classifier with its feature names, threshold and the typical (median)
    training row that reasons are measured against; with `wording`, its last column is the
    wording block's log-odds (`model_inputs` appends it)."""

    estimator: Any
    feature_names: list[str]
    threshold: float
    kind: ModelKind
    reference: NDArray[np.float64]
    threshold_rule: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    wording: WordingModel | None = None

    def model_inputs(self, X: NDArray[np.float64], texts: Sequence[str]) -> NDArray[np.float64]:
        """The classifier's input rows: the style features `X` of `texts`, plus the wording
        column when the model has one."""
        if self.wording is None:
            return X
        return np.column_stack([X, self.wording.decision_function(texts)])

    def score_texts(self, X: NDArray[np.float64], texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probabilities of `texts`, whose style features are `X`."""
        return self.predict_proba(self.model_inputs(X, texts))

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probability that each row is a content-farm page."""
        if X.shape[0] == 0:
            return np.empty(0)
        return np.asarray(self.estimator.predict_proba(X)[:, 1], dtype=np.float64)

    def contributions(
        self, X: NDArray[np.float64], probabilities: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        """How much each feature moved each row's score, in log-odds: the log-odds of the
        probability minus the log-odds with that one feature set to its typical training
        value. Positive values push toward content farm. Log-odds, not probability, so that a
        page scored 0.999 still shows which features put it there. Shape (n_rows, n_features).
        """
        n_rows, n_features = X.shape
        if n_rows == 0:
            return np.empty((0, n_features))
        base = self.predict_proba(X) if probabilities is None else probabilities
        # One batch per row: the row repeated with each feature in turn set to the reference.
        batch = np.repeat(X, n_features, axis=0).reshape(n_rows, n_features, n_features)
        diagonal = np.arange(n_features)
        batch[:, diagonal, diagonal] = self.reference
        counterfactual = self.predict_proba(batch.reshape(-1, n_features)).reshape(
            n_rows, n_features
        )
        return log_odds(base)[:, None] - log_odds(counterfactual)


def log_odds(probabilities: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(p / (1 - p)), with p kept inside [1e-9, 1 - 1e-9] so that it stays finite."""
    p = np.clip(probabilities, 1e-9, 1.0 - 1e-9)
    return np.asarray(np.log(p / (1.0 - p)), dtype=np.float64)
