"""Build, fit, calibrate and evaluate the classifier over feature rows. No file I/O.

The classifier sees the style feature matrix and, when fitted with texts, one more column: the
log-odds of the wording block (`farmscore.model.wording`), learned out of fold. Every decision is
explained by those columns and the spans behind them (for the wording column, the n-grams).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from farmscore.features.specificity import SUBSTANCE
from farmscore.model.farm_model import SUBSTANCE_QUANTILES, FarmModel, ModelKind
from farmscore.model.feature_directions import monotonic_constraints
from farmscore.model.length_bands import BAND_NAMES, band_index, length_band
from farmscore.model.tree_forest import compile_estimator, signed_log1p
from farmscore.model.wording import (
    WORDING_FEATURE,
    WordingCounts,
    WordingModel,
    count_texts,
    fit_out_of_fold,
)
from farmscore.words import count_words

MODEL_KINDS: tuple[ModelKind, ...] = ("logistic", "boosted")

# The default threshold keeps false positives on held-out human text at or under this rate,
# in every band of text length (lower bounds in words).
DEFAULT_MAX_FALSE_POSITIVE_RATE = 0.01
# A band with fewer human rows than this gives too noisy a 1% quantile to set the threshold.
MIN_HUMAN_ROWS_PER_BAND = 200
CALIBRATION_FOLDS = 5
CALIBRATION_BINS = 10


class ScaledLogisticRegression(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Logistic regression on compressed, standardised features, accepting `sample_weight`
    in `fit` (a Pipeline does not, and calibration passes the weights through)."""

    def __init__(self, C: float = 0.3) -> None:
        self.C = C

    def fit(
        self, X: NDArray[np.float64], y: NDArray[np.int_], sample_weight: Any = None
    ) -> ScaledLogisticRegression:
        self.scaler_ = StandardScaler().fit(signed_log1p(X))
        self.logistic_ = LogisticRegression(C=self.C, max_iter=5000)
        self.logistic_.fit(self.scaler_.transform(signed_log1p(X)), y, sample_weight=sample_weight)
        self.classes_ = self.logistic_.classes_
        return self

    def predict_proba(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        scaled = self.scaler_.transform(signed_log1p(X))
        return np.asarray(self.logistic_.predict_proba(scaled), dtype=np.float64)

    def decision_function(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        """The log-odds of content farm. Calibration fits its sigmoid on these when they
        exist: on saturated probabilities (0.99999...) it could not tell a feature's pull,
        and every reason of a confident score would read as +0.000."""
        scaled = self.scaler_.transform(signed_log1p(X))
        return np.asarray(self.logistic_.decision_function(scaled), dtype=np.float64)

    def predict(self, X: NDArray[np.float64]) -> NDArray[np.int_]:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])


# A boosted tree's leaf holds at least this many rows: the setting the shipped model was tuned
# at, on tens of thousands of rows.
MAX_MIN_ROWS_PER_LEAF = 40
# On fewer rows than 50 times that, leaves of 40 rows allow a tree few splits or none (on 36
# rows none at all: every text scored the same), so a leaf holds this fraction of the rows...
ROWS_PER_LEAF_FRACTION = 1 / 50
# ...but never below this, under which a leaf's score is noise.
MIN_MIN_ROWS_PER_LEAF = 5


def min_rows_per_leaf(n_rows: int | None) -> int:
    """The fewest rows a boosted tree's leaf may hold when fitted on `n_rows` rows (None:
    many): a fiftieth of the rows, from 5 to 40.

    >>> [min_rows_per_leaf(n) for n in (36, 500, 2_000, 20_000, None)]
    [5, 10, 40, 40, 40]
    """
    if n_rows is None:
        return MAX_MIN_ROWS_PER_LEAF
    scaled = int(n_rows * ROWS_PER_LEAF_FRACTION)
    return min(MAX_MIN_ROWS_PER_LEAF, max(MIN_MIN_ROWS_PER_LEAF, scaled))


