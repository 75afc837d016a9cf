"""The fitted model that scores: a calibrated classifier over the feature columns (the
machine head), its threshold in each length band, the median human text of each band that
reasons are measured against, and the reference for substance.

Only numpy: the scoring path (score, gate, audit, the API) imports this and never scikit-learn,
which fits models in `farmscore.training.fitting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from farmscore.model.contributions import TreeContributions, linear_log_odds_contributions
from farmscore.model.length_bands import BAND_NAMES
from farmscore.model.tree_forest import CalibratedLinear, CalibratedTrees
from farmscore.model.wording import WordingModel

ModelKind = Literal["logistic", "boosted"]
# The substance reference holds the quantiles 0, 1, ..., 100 of each band.
SUBSTANCE_QUANTILES = 101


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
    # One threshold per length band (`farmscore.model.length_bands.BAND_NAMES`); empty: the
    # one `threshold` in every band.
    band_thresholds: tuple[float, ...] = ()
    # The median human training row of each band, shape (n_bands, n_features): the reference
    # of the reasons. None: `reference` in every band.
    band_references: NDArray[np.float64] | None = None
    # Quantiles 0, 1, ..., 100 of substance (`specificity_substance_per_1k_words`) in human
    # reporting of each band, shape (n_bands, 101). None: the model has no substance axis.
    substance_quantiles: NDArray[np.float64] | None = None
    # Built on first use: the trees' paths, laid out for exact contributions.
    _trees: TreeContributions | None = field(default=None, repr=False, compare=False)

    def threshold_for(self, band: int) -> float:
        """The machine head's threshold for length band number `band`."""
        return self.band_thresholds[band] if self.band_thresholds else self.threshold

    def reference_rows(self) -> NDArray[np.float64]:
        """The reference row of every band, shape (n_bands, n_features)."""
        if self.band_references is not None:
            return self.band_references
        return np.repeat(self.reference[None, :], len(BAND_NAMES), axis=0)

    def substance_percentile(self, value: float, band: int) -> float | None:
        """Where `value` falls among human reporting of length band `band`, from 0 to 100."""
        if self.substance_quantiles is None:
            return None
        quantiles = self.substance_quantiles[band]
        return float(np.interp(value, quantiles, np.linspace(0.0, 100.0, len(quantiles))))

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
        self, X: NDArray[np.float64], bands: NDArray[np.intp] | None = None
    ) -> NDArray[np.float64]:
        """How far each feature moved each row's score, in log-odds of content farm, from the
        median human training row of the row's length band (`bands`, numbers into
        `BAND_NAMES`; default: every row in band 0): exact Shapley values, so each row sums to
        log-odds(row) - log-odds(reference). Positive values push toward content farm.
        Shape (n_rows, n_features)."""
        n_rows, n_features = X.shape
        if n_rows == 0:
            return np.empty((0, n_features))
        which = np.zeros(n_rows, dtype=np.intp) if bands is None else np.asarray(bands, np.intp)
        references = self.reference_rows()
        if isinstance(self.estimator, CalibratedTrees):
            if self._trees is None:
                self._trees = TreeContributions(self.estimator)
            raw = self._trees.raw_contributions_by_reference(X, references, which)
            return -self.estimator.calibration.a * raw
        if isinstance(self.estimator, CalibratedLinear):
            return linear_log_odds_contributions(self.estimator, X, references[which])
        raise TypeError(f"no exact contributions for a {type(self.estimator).__name__}")

    def reference_log_odds(self) -> NDArray[np.float64]:
        """What the median human text of each band scores, in log-odds: the base that a
        score's contributions start from."""
        return log_odds(self.predict_proba(self.reference_rows()))


def log_odds(probabilities: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(p / (1 - p)), with p kept inside [1e-9, 1 - 1e-9] so that it stays finite."""
    p = np.clip(probabilities, 1e-9, 1.0 - 1e-9)
    return np.asarray(np.log(p / (1.0 - p)), dtype=np.float64)