def build_classifier(
    kind: ModelKind,
    random_state: int = 0,
    monotonic: Sequence[int] | None = None,
    n_rows: int | None = None,
) -> BaseEstimator:
    """An unfitted classifier over feature rows. Classes are balanced by the caller's sample
    weights, not here. `monotonic` constrains boosted trees feature by feature (+1: can only
    raise the score, -1: only lower it, 0: free). `n_rows`, the rows it will be fitted on,
    sizes boosted trees' leaves (`min_rows_per_leaf`)."""
    if kind == "logistic":
        return ScaledLogisticRegression(C=0.3)
    if kind == "boosted":
        return HistGradientBoostingClassifier(
            learning_rate=0.06,
            max_iter=300,
            max_leaf_nodes=15,
            min_samples_leaf=min_rows_per_leaf(n_rows),
            l2_regularization=1.0,
            random_state=random_state,
            monotonic_cst=None if monotonic is None else list(monotonic),
        )
    raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODEL_KINDS)}")


def fit_farm_model(
    X: NDArray[np.float64],
    y: NDArray[np.int_],
    groups: Sequence[str],
    feature_names: Sequence[str],
    kind: ModelKind,
    human_for_threshold: NDArray[np.bool_] | None = None,
    max_false_positive_rate: float = DEFAULT_MAX_FALSE_POSITIVE_RATE,
    random_state: int = 0,
    sample_weight: NDArray[np.float64] | None = None,
    texts: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    substance_reference: NDArray[np.bool_] | None = None,
    monotonic: bool = True,
) -> FarmModel:
    """Fit the machine head, a calibrated classifier, and choose a threshold for each length
    band on out-of-fold human scores; record each band's median human row (the reference of
    the reasons) and its substance reference.

    With `texts`, the wording block is fitted too: the classifier learns from its out-of-fold
    log-odds (group folds), and the block fitted on every row scores new texts. With
    `monotonic` (boosted trees only), leaked text, filler and repetition can only raise the
    score and sourced specifics only lower it (`monotonic_constraints`).

    Calibration is sigmoid over group folds, so no story is calibrated on by a model that saw
    it. Each band's threshold is the highest out-of-fold score that keeps at most
    `max_false_positive_rate` of that band's human rows (`human_for_threshold`, default every
    human row) at or above it; a band with fewer than `MIN_HUMAN_ROWS_PER_BAND` of them takes
    the highest threshold of the others. The substance reference is the distribution of
    `specificity_substance_per_1k_words` over the rows `substance_reference` selects (default
    every human row), band by band. Length comes from `texts` when given.

    Raises ValueError when no boosted tree splits (`trees_split`): such a model scores every
    text the same, so it is refused rather than written.
    """
    _check_training_rows(X, y, groups)
    say = progress or (lambda message: None)
    weights = class_balanced_weights(y) if sample_weight is None else sample_weight
    names = list(feature_names)
    wording = None
    if texts is not None:
        say(f"fitting the wording block ({CALIBRATION_FOLDS} out-of-fold fits and a final one)")
        wording, X = with_wording_column(X, y, groups, count_texts(texts), weights=weights)
        names.append(WORDING_FEATURE)
    directions = monotonic_constraints(names) if monotonic and kind == "boosted" else None
    say(f"fitting the {kind} classifier, calibrated over {CALIBRATION_FOLDS} group folds")
    calibrated = fit_calibrated(
        X, y, groups, kind, CALIBRATION_FOLDS, random_state, weights, directions
    )
    if kind == "boosted" and not trees_split(calibrated):
        raise ValueError(_no_split_message(len(y)))
    say("choosing the thresholds on out-of-fold scores (3 more fits)")
    out_of_fold = out_of_fold_probabilities(
        X, y, groups, kind, random_state, weights=weights, monotonic=directions
    )
    human = (y == 0) if human_for_threshold is None else (human_for_threshold & (y == 0))
    n_words = None if texts is None else np.array([count_words(t) for t in texts])
    threshold, by_band = threshold_by_length_band(
        out_of_fold, y, human, max_false_positive_rate, n_words
    )
    band_of_row = np.zeros(len(y), dtype=np.intp) if n_words is None else band_indices(n_words)
    band_thresholds = tuple(
        float(by_band[name]["threshold"]) if name in by_band else threshold for name in BAND_NAMES
    )
    substance_rows = human if substance_reference is None else substance_reference
    model = FarmModel(
        estimator=compile_estimator(calibrated, kind),
        feature_names=names,
        threshold=threshold,
        kind=kind,
        reference=np.median(X[y == 0], axis=0),
        threshold_rule=(
            f"at most {max_false_positive_rate:.0%} of the held-out (out-of-fold) human "
            f"training texts of each length band score at or above its threshold "
            f"({int(human.sum())} texts)"
        ),
        wording=wording,
        band_thresholds=band_thresholds,
        band_references=_band_medians(X[y == 0], band_of_row[y == 0]),
        substance_quantiles=_band_quantiles(
            X[substance_rows, names.index(SUBSTANCE)], band_of_row[substance_rows]
        )
        if SUBSTANCE in names
        else None,
    )
    # Out-of-fold figures are the honest estimate for a user's labels without a test set.
    row_thresholds = np.array(band_thresholds)[band_of_row]
    model.extra["out_of_fold_metrics"] = classification_metrics(y, out_of_fold, row_thresholds)
    model.extra["threshold_by_length_band"] = by_band
    model.extra["monotonic_constraints"] = directions is not None
    return model


def trees_split(calibrated: CalibratedClassifierCV) -> bool:
    """Whether any tree of a calibrated boosted classifier splits: with none, every text
    gets the same score and no reason."""
    (fold,) = calibrated.calibrated_classifiers_
    return any(
        tree.get_n_leaf_nodes() > 1
        for iteration in fold.estimator._predictors
        for tree in iteration
    )


def _no_split_message(n_rows: int) -> str:
    return (
        f"the boosted trees found no split in {n_rows:,} rows (a leaf needs at least "
        f"{min_rows_per_leaf(n_rows)} rows), so every text would get the same score and no "
        f"reasons; train with --kind logistic, which suits small label files, or add labelled "
        f"examples whose features tell the two classes apart"
    )


# A band with fewer rows than this takes the reference of all rows together.
MIN_REFERENCE_ROWS_PER_BAND = 30


def band_indices(n_words: NDArray[np.int_]) -> NDArray[np.intp]:
    """The length band number of each word count."""
    return np.array([band_index(int(n)) for n in n_words], dtype=np.intp)


def _band_medians(X: NDArray[np.float64], bands: NDArray[np.intp]) -> NDArray[np.float64]:
    overall = np.median(X, axis=0)
    return np.stack(
        [
            np.median(X[bands == band], axis=0)
            if (bands == band).sum() >= MIN_REFERENCE_ROWS_PER_BAND
            else overall
            for band in range(len(BAND_NAMES))
        ]
    )


def _band_quantiles(values: NDArray[np.float64], bands: NDArray[np.intp]) -> NDArray[np.float64]:
    levels = np.linspace(0.0, 1.0, SUBSTANCE_QUANTILES)
    overall = np.quantile(values, levels) if values.size else np.zeros(SUBSTANCE_QUANTILES)
    return np.stack(
        [
            np.quantile(values[bands == band], levels)
            if (bands == band).sum() >= MIN_REFERENCE_ROWS_PER_BAND
            else overall
            for band in range(len(BAND_NAMES))
        ]
    )


def with_wording_column(
    X: NDArray[np.float64],
    y: NDArray[np.int_],
    groups: Sequence[str],
    counts: WordingCounts,
    rows: NDArray[np.int_] | None = None,
    n_folds: int = CALIBRATION_FOLDS,
    weights: NDArray[np.float64] | None = None,
) -> tuple[WordingModel, NDArray[np.float64]]:
    """The wording block fitted on the counted texts `rows` (default: all), and `X` (one row
    per fitted text) with the block's out-of-fold log-odds appended as its last column.
    `y`, `groups` and `weights` are per counted text."""
    rows = np.arange(len(y)) if rows is None else rows
    folds = _group_folds(y[rows], [groups[i] for i in rows], n_folds)
    fit_weights = None if weights is None else weights
    wording, column = fit_out_of_fold(counts, rows, y, folds, fit_weights)
    return wording, np.column_stack([X, column])


def threshold_by_length_band(
    scores: NDArray[np.float64],
    y: NDArray[np.int_],
    human: NDArray[np.bool_],
    max_false_positive_rate: float,
    n_words: NDArray[np.int_] | None,
) -> tuple[float, dict[str, dict[str, float]]]:
    """The threshold that keeps at most `max_false_positive_rate` of the `human` rows' scores
    at or above it in every length band with enough of them, and each band's own figures."""
    bands = (
        np.array(["all"] * len(y))
        if n_words is None
        else np.array([length_band(int(n)) for n in n_words])
    )
    by_band: dict[str, dict[str, float]] = {}
    for band in sorted(set(bands[human])):
        inside = human & (bands == band)
        if inside.sum() < MIN_HUMAN_ROWS_PER_BAND:
            continue
        by_band[band] = {
            "human_rows": float(inside.sum()),
            "threshold": threshold_for_false_positive_rate(
                scores[inside], max_false_positive_rate, scores[(y == 1) & (bands == band)]
            ),
        }
    if not by_band:
        by_band["all"] = {
            "human_rows": float(human.sum()),
            "threshold": threshold_for_false_positive_rate(
                scores[human], max_false_positive_rate, scores[y == 1]
            ),
        }
    threshold = max(band["threshold"] for band in by_band.values())
    for band, figures in by_band.items():
        inside = human & ((bands == band) | (band == "all"))
        figures["false_positive_rate"] = float((scores[inside] >= figures["threshold"]).mean())
    return threshold, by_band


def fit_calibrated(
    X: NDArray[np.float64],
    y: NDArray[np.int_],
    groups: Sequence[str],
    kind: ModelKind,
    n_folds: int = CALIBRATION_FOLDS,
    random_state: int = 0,
    sample_weight: NDArray[np.float64] | None = None,
    monotonic: Sequence[int] | None = None,
) -> CalibratedClassifierCV:
    """A classifier calibrated (sigmoid) over group folds: the sigmoid is fitted on
    out-of-fold scores, so no story is calibrated on by a model that saw it; the classifier
    that scores new texts is then fitted on every row. Boosted trees' leaves are sized to the
    rows given (`min_rows_per_leaf`).

    One classifier, not one per fold averaged: a fifth of the trees to evaluate for every
    score and every reason, at the same calibration."""
    folds = _group_folds(y, groups, n_folds)
    calibrated = CalibratedClassifierCV(
        build_classifier(kind, random_state, monotonic, n_rows=len(y)),
        method="sigmoid",
        cv=folds,
        ensemble=False,
    )
    weights = class_balanced_weights(y) if sample_weight is None else sample_weight
    return calibrated.fit(X, y, sample_weight=weights)


def out_of_fold_probabilities(
    X: NDArray[np.float64],
    y: NDArray[np.int_],
    groups: Sequence[str],
    kind: ModelKind,
    random_state: int = 0,
    n_folds: int = 3,
    weights: NDArray[np.float64] | None = None,
    monotonic: Sequence[int] | None = None,
) -> NDArray[np.float64]:
    """Calibrated probabilities for every row from a model that never saw the row's group."""
    probabilities = np.zeros(len(y))
    for train, held_out in _group_folds(y, groups, n_folds):
        model = fit_calibrated(
            X[train],
            y[train],
            [groups[i] for i in train],
            kind,
            n_folds,
            random_state,
            None if weights is None else weights[train],
            monotonic,
        )
        probabilities[held_out] = model.predict_proba(X[held_out])[:, 1]
    return probabilities


def class_balanced_weights(y: NDArray[np.int_]) -> NDArray[np.float64]:
    """Weights that give each class the same total, averaging 1."""
    counts = np.bincount(y, minlength=2).astype(np.float64)
    return np.asarray(len(y) / (2.0 * counts[y]), dtype=np.float64)


def threshold_for_false_positive_rate(
    human_scores: NDArray[np.float64],
    max_rate: float,
    farm_scores: NDArray[np.float64] | None = None,
) -> float:
    """A threshold at which at most `max_rate` of human scores reach it.

    Every threshold between the highest human score that must stay below it and the next
    farm score above that flags the same held-out rows; the midpoint of that gap leaves the
    most room for the final model's scores to shift a little from the out-of-fold ones.
    """
    if human_scores.size == 0:
        raise ValueError("no human (substantive) rows to choose a threshold on")
    ordered = np.sort(human_scores)[::-1]
    allowed = int(np.floor(max_rate * ordered.size))
    if allowed >= ordered.size:
        return 0.0
    highest_kept_below = float(ordered[allowed])
    threshold = float(np.nextafter(highest_kept_below, 1.0))
    if farm_scores is not None:
        above = farm_scores[farm_scores >= threshold]
        if above.size:
            threshold = max(threshold, (highest_kept_below + float(above.min())) / 2.0)
    return min(max(threshold, 0.0), 1.0)


def _check_training_rows(
    X: NDArray[np.float64], y: NDArray[np.int_], groups: Sequence[str]
) -> None:
    if X.shape[0] != len(y) or len(y) != len(groups):
        raise ValueError(
            f"rows disagree: {X.shape[0]} feature rows, {len(y)} labels, {len(groups)} groups"
        )
    counts = np.bincount(y, minlength=2)
    if counts.min() == 0:
        missing = "content_farm" if counts[1] == 0 else "substantive"
        raise ValueError(f"only one class in the labels: add {missing} examples")
    if len(set(groups)) < CALIBRATION_FOLDS:
        raise ValueError(
            f"{len(set(groups))} groups is too few to calibrate over {CALIBRATION_FOLDS} "
            f"group folds; give at least {CALIBRATION_FOLDS} distinct groups (or stories)"
        )


def _group_folds(
    y: NDArray[np.int_], groups: Sequence[str], n_folds: int
) -> list[tuple[NDArray[np.int_], NDArray[np.int_]]]:
    splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=0)
    folds = list(splitter.split(np.zeros(len(y)), y, groups))
    for train, _ in folds:
        if len(np.unique(y[train])) < 2:
            raise ValueError(
                "a calibration fold holds one class only: give each class more distinct groups"
            )
    return folds


# ---- evaluation ---------------------------------------------------------------------------


def recall_at_false_positive_rate(
    y: NDArray[np.int_], scores: NDArray[np.float64], max_rate: float
) -> float:
    """The share of farm rows caught at the best threshold that flags at most `max_rate` of
    human rows."""
    fpr, tpr, _ = roc_curve(y, scores)
    within = fpr <= max_rate
    return float(tpr[within].max()) if within.any() else 0.0


def expected_calibration_error(
    y: NDArray[np.int_], scores: NDArray[np.float64], n_bins: int = CALIBRATION_BINS
) -> float:
    """Mean |observed farm rate - mean score| over equal-width score bins, weighted by size."""
    table = calibration_table(y, scores, n_bins)
    total = sum(row["count"] for row in table)
    return float(
        sum(row["count"] * abs(row["observed_rate"] - row["mean_score"]) for row in table) / total
    )


def calibration_table(
    y: NDArray[np.int_], scores: NDArray[np.float64], n_bins: int = CALIBRATION_BINS
) -> list[dict[str, float]]:
    """Per score bin: its bounds, row count, mean score and observed share of farm rows."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(scores, edges[1:-1]), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        inside = bins == b
        if inside.any():
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "count": int(inside.sum()),
                    "mean_score": float(scores[inside].mean()),
                    "observed_rate": float(y[inside].mean()),
                }
            )
    return rows


def classification_metrics(
    y: NDArray[np.int_], scores: NDArray[np.float64], threshold: float | NDArray[np.float64]
) -> dict[str, float]:
    """ROC-AUC, PR-AUC, recall at 1% false positives, Brier score, calibration error, and the
    confusion counts at `threshold` (one for all rows, or one per row: its band's). Ranking
    metrics are NaN when one class is absent."""
    y = np.asarray(y)
    flagged = scores >= threshold
    both = len(np.unique(y)) == 2
    metrics: dict[str, float] = {
        "n": float(len(y)),
        "n_farm": float((y == 1).sum()),
        "roc_auc": float(roc_auc_score(y, scores)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, scores)) if both else float("nan"),
        "recall_at_1pct_fpr": recall_at_false_positive_rate(y, scores, 0.01)
        if both
        else float("nan"),
        "brier": float(brier_score_loss(y, scores, labels=[0, 1])),
        "ece": expected_calibration_error(y, scores),
        "true_positives": float((flagged & (y == 1)).sum()),
        "false_positives": float((flagged & (y == 0)).sum()),
        "true_negatives": float((~flagged & (y == 0)).sum()),
        "false_negatives": float((~flagged & (y == 1)).sum()),
    }
    humans, farms = (y == 0).sum(), (y == 1).sum()
    metrics["fpr_at_threshold"] = metrics["false_positives"] / humans if humans else float("nan")
    metrics["recall_at_threshold"] = metrics["true_positives"] / farms if farms else float("nan")
    return metrics


def top_reasons(
    contributions: NDArray[np.float64], feature_names: Sequence[str], k: int
) -> list[list[tuple[str, float]]]:
    """Per row, the k features with the largest absolute contribution, largest first."""
    order = np.argsort(-np.abs(contributions), axis=1)[:, :k]
    return [
        [(feature_names[j], float(contributions[i, j])) for j in order[i]]
        for i in range(contributions.shape[0])
    ]


def baseline_pipeline() -> Pipeline:
    """The plain baseline farmscore must beat: TF-IDF word 1-2-grams with logistic regression."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
